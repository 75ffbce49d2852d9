/**
 * The billing month (C2, C14; I8–I10, I14): one workflow per month, id `billing-month-YYYY-MM`,
 * so a manual run (`sla credits run`) and the Schedule can never close the same month twice at
 * once. It walks the customers in id order, a batch per activity call (computed and written in
 * one transaction, answered with counts), emails credit notices for the batch, continues as new
 * every few batches so 10,000 customers keep each run's history short, and records the month's
 * close once. Every instant it writes comes from workflow time, never the wall clock.
 *
 * billingScheduleWorkflow is what the Temporal Schedule starts at the start of each month: it
 * asks which month that is, waits out the grace period on a durable timer, and starts the month's
 * workflow as a child (see src/billing-schedule.ts for why the grace is a timer).
 */
import {
  ApplicationFailure,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import type { Activities } from '../activities';
import {
  billingMonthWorkflowId,
  billingProgressQuery,
  lateRecordSignal,
  type BillingMonthInput,
  type BillingProgress,
  type BillingScheduleResult,
} from '../messages/billing';

const ledgerActs = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/** Notices heartbeat after each email, so a retry resumes where the last attempt stopped. */
const noticeActs = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const lookups = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

export const DEFAULT_BATCH_SIZE = 500;
/** Batches per run before continuing as new: ~20 events each, so a run stays a few hundred events. */
const BATCHES_PER_RUN = 10;

export async function billingMonthWorkflow(input: BillingMonthInput): Promise<BillingProgress> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) {
    throw ApplicationFailure.nonRetryable(`month: expected "YYYY-MM", got ${input.month}`, 'InvalidInput');
  }
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const { workflowId } = workflowInfo();
  let p: BillingProgress | undefined = input.progress;
  // Answers before the first activity returns, so a CLI attaching at once sees the month.
  setHandler(billingProgressQuery, () => p ?? emptyProgress(input.month));
  const lateSeen = new Set(input.lateSeen);
  let readAgain = input.readAgain ?? false;
  // A pass continued from an earlier run has read some customers already.
  let reading = input.progress !== undefined;
  setHandler(lateRecordSignal, (r) => {
    const key = `${r.kind}:${r.id}`;
    // A retried activity's signal again: the first one already decided.
    if (lateSeen.has(key)) return;
    lateSeen.add(key);
    // Before the first batch reads, this pass sees the record (written before the signal).
    if (reading) readAgain = true;
  });
  let openOutages = input.openOutages ?? [];
  if (!p) {
    const start = await ledgerActs.billingMonthStart({ month: input.month });
    openOutages = start.openOutages ?? [];
    p = {
      ...emptyProgress(input.month),
      total: start.customers,
      alreadyClosed: start.closed,
      ...(start.openOutages ? { openOutages: start.openOutages.length } : {}),
      pass: input.pass ?? 1,
    };
  }
  const s = p;
  const carried = (): BillingMonthInput => ({
    month: input.month,
    batchSize,
    ...(openOutages.length ? { openOutages } : {}),
    ...(lateSeen.size ? { lateSeen: [...lateSeen] } : {}),
    ...(readAgain ? { readAgain } : {}),
  });

  for (let batchesThisRun = 0; ; batchesThisRun++) {
    if (batchesThisRun >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof billingMonthWorkflow>({ ...carried(), progress: s });
    }
    const batch = {
      month: input.month,
      after: s.after,
      limit: batchSize,
      workflowId,
      writtenAt: new Date(Date.now()).toISOString(),
    };
    reading = true;
    const r = await ledgerActs.closeBillingBatch(openOutages.length ? { ...batch, openOutages } : batch);
    if (r.through === null) break;
    if (r.credited > 0) {
      s.noticesSent += (await noticeActs.sendCreditNotices({ ...batch, through: r.through })).sent;
    }
    s.after = r.through;
    s.done += r.customers;
    s.total = Math.max(s.total, s.done);
    s.batches++;
    s.written += r.written;
    s.adjustments += r.adjustments;
    s.credited += r.credited;
    for (const [currency, minor] of Object.entries(r.creditMinorByCurrency)) {
      s.creditMinorByCurrency[currency] = (s.creditMinorByCurrency[currency] ?? 0) + minor;
    }
    if (r.customers < batchSize) break;
  }

  s.monthClose = await ledgerActs.recordBillingMonthClose({
    month: input.month,
    workflowId,
    closedAt: new Date(Date.now()).toISOString(),
    customers: s.done,
    totalCreditMinor: Object.values(s.creditMinorByCurrency).reduce((a, b) => a + b, 0),
    // The ids too, for the report: an argument only, so histories without them replay as before.
    ...(s.openOutages !== undefined
      ? { openOutages: s.openOutages, openOutageIds: openOutages.map((o) => o.outageId) }
      : {}),
  });
  s.phase = 'closed';
  if (readAgain) {
    // Late data came while this pass was reading: a fresh pass (a new snapshot of the open
    // outages too) writes only what differs from what this one credited.
    await continueAsNew<typeof billingMonthWorkflow>({
      month: input.month,
      batchSize,
      lateSeen: [...lateSeen],
      pass: (s.pass ?? 1) + 1,
    });
  }
  return s;
}

