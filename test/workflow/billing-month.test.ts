// The billing month (C2, C14; I8–I10, I14) on the time-skipping server over a PGlite ledger with a
// real SMTP server: credits at each tier, notices by email, a re-run that writes nothing, late
// outage data as adjustments, and late records that make a closed or closing month read again by
// themselves; the Schedule's trigger a month later, which waits out the grace period and closes
// that month, and one that finds a close of its month still running, waits on its durable timer
// and closes the month again after it (writing nothing); then an activity that fails after its
// commit and is retried, on PGlite and on a real PostgreSQL server, its one entry per
// customer asserted in SQL.
// Payloads are encrypted with the test keys, as in production, so the golden histories are too.
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../src/activities';
import { smtpMailer } from '../../src/activities/email';
import { creditNoticeMessageId } from '../../src/activities/billing';
import { ledgerDirectory } from '../../src/customers/directory';
import type { Ledger, MaintenanceRecord, OutageRecord } from '../../src/ledger';
import { loadPolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import {
  billingMonthWorkflowId,
  billingProgressQuery,
  type BillingProgress,
} from '../../src/messages/billing';
import { billingMonthWorkflow, billingScheduleWorkflow } from '../../src/workflows/billing-month';
import { maintenanceRecord, outageRecord } from '../helpers/billing';
import { historyChain, timelineOf } from '../../src/audit';
import type { CustomerMonth } from '../../src/audit/billing-timeline';
import { AesGcmCodec } from '../../src/codec';
import { testDataConverter, testKeys } from '../helpers/codec';
import { WORKFLOWS } from '../helpers/engine';
import { saveHistory, saveHistoryChain, saveLatestHistoryChain } from '../helpers/histories';
import { createTestLedger, SINCE, testCustomer, type LedgerKind, type TestLedger } from '../helpers/ledger';
import { TestSmtpServer } from '../helpers/smtp';
import { startTimeSkipping, workflowBundle } from '../helpers/temporal';
import { scenario } from '../helpers/steps';

const TASK_QUEUE = 'billing-test';
// Annual 1,200,000 → monthly 100,000: the tiers pay 25,000 / 50,000 / 100,000.
const customers = [
  testCustomer('a-central', { region: 'ca-central' }),
  testCustomer('b-west', {
    region: 'eu-west',
    currency: 'EUR',
    administrators: ['x@b.example', 'y@b.example'],
  }),
  testCustomer('c-au', { region: 'au-east' }),
  testCustomer('d-us', { region: 'us-east' }),
  testCustomer('e-central', { region: 'ca-central', annualFeeMinor: 1_000_001 }),
  // Enough customers in batches of 2 for the run to continue as new (10 batches a run).
  ...Array.from({ length: 20 }, (_, i) =>
    testCustomer(`f-${String(i).padStart(2, '0')}`, { region: 'us-east' }),
  ),
];

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping(testDataConverter());
});
afterAll(async () => {
  await env?.teardown();
});

/**
 * A worker on `taskQueue` over `ledger` with the customers imported, sending mail to a real SMTP
 * server; a credit write for a month in `crashAfterCommit` commits and then fails, once, and one
 * for a month in `afterFirstWrite` is followed by what happens in the world then (late data).
 */
