/**
 * I13: a Canada-only ticket's coverage is the plain coverage while a Canada-based responder of
 * its level is on duty (the eligible calendar). Its clock runs on that calendar; it is held while
 * the plain clock would run and no such responder is on duty yet; and with no such time within
 * the policy's look-ahead from the opening, its SLA is suspended rather than silently breaching,
 * the plain calendar then kept to show what would have been due.
 */
import type { BusinessCalendar } from '../calendar';
import type { Level } from '../policy/schema';

const DAY_MS = 86_400_000;

export interface EligibleCoverage {
  /** The calendar the ticket's clock runs on. */
  calendar: BusinessCalendar;
  /** The first eligible instant, when it is later than the plain clock start; else null. */
  heldUntil: number | null;
  suspendedReason: string | null;
}

export function eligibleCoverage(
  plain: BusinessCalendar,
  eligible: BusinessCalendar,
  input: { level: Level; opened: number; lookaheadDays: number },
): EligibleCoverage {
  const { level, opened, lookaheadDays } = input;
  const start = eligible.clockStartWithin(opened, lookaheadDays * DAY_MS);
  if (start === null) {
    return {
      calendar: plain,
      heldUntil: null,
      suspendedReason: `data access restricted to Canada-based staff (C12/I13) and no Canada-based ${level} responder is on duty within ${lookaheadDays} days of the opening`,
    };
  }
  return {
    calendar: eligible,
    heldUntil: start > plain.clockStart(opened) ? start : null,
    suspendedReason: null,
  };
}
