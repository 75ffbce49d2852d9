// The API's health endpoint: 200 with Temporal reachable (the e2e test of `sla up` shows that),
// 503 when it is not; the status alone to anyone, the details (policy version, Temporal address,
// why unreachable) only to a role token; JSON errors for other paths and methods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy';
import { ROLE_TOKENS } from '../helpers/api';
import { startOfflineApi, type OfflineApi } from '../helpers/offline-api';

describe('API /health without Temporal', () => {
  let api: OfflineApi;
  beforeAll(async () => {
    api = await startOfflineApi();
  });
  afterAll(async () => api.close());

  it('answers 503 with the status alone to a caller without a role token', async () => {
    const anonymous: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token-of-ours' }];
    for (const headers of anonymous) {
      const res = await fetch(`${api.base}/health`, { headers });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable' });
    }
  });

  it('tells a role token why: the policy version, the address and the error', async () => {
    const res = await fetch(`${api.base}/health`, {
      headers: { authorization: `Bearer ${ROLE_TOKENS.agent}` },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      policyVersion: loadPolicy({}).version,
      temporal: {
        address: api.temporalAddress,
        namespace: 'default',
        reachable: false,
        error: expect.any(String) as unknown,
      },
    });
  });

  it('answers 404 and 405 as JSON', async () => {
    const missing = await fetch(`${api.base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route /nope' } });
    const post = await fetch(`${api.base}/health`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
