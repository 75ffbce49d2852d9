/**
 * The codec server (Temporal's remote codec protocol) so that the Temporal Web UI and
 * `temporal … --codec-endpoint http://<api>/codec --codec-auth "Bearer <token>"` show decrypted
 * payloads to authorised users: POST /codec/decode and /codec/encode with
 * `{ "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }`.
 * Bearer tokens from SLA_CODEC_TOKEN (unset: the endpoint is off, 503); browsers only from the
 * origins in SLA_CODEC_CORS_ORIGINS (preflight included); bodies up to 4 MiB. Payload contents are
 * never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

export const CODEC_PREFIX = '/codec/';
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** Accepted bearer tokens; undefined turns the endpoint off. */
  tokens: string[] | undefined;
  /** Exact origins (scheme://host:port) a browser may call from. */
  origins: string[];
}

const Base64 = z.base64('expected base64');
const Body = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), Base64).default({}), data: Base64.default('') }))
    .max(10_000),
});
type WirePayload = z.infer<typeof Body>['payloads'][number];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES)
      return reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume(); // drain without keeping it
        reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

const toPayload = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

function authorised(header: string | undefined, tokens: string[]): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  // Constant time per token, and every token compared: no timing hint of which prefix matched.
  return tokens
    .map((t) => Buffer.from(t))
    .reduce((ok, t) => (t.length === given.length && timingSafeEqual(t, given)) || ok, false);
}

/** Handles /codec/* and returns true, or returns false for the server's other routes. */
export function codecRoutes(options: CodecRouteOptions) {
  return (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    if (!path.startsWith(CODEC_PREFIX)) return false;
    const origin = req.headers.origin;
    const cors: Record<string, string> = {};
    if (origin !== undefined) {
      if (!options.origins.includes(origin)) {
        send(res, 403, { error: `origin ${origin} is not allowed (SLA_CODEC_CORS_ORIGINS)` });
        return true;
      }
      Object.assign(cors, {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      });
    }
    const action = path.slice(CODEC_PREFIX.length);
    if (action !== 'encode' && action !== 'decode') {
      send(res, 404, { error: 'not found', path }, cors);
      return true;
    }
    if (req.method === 'OPTIONS') {
      // The preflight carries no credentials; the origin check above is its authorisation.
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-namespace',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (req.method !== 'POST') {
      send(res, 405, { error: 'method not allowed', allowed: ['POST'] }, { ...cors, allow: 'POST, OPTIONS' });
      return true;
    }
    if (!options.tokens) {
      send(res, 503, { error: 'the codec endpoint is off: set SLA_CODEC_TOKEN' }, cors);
      return true;
    }
    if (!req.headers.authorization) {
      send(res, 401, { error: 'a bearer token is required' }, { ...cors, 'www-authenticate': 'Bearer' });
      return true;
    }
    if (!authorised(req.headers.authorization, options.tokens)) {
      send(res, 403, { error: 'this token may not use the codec' }, cors);
      return true;
    }
    void handle(action, req, res, options.codec, cors);
    return true;
  };
}

async function handle(
  action: 'encode' | 'decode',
  req: IncomingMessage,
  res: ServerResponse,
  codec: PayloadCodec,
  cors: Record<string, string>,
): Promise<void> {
  try {
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'the body is not JSON');
    }
    const parsed = Body.safeParse(json);
    if (!parsed.success) {
      throw new HttpError(
        400,
        parsed.error.issues
          .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
          .join('; '),
      );
    }
    const payloads = parsed.data.payloads.map(toPayload);
    let out: Payload[];
    try {
      out = action === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch (err) {
      throw new HttpError(422, (err as Error).message); // an unknown key id or a corrupt payload
    }
    send(res, 200, { payloads: out.map(toWire) }, cors);
  } catch (err) {
    if (err instanceof HttpError) {
      send(
        res,
        err.status,
        { error: err.message },
        { ...cors, ...(err.status === 413 ? { connection: 'close' } : {}) },
      );
    } else send(res, 500, { error: 'codec failure' }, cors);
  }
}