async function billingWorker(
  ledger: TestLedger,
  taskQueue: string,
  crashAfterCommit: Set<string>,
  afterFirstWrite = new Map<string, () => Promise<void>>(),
) {
  const smtp = new TestSmtpServer();
  const smtpUrl = await smtp.start();
  await ledger.importCustomers(customers, { effectiveAt: SINCE });
  // The ledger as the activities see it, except for a write that commits and then fails.
  const flaky: Ledger = Object.create(ledger) as Ledger;
  flaky.appendCreditEntries = async (entries) => {
    const result = await ledger.appendCreditEntries(entries);
    const month = entries[0]?.month;
    const late = month && afterFirstWrite.get(month);
    if (late) {
      afterFirstWrite.delete(month);
      await late();
    }
    if (month && crashAfterCommit.delete(month)) throw new Error('worker lost after the commit');
    return result;
  };
  const policy = loadPolicy({});
  const roster = loadRoster(undefined);
  const acts = createActivities({
    policy: () => policy,
    roster: () => roster,
    customers: ledgerDirectory(ledger),
    mailer: smtpMailer(smtpUrl),
    emailFrom: 'SLA engine <sla-engine@test.example>',
    paging: { send: () => Promise.resolve() },
    ledger: flaky,
    temporal: env.client,
    now: () => env.currentTimeMs(),
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(WORKFLOWS),
    dataConverter: testDataConverter(),
    activities: acts,
  });
  const running = worker.run();
  return {
    smtp,
    acts,
    async stop() {
      worker.shutdown();
      await running;
      await smtp.stop();
    },
  };
}

const startMonth = (taskQueue: string, month: string) =>
  env.client.workflow.start(billingMonthWorkflow, {
    workflowId: billingMonthWorkflowId(month),
    taskQueue,
    args: [{ month, batchSize: 2 }],
    workflowTaskTimeout: '1 hour',
  });

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * A workflow's history events once `done` holds for them or the workflow has ended (so a missing
 * event fails the test's assertions, not its timeout), read again after each answer (the test
 * server's long poll does not answer on new events): a test waits on the history itself, never
 * on the clock; each read is a round trip to the server.
 */
async function historyUntil(workflowId: string, done: (events: HistoryEvent[]) => boolean) {
  for (;;) {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const last = events.at(-1);
    const ended =
      last?.workflowExecutionCompletedEventAttributes ??
      last?.workflowExecutionFailedEventAttributes ??
      last?.workflowExecutionTerminatedEventAttributes ??
      last?.workflowExecutionTimedOutEventAttributes;
    if (done(events) || ended) return events;
  }
}

/**
 * A client of the test server whose `result()` leaves time-skipping locked (env.client's unlocks
 * it while waiting): what it waits for runs in real time, and no timer fires meanwhile.
 */
const lockedClient = () =>
  new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: testDataConverter(),
  });

