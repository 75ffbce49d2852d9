/**
 * Calendar-date arithmetic on "YYYY-MM-DD" strings. A date here has no time zone: it is a day of
 * some country's calendar, so the math runs on UTC midnights where no DST can shift it.
 */
const DAY_MS = 86_400_000;

/** The years the business calendar computes, a year of margin included each side (I1–I6). */
export const CALENDAR_YEARS = { first: 1971, last: 2199 } as const;

export function dateToEpochDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function epochDayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return epochDayToDate(dateToEpochDay(date) + days);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((((dateToEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

export function isWeekend(date: string): boolean {
  return isoWeekday(date) >= 6;
}
