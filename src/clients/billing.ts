/**
 * A month's close started by hand and followed (C14; I10, I14): the one way `sla credits run` and
 * POST/GET /v1/credits/runs start billing-month-YYYY-MM and read its progress, so that both refuse
 * the same months and join the same runs.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { InvalidInputError, NotFoundError } from '../errors';
import { billingMonthWorkflowId, billingProgressQuery, type BillingProgress } from '../messages/billing';
import { Month, MonthCloseRequest } from '../model/month';
import type { Policy } from '../policy/schema';
import { manualClose } from '../rules/month-close';
import { Calls, parse, translate, type ClientOptions, type ClientSource, type WorkflowOf } from './calls';

const noClose = (month: string) => () => {
  throw new NotFoundError(`no month close for ${month}`);
};

export class BillingClient extends Calls {
  /**
   * `months`: the policy's month settings, asked when a close is started: a month is closed only
   * once it has ended in its time zone (I8), and before its grace period has passed only a forced
   * close runs (I14).
   */
  constructor(
    client: ClientSource,
    taskQueue: string,
    private readonly months: () => Pick<Policy['month'], 'timeZone' | 'closeGraceHours'>,
    options: ClientOptions = {},
  ) {
    super(client, taskQueue, options);
  }

  /**
   * Starts the month's close, or joins the run in progress; a month closed before is closed again,
   * which writes only adjustments (I10). A month not yet ended, or inside its grace period without
   * `force`, is refused naming `month` (src/rules/month-close.ts); `forceFlag` is how the caller's
   * user says "force" (`--force`, `force: true`), named in the refusal.
   */
  async runMonth(input: unknown, forceFlag: string): Promise<{ workflowId: string }> {
    const { month, batchSize, force } = parse(MonthCloseRequest, input);
    const months = this.months();
    const may = manualClose({
      month,
      zone: months.timeZone,
      graceHours: months.closeGraceHours,
      now: Date.now(),
      force: force === true,
      forceFlag,
    });
    if (!may.allowed) throw new InvalidInputError([{ path: 'month', message: may.message }]);
    const { workflowId } = await this.startWorkflow('billingMonthWorkflow', {
      ...this.startOptions(),
      workflowId: billingMonthWorkflowId(month),
      args: [{ month, ...(batchSize ? { batchSize } : {}) }],
      // Running: this is the same run. Closed: run it again, which writes only adjustments (I10).
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { workflowId };
  }

  /** Where the month's close stands; the handle follows continue-as-new to the last run. */
  async progress(month: unknown): Promise<BillingProgress> {
    const m = parse(Month, month);
    return this.status(billingMonthWorkflowId(m), billingProgressQuery, noClose(m));
  }

  /** Waits for the month's close to finish and answers its summary. */
  async result(month: unknown): Promise<BillingProgress> {
    const m = parse(Month, month);
    const client = await this.client();
    try {
      return await client.workflow
        .getHandle<WorkflowOf<'billingMonthWorkflow'>>(billingMonthWorkflowId(m))
        .result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return noClose(m)();
      return translate(err);
    }
  }
}
