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
  defineQuery,
  ParentClosePolicy,
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

export function billingMonthWorkflowId(month: string): string {
  return `billing-month-${month}`;
}

export interface BillingProgress {
  month: string;
  phase: 'closing' | 'closed';
  /** Customers in the ledger when the month started closing. */
  total: number;
  done: number;
  batches: number;
  /** Entries written by this run (credits at 0 % included) and how many were adjustments. */
  written: number;
  adjustments: number;
  /** Customers with money in this run's entries, and the money by currency (minor units). */
  credited: number;
  creditMinorByCurrency: Record<string, number>;
  noticesSent: number;
  /** Whether the month was closed before this run (a re-run: only late data adjusts it). */
  alreadyClosed: boolean;
  /** 'written' the first time; 'exists' when an earlier run closed the month. */
  monthClose: 'written' | 'exists' | null;
  /** The last customer done: where the next batch (or run) starts. */
  after: string | null;
}

export interface BillingMonthInput {
  month: string;
  batchSize?: number;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: BillingProgress;
}

export const billingProgressQuery = defineQuery<BillingProgress>('progress');

export async function billingMonthWorkflow(input: BillingMonthInput): Promise<BillingProgress> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) {
    throw ApplicationFailure.nonRetryable(`month: expected "YYYY-MM", got ${input.month}`, 'InvalidInput');
  }
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const { workflowId } = workflowInfo();
  let p: BillingProgress | undefined = input.progress;
  // Answers before the first activity returns, so a CLI attaching at once sees the month.
  setHandler(billingProgressQuery, () => p ?? emptyProgress(input.month));
  if (!p) {
    const start = await ledgerActs.billingMonthStart({ month: input.month });
    p = { ...emptyProgress(input.month), total: start.customers, alreadyClosed: start.closed };
  }
  const s = p;

  for (let batchesThisRun = 0; ; batchesThisRun++) {
    if (batchesThisRun >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof billingMonthWorkflow>({ month: input.month, batchSize, progress: s });
    }
    const batch = {
      month: input.month,
      after: s.after,
      limit: batchSize,
      workflowId,
      writtenAt: new Date(Date.now()).toISOString(),
    };
    const r = await ledgerActs.closeBillingBatch(batch);
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
  });
  s.phase = 'closed';
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

export interface BillingScheduleResult {
  month: string;
  /** false: that month's workflow had already run (e.g. by hand) and did not fail. */
  started: boolean;
  progress: BillingProgress | null;
}

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