function emptyProgress(month: string): BillingProgress {
  return {
    month,
    phase: 'closing',
    total: 0,
    done: 0,
    batches: 0,
    written: 0,
    adjustments: 0,
    credited: 0,
    creditMinorByCurrency: {},
    noticesSent: 0,
    alreadyClosed: false,
    monthClose: null,
    after: null,
  };
}

/** Set by Temporal on every workflow a Schedule starts: the instant the action was due. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * Started by the billing Schedule at 00:00 on the 1st (policy month zone). The month is derived
 * from the scheduled instant (the TemporalScheduledStartTime search attribute; the workflow's
 * own start time when started otherwise), both fixed in history, so replay and a late start after
 * an outage of the cluster still close the month the schedule meant.
 */
export async function billingScheduleWorkflow(): Promise<BillingScheduleResult> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START) ?? info.startTime;
  const { month, closeAt } = await lookups.billingMonthToClose({ scheduledAt: scheduledAt.toISOString() });
  // I14: outages still open at month end get the grace period to end and be recorded.
  const wait = Date.parse(closeAt) - Date.now();
  if (wait > 0) await sleep(wait);
  if (patched('schedule-close-always-runs')) return closeAfterGrace(month);
  // Histories recorded before: a month already closed (by hand) was left alone.
  try {
    const child = await startChild(billingMonthWorkflow, {
      workflowId: billingMonthWorkflowId(month),
      args: [{ month }],
      // The month's close outlives this trigger, and a month closed by hand is not closed again;
      // only a failed or terminated run is retried by the schedule.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    return { month, started: true, progress: await child.result() };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { month, started: false, progress: null };
    throw err;
  }
}

/** How long the trigger waits before asking again while a close of its month is still running. */
const RUNNING_CLOSE_RETRY_MS = 60_000;

/**
 * The Schedule's close always happens (I14): a manual run is refused inside the grace unless
 * forced (src/clients/billing.ts), and one forced early may have missed outages recorded since, so
 * the trigger closes the month again after the grace whatever ran before. A re-run writes only
 * differences, so after a complete run it writes nothing. A close still running has the month's
 * id: the trigger waits for it to end (durable timer) and then starts its own.
 */
async function closeAfterGrace(month: string): Promise<BillingScheduleResult> {
  for (;;) {
    try {
      const child = await startChild(billingMonthWorkflow, {
        workflowId: billingMonthWorkflowId(month),
        args: [{ month }],
        // The month's close outlives this trigger.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      return { month, started: true, progress: await child.result() };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await sleep(RUNNING_CLOSE_RETRY_MS);
    }
  }
}
