// The API's health endpoint: 200 with Temporal reachable (the e2e test of `sla up` shows that),
// 503 naming the address when it is not, and JSON errors for other paths and methods.
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { loadPolicy } from '../../src/policy';
import { TEST_CODEC_KEYS } from '../helpers/codec';
import { noLedger } from '../helpers/ledger';
import { freePort } from '../helpers/ports';

describe('API /health without Temporal', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const deadPort = await freePort();
    const config = loadConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    });
    const connection = Connection.lazy({ address: config.temporalAddress, connectTimeout: '1s' });
    const server = createApiServer({
      config,
      policy: loadPolicy({}),
      client: new Client({ connection }),
      ledger: noLedger(),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(async () => close());

  it('answers 503 and says Temporal is unreachable', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', temporal: { reachable: false } });
  });

  it('answers 404 and 405 as JSON', async () => {
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route /nope' } });
    const post = await fetch(`${base}/health`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
