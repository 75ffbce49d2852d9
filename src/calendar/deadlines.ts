/**
 * Response deadlines of the support levels (C6–C8): L1 in coverage minutes (I5), L2 and L3 in
 * business days (I6). Pure: a calendar and a level's target in, instants out.
 */
import type { LevelTarget } from '../policy/schema';
import type { BusinessCalendar } from './business-calendar';

export interface ResponseClock {
  /** When the clock starts: the opening, or the next coverage start (I5, I6). */
  clockStart: number;
  /** When the first response is due. */
  due: number;
}

const MINUTE_MS = 60_000;

export function responseDeadline(
  calendar: BusinessCalendar,
  target: LevelTarget,
  opened: number,
): ResponseClock {
  const clockStart = calendar.clockStart(opened);
  if (target.kind === 'coverage-minutes') {
    return { clockStart, due: calendar.addCoverageMs(clockStart, target.minutes * MINUTE_MS) };
  }
  // I6: same wall-clock time on the Nth following business day; outside coverage → next coverage start.
  const due = calendar.addBusinessDays(clockStart, target.days);
  return { clockStart, due: calendar.clockStart(due) };
}
