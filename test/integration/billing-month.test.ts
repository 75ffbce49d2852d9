// The billing month on the real dev server (I14): the Schedule ensured idempotently and
// triggered, closing the month just ended exactly once (asserted in SQL) even when triggered
// again (the second trigger's close always runs, and writes nothing); `sla credits run`
// re-running it writes nothing; and the worker killed mid-month-close
// and restarted → exactly one entry per customer and month, on PGlite and on PostgreSQL; and
// `sla audit timeline` reading both back from Temporal's history alone (C14). Their runs are
// dev-server golden histories (`npm run histories:dev`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { outboxMailer } from '../../src/activities/email';
import { BILLING_SCHEDULE_ID, ensureBillingSchedule } from '../../src/billing-schedule';
import { ledgerDirectory } from '../../src/customers/directory';
import { openLedger, type SqlLedger } from '../../src/ledger';
import { loadPolicy, parsePolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import {
  billingMonthWorkflowId,
  billingProgressQuery,
  type BillingProgress,
  type BillingScheduleResult,
} from '../../src/messages/billing';
import { billingMonthWorkflow } from '../../src/workflows/billing-month';
import type { Timeline } from '../../src/audit';
import type { CustomerMonth } from '../../src/audit/billing-timeline';
import { outageRecord } from '../helpers/billing';
import { slaFromSource } from '../helpers/cli';
import { WORKFLOWS } from '../helpers/engine';
import { saveHistory, saveHistoryChain, writingHistories } from '../helpers/histories';
import { createTestLedger, SINCE, testCustomer, type LedgerKind, type TestLedger } from '../helpers/ledger';
import { TEST_CODEC_KEYS, testDataConverter } from '../helpers/codec';
import { serverSettings, startDevServer, workflowBundle } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { WorkerProcesses } from '../helpers/worker-process';

const ZONE = 'America/Toronto';
const dir = mkdtempSync(join(tmpdir(), 'sla-billing-it-'));
// No grace: a trigger today closes last month at once, whatever day of the month the test runs.
const policyFile = join(dir, 'policy.json');
const noGrace = { ...loadPolicy({}).policy, month: { timeZone: ZONE, closeGraceHours: 0 } };
writeFileSync(policyFile, JSON.stringify(noGrace));
const policy = parsePolicy(noGrace, policyFile);

/** Entries per customer and closes of a month, straight from SQL. */
async function counts(ledger: SqlLedger, month: string) {
  const [row] = await ledger.driver.query<{
    customers: unknown;
    entries: unknown;
    most: unknown;
    closes: unknown;
  }>(
    `SELECT count(DISTINCT customer_id) AS customers, count(*) AS entries,
            COALESCE(max(n), 0) AS most, (SELECT count(*) FROM month_closes WHERE month = $1) AS closes
     FROM (SELECT customer_id, count(*) OVER (PARTITION BY customer_id) AS n FROM credit_entries WHERE month = $1) e`,
    [month],
  );
  return {
    customers: Number(row!.customers),
    entries: Number(row!.entries),
    most: Number(row!.most),
    closes: Number(row!.closes),
  };
}

/** `sla audit timeline <id> --json` from source, against this dev server, with the test keys. */
async function auditTimeline(workflowId: string, runId?: string): Promise<Timeline> {
  const r = await slaFromSource(
    ['audit', 'timeline', workflowId, ...(runId ? ['--run-id', runId] : []), '--json'],
    { ...serverSettings(env), SLA_CODEC_KEYS: TEST_CODEC_KEYS },
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Timeline;
}

/** A workflow id's runs from visibility, newest first. */
async function runIdsOf(workflowId: string): Promise<string[]> {
  const runIds: string[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runIds.push(w.runId);
  return runIds;
}

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  // Encrypted like production: the worker processes below carry the same test keys.
  env = await startDevServer(testDataConverter());
});
afterAll(async () => {
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the billing Schedule (dev server)', () => {
  const taskQueue = 'billing-schedule';
  const lastMonth = DateTime.now().setZone(ZONE).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
  let ledger: TestLedger;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    ledger = await createTestLedger('pglite');
    await ledger.importCustomers(
      Array.from({ length: 30 }, (_, i) => testCustomer(`s-${i}`)),
      { effectiveAt: SINCE },
    );
    const start = DateTime.fromFormat(`${lastMonth}-10 12:00`, 'yyyy-MM-dd HH:mm', { zone: ZONE });
    await ledger.recordOutage(outageRecord('o-sched', start.toUTC().toISO()!, 60, ['ca-central']));
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(WORKFLOWS),
      activities: createActivities({
        policy: () => policy,
        roster: () => loadRoster(undefined),
        customers: ledgerDirectory(ledger),
        mailer: outboxMailer(join(dir, 'outbox')),
        emailFrom: 'SLA engine <sla-engine@test.example>',
        paging: { send: () => Promise.resolve() },
        ledger,
        temporal: env.client,
      }),
      dataConverter: testDataConverter(),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await ledger?.cleanup();
  });

  it('is created once and updated after: 00:00 on the 1st in the month zone', async () => {
    const options = { taskQueue, zone: ZONE };
    expect(await ensureBillingSchedule(env.client, options)).toBe('created');
    expect(await ensureBillingSchedule(env.client, options)).toBe('updated');
    const description = await env.client.schedule.getHandle(BILLING_SCHEDULE_ID).describe();
    expect(description.spec.timezone).toBe(ZONE);
    expect(description.spec.calendars?.[0]).toMatchObject({
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      hour: [{ start: 0, end: 0, step: 1 }],
    });
    expect(description.action).toMatchObject({ workflowType: 'billingScheduleWorkflow', taskQueue });
  });

  it('triggered twice, closes the month just ended once: the second close runs and writes nothing', async () => {
    const handle = env.client.schedule.getHandle(BILLING_SCHEDULE_ID);
    // Each run is read by its run id: Temporal names a triggered run after the second of the
    // trigger (billing-schedule-<RFC 3339 second>), so two triggers within one second are two runs
    // of one workflow id, and a result read by workflow id alone is the later run's, for both.
    const completedRuns = (n: number) =>
      waitFor(
        async () => {
          const runs: { workflowId: string; runId: string; result: BillingScheduleResult }[] = [];
          for await (const w of env.client.workflow.list({
            query: `WorkflowType = 'billingScheduleWorkflow'`,
          })) {
            if (w.status.name !== 'COMPLETED') return null;
            const result = (await env.client.workflow
              .getHandle(w.workflowId, w.runId)
              .result()) as BillingScheduleResult;
            runs.push({ workflowId: w.workflowId, runId: w.runId, result });
          }
          return runs.length === n ? runs : null;
        },
        `${n} completed scheduled run(s)`,
        60_000,
      );

    await handle.trigger();
    // Completed before the second trigger, so that one landing in the same second starts a new run
    // of that id rather than meeting a running one.
    const [first] = await completedRuns(1);
    expect(first!.result).toMatchObject({
      month: lastMonth,
      started: true,
      progress: { phase: 'closed', done: 30, written: 30, monthClose: 'written' },
    });
    await handle.trigger();
    // I14: the Schedule's close always runs (a manual one may have closed the month early); a
    // re-run of a complete close finds every figure credited and writes nothing.
    const second = (await completedRuns(2)).find((r) => r.runId !== first!.runId);
    expect(second?.result).toMatchObject({
      month: lastMonth,
      started: true,
      progress: { phase: 'closed', done: 30, written: 0, alreadyClosed: true, monthClose: 'exists' },
    });

    // Two runs of the month's workflow, one entry per customer and one close in SQL.
    const monthRuns = await runIdsOf(billingMonthWorkflowId(lastMonth));
    expect(monthRuns).toHaveLength(2);
    expect(await counts(ledger, lastMonth)).toEqual({ customers: 30, entries: 30, most: 1, closes: 1 });
    const [entry] = await ledger.creditEntries({ month: lastMonth, customerId: 's-0' });
    expect(entry).toMatchObject({ workflowId: billingMonthWorkflowId(lastMonth), creditPercent: 50 }); // 60 min of a 30/31-day month

    // Dev-server golden histories (`npm run histories:dev`): the trigger that started the close,
    // the one that closed it again, and the month the Schedule closed (its first run; listed
    // newest first).
    await saveHistory(
      env.client,
      first!.workflowId,
      'billingScheduleWorkflow-dev-trigger-closes',
      first!.runId,
    );
    await saveHistory(
      env.client,
      second!.workflowId,
      'billingScheduleWorkflow-dev-trigger-again-writes-nothing',
      second!.runId,
    );
    await saveHistoryChain(
      env.client,
      billingMonthWorkflowId(lastMonth),
      monthRuns[1]!,
      'billingMonthWorkflow-dev-scheduled-30-customers',
    );
  });

  it('`sla audit timeline` reads the trigger and the month back from history alone', async () => {
    // By run id: two triggers in one second are two runs of one workflow id (see above).
    const triggers: [string, string][] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowType = 'billingScheduleWorkflow'` }))
      triggers.push([w.workflowId, w.runId]);
    const timelines = await Promise.all(triggers.map(([id, runId]) => auditTimeline(id, runId)));
    expect(timelines.map((t) => t.facts.started)).toEqual([true, true]);
    for (const t of timelines) {
      expect(t.facts).toMatchObject({ month: lastMonth, graceHours: 0, timeZone: ZONE });
      expect(t.entries[0]!.summary).toMatch(/^started by the month-close Schedule, action due /);
    }
    // The first close (the runs are listed newest first): the one that wrote the entries.
    const monthRuns = await runIdsOf(billingMonthWorkflowId(lastMonth));
    const month = await auditTimeline(billingMonthWorkflowId(lastMonth), monthRuns.at(-1));
    const customers = month.facts.customers as CustomerMonth[];
    expect(customers).toHaveLength(30);
    expect(customers[0]).toMatchObject({
      customerId: 's-0',
      outageIds: ['o-sched'],
      downtimeMs: 60 * 60_000,
      creditPercent: 50,
      written: { kind: 'credit', sequence: 1 },
    });
  });

  it('`sla credits run` re-runs the closed month with a progress bar and writes nothing', async () => {
    // Asynchronously: the worker serving the run lives in this process.
    const r = await slaFromSource(['credits', 'run', '--month', lastMonth, '--json'], {
      ...serverSettings(env),
      SLA_TASK_QUEUE: taskQueue,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
      SLA_POLICY_FILE: policyFile,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      month: lastMonth,
      phase: 'closed',
      done: 30,
      total: 30,
      written: 0,
      alreadyClosed: true,
      monthClose: 'exists',
    });
  });
});

// The two drills share only the dev server (own task queue, month and ledger each), so they run
// side by side: most of each is waiting for the killed worker's activity to time out. After the
// Schedule's tests, since a worker process re-points the billing Schedule at its task queue.
describe.concurrent.each<LedgerKind>(['pglite', 'postgres'])(
  'the worker killed mid-month-close (%s)',
  (kind) => {
    const taskQueue = `billing-kill-${kind}`;
    // One month per ledger: both drills share the dev server, and the workflow id is per month.
    const month = kind === 'pglite' ? '2026-09' : '2026-10';
    // 30 batches of 20: three runs chained by continue-as-new (10 batches each), as 10,000 customers
    // in batches of 500 would be in production; the kill lands in the first run. The number of
    // customers is not the point (the benchmark measures that), the shape of the close is.
    const CUSTOMERS = 600;
    const BATCH = 20;
    let ledger: TestLedger;
    const workers = new WorkerProcesses(() => ({
      ...ledger.settings,
      ...serverSettings(env),
      SLA_TASK_QUEUE: taskQueue,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
      SLA_DATA_DIR: join(dir, kind),
      SLA_POLICY_FILE: policyFile,
    }));

    beforeAll(async () => {
      ledger = await createTestLedger(kind);
      await ledger.importCustomers(
        Array.from({ length: CUSTOMERS }, (_, i) =>
          testCustomer(`k-${String(i).padStart(5, '0')}`, { region: i % 2 ? 'ca-central' : 'eu-west' }),
        ),
        { effectiveAt: SINCE },
      );
      await ledger.recordOutage(outageRecord('o-kill', `${month}-06T14:00:00Z`, 30, ['ca-central']));
      // The embedded ledger belongs to one process at a time: the worker's, until the drill ends.
      if (kind === 'pglite') await ledger.close();
    });
    afterAll(async () => {
      await workers.stopAll();
      await ledger?.cleanup();
    });

    // Two worker processes start: tens of seconds on a loaded machine.
    it(
      'gives exactly one entry per customer and one close, asserted in SQL',
      { timeout: 300_000 },
      async () => {
        let worker = await workers.start();
        const handle = await env.client.workflow.start(billingMonthWorkflow, {
          workflowId: billingMonthWorkflowId(month),
          taskQueue,
          args: [{ month, batchSize: BATCH }],
        });
        // Killed while batches are being written: some done, most not.
        const atKill = await waitFor(
          async () => {
            const p = await handle.query(billingProgressQuery);
            return p.done >= 2 * BATCH ? p : null;
          },
          'the first batches',
          60_000,
        );
        await workers.kill(worker);
        expect(atKill.done).toBeLessThan(CUSTOMERS);
        // …and the close was still under way when the worker died: the restart has work to finish.
        const { status, raw } = await handle.describe();
        expect(status.name).toBe('RUNNING');
        // The attempt the dead worker held ends only at its timeout (notices: the 1-minute heartbeat;
        // a ledger batch: 2 minutes), so the drill's length would depend on where the kill fell:
        // it is failed now, as its timeout would, and the retry (same input, same write instant, so
        // a batch committed before the kill writes nothing again) goes to the next worker at once.
        // worker-kill.test.ts lets such a timeout run out.
        for (const a of raw.pendingActivities ?? []) {
          if (a.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
          await env.client.activity.fail(
            {
              workflowId: handle.workflowId,
              runId: raw.workflowExecutionInfo!.execution!.runId!,
              activityId: a.activityId!,
            },
            new Error('drill: the worker running this attempt was killed'),
          );
        }

        worker = await workers.start();
        const result: BillingProgress = await handle.result();
        await workers.kill(worker);
        expect(result).toMatchObject({
          done: CUSTOMERS,
          total: CUSTOMERS,
          written: CUSTOMERS,
          monthClose: 'written',
        });
        expect(result.credited).toBe(CUSTOMERS / 2);

        const check =
          kind === 'pglite'
            ? await openLedger({ databaseUrl: undefined, ledgerDir: ledger.settings.SLA_LEDGER_DIR! })
            : ledger;
        try {
          expect(await counts(check, month)).toEqual({
            customers: CUSTOMERS,
            entries: CUSTOMERS,
            most: 1,
            closes: 1,
          });
        } finally {
          if (check !== ledger) await check.close();
        }

        // The auditor's view from history alone: every run of the chain, and each customer's one
        // credit entry written exactly once across the kill and the retries.
        const timeline = await auditTimeline(billingMonthWorkflowId(month));
        expect(timeline.runs.length).toBeGreaterThanOrEqual(3);
        expect(timeline.status).toBe('completed');
        const customers = timeline.facts.customers as CustomerMonth[];
        expect(new Set(customers.map((c) => c.customerId)).size).toBe(CUSTOMERS);
        expect(customers.filter((c) => c.written !== null && typeof c.written === 'object')).toHaveLength(
          CUSTOMERS,
        );
        expect(customers.filter((c) => c.creditPercent > 0).map((c) => c.region)).toEqual(
          Array.from({ length: CUSTOMERS / 2 }, () => 'ca-central'),
        );

        // Every run of the chain across the kill is a dev-server golden history (`npm run
        // histories:dev`); one drill's is enough: the other differs only in the ledger's store.
        if (kind === 'pglite')
          expect(
            await saveHistoryChain(
              env.client,
              handle.workflowId,
              handle.firstExecutionRunId,
              'billingMonthWorkflow-dev-worker-killed',
            ),
          ).toBe(writingHistories() ? timeline.runs.length : 0);
      },
    );
  },
);
