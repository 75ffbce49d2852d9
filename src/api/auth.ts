/**
 * Bearer tokens per role (SLA_API_TOKENS). A given token is compared with every configured one
 * in constant time, each padded to a common length, so neither which token matched nor how much
 * of it did leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiRole } from '../config';

export interface Authenticated {
  role: ApiRole;
  /** A digest of the token: the rate limiter's key (the secret itself is kept nowhere else). */
  key: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class Authenticator {
  private readonly tokens: { role: ApiRole; digest: Buffer }[];

  constructor(tokens: readonly { role: ApiRole; token: string }[]) {
    this.tokens = tokens.map((t) => ({ role: t.role, digest: digest(t.token) }));
  }

  /** The role of the request's bearer token; null when there is none or it is unknown. */
  authenticate(req: IncomingMessage): Authenticated | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return null;
    // Digests have one length: every comparison takes the same time whatever was sent.
    const given = digest(header.slice('Bearer '.length));
    let found: ApiRole | null = null;
    for (const t of this.tokens) if (timingSafeEqual(given, t.digest) && !found) found = t.role;
    return found ? { role: found, key: `token:${given.toString('hex')}` } : null;
  }
}