describe('billing month workflow', () => {
  let ledger: TestLedger;
  let smtp: TestSmtpServer;
  let stopWorker: (() => Promise<void>) | undefined;
  /** What happens in the world right after a month's first batch wrote (late data mid-close). */
  const afterFirstWrite = new Map<string, () => Promise<void>>();
  let acts: Activities;

  beforeAll(async () => {
    ledger = await createTestLedger('pglite');
    const worker = await billingWorker(ledger, TASK_QUEUE, new Set(), afterFirstWrite);
    smtp = worker.smtp;
    acts = worker.acts;
    stopWorker = () => worker.stop();
  });
  afterAll(async () => {
    await stopWorker?.();
    await ledger?.cleanup();
  });

  /** First run ids, for the golden history of a chain that continues as new. */
  const firstRuns: string[] = [];
  const runMonth = async (month: string): Promise<BillingProgress> => {
    const handle = await startMonth(TASK_QUEUE, month);
    firstRuns.push(handle.firstExecutionRunId);
    return handle.result();
  };

  /** The month's timeline as `sla audit timeline` builds it: every run of its latest chain. */
  const auditMonth = async (month: string) =>
    timelineOf(
      await historyChain((runId) =>
        env.client.workflow.getHandle(billingMonthWorkflowId(month), runId).fetchHistory(),
      ),
      [new AesGcmCodec(testKeys())],
    );

  /** October's close, its re-run and late data; July's late data: each month's steps build on each other. */
  const october = scenario();
  const july = scenario();

  const credits = async (month: string) =>
    Object.fromEntries(
      (await ledger.creditEntries({ month })).map((e) => [
        `${e.customerId} ${e.kind} #${e.sequence}`,
        e.creditMinor,
      ]),
    );

  october(
    'I9/I10: closes October 2026 with one credit entry per customer, at each tier, and notices by email',
    async () => {
      // October 2026 in Toronto is 744 h: 99.95 % allows 22.32 min of downtime, 99.9 % 44.64, 99 % 446.4.
      for (const record of [
        outageRecord('o-central', '2026-10-06T14:00:00Z', 30, ['ca-central']), // 99.9327 % → 25 %
        outageRecord('o-west', '2026-10-07T10:00:00Z', 60, ['eu-west']), // 99.8655 % → 50 %
        outageRecord('o-au', '2026-10-08T02:00:00Z', 480, ['au-east']), // 98.9247 % → 100 %
        // C3 / C4: recorded but not counted.
        outageRecord('o-external', '2026-10-09T02:00:00Z', 600, ['ca-central'], 'external'),
        outageRecord('o-partial', '2026-10-10T02:00:00Z', 600, ['us-east'], 'partial'),
        // I14: open across the month end (23:50 → 00:20 Toronto): only its 10 October minutes count.
        outageRecord('o-boundary', '2026-11-01T03:50:00Z', 30, ['us-east']),
      ])
        await ledger.recordOutage(record);
      // A cancelled window never ran; an announced one that ran as planned is excluded.
      await ledger.recordMaintenance(
        maintenanceRecord('m-cancelled', '2026-10-20T06:00:00Z', 600, ['ca-central'], {
          status: 'cancelled',
        }),
      );
      await ledger.recordMaintenance(maintenanceRecord('m-au', '2026-10-21T06:00:00Z', 120, ['au-east']));

      const progress = await runMonth('2026-10');
      expect(progress).toMatchObject({
        month: '2026-10',
        phase: 'closed',
        total: 25,
        done: 25,
        batches: 13,
        written: 25,
        adjustments: 0,
        credited: 4,
        creditMinorByCurrency: { CAD: 25_000 + 100_000 + 20_833, EUR: 50_000 },
        noticesSent: 4,
        alreadyClosed: false,
        monthClose: 'written',
      });
      expect(await credits('2026-10')).toMatchObject({
        'a-central credit #1': 25_000,
        'b-west credit #1': 50_000,
        'c-au credit #1': 100_000,
        'd-us credit #1': 0,
        // 25 % × 1,000,001 / 12 = 20,833.3958… → 20,833 (rounded once, half-up).
        'e-central credit #1': 20_833,
        'f-19 credit #1': 0,
      });
      const [d] = await ledger.creditEntries({ month: '2026-10', customerId: 'd-us' });
      expect(d).toMatchObject({
        downtimeMs: 10 * 60_000,
        uptimePercent: '99.9775',
        outageIds: ['o-boundary'],
      });
      const [c] = await ledger.creditEntries({ month: '2026-10', customerId: 'c-au' });
      expect(c).toMatchObject({ excludedMs: 120 * 60_000, maintenanceIds: ['m-au'], creditPercent: 100 });
      expect(await ledger.monthClose('2026-10')).toMatchObject({
        month: '2026-10',
        workflowId: 'billing-month-2026-10',
        customers: 25,
      });

      // The notices: one per credited customer, to its administrators, with a fixed Message-ID.
      const notice = smtp.byMessageId(
        creditNoticeMessageId({ customerId: 'b-west', month: '2026-10', kind: 'credit', sequence: 1 }),
      );
      expect(notice).toHaveLength(1);
      expect(notice[0]!.to.sort()).toEqual(['x@b.example', 'y@b.example']);
      expect(notice[0]!.subject).toBe('Service credit for October 2026: 500.00 EUR');
      expect(notice[0]!.text).toContain('Measured uptime: 99.8655 %');
      expect(smtp.received.map((m) => m.messageId).sort()).toEqual(
        ['a-central', 'b-west', 'c-au', 'e-central'].map((customerId) =>
          creditNoticeMessageId({ customerId, month: '2026-10', kind: 'credit', sequence: 1 }),
        ),
      );

      // The progress query answers on the closed month too (the last run of the chain).
      const queried = await env.client.workflow
        .getHandle(billingMonthWorkflowId('2026-10'))
        .query(billingProgressQuery);
      expect(queried).toMatchObject({ done: 25, total: 25, phase: 'closed' });

      // Every run of the chain (batches, notices, the continue-as-new, the close), first run
      // first: the audit's month timeline reads them together.
      await saveHistoryChain(
        env.client,
        billingMonthWorkflowId('2026-10'),
        firstRuns[0]!,
        'billingMonthWorkflow-october',
      );
    },
  );

  october('I14: re-running a closed month writes nothing and sends nothing', async () => {
    const before = await credits('2026-10');
    const mails = smtp.received.length;
    const progress = await runMonth('2026-10');
    expect(progress).toMatchObject({
      done: 25,
      written: 0,
      adjustments: 0,
      credited: 0,
      noticesSent: 0,
      alreadyClosed: true,
      monthClose: 'exists',
    });
    expect(await credits('2026-10')).toEqual(before);
    expect(smtp.received).toHaveLength(mails);
    // The audit reads the same from history: every customer's figures, nothing written.
    const customers = (await auditMonth('2026-10')).facts.customers as CustomerMonth[];
    expect(customers).toHaveLength(25);
    expect(customers.every((c) => c.written === null)).toBe(true);
  });

  october(
    'I10: outage data that arrives after the close gives adjustments of the difference, never edits',
    async () => {
      // 20 more minutes in ca-central: 50 min → 99.8879 % → 50 %.
      await ledger.recordOutage(outageRecord('o-late', '2026-10-15T14:00:00Z', 20, ['ca-central']));
      const progress = await runMonth('2026-10');
      expect(progress).toMatchObject({ written: 2, adjustments: 2, credited: 2, noticesSent: 2 });
      expect(await credits('2026-10')).toMatchObject({
        'a-central credit #1': 25_000,
        'a-central adjustment #1': 25_000,
        'e-central credit #1': 20_833,
        // 50 % × 1,000,001 / 12 = 41,666.79… → 41,667, less the 20,833 already credited.
        'e-central adjustment #1': 20_834,
      });
      expect((await ledger.creditEntries({ month: '2026-10' })).length).toBe(27);
      const adjustment = smtp.byMessageId(
        creditNoticeMessageId({ customerId: 'a-central', month: '2026-10', kind: 'adjustment', sequence: 1 }),
      );
      expect(adjustment[0]?.subject).toBe('Service credit adjustment for October 2026: 250.00 CAD');
      // The close is the first run's, untouched.
      expect(await ledger.monthClose('2026-10')).toMatchObject({ customers: 25 });
      // From history alone: the new tier and credit, and the adjustment of the difference written.
      const customers = (await auditMonth('2026-10')).facts.customers as CustomerMonth[];
      expect(customers.find((c) => c.customerId === 'e-central')).toMatchObject({
        uptimePercent: '99.8879',
        outageIds: ['o-central', 'o-late'],
        creditPercent: 50,
        creditMinor: 41_667,
        written: { kind: 'adjustment', sequence: 1, amountMinor: 20_834 },
      });
      expect(customers.filter((c) => c.written !== null).map((c) => c.customerId)).toEqual([
        'a-central',
        'e-central',
      ]);
    },
  );

  july(
    'I10/I14: an outage recorded while the close is reading makes it read the month once more; a retried record write adds no pass',
    async () => {
      // The outage activity as the worker runs it (the SDK's activity environment: a context with
      // the worker's task queue), writing its record right after the first batch (a-central,
      // b-west) was credited, while the close goes on. Twice: the second is a retry of the first.
      const recordOutage = () =>
        new MockActivityEnvironment({ taskQueue: TASK_QUEUE }).run(
          (r: OutageRecord) => acts.recordOutage(r),
          outageRecord('o-july', '2026-07-15T14:00:00Z', 30, ['ca-central']),
        );
      afterFirstWrite.set('2026-07', async () => {
        expect(await recordOutage()).toBe('written');
        expect(await recordOutage()).toBe('exists');
      });
      const progress = await runMonth('2026-07');
      expect(afterFirstWrite.has('2026-07')).toBe(false);
      // The first pass credited a-central before the record and e-central after it; the second
      // pass (one, not two) adjusts a-central only.
      expect(progress).toMatchObject({ pass: 2, done: 25, written: 1, adjustments: 1, alreadyClosed: true });
      expect(await credits('2026-07')).toMatchObject({
        'a-central credit #1': 0,
        'a-central adjustment #1': 25_000,
        'e-central credit #1': 20_833,
      });
      expect(Object.keys(await credits('2026-07'))).toHaveLength(26);
      // The audit reads it from history: both signals (the retry's is ignored), then the new pass.
      const t = await auditMonth('2026-07');
      expect(t.entries.filter((x) => x.kind === 'late-data').map((x) => x.summary)).toEqual([
        expect.stringMatching(/^outage record o-july written for this month after its close began/),
        expect.stringMatching(/^outage record o-july written/),
      ]);
      expect(t.entries.some((x) => x.summary.startsWith('month 2026-07 read again (pass 2)'))).toBe(true);
      await saveHistoryChain(
        env.client,
        billingMonthWorkflowId('2026-07'),
        firstRuns.at(-1)!,
        'billingMonthWorkflow-late-record-read-again',
      );
    },
  );

  july(
    'I10/I14: a record for a closed month starts its re-run (no one re-running it by hand); a retry resumed past it starts nothing',
    async () => {
      const before = Object.keys(await credits('2026-07')).length;
      const record = outageRecord('o-july-late', '2026-07-20T14:00:00Z', 30, ['eu-west']);
      // A retry whose earlier attempt already reached the month (its heartbeat) does nothing more.
      const resumed = new MockActivityEnvironment({
        taskQueue: TASK_QUEUE,
        heartbeatDetails: { '2026-07': 'rerun' },
      });
      await ledger.recordOutage(record);
      expect(await resumed.run((r: OutageRecord) => acts.recordOutage(r), record)).toBe('exists');
      expect(Object.keys(await credits('2026-07'))).toHaveLength(before);
      // The first attempt: the month is closed, so its close runs again by itself.
      const first = new MockActivityEnvironment({ taskQueue: TASK_QUEUE });
      expect(await first.run((r: OutageRecord) => acts.recordOutage(r), record)).toBe('exists');
      const rerun = await env.client.workflow.getHandle(billingMonthWorkflowId('2026-07')).result();
      expect(rerun).toMatchObject({ alreadyClosed: true, written: 1, adjustments: 1 });
      // 30 min in eu-west: 99.93 % → 25 % of b-west's 100,000 EUR monthly fee.
      expect(await credits('2026-07')).toMatchObject({ 'b-west adjustment #1': 25_000 });
      expect(Object.keys(await credits('2026-07'))).toHaveLength(before + 1);
      // Started by the signal (signal-with-start): the chain of the month's latest run.
      await saveLatestHistoryChain(
        env.client,
        billingMonthWorkflowId('2026-07'),
        'billingMonthWorkflow-late-record-starts-rerun',
      );
    },
  );

  july(
    'I9/I10: a maintenance window recorded late re-runs its closed month too; a cancelled one changes nothing',
    async () => {
      const before = Object.keys(await credits('2026-07')).length;
      const recordMaintenance = (r: MaintenanceRecord) =>
        new MockActivityEnvironment({ taskQueue: TASK_QUEUE }).run(
          (m: MaintenanceRecord) => acts.recordMaintenance(m),
          r,
        );
      const latest = async () =>
        (await env.client.workflow.getHandle(billingMonthWorkflowId('2026-07')).describe()).runId;
      const runBefore = await latest();
      expect(
        await recordMaintenance(
          maintenanceRecord('m-july-cancelled', '2026-07-20T14:00:00Z', 30, ['eu-west'], {
            status: 'cancelled',
          }),
        ),
      ).toBe('written');
      expect(await latest()).toBe(runBefore);
      // Announced 48 h ahead over o-july-late's 30 minutes in eu-west: excluded (I9), so b-west is
      // back to full uptime and its 25 % credit is taken back by a negative adjustment.
      expect(
        await recordMaintenance(maintenanceRecord('m-july', '2026-07-20T14:00:00Z', 30, ['eu-west'])),
      ).toBe('written');
      const rerun = await env.client.workflow.getHandle(billingMonthWorkflowId('2026-07')).result();
      expect(rerun).toMatchObject({ alreadyClosed: true, written: 1, adjustments: 1 });
      expect(await credits('2026-07')).toMatchObject({ 'b-west adjustment #2': -25_000 });
      expect(Object.keys(await credits('2026-07'))).toHaveLength(before + 1);
    },
  );

  it("I14: the Schedule's trigger closes the month before the one it fires in, after the grace period", async () => {
    // The test server's clock to 00:30 on the 1st of next month (Toronto), as the Schedule fires.
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'America/Toronto' });
    const fireAt = now.startOf('month').plus({ months: 1, minutes: 30 });
    await env.sleep(fireAt.toMillis() - now.toMillis());
    const month = now.toFormat('yyyy-MM');
    const policy = loadPolicy({});
    const handle = await env.client.workflow.start(billingScheduleWorkflow, {
      workflowId: `billing-schedule-${month}`,
      taskQueue: TASK_QUEUE,
      workflowTaskTimeout: '1 hour',
    });
    const result = await handle.result();
    expect(result).toMatchObject({ month, started: true, progress: { month, phase: 'closed', done: 25 } });
    // It waited out the grace period (I14): the month's close is at least that long after its end.
    const close = await ledger.monthClose(month);
    const monthEnd = fireAt.startOf('month').toMillis();
    expect(Date.parse(close!.closedAt)).toBeGreaterThanOrEqual(
      monthEnd + policy.policy.month.closeGraceHours * 3_600_000,
    );
    await saveHistory(env.client, handle.workflowId, 'billingScheduleWorkflow-grace-then-close');
  });

  it("I14: the Schedule's trigger waits on a durable timer while a close of its month runs, then closes it again writing nothing", async () => {
    // A month no other test closes, two months on: the clock past its grace, as a late trigger.
    const policy = loadPolicy({});
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'America/Toronto' });
    const target = now.startOf('month').plus({ months: 1 });
    const month = target.toFormat('yyyy-MM');
    const fireAt = target.plus({ months: 1, hours: policy.policy.month.closeGraceHours + 1 });
    await env.sleep(fireAt.toMillis() - now.toMillis());
    // The trigger's month comes from its own start time here (no Schedule, so no
    // TemporalScheduledStartTime): the month before fireAt's, whose grace has passed.
    const triggerId = `billing-schedule-overlap-${month}`;
    let trigger: WorkflowHandle<typeof billingScheduleWorkflow> | undefined;
    let triggerWaiting: HistoryEvent[] = [];
    // Mid-way through the manual close (its first batch written, its id running), the trigger
    // starts, finds the close running and starts its retry timer; only then does the close go on.
    afterFirstWrite.set(month, async () => {
      trigger = await env.client.workflow.start(billingScheduleWorkflow, {
        workflowId: triggerId,
        taskQueue: TASK_QUEUE,
        workflowTaskTimeout: '1 hour',
      });
      triggerWaiting = await historyUntil(triggerId, (events) =>
        events.some((e) => e.timerStartedEventAttributes),
      );
    });
    const manual = await startMonth(TASK_QUEUE, month);
    // Awaited through a client that leaves time-skipping locked: the trigger's one-minute timer
    // cannot fire (and retry) while the manual close is still running.
    const manualResult = await lockedClient().workflow.getHandle(manual.workflowId).result();
    expect(afterFirstWrite.has(month)).toBe(false);
    expect(manualResult).toMatchObject({
      month,
      phase: 'closed',
      done: 25,
      written: 25,
      alreadyClosed: false,
    });
    // The trigger's history when the hook let the close go on: the refused start, then the timer.
    const refusedAt = triggerWaiting.findIndex((e) => e.startChildWorkflowExecutionFailedEventAttributes);
    expect(refusedAt).toBeGreaterThan(-1);
    const timerAt = triggerWaiting.findIndex((e) => e.timerStartedEventAttributes);
    expect(timerAt).toBeGreaterThan(refusedAt);

    // Now the timer fires (time-skipping unlocked by result()); the trigger's own close runs after
    // the manual one and finds everything written.
    expect(await trigger!.result()).toMatchObject({
      month,
      started: true,
      progress: {
        month,
        phase: 'closed',
        done: 25,
        written: 0,
        adjustments: 0,
        alreadyClosed: true,
        monthClose: 'exists',
      },
    });
    const rows = await ledger.driver.query<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*)::int AS n FROM credit_entries WHERE month = $1 GROUP BY customer_id`,
      [month],
    );
    expect(rows).toHaveLength(25);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const events = (await trigger!.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.startChildWorkflowExecutionFailedEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.childWorkflowExecutionCompletedEventAttributes)).toHaveLength(1);
    await saveHistory(env.client, triggerId, 'billingScheduleWorkflow-waits-for-running-close');
    // The trigger's close, the month's latest run: everything found written, nothing sent.
    await saveHistory(env.client, billingMonthWorkflowId(month), 'billingMonthWorkflow-rerun-writes-nothing');
  });
});

// The retry drill on both stores the ledger runs on. Its own ledger, task queue and mail
// server each; the same month, one after the other (a closed workflow id may start again).
describe.each<LedgerKind>(['pglite', 'postgres'])('a credit write retried after its commit (%s)', (kind) => {
  let ledger: TestLedger;
  let smtp: TestSmtpServer;
  let stopWorker: (() => Promise<void>) | undefined;
  const crashAfterCommit = new Set<string>();

  beforeAll(async () => {
    ledger = await createTestLedger(kind);
    const worker = await billingWorker(ledger, `billing-retry-${kind}`, crashAfterCommit);
    smtp = worker.smtp;
    stopWorker = () => worker.stop();
  });
  afterAll(async () => {
    await stopWorker?.();
    await ledger?.cleanup();
  });

  it('is retried: one entry per customer in SQL, and its notices still go out once', async () => {
    await ledger.recordOutage(outageRecord('o-sept', '2026-09-10T14:00:00Z', 60, ['ca-central']));
    crashAfterCommit.add('2026-09');
    const progress = await (await startMonth(`billing-retry-${kind}`, '2026-09')).result();
    expect(crashAfterCommit.has('2026-09')).toBe(false); // the crash happened
    expect(progress).toMatchObject({ done: 25, written: 25, credited: 2, noticesSent: 2 });
    const rows = await ledger.driver.query<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*)::int AS n FROM credit_entries WHERE month = '2026-09' GROUP BY customer_id`,
    );
    expect(rows).toHaveLength(25);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    expect(
      smtp.byMessageId(
        creditNoticeMessageId({ customerId: 'a-central', month: '2026-09', kind: 'credit', sequence: 1 }),
      ),
    ).toHaveLength(1);
    expect(smtp.received).toHaveLength(2);
  });
});
