/**
 * Bearer tokens per role (SLA_API_TOKENS). A given token is compared with every configured one
 * in constant time, each padded to a common length, so neither which token matched nor how much
 * of it did leaks through timing. The webhook sources' bearer tokens (./sources.ts) are
 * compared the same way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiRole } from '../config';

export interface Authenticated {
  role: ApiRole;
  /** A digest of the token: the rate limiter's key (the secret itself is kept nowhere else). */
  key: string;
}

export const tokenDigest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Which of `digests` the request's bearer token is (-1: none, or no token), and the rate
 * limiter's key of what was sent. Digests have one length and every one is compared, so the
 * time taken says nothing about what matched.
 */
export function matchBearer(
  req: IncomingMessage,
  digests: readonly Buffer[],
): { index: number; key: string } {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return { index: -1, key: '' };
  return matchToken(header.slice('Bearer '.length), digests);
}

/** Which of `digests` the token is (-1: none), compared as matchBearer does. */
export function matchToken(token: string, digests: readonly Buffer[]): { index: number; key: string } {
  const given = tokenDigest(token);
  let index = -1;
  digests.forEach((d, i) => {
    if (timingSafeEqual(given, d) && index < 0) index = i;
  });
  return { index, key: `token:${given.toString('hex')}` };
}

export class Authenticator {
  private readonly tokens: { role: ApiRole; digest: Buffer }[];

  constructor(tokens: readonly { role: ApiRole; token: string }[]) {
    this.tokens = tokens.map((t) => ({ role: t.role, digest: tokenDigest(t.token) }));
  }

  /** The role of the request's bearer token; null when there is none or it is unknown. */
  authenticate(req: IncomingMessage): Authenticated | null {
    const { index, key } = matchBearer(
      req,
      this.tokens.map((t) => t.digest),
    );
    return index < 0 ? null : { role: this.tokens[index]!.role, key };
  }

  /** The role of a token typed rather than sent as a header (the console's sign-in form). */
  authenticateToken(token: string): Authenticated | null {
    const { index, key } = matchToken(
      token,
      this.tokens.map((t) => t.digest),
    );
    return index < 0 ? null : { role: this.tokens[index]!.role, key };
  }
}
