// A maintenance window's inputs and messages are bounded (C1, docs/limits.md): a window naming
// more regions than a deployment has is refused at the API, naming body.regions, and nothing
// starts; once the window runs, what its handlers would refuse (a reschedule past the maximum, a
// second `started`) is refused by its validators, so however often it is sent, nothing of it
// reaches the window's history.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS_MAX } from '../../src/model/maintenance-checks';
import { maintenanceWorkflowId } from '../../src/messages/maintenance';
import { RESCHEDULES_MAX } from '../../src/workflows/maintenance';
import { issuePaths, startEngineApi, type TestApi } from '../helpers/api';
import type { Engine } from '../helpers/engine';

describe('maintenance limits through the API (dev server)', () => {
  let e: Engine;
  let api: TestApi;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ e, api, stop } = await startEngineApi());
  });
  afterAll(async () => {
    await stop?.();
  });

  const day = 86_400_000;
  const at = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000).toISOString();
  const regions = (n: number) => Array.from({ length: n }, (_, i) => `region-${i}`);
  const windowOf = (maintenanceId: string, n: number) => ({
    maintenanceId,
    start: at(2 * day),
    end: at(2 * day + 3_600_000),
    regions: regions(n),
    description: 'Storage firmware update.',
  });

  it(`a window with more than ${REGIONS_MAX} regions is refused naming body.regions; nothing starts`, async () => {
    const refused = await api.call(
      'oncall',
      'POST',
      '/v1/maintenance',
      windowOf('M-TOO-WIDE', REGIONS_MAX + 1),
    );
    expect(refused.status).toBe(400);
    expect(issuePaths(refused)).toEqual(['body.regions']);
    await expect(
      e.env.client.workflow.getHandle(maintenanceWorkflowId('M-TOO-WIDE')).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    // At the maximum it is taken.
    expect(
      (await api.call('oncall', 'POST', '/v1/maintenance', windowOf('M-WIDE', REGIONS_MAX))).status,
    ).toBe(201);
  });

  it('refuses a reschedule past the maximum and a second start before anything is written', async () => {
    const m = '/v1/maintenance/M-MOVED';
    expect((await api.call('oncall', 'POST', '/v1/maintenance', windowOf('M-MOVED', 1))).status).toBe(201);
    await e.waitFor(async () => (await api.call('agent', 'GET', m)).status === 200, 'the window');
    const move = (n: number) =>
      api.call('oncall', 'POST', `${m}/reschedule`, {
        requestId: `mv-${n}`,
        start: at(3 * day + n * 60_000),
        end: at(3 * day + n * 60_000 + 3_600_000),
      });
    for (let n = 1; n <= RESCHEDULES_MAX; n++) expect((await move(n)).status).toBe(200);
    const over = await move(RESCHEDULES_MAX + 1);
    expect(over.status).toBe(409);
    expect(over.error?.message).toContain(`at most ${RESCHEDULES_MAX} times`);
    // A retried reschedule still gets its first answer.
    expect((await move(RESCHEDULES_MAX)).status).toBe(200);

    expect((await api.call('oncall', 'POST', `${m}/start`, { requestId: 'st-1' })).status).toBe(200);
    for (let n = 2; n <= 5; n++)
      expect((await api.call('oncall', 'POST', `${m}/start`, { requestId: `st-${n}` })).status).toBe(409);

    const history = await e.env.client.workflow.getHandle(maintenanceWorkflowId('M-MOVED')).fetchHistory();
    const accepted = history.events!.filter((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes);
    // The reschedules and one start: the refused messages left nothing.
    expect(accepted).toHaveLength(RESCHEDULES_MAX + 1);
  });
});
