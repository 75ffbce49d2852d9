/** Instants of the scenarios, found from the test server's clock so the tests never go stale. */
import { DateTime } from 'luxon';

const ZONE = 'America/Toronto';

/** The next given weekday (1 = Monday) at a Toronto wall-clock time, strictly after `after`. */
export function nextWeekdayAt(after: number, weekday: number, time: string): number {
  const [h, m] = time.split(':').map(Number);
  let d = DateTime.fromMillis(after, { zone: ZONE }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
  while (d.weekday !== weekday || d.toMillis() <= after) d = d.plus({ days: 1 }).set({ hour: h, minute: m });
  return d.toMillis();
}

/** A Toronto wall-clock time on the same local day as t. */
export function sameDayAt(t: number, time: string): number {
  const [h, m] = time.split(':').map(Number);
  return DateTime.fromMillis(t, { zone: ZONE })
    .set({ hour: h, minute: m, second: 0, millisecond: 0 })
    .toMillis();
}

export const iso = (t: number) => new Date(t).toISOString();
export const minutes = (n: number) => n * 60_000;
