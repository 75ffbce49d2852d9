// Three worker processes on one task queue, a herd of tickets breaching at one instant, and one
// worker killed with SIGKILL in the middle of the herd's pages, in real time on the cluster tier's
// Temporal cluster on PostgreSQL (vitest.config.ts CLUSTER_ONLY_FILES): every ticket's breach step
// still fires (C6–C8), each page reaches people once (its dedup key), and each resolution is one
// ledger row.
// A drill policy (test/helpers/fast-policy.ts) makes every ticket breach one minute after it opens.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy';
import { startEngine, type Engine } from '../helpers/engine';
import { fastPolicy } from '../helpers/fast-policy';
import { newTicket } from '../helpers/tickets';
import { WorkerProcesses } from '../helpers/worker-process';

/** Enough to keep three workers busy for seconds at the breach, small enough for a CI stage. */
const HERD = 120;
const STEP = 'l1-breach-team-lead';
/** The herd's page at which one worker dies: a quarter of the way through. */
const KILL_AT_PAGE = HERD / 4;

const dir = mkdtempSync(join(tmpdir(), 'sla-scale-out-'));
// Only the breach step (an email and a page to the team lead): the herd is the breach itself.
const drillPolicy = fastPolicy([
  {
    id: STEP,
    at: { afterBreachMinutes: 0 },
    audience: 'team-lead',
    channels: ['email', 'page'],
    onlyInCoverage: true,
  },
]);
const policyFile = join(dir, 'drill-policy.json');
writeFileSync(policyFile, JSON.stringify(drillPolicy));

/** Per worker pid (the SDK's default identity is pid@host): workflow tasks completed, activities run. */
function workByPid(
  events: temporal.api.history.v1.IHistoryEvent[],
  into: Map<string, { tasks: number; activities: number }>,
) {
  const of = (identity: string) => {
    const pid = identity.split('@')[0]!;
    const counts = into.get(pid) ?? { tasks: 0, activities: 0 };
    into.set(pid, counts);
    return counts;
  };
  for (const ev of events) {
    const task = ev.workflowTaskCompletedEventAttributes?.identity;
    if (task) of(task).tasks++;
    const activity = ev.activityTaskStartedEventAttributes?.identity;
    if (activity) of(activity).activities++;
  }
}

describe('three workers on one task queue, one killed in the middle of a breach herd (real time)', () => {
  let e: Engine;
  let started: ChildProcess[] = [];
  const workers = new WorkerProcesses(() => ({
    ...e.workerEnv,
    SLA_DATA_DIR: dir,
    SLA_POLICY_FILE: policyFile,
  }));

  beforeAll(async () => {
    e = await startEngine({
      server: 'dev',
      inProcessWorker: false,
      ledger: 'postgres',
      policy: parsePolicy(drillPolicy, policyFile),
    });
    started = await Promise.all([workers.start(), workers.start(), workers.start()]);
  }, 240_000);
  afterAll(async () => {
    await workers.stopAll();
    await e?.stop();
  });

  it('shares the work, loses no step, pages each key once and writes each ledger row once', async () => {
    const run = Date.now();
    const ids = Array.from({ length: HERD }, (_, i) => `T-HERD-${run}-${i}`);
    const leadKey = (id: string) => `ticket-${id}:${STEP}:lead.toronto`;
    // Every ticket open before the breach: opening runs at 10–60/s on this shared machine.
    const breachAt = Date.now() + 10_000 + HERD * 100;
    const openedAt = new Date(breachAt - 60_000).toISOString();

    // The kill happens as the receiver takes the herd's KILL_AT_PAGE-th page, before it answers.
    const victim = started[0]!;
    let killed: Promise<void> | undefined;
    let pagesAtKill = 0;
    const receive = e.pager.events.push.bind(e.pager.events);
    e.pager.events.push = (...events) => {
      const length = receive(...events);
      if (!killed && e.pager.triggers().length >= KILL_AT_PAGE) {
        pagesAtKill = e.pager.incidents.size;
        killed = workers.kill(victim);
      }
      return length;
    };

    for (let i = 0; i < HERD; i += 20)
      await Promise.all(ids.slice(i, i + 20).map((id) => e.client.openTicket(newTicket(id, { openedAt }))));
    expect(Date.now(), 'every ticket opened before the breach').toBeLessThan(breachAt);

    // Each ticket paged once, the killed worker's lost tasks and activities taken over by the others
    // (its sticky workflows after their schedule-to-start timeout, its activities after 30 s).
    await e.waitFor(() => ids.every((id) => e.pager.pages(leadKey(id)) === 1), 'every breach page', 180_000);
    await killed;
    expect(victim.signalCode).toBe('SIGKILL');
    // The kill fell in the middle of the herd: some tickets paged before it, most after.
    expect(pagesAtKill).toBeGreaterThan(0);
    expect(pagesAtKill).toBeLessThan(HERD);

    const statuses = await e.waitFor(
      async () => {
        const all = await Promise.all(ids.map((id) => e.client.ticketStatus(id)));
        return all.every((s) => s.stepsFired.length === 1 && s.stepsFired[0]!.deliveries.length === 2)
          ? all
          : undefined;
      },
      'every breach step recorded',
      60_000,
    );
    for (const s of statuses) {
      expect(s.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual(s.plan.map((p) => [p.id, p.fireAt]));
      expect(s.stepsFired[0]!.deliveries.every((d) => d.ok)).toBe(true);
    }
    // A trigger re-sent by a retried activity folds into the incident its dedup key opened.
    for (const id of ids) expect(e.pager.pages(leadKey(id)), id).toBe(1);
    expect(e.pager.incidents.size).toBe(HERD);

    // Resolved: one ticket_outcomes row per (ticket, resolution), none missing, none twice.
    for (let i = 0; i < HERD; i += 20)
      await Promise.all(
        ids
          .slice(i, i + 20)
          .map((id) => e.client.resolve(id, { requestId: `resolve-${id}`, responderId: 'agent.toronto' })),
      );
    const ours = new Set(ids);
    const rows = await e.waitFor(
      async () => {
        const r = (await e.outcomes.ticketOutcomes()).filter((o) => ours.has(o.ticketId));
        return r.length >= HERD ? r : undefined;
      },
      'every outcome in the ledger',
      60_000,
    );
    expect(rows.map((o) => `${o.ticketId}#${o.resolution}`).sort()).toEqual(
      ids.map((id) => `${id}#1`).sort(),
    );
    expect(rows.every((o) => o.stepsFired.includes(STEP))).toBe(true);

    // The three workers shared the work: each completed workflow tasks, and the two left ran
    // activities. (An activity's started event is written when it ends, naming the worker that
    // ended it: the killed worker's activities in flight count for the one that retried them.)
    const work = new Map<string, { tasks: number; activities: number }>();
    for (const id of ids)
      workByPid((await e.env.client.workflow.getHandle(`ticket-${id}`).fetchHistory()).events ?? [], work);
    console.log(
      `scale-out: ${HERD} tickets, worker ${victim.pid} killed at page ${pagesAtKill}; ` +
        `${e.pager.triggers().length - HERD} trigger(s) re-sent and folded; work by pid ${JSON.stringify(Object.fromEntries(work))}`,
    );
    for (const worker of started) {
      expect(work.get(String(worker.pid))?.tasks, `workflow tasks of worker ${worker.pid}`).toBeGreaterThan(
        0,
      );
      if (worker !== victim)
        expect(
          work.get(String(worker.pid))?.activities,
          `activities of worker ${worker.pid}`,
        ).toBeGreaterThan(0);
    }
  }, 420_000);
});
