/**
 * The Temporal Schedule that closes each billing month (C14, I14), created or updated
 * idempotently by the worker at start and by `sla credits schedule ensure`.
 *
 * It fires at 00:00 on the 1st in the policy's month zone and starts billingScheduleWorkflow,
 * which derives the month just ended from its scheduled instant and waits the grace period
 * (policy.month.closeGraceHours) on a durable timer before starting `billing-month-YYYY-MM`.
 * The grace is a timer rather than a later calendar time in the spec because any number of hours
 * (past the 28th, fractional) then works, and a change of the policy's grace needs no change of
 * the schedule: the workflow reads it when it runs. The month's workflow id is what keeps a
 * manual run and the schedule from both closing a month.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { WorkflowName } from './clients/calls';

export const BILLING_SCHEDULE_ID = 'sla-billing-month';

export interface BillingScheduleOptions {
  taskQueue: string;
  /** policy.month.timeZone (I8). */
  zone: string;
}

export async function ensureBillingSchedule(
  client: Client,
  options: BillingScheduleOptions,
): Promise<'created' | 'updated'> {
  const spec = { calendars: [{ dayOfMonth: 1, hour: 0, minute: 0, second: 0 }], timezone: options.zone };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'billingScheduleWorkflow' satisfies WorkflowName,
    // Temporal appends the scheduled instant, to the second, to this id for each run: two
    // triggers within one second (`temporal schedule trigger` twice) become two runs of one id,
    // so an operator looking at one reads it by run id (`temporal workflow show -r`).
    workflowId: 'billing-schedule',
    taskQueue: options.taskQueue,
    args: [],
  };
  // A cluster down over the 1st still closes the month when it is back (within a month).
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '28 days' as const };
  try {
    await client.schedule.create({ scheduleId: BILLING_SCHEDULE_ID, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(BILLING_SCHEDULE_ID).update((previous) => ({
    ...previous,
    spec,
    action,
    policies: { ...previous.policies, ...policies },
  }));
  return 'updated';
}
