// The worker killed mid-escalation and restarted, on the real dev server in real time: no step
// lost, no page duplicated at the receiver. A drill policy shrinks the clocks to minutes (L1 due
// in 1 coverage minute, coverage around the clock, no holidays) so the drill takes ~2 minutes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy';
import { startEngine, type Engine } from '../helpers/engine';
import { fastPolicy, WARN_THEN_BREACH_STEPS } from '../helpers/fast-policy';
import { newTicket } from '../helpers/tickets';
import { devServerExecutable } from '../../src/temporal-servers';
import { iso } from '../helpers/when';
import { WorkerProcesses } from '../helpers/worker-process';

const temporalCli = () => {
  const exe = devServerExecutable();
  if (exe.type !== 'existing-path') throw new Error('run scripts/provision-servers.sh first');
  return exe.path;
};

const dir = mkdtempSync(join(tmpdir(), 'sla-kill-'));
const drillPolicy = fastPolicy([
  ...WARN_THEN_BREACH_STEPS,
  {
    id: 'l1-breach-manager',
    at: { afterBreachMinutes: 1 },
    audience: 'support-manager',
    channels: ['page'],
    onlyInCoverage: true,
  },
]);
const policyFile = join(dir, 'drill-policy.json');
writeFileSync(policyFile, JSON.stringify(drillPolicy));

describe('the worker killed mid-escalation (dev server, real time)', () => {
  let e: Engine;
  const workers = new WorkerProcesses(() => ({
    ...e.workerEnv,
    SLA_DATA_DIR: dir,
    SLA_POLICY_FILE: policyFile,
  }));

  beforeAll(async () => {
    e = await startEngine({
      server: 'dev',
      inProcessWorker: false,
      policy: parsePolicy(drillPolicy, policyFile),
    });
  });
  afterAll(async () => {
    await workers.stopAll();
    await e?.stop();
  });

  /** A wait after a restart that times out says what Temporal saw: the last events, the pending work. */
  async function explained<T>(ticketId: string, wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (err) {
      const handle = e.env.client.workflow.getHandle(`ticket-${ticketId}`);
      const events = ((await handle.fetchHistory()).events ?? []).slice(-30).map((ev) => {
        const at = new Date(Number(ev.eventTime?.seconds ?? 0) * 1000).toISOString();
        return `${String(ev.eventId)} ${at} ${temporal.api.enums.v1.EventType[ev.eventType ?? 0]}`;
      });
      const { raw } = await handle.describe();
      throw new Error(
        `${(err as Error).message}\nlast events:\n${events.join('\n')}\npending activities: ${JSON.stringify(
          raw.pendingActivities,
        )}\npending workflow task: ${JSON.stringify(raw.pendingWorkflowTask)}`,
      );
    }
  }

  it('loses no step and duplicates no page', async () => {
    // The worker starts while the ticket's clock runs: the first step is 30 s away.
    const starting = workers.start();
    const id = `T-KILLED-${Date.now()}`;
    await e.client.openTicket(newTicket(id, { openedAt: iso(Date.now()) }));
    let worker = await starting;
    const kill = () => workers.kill(worker);
    const status = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket', 30_000);
    // A second ticket answered at once, to tell 'met' from 'breached' in visibility below.
    const answered = `${id}-ANSWERED`;
    await e.client.openTicket(newTicket(answered, { openedAt: iso(Date.now()) }));
    await e.waitFor(() => e.client.ticketStatus(answered), 'the second ticket', 30_000);
    await e.client.recordFirstResponse(answered, { requestId: 'fr', responderId: 'agent.toronto' });
    const leadKey = `ticket-${id}:l1-breach-team-lead:lead.toronto`;
    const managerKey = `ticket-${id}:l1-breach-manager:manager.toronto`;

    // 1. Killed between steps: the warning went out (30 s), the worker dies before the breach (60 s).
    await e.waitFor(
      () => e.smtp.byMessageId(`<ticket-${id}.l1-warn-assignee@sla-engine>`).length === 1,
      'the warning',
      60_000,
    );
    // …and the workflow has recorded it: the send is complete, not merely received.
    await e.waitFor(
      async () => (await e.client.ticketStatus(id)).stepsFired[0]?.deliveries.length === 1,
      'the recorded warning',
      30_000,
    );
    await kill();
    await e.advanceTo(Date.parse(status.due) + 1000); // the breach timer fires with no worker alive
    worker = await workers.start();
    // The timer fired with no worker alive; its task first waits out the dead worker's sticky queue.
    await explained(
      id,
      e.waitFor(() => e.pager.pages(leadKey) === 1, 'the breach page after the restart', 120_000),
    );

    // 2. Killed mid-page: the provider hangs on the manager's page and the worker dies waiting.
    e.pager.hold(1);
    await e.waitFor(() => e.pager.held === 1, "the manager's page in flight", 90_000);
    await kill();
    worker = await workers.start();
    // The lost attempt times out (30 s) and the new worker sends it again, with the same dedup key.
    await explained(
      id,
      e.waitFor(
        async () => (await e.client.ticketStatus(id)).stepsFired[2]?.deliveries.length === 1,
        'the manager step',
        90_000,
      ),
    );

    const after = await e.client.ticketStatus(id);
    expect(after.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual(after.plan.map((p) => [p.id, p.fireAt]));
    expect(after.stepsFired.every((f) => f.deliveries.every((d) => d.ok))).toBe(true);
    expect(
      e.pager.events.filter((ev) => ev.dedup_key === managerKey && ev.event_action === 'trigger'),
    ).toHaveLength(2);
    // Each step paged once: the retried trigger folded into the incident it had opened.
    expect(e.pager.pages(leadKey)).toBe(1);
    expect(e.pager.pages(managerKey)).toBe(1);
    for (const step of ['l1-warn-assignee', 'l1-breach-team-lead']) {
      expect(e.smtp.byMessageId(`<ticket-${id}.${step}@sla-engine>`)).toHaveLength(1);
    }

    // On-call asks the Temporal CLI for breached tickets: the search attributes are current.
    const list = (query: string) =>
      spawnSync(
        temporalCli(),
        ['workflow', 'list', '--address', e.env.address, '--query', query, '--output', 'json'],
        { encoding: 'utf8' },
      );
    const breached = await e.waitFor(
      () => {
        const ids = (
          JSON.parse(list(`SlaState = 'breached' AND SlaCustomer = 'initech'`).stdout || '[]') as {
            execution: { workflowId: string };
          }[]
        ).map((w) => w.execution.workflowId);
        return ids.includes(`ticket-${id}`) ? ids : undefined;
      },
      'visibility of the breach',
      30_000,
    );
    expect(breached).not.toContain(`ticket-${answered}`);
    const met = JSON.parse(list(`SlaState = 'met' AND SlaLevel = 'L1'`).stdout || '[]') as {
      execution: { workflowId: string };
    }[];
    expect(met.map((w) => w.execution.workflowId)).toContain(`ticket-${answered}`);
  }, 300_000);
});
