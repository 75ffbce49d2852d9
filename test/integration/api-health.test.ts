// The API's health endpoint: 200 with Temporal reachable (the e2e test of `sla up` shows that),
// 503 when it is not; the status alone to anyone, the details (policy version, Temporal address,
// why unreachable) only to a role token; anonymous callers share one Temporal probe a second,
// a role token's call probes afresh; JSON errors for other paths and methods.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('anonymous calls share one Temporal probe a second; a role token probes afresh', async () => {
    // Counts the probes the API makes through its own client (a spy that calls through: the
    // connection is real, only unreachable).
    const getSystemInfo = vi.spyOn(api.client.workflowService, 'getSystemInfo');
    const anonymous = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${api.base}/health`).then((r) => r.status)),
    );
    expect(new Set(anonymous)).toEqual(new Set([503]));
    expect(getSystemInfo.mock.calls.length).toBeLessThanOrEqual(2);
    const before = getSystemInfo.mock.calls.length;
    const detailed = await fetch(`${api.base}/health`, {
      headers: { authorization: `Bearer ${ROLE_TOKENS.oncall}` },
    });
    expect(detailed.status).toBe(503);
    expect(getSystemInfo.mock.calls.length).toBe(before + 1);
    getSystemInfo.mockRestore();
  });

  it('answers 404 and 405 as JSON', async () => {
    const missing = await fetch(`${api.base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route /nope' } });
    const post = await fetch(`${api.base}/health`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
