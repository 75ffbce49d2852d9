/**
 * What every API answer is made of: JSON bodies, and one error shape
 *   {"error": {"code", "message", "issues": [{"path": "body.customerId", "message"}]}}
 * whose code a caller can branch on. The error is an SlaError (src/errors.ts) and its code alone
 * gives the status (ERROR_CODES), so that bad input is never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, issuesUnder, SlaError, type Issue } from '../errors';

/** Headers an error's answer carries beside its body (allow, retry-after, www-authenticate). */
export type Headers = Record<string, string>;

/** An error the API answers with, and the headers that answer needs. */
export interface Refusal {
  error: SlaError;
  headers?: Headers;
}

/** 429 with the seconds to wait: the same answer wherever a rate limit refuses. */
export const rateLimited = (wait: number): Refusal => ({
  error: new SlaError('rate_limited', 'too many requests'),
  headers: { 'retry-after': String(wait) },
});

/** 405 naming the methods the path has. */
export const methodNotAllowed = (methods: readonly string[]): Refusal => ({
  error: new SlaError('method_not_allowed', `use ${methods.join(', ')}`),
  headers: { allow: methods.join(', ') },
});

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // Customers' data and decrypted payloads: no cache keeps them.
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The one error shape of every API answer. */
export function errorBody({ code, summary: message, issues }: SlaError) {
  return { error: { code, message, ...(issues.length ? { issues } : {}) } };
}

export function sendError(res: ServerResponse, { error, headers }: Refusal): void {
  sendJson(res, ERROR_CODES[error.code].status, errorBody(error), headers);
}

/**
 * An operation's own error as the API answers it: its issues are about the body unless they say
 * otherwise (the dispatcher names path and query issues itself).
 */
export function inBody(err: unknown): unknown {
  if (!(err instanceof SlaError) || !err.issues.length) return err;
  const rooted = (i: Issue) => /^(params|query|body)([.[]|$)/.test(i.path);
  return new SlaError(
    err.code,
    err.summary,
    err.issues.flatMap((i) => (rooted(i) ? [i] : issuesUnder('body', [i]))),
  );
}

/**
 * Reads a JSON body of at most `limit` bytes, as it came (a signature covers these bytes). A
 * declared length over the limit is refused before a byte is read; a body that grows past it
 * is cut off as it arrives.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new SlaError('too_large', `the body is larger than ${limit} bytes`);
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      req.resume();
      return reject(new SlaError('unsupported_media_type', 'expected content-type application/json'));
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
    throw new SlaError('invalid', 'the body is not valid JSON', [{ path: 'body', message: 'not JSON' }]);
  }
}

/**
 * The request's target as a URL, or undefined once a 400 is sent: e.g. "http://[::1/" is not a
 * URL at all, so there is no route to look for. Every listener of the process starts here.
 */
export function requestUrl(req: IncomingMessage, res: ServerResponse): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    req.resume();
    sendError(res, { error: new SlaError('invalid', 'malformed request target') });
    return undefined;
  }
}
