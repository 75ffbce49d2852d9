/**
 * Late data (I10, I14): an outage or maintenance record written after the close of a month it
 * touches must reach that month as adjusting entries, with no one re-running it by hand. The
 * record-writing activities call this after their write, so the outage and maintenance workflows
 * keep their command sequences (and their golden histories).
 *
 * For each ended month the record's interval touches:
 * - closed → signal-with-start `billing-month-YYYY-MM` (reuse allowed after the close): a new run
 *   that writes only the differences, or, when a run is already going, a signal that makes it
 *   read the month once more after its pass;
 * - being closed now → the same signal: that close may have read part of its customers already;
 * - neither → nothing: the close to come reads the ledger.
 * Idempotent under retry: the months done are heartbeated, so a retry skips them, and the month's
 * workflow ignores a record it was already told about.
 */
import { Context, log } from '@temporalio/activity';
import { WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { monthsTouched } from '../rules/months-touched';
import { accountingMonth } from '../rules/uptime';
import {
  billingMonthWorkflowId,
  lateRecordSignal,
  type BillingMonthWorkflow,
  type LateRecord,
} from '../messages/billing';

export interface LateRecordDeps {
  ledger: Ledger;
  policy: () => LoadedPolicy;
  /** The Temporal client the month's re-run is started with (the worker's own namespace). */
  temporal: Client;
  now: () => number | Promise<number>;
}

export type Revisit = 'rerun' | 'signalled';

/**
 * After `record` was written for [from, to): the months whose close is told to read it again,
 * and how. Call it whether the write was new or found the row: a retry after a crash between the
 * write and this call must still reach the month.
 */
export async function revisitClosedMonths(
  deps: LateRecordDeps,
  record: LateRecord,
  interval: { from: string; to: string },
): Promise<Record<string, Revisit>> {
  const zone = deps.policy().policy.month.timeZone;
  const now = await deps.now();
  const ctx = Context.current();
  const done: Record<string, Revisit> = {
    ...(ctx.info.heartbeatDetails as Record<string, Revisit> | undefined),
  };
  const ended = monthsTouched(interval.from, interval.to, zone).filter(
    (m) => accountingMonth(m, zone).end <= now,
  );
  for (const month of ended) {
    if (done[month]) continue;
    const how = await revisit(deps, ctx.info.taskQueue, month, record);
    if (!how) continue;
    done[month] = how;
    ctx.heartbeat(done);
    log.info('late record: month close told to read it', { month, kind: record.kind, id: record.id, how });
  }
  return done;
}

async function revisit(
  deps: LateRecordDeps,
  taskQueue: string,
  month: string,
  record: LateRecord,
): Promise<Revisit | null> {
  const workflowId = billingMonthWorkflowId(month);
  const rerun = async (): Promise<Revisit> => {
    await deps.temporal.workflow.signalWithStart<BillingMonthWorkflow, [LateRecord]>('billingMonthWorkflow', {
      workflowId,
      taskQueue,
      args: [{ month }],
      signal: lateRecordSignal,
      signalArgs: [record],
      // The closed run is done: a new run of the same id writes only the adjustments (I10).
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return 'rerun';
  };
  if (await deps.ledger.monthClose(month)) return rerun();
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(lateRecordSignal, record);
    return 'signalled';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  // No close running: the close to come reads the ledger, unless one finished in between.
  return (await deps.ledger.monthClose(month)) ? rerun() : null;
}
