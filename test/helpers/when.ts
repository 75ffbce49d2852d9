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

/** The next weekday (Mon–Fri) Canadian holiday strictly after t, as its local date. */
export function nextWeekdayHoliday(
  calendar: { holidaysOfYear(y: number): { date: string; country: string }[] },
  t: number,
): string {
  const today = DateTime.fromMillis(t, { zone: ZONE });
  for (let year = today.year; ; year++) {
    const found = calendar
      .holidaysOfYear(year)
      .filter((h) => h.country === 'CA')
      .map((h) => DateTime.fromISO(h.date, { zone: ZONE }))
      .find((d) => d.weekday <= 5 && d.toMillis() > today.endOf('day').toMillis());
    if (found) return found.toISODate()!;
  }
}

/** The weekday before a date at a Toronto wall-clock time (Friday for a Monday). */
export function weekdayBefore(date: string, time: string): number {
  const [h, m] = time.split(':').map(Number);
  let d = DateTime.fromISO(date, { zone: ZONE }).minus({ days: 1 });
  while (d.weekday > 5) d = d.minus({ days: 1 });
  return d.set({ hour: h, minute: m }).toMillis();
}

/** The first instant after t at which Toronto's UTC offset changes. */
export function nextDstChange(t: number): number {
  let d = DateTime.fromMillis(t, { zone: ZONE }).startOf('hour');
  const offset = d.offset;
  while (d.offset === offset) d = d.plus({ hours: 1 });
  return d.toMillis();
}
