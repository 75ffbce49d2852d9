/**
 * What every API operation answers with: JSON bodies, and one error shape
 *   {"error": {"code", "message", "issues": [{"path": "body.customerId", "message"}]}}
 * whose code a caller can branch on. The engine's typed errors (src/errors.ts) and the ledger's
 * map to 400/404/409/503 here, so that bad input is never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../errors';
import { LedgerConflictError, LedgerInputError, LedgerUnavailableError } from '../ledger';

export const ERROR_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 429 with the seconds to wait: the same answer wherever a rate limit refuses. */
export const rateLimited = (wait: number): ApiError =>
  new ApiError('rate_limited', 'too many requests', [], { 'retry-after': String(wait) });

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(
    res,
    err.status,
    { error: { code: err.code, message: err.message, ...(err.issues.length ? { issues: err.issues } : {}) } },
    err.headers,
  );
}

/** "body" + "customerId" → "body.customerId"; "body" + "[2].email" → "body[2].email". */
export function under(prefix: string, path: string): string {
  if (path === '(root)' || path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/**
 * The engine's and the ledger's typed errors as API errors; anything else is a fault of ours
 * (500). Issues of an operation's input are about the body unless they say otherwise.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InvalidInputError)
    return new ApiError(
      'invalid',
      'invalid input',
      err.issues.map((i) => ({ path: under('body', i.path), message: i.message })),
    );
  if (err instanceof LedgerInputError)
    return new ApiError(
      'invalid',
      'invalid rows, nothing written',
      err.issues.map((i) => ({ path: under(under('body', i.row), i.field), message: i.message })),
    );
  if (err instanceof NotFoundError) return new ApiError('not_found', err.message);
  if (err instanceof ConflictError || err instanceof LedgerConflictError)
    return new ApiError('conflict', err.message);
  if (err instanceof UnavailableError || err instanceof LedgerUnavailableError)
    return new ApiError('unavailable', err.message);
  return new ApiError('internal', 'internal error');
}

/**
 * Reads a JSON body of at most `limit` bytes, as it came (a signature covers these bytes). A
 * declared length over the limit is refused before a byte is read; a body that grows past it
 * is cut off as it arrives.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new ApiError('too_large', `the body is larger than ${limit} bytes`);
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      req.resume();
      return reject(new ApiError('unsupported_media_type', 'expected content-type application/json'));
    }
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= limit) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError('invalid', 'the body is not valid JSON', [{ path: 'body', message: 'not JSON' }]);
  }
}
