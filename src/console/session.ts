/**
 * Console sessions, kept in the API process's memory: a sign-in exchanges a role token for a
 * random session id (the cookie) that names the role, a per-session CSRF token and an expiry.
 * Memory rather than a signed cookie: nothing to configure (no server secret to provision and
 * rotate), sign-out really ends the session, and a restart signs everyone out — the only cost.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiRole } from '../config';

export const SESSION_COOKIE = 'sla_console';
/** The CSRF token of the sign-in form, before there is a session to hold one. */
export const SIGNIN_COOKIE = 'sla_console_signin';
export const SESSION_HOURS = 8;

export interface Session {
  id: string;
  role: ApiRole;
  /** The rate limiter's key of the token signed in with (its digest, never the token). */
  key: string;
  csrf: string;
  expiresAt: number;
}

export const newSecret = (): string => randomBytes(32).toString('base64url');

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs = SESSION_HOURS * 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  create(role: ApiRole, key: string): Session {
    this.sweep();
    const session = { id: newSecret(), role, key, csrf: newSecret(), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The request's live session, or null (none, unknown, expired). */
  of(req: IncomingMessage): Session | null {
    const id = cookies(req)[SESSION_COOKIE];
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt > this.now()) return session;
    this.sessions.delete(session.id);
    return null;
  }

  end(session: Session): void {
    this.sessions.delete(session.id);
  }

  /** Expired sessions are forgotten, so sign-ins never signed out do not grow the map. */
  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

export function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** A console cookie: script cannot read it, no other site sends it, only /console gets it. */
export const cookie = (name: string, value: string, maxAgeSeconds: number): string =>
  `${name}=${value}; HttpOnly; SameSite=Strict; Path=/console; Max-Age=${maxAgeSeconds}`;
