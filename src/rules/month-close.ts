/**
 * When a month may be closed by hand (I14). The month-close Schedule closes a month once its
 * grace period after the month's end has passed, so that outages still open at the end can end
 * and be recorded. A manual close inside the grace would credit figures that the outages still
 * running may change, and finance expects the month's credit once: it is refused unless forced.
 * Forced or not, the Schedule's close still runs after the grace (a re-run writes only
 * differences, I10).
 */
import { DateTime } from 'luxon';
import { accountingMonth } from './uptime';

export type ManualClose =
  { allowed: true } | { allowed: false; reason: 'not-ended' | 'in-grace'; message: string; graceEnd: string };

/**
 * Whether `month` may be closed by hand at `now` (epoch ms) under the policy's month zone and
 * grace; `forceFlag` names the override in the message (`--force`, `force: true`).
 */
export function manualClose(input: {
  month: string;
  zone: string;
  graceHours: number;
  now: number;
  force: boolean;
  forceFlag: string;
}): ManualClose {
  const { end } = accountingMonth(input.month, input.zone);
  const graceEndMs = end + input.graceHours * 3_600_000;
  const graceEnd = new Date(graceEndMs).toISOString();
  if (end > input.now)
    return {
      allowed: false,
      reason: 'not-ended',
      graceEnd,
      message: `${input.month} has not ended yet in ${input.zone}`,
    };
  if (input.force || graceEndMs <= input.now) return { allowed: true };
  const local = DateTime.fromMillis(graceEndMs, { zone: input.zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
  return {
    allowed: false,
    reason: 'in-grace',
    graceEnd,
    message:
      `${input.month} is in its close grace period until ${graceEnd} (${local}, ${input.graceHours} h after ` +
      `the month's end): outages still open may yet end and be recorded, and the month-close Schedule ` +
      `closes it then; ${input.forceFlag} closes it now (the Schedule's close still runs after the ` +
      `grace and writes only differences)`,
  };
}
