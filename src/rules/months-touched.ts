/**
 * Which accounting months (I8: calendar months in the policy's month zone) a record's interval
 * touches: the months whose figures it can change, so whose close must see it (I10, I14).
 */
import { DateTime } from 'luxon';

/** The "YYYY-MM" months that [from, to) overlaps, in order; an empty interval is its start's month. */
export function monthsTouched(from: string, to: string, zone: string): string[] {
  const start = DateTime.fromISO(from, { zone });
  const endMs = Math.max(Date.parse(from), Date.parse(to) - 1);
  if (!start.isValid || Number.isNaN(endMs)) throw new RangeError(`not an interval: ${from} → ${to}`);
  const last = DateTime.fromMillis(endMs, { zone }).toFormat('yyyy-MM');
  const months: string[] = [];
  for (let m = start.startOf('month'); ; m = m.plus({ months: 1 })) {
    const month = m.toFormat('yyyy-MM');
    months.push(month);
    if (month >= last) return months;
  }
}
