/**
 * The one error family. Every error the engine means a caller to branch on is an SlaError with a
 * code from ERROR_CODES, and that code alone decides the HTTP status the API answers with and the
 * exit code of `sla` (docs/errors.md is generated from the table). Issues name the field at fault
 * as a path ("requester.email", "[3].customerId"); the API puts them under "body.", "query.", ….
 * This module imports nothing of the engine's, so that any layer can throw these.
 */
import type { z } from 'zod';

/** Each code: its HTTP status, its CLI exit code, and what it means (one line). */
export const ERROR_CODES = {
  invalid: {
    status: 400,
    exit: 2,
    meaning: 'the input is invalid; each issue names a field; nothing was done',
  },
  unauthorized: {
    status: 401,
    exit: 1,
    meaning: 'no valid credential (bearer token or signature) was given',
  },
  forbidden: { status: 403, exit: 1, meaning: 'the credential may not do this (role, source or origin)' },
  not_found: { status: 404, exit: 3, meaning: 'nothing by that id or path exists' },
  method_not_allowed: { status: 405, exit: 2, meaning: 'the path exists but not with that method' },
  conflict: {
    status: 409,
    exit: 1,
    meaning:
      "the request contradicts what is recorded (a ledger row, a workflow's state); nothing was changed",
  },
  too_large: { status: 413, exit: 2, meaning: 'the body is larger than the route accepts' },
  unsupported_media_type: { status: 415, exit: 2, meaning: 'the body is not application/json' },
  undecodable: {
    status: 422,
    exit: 1,
    meaning: 'a payload does not decrypt (unknown key id, truncated or tampered with)',
  },
  rate_limited: { status: 429, exit: 4, meaning: 'too many requests; retry after the seconds it says' },
  internal: {
    status: 500,
    exit: 1,
    meaning: 'a fault of the engine; the log has it under the correlation id',
  },
  misconfigured: {
    status: 500,
    exit: 2,
    meaning: 'a setting, the policy, the roster or the key ring is invalid; fix it and start again',
  },
  unavailable: {
    status: 503,
    exit: 4,
    meaning: 'Temporal, the ledger or a switched-off endpoint is unavailable; retry later',
  },
} as const satisfies Record<string, { status: number; exit: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One thing wrong with an input: where ("body.requester.email") and what. */
export interface Issue {
  path: string;
  message: string;
}

export class SlaError extends Error {
  override name = 'SlaError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }

  /** The one line an API answer's `message` carries; `message` may add the issues for a reader. */
  get summary(): string {
    return this.message;
  }
}

/** A zod path as "a.b[2].c". */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/** Formats zod issues as "a.b[2].c: message" lines, the shape every input error in the engine uses. */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path) || '(root)', message: issue.message }));
}

/** "body" + "customerId" → "body.customerId"; "body" + "[2].email" → "body[2].email". */
export function under(prefix: string, path: string): string {
  if (path === '(root)' || path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Each issue's path put under `prefix` (where the input came from). */
export const issuesUnder = (prefix: string, issues: readonly Issue[]): Issue[] =>
  issues.map((i) => ({ path: under(prefix, i.path), message: i.message }));

const joined = (issues: readonly Issue[]) => issues.map((i) => `${i.path}: ${i.message}`).join('; ');

export class InvalidInputError extends SlaError {
  override name = 'InvalidInputError';
  constructor(issues: Issue[]) {
    super('invalid', joined(issues), issues);
  }
  override get summary(): string {
    return 'invalid input';
  }
  static fromZod(error: z.ZodError): InvalidInputError {
    return new InvalidInputError(issuesOf(error));
  }
}

export class NotFoundError extends SlaError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends SlaError {
  override name = 'ConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}

export class UnavailableError extends SlaError {
  override name = 'UnavailableError';
  constructor(message: string) {
    super('unavailable', message);
  }
}

/** The code of any error: an SlaError's own, `internal` for anything else. */
export const codeOf = (err: unknown): ErrorCode => (err instanceof SlaError ? err.code : 'internal');

/** The code table of docs/errors.md, generated here so that the doc cannot drift from it. */
export function errorCodesMarkdown(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { status, exit, meaning }]) => `| \`${code}\` | ${status} | ${exit} | ${meaning} |`,
  );
  return ['| code | HTTP status | `sla` exit code | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
