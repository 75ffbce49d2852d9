// No input stops the API process: hostile request targets and bytes sent over a raw socket each
// get an HTTP answer (or, for bytes that are not HTTP, a 400 and a closed socket) and the server
// answers /health afterwards; a fault in a handler is a 500 naming a correlation id that the
// process log keeps with the error.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger';
import { ROLE_TOKENS } from '../helpers/api';
import { noLedger } from '../helpers/ledger';
import { startOfflineApi, type OfflineApi } from '../helpers/offline-api';

/**
 * Writes the bytes and reads until a whole answer head has come or the server closes the
 * socket; '' when it closed without one. Bytes that are not a whole request are followed by the
 * end of input (a half-close), so the parser meets it rather than waiting for more; a whole
 * request is not, as Node drops a request whose client has half-closed before the answer.
 */
function raw(port: number, bytes: Buffer | string, whole = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      socket.destroy();
      resolve(received);
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    if (whole) socket.write(bytes);
    else socket.end(bytes);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);

/** mulberry32: the same "random" bytes on every run, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_TARGETS = [
  'http://[::1/',
  'http://[::1]:99999/health',
  'http://user:pass@[fe80::1%25eth0]/v1/customers',
  'http://',
  'https://evil.example/v1/customers',
  'http://a%00b/',
  'javascript:alert(1)',
  '*',
  '/%ZZ',
  '/v1/customers/%E0%A4%A',
  '/v1/tickets/%ff%fe/assign',
  '////',
  '/health?%zz=%',
  `/${'a'.repeat(8000)}`,
];

const HOSTILE_BYTES = [
  'GET /health\0 HTTP/1.1\r\n\r\n',
  'GET / HTTP/1.1\r\nX-Nul: a\0b\r\n\r\n',
  `GET / HTTP/1.1\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
  'POST /codec/decode HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
  'POST /v1/customers HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
  'GET / HTTP/9.9\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\n\r\n',
  '\r\n\r\n',
];

describe('API under hostile input', () => {
  let api: OfflineApi;
  beforeAll(async () => {
    api = await startOfflineApi();
  });
  afterAll(async () => api.close());

  it('answers a malformed absolute target with a 400 in the error shape', async () => {
    // Without a Host header Node itself refuses an HTTP/1.1 request (400, empty body).
    expect(statusOf(await raw(api.port, 'GET http://[::1/ HTTP/1.1\r\n\r\n'))).toBe(400);
    const answer = await raw(api.port, 'GET http://[::1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('{"error":{"code":"invalid","message":"malformed request target"}}');
    // Temporal is down in this test; the API is not.
    expect((await fetch(`${api.base}/health`)).status).toBe(503);
  });

  it('answers every hostile target and byte string, then still answers /health', async () => {
    const requests = [
      ...HOSTILE_TARGETS.map((t) => `GET ${t} HTTP/1.1\r\nHost: x\r\n\r\n`),
      ...HOSTILE_TARGETS.map((t) => `POST ${t} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`),
    ];
    const garbage = [...HOSTILE_BYTES];
    const random = seeded(20261203);
    for (let i = 0; i < 200; i++) {
      const blast = Buffer.alloc(1 + Math.floor(random() * 600));
      for (let j = 0; j < blast.length; j++) blast[j] = Math.floor(random() * 256);
      // Half start like a request, so the parser gets past the method before meeting garbage.
      garbage.push(
        Buffer.concat([Buffer.from(i % 2 ? 'GET /' : ''), blast, Buffer.from('\r\n\r\n')]).toString('latin1'),
      );
    }
    // A well-framed request, however odd its target, gets a status line that is no fault of ours
    // (/health's 503 is Temporal's absence); other bytes get one too, or a clean close.
    for (const bytes of [...requests, ...garbage]) {
      const whole = requests.includes(bytes);
      const answer = await raw(api.port, Buffer.from(bytes, 'latin1'), whole);
      if (answer === '' && !whole) continue;
      const status = statusOf(answer);
      expect(status, JSON.stringify(bytes.slice(0, 80))).toBeGreaterThanOrEqual(200);
      expect(status, JSON.stringify(bytes.slice(0, 80))).not.toBe(500);
    }
    expect(api.faults).toEqual([]);
    expect((await fetch(`${api.base}/health`)).status).toBe(503);
  });
});

describe('API faults', () => {
  let api: OfflineApi;
  // A ledger with a bug: its reads throw, synchronously or as a rejection, an error the API does
  // not know (the rest of it is unavailable, as in the health test).
  const broken: Ledger = Object.assign(Object.create(noLedger()) as Ledger, {
    customers: () => {
      throw new TypeError('customers is broken');
    },
    customer: () => Promise.reject(new RangeError('customer is broken')),
  });
  beforeAll(async () => {
    api = await startOfflineApi(broken);
  });
  afterAll(async () => api.close());

  it('answers a handler fault with a 500 whose correlation id the log keeps with the error', async () => {
    const auth = { authorization: `Bearer ${ROLE_TOKENS.finance}` };
    for (const [path, name, message] of [
      ['/v1/customers', 'TypeError', 'customers is broken'],
      ['/v1/customers/acme', 'RangeError', 'customer is broken'],
    ] as const) {
      const res = await fetch(`${api.base}${path}`, { headers: auth });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      const id = /^internal error \(correlation id ([0-9a-f-]{36})\)$/.exec(body.error.message)?.[1];
      expect(body).toEqual({ error: { code: 'internal', message: `internal error (correlation id ${id})` } });
      const fault = api.faults.find((f) => f.correlationId === id);
      expect(fault).toMatchObject({ name, message });
      expect(fault?.stack).toContain(message);
    }
    expect(api.faults).toHaveLength(2);
    expect((await fetch(`${api.base}/health`)).status).toBe(503);
  });
});
