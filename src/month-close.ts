/**
 * A month's close started by hand and followed (C14; I10, I14): the one way `Sla.credits`
 * (`sla credits run`) and POST/GET /v1/credits/runs start billing-month-YYYY-MM and read its
 * progress, so that both refuse the same months and join the same runs.
 */
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { z } from 'zod';
import { translate } from './client';
import { InvalidInputError, NotFoundError } from './errors';
import { Month } from './model/month';
import type { Policy } from './policy/schema';
import { manualClose } from './rules/month-close';
import {
  billingMonthWorkflowId,
  billingProgressQuery,
  type BillingMonthInput,
  type BillingProgress,
} from './workflows/billing-month';

/** What starts a close: the month, and the customers per batch (I14; the default in the workflow). */
export const MonthCloseRequest = z.object({
  month: Month,
  batchSize: z.number().int().min(1).max(5_000).optional(),
  /** Close now even inside the grace period (I14); the Schedule's close still runs after it. */
  force: z.boolean().optional(),
});

export interface MonthCloseTarget {
  /** Asked only once the input is known good: a month refused never waits on a connection. */
  client: () => Promise<Client>;
  taskQueue: string;
  /**
   * The policy's month settings: a month is closed only once it has ended in its time zone (I8),
   * and before its grace period has passed only a forced close runs (I14).
   */
  months: Pick<Policy['month'], 'timeZone' | 'closeGraceHours'>;
  /** How the caller's user says "force" (`--force`, `force: true`), named in the refusal. */
  forceFlag: string;
}

/**
 * Starts the month's close, or joins the run in progress; a month closed before is closed again,
 * which writes only adjustments (I10). A month not yet ended, or inside its grace period without
 * `force`, is refused naming `month` (src/rules/month-close.ts).
 */
export async function startMonthClose(
  { client, taskQueue, months, forceFlag }: MonthCloseTarget,
  { month, batchSize, force }: z.infer<typeof MonthCloseRequest>,
): Promise<{ workflowId: string }> {
  const may = manualClose({
    month,
    zone: months.timeZone,
    graceHours: months.closeGraceHours,
    now: Date.now(),
    force: force === true,
    forceFlag,
  });
  if (!may.allowed) throw new InvalidInputError([{ path: 'month', message: may.message }]);
  const input: BillingMonthInput = { month, ...(batchSize ? { batchSize } : {}) };
  const temporal = await client();
  try {
    const handle = await temporal.workflow.start('billingMonthWorkflow', {
      workflowId: billingMonthWorkflowId(month),
      taskQueue,
      args: [input],
      // Running: this is the same run. Closed: run it again, which writes only adjustments (I10).
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { workflowId: handle.workflowId };
  } catch (err) {
    return translate(err);
  }
}

/** Where the month's close stands; without a run id the handle follows continue-as-new to the last run. */
export async function monthCloseProgress(
  client: () => Promise<Client>,
  month: string,
): Promise<BillingProgress> {
  try {
    return await (
      await client()
    ).workflow
      .getHandle(billingMonthWorkflowId(month))
      .query(billingProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no month close for ${month}`);
    return translate(err);
  }
}
