// The codec endpoint (C12): Temporal's remote codec protocol for the Web UI and the CLI, rows of
// the API's route table behind the codec's bearer tokens, CORS limited to the configured origins
// (preflight included), a body limit, and the API's one error shape.
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/server';
import { MAX_BODY_BYTES } from '../../src/api/routes/codec';
import { AesGcmCodec } from '../../src/codec';
import { loadConfig } from '../../src/config';
import { loadPolicy } from '../../src/policy';
import { TEST_CODEC_KEYS, testKeys } from '../helpers/codec';
import { noLedger } from '../helpers/ledger';
import { freePort } from '../helpers/ports';

const TOKEN = 'auditor-token-0123456789';
const UI = 'http://127.0.0.1:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('API /codec', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
      SLA_CODEC_TOKEN: `old-token-000000000000,${TOKEN}`,
      SLA_CODEC_CORS_ORIGINS: UI,
    });
    const client = new Client({ connection: Connection.lazy({ address: config.temporalAddress }) });
    const server = createApiServer({ config, policy: loadPolicy({}), client, ledger: noLedger() });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(async () => close());

  const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/codec/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('decodes what the engine encrypted, and encodes so that the engine decrypts', async () => {
    const codec = new AesGcmCodec(testKeys());
    const plain = defaultPayloadConverter.toPayload({ subject: 'Cannot log in' });
    const [encrypted] = await codec.encode([plain]);
    const wire = {
      metadata: Object.fromEntries(
        Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(encrypted!.data!).toString('base64'),
    };
    const res = await post('decode', { payloads: [wire] }, { origin: UI, 'x-namespace': 'default' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    const { payloads } = (await res.json()) as {
      payloads: { metadata: Record<string, string>; data: string }[];
    };
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual({
      subject: 'Cannot log in',
    });

    const encoded = await post('encode', {
      payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"x"') }],
    });
    const back = (
      (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }
    ).payloads[0]!;
    expect(Buffer.from(back.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const [decrypted] = await codec.decode([
      {
        metadata: Object.fromEntries(
          Object.entries(back.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(back.data, 'base64'),
      },
    ]);
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toBe('x');
  });

  it('401 without a token or with a wrong one; a second configured token works (rotation)', async () => {
    const none = await fetch(`${base}/codec/decode`, { method: 'POST', body: '{"payloads":[]}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post('decode', { payloads: [] }, { authorization: 'Bearer wrong-token-00000000000' });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'unauthorized',
    ]);
    // A role token of the API is not a codec token.
    expect((await post('decode', { payloads: [] }, { authorization: 'Bearer auditor-token-x' })).status).toBe(
      401,
    );
    expect(
      (await post('decode', { payloads: [] }, { authorization: 'Bearer old-token-000000000000' })).status,
    ).toBe(200);
  });

  it('CORS: the preflight from the Web UI passes, any other origin is refused', async () => {
    const preflight = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

    const evil = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await post('decode', { payloads: [] }, { origin: 'https://evil.example' });
    expect(evilPost.status).toBe(403);
    expect(await evilPost.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'origin https://evil.example is not allowed (SLA_CODEC_CORS_ORIGINS)',
      },
    });
  });

  it('refuses a body over the limit, bad JSON and bad fields (named), and an unknown key id', async () => {
    const big = await post('decode', JSON.stringify({ payloads: [{ data: 'A'.repeat(MAX_BODY_BYTES) }] }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect((await post('decode', '{not json')).status).toBe(400);
    const bad = await post('decode', { payloads: [{ data: '***' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'invalid',
        message: 'invalid input',
        issues: [{ path: 'body.payloads[0].data', message: 'expected base64' }],
      },
    });
    const unknown = await post('decode', {
      payloads: [
        {
          metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('gone') },
          data: b64('x'.repeat(40)),
        },
      ],
    });
    expect(unknown.status).toBe(422);
    const { error } = (await unknown.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('undecodable');
    expect(error.message).toMatch(/key "gone"/);
  });

  it('is off (503) without SLA_CODEC_TOKEN, and only POST is allowed', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1', SLA_CODEC_KEYS: TEST_CODEC_KEYS });
    const client = new Client({ connection: Connection.lazy({ address: config.temporalAddress }) });
    const server = createApiServer({ config, policy: loadPolicy({}), client, ledger: noLedger() });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codec/decode`;
    try {
      const off = await fetch(url, { method: 'POST', body: '{}' });
      expect([off.status, await off.json()]).toEqual([
        503,
        { error: { code: 'unavailable', message: 'the codec endpoint is off: SLA_CODEC_TOKEN is not set' } },
      ]);
      const get = await fetch(`${base}/codec/decode`);
      expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
