/**
 * What the delivery activities (email, paging) count, where the side effect happens — never in
 * workflow code, which must replay alike. A delivery counts as sent or failed (by a reason of a
 * fixed set). A ticket's escalation step (C6–C8) counts once, by its first delivery's first
 * attempt: its email when the step emails (one email per step), else its page (one per paged
 * responder); a breach is the first breach step of its level (the smallest afterBreachMinutes)
 * firing. Step and level come from the policy the worker holds, found by the step's id.
 */
import { Context } from '@temporalio/activity';
import type { LoadedPolicy } from '../policy/load';
import type { Level } from '../policy/schema';
import { breaches, deliveries, labels, stepsFired } from './registry';

type Channel = 'email' | 'page';

/** A failure's reason, from what the transports throw (nodemailer, fetch, ApplicationFailure). */
export function failureReason(err: unknown): string {
  const e = err as {
    name?: string;
    code?: unknown;
    responseCode?: unknown;
    nonRetryable?: boolean;
    message?: string;
  };
  // SMTP 5xx and a non-retryable failure (a 4xx of the paging endpoint) are refusals for good.
  if (e.nonRetryable || (typeof e.responseCode === 'number' && e.responseCode >= 500)) return 'rejected';
  if (e.name === 'TimeoutError' || e.code === 'ETIMEDOUT') return 'timeout';
  if (typeof e.responseCode === 'number' || /^(ECONN\w+|EDNS|ESOCKET)$/.test(String(e.code)))
    return 'unavailable';
  if (e.name === 'TypeError' && e.message === 'fetch failed') return 'unavailable';
  if (/^paging endpoint answered/.test(e.message ?? '')) return 'unavailable';
  return 'error';
}

export async function countDelivery<T>(channel: Channel, send: () => Promise<T>): Promise<T> {
  try {
    const result = await send();
    deliveries.inc(labels({ channel, outcome: 'sent', reason: 'ok' }));
    return result;
  } catch (err) {
    deliveries.inc(labels({ channel, outcome: 'failed', reason: failureReason(err) }));
    throw err;
  }
}

/** The activity's workflow type and attempt; none outside an activity (a direct call in a test). */
function activityInfo(): { workflowType: string | undefined; attempt: number } | undefined {
  try {
    const { workflowType, attempt } = Context.current().info;
    return { workflowType, attempt };
  } catch {
    return undefined;
  }
}

/**
 * Counts a ticket step's firing, if this delivery is the one that counts it: the first attempt,
 * of a ticket workflow, of the channel that stands for the step.
 */
export function countStep(
  policy: LoadedPolicy,
  delivery: { channel: Channel; level: string | undefined; stepId: string | undefined },
): void {
  const info = activityInfo();
  if (info?.workflowType !== 'ticketWorkflow' || info.attempt !== 1) return;
  const { level, stepId, channel } = delivery;
  if (!level || !stepId || !Object.hasOwn(policy.policy.escalation.ticket, level)) return;
  const steps = policy.policy.escalation.ticket[level as Level];
  const step = steps.find((s) => s.id === stepId);
  if (!step) return; // not a planned step (a manual escalation, a suspension notice)
  const countedBy: Channel = step.channels.includes('email') ? 'email' : 'page';
  if (channel !== countedBy) return;
  const kind = 'fractionOfTarget' in step.at ? 'warning' : 'breach';
  stepsFired.inc(labels({ level, kind }));
  if (kind !== 'breach') return;
  const firstBreach = steps
    .filter((s) => 'afterBreachMinutes' in s.at)
    .reduce((a, b) =>
      (a.at as { afterBreachMinutes: number }).afterBreachMinutes <=
      (b.at as { afterBreachMinutes: number }).afterBreachMinutes
        ? a
        : b,
    );
  if (firstBreach.id === step.id) breaches.inc(labels({ level }));
}
