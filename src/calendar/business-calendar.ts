/**
 * The business calendar of I1–I6: support coverage (weekly hours minus holiday windows), coverage
 * minutes, and business days. Instants in, instants out, as epoch milliseconds (UTC); wall-clock
 * rules are evaluated in the policy's time zone.
 *
 * Everything is precomputed for a span of years into sorted arrays (coverage intervals with their
 * cumulative length, the local days, the business days), so every query is a binary search and a
 * few additions. The span grows by itself when a query reaches beyond it.
 */
import type { Country, HolidayWindow, Policy, WeeklyWindow } from '../policy/schema';
import { COUNTRIES, WEEKDAYS, minutesOf } from '../policy/schema';
import { CALENDAR_YEARS } from './dates';
import { resolveHolidays, unlistableYear, type Holiday } from './holidays';
import { type Interval, intersectionOf, unionOf } from './intervals';
import { lowerBound, upperBound } from './search';
import { ZoneDays } from './zone-days';

export { type Interval, unionOf };

/** A holiday with its no-coverage window as instants: a calendar fact behind a deadline. */
export interface HolidayWindowFact extends Holiday, Interval {}

type CalendarPolicy = Pick<Policy, 'timeZone' | 'coverage' | 'holidays' | 'businessDays'>;

/**
 * I13: weekly stretches in a time zone (a roster's duty) to which coverage is restricted: a
 * Canada-only ticket's coverage is the policy's coverage while a Canada-based responder of its
 * level is on duty. Business days (I6) do not change.
 */
export interface EligibleDuty {
  timeZone: string;
  windows: WeeklyWindow[];
}

const { first: MIN_YEAR, last: MAX_YEAR } = CALENDAR_YEARS;
/** How far ahead of an instant a forward query may reach before the span is grown (two weeks of slack). */
const LOOKAHEAD_MS = 45 * 86_400_000;

/** base minus holes; both sorted and disjoint. */
function subtract(base: Interval[], holes: Interval[]): Interval[] {
  const out: Interval[] = [];
  let h = 0;
  for (const iv of base) {
    let start = iv.start;
    while (h < holes.length && holes[h]!.end <= start) h++;
    for (let k = h; k < holes.length && holes[k]!.start < iv.end; k++) {
      if (holes[k]!.start > start) out.push({ start, end: holes[k]!.start });
      start = Math.max(start, holes[k]!.end);
    }
    if (start < iv.end) out.push({ start, end: iv.end });
  }
  return out;
}

/** The precomputed calendar of years [fromYear, toYear]; tables carry a year of margin each side. */
class CalendarSpan {
  readonly days: ZoneDays;
  readonly validFrom: number;
  readonly validTo: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly cumBefore: Float64Array;
  readonly cumEnd: Float64Array;
  readonly holidayWindows: HolidayWindowFact[];
  /** Table indices of the business days, ascending. */
  readonly businessDays: Int32Array;
  /** For each table day, how many business days there are up to and including it. */
  readonly businessThrough: Int32Array;

  constructor(
    policy: CalendarPolicy,
    readonly fromYear: number,
    readonly toYear: number,
    eligible?: EligibleDuty,
  ) {
    const days = (this.days = new ZoneDays(policy.timeZone, fromYear - 1, toYear + 1));
    this.validFrom = days.starts[days.dayIndexOfDate(`${fromYear}-01-01`)]!;
    this.validTo = days.starts[days.dayIndexOfDate(`${toYear + 1}-01-01`)]!;

    const holidays: Holiday[] = [];
    for (let y = fromYear - 1; y <= toYear + 1; y++) holidays.push(...resolveHolidays(policy.holidays, y));
    this.holidayWindows = holidays
      .flatMap((h) => {
        const window = h.window ?? policy.holidays.countries[h.country].window;
        const iv = this.windowOf(h.date, window);
        return iv ? [{ ...h, ...iv }] : [];
      })
      .sort((a, b) => a.start - b.start || COUNTRIES.indexOf(a.country) - COUNTRIES.indexOf(b.country));

    let weekly = unionOf(weeklyWindows(days, policy.coverage.weekly));
    if (eligible) {
      const dutyDays =
        eligible.timeZone === policy.timeZone
          ? days
          : new ZoneDays(eligible.timeZone, fromYear - 1, toYear + 1);
      weekly = intersectionOf(weekly, unionOf(weeklyWindows(dutyDays, eligible.windows)));
    }
    const coverage = subtract(weekly, unionOf(this.holidayWindows));
    const n = coverage.length;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.cumBefore = new Float64Array(n);
    this.cumEnd = new Float64Array(n);
    let cum = 0;
    coverage.forEach((iv, i) => {
      this.starts[i] = iv.start;
      this.ends[i] = iv.end;
      this.cumBefore[i] = cum;
      cum += iv.end - iv.start;
      this.cumEnd[i] = cum;
    });

    const weekdays = new Set(policy.businessDays.weekdays.map((d) => WEEKDAYS.indexOf(d) + 1));
    const countries = new Set<Country>(policy.businessDays.holidayCountries);
    const closed = new Set(holidays.filter((h) => countries.has(h.country)).map((h) => h.date));
    const business: number[] = [];
    this.businessThrough = new Int32Array(days.days);
    for (let i = 0; i < days.days; i++) {
      if (weekdays.has(days.weekdayOf(i)) && !closed.has(days.dateOf(i))) business.push(i);
      this.businessThrough[i] = business.length;
    }
    this.businessDays = Int32Array.from(business);
  }

  /** I3: a holiday's window, D + offset at a wall-clock time, in the coverage zone. */
  private windowOf(date: string, window: HolidayWindow): Interval | undefined {
    const d = this.days.dayIndexOfDate(date);
    const startDay = d + window.start.dayOffset;
    const endDay = d + window.end.dayOffset;
    if (startDay < 0 || endDay >= this.days.days) return undefined;
    return {
      start: this.days.wallToInstant(startDay, minutesOf(window.start.time)),
      end: this.days.wallToInstant(endDay, minutesOf(window.end.time)),
    };
  }
}

/** I2 (and a roster's duty, I13): weekly windows as instants over every week of a day table. */
function weeklyWindows(days: ZoneDays, windows: WeeklyWindow[]): Interval[] {
  const out: Interval[] = [];
  for (const w of windows) {
    const fromDay = WEEKDAYS.indexOf(w.from.day) + 1;
    const span = WEEKDAYS.indexOf(w.to.day) + 1 - fromDay;
    for (let i = 0; i + span < days.days; i++) {
      if (days.weekdayOf(i) !== fromDay) continue;
      out.push({
        start: days.wallToInstant(i, minutesOf(w.from.time)),
        end: days.wallToInstant(i + span, minutesOf(w.to.time)),
      });
    }
  }
  return out;
}

export class BusinessCalendar {
  private span: CalendarSpan | undefined;

  /**
   * @param years the span to precompute now; without it, the first query decides (a year either
   *   side of it), so a one-off question does not pay for years it does not need.
   */
  constructor(
    private readonly policy: CalendarPolicy,
    years?: { from: number; to: number },
    /** I13: coverage restricted to these duty stretches (a Canada-only ticket's calendar). */
    private readonly eligible?: EligibleDuty,
  ) {
    if (years) this.span = new CalendarSpan(policy, years.from, years.to, eligible);
  }

  get timeZone(): string {
    return this.policy.timeZone;
  }

  /** Grows the precomputed span so that [from, to] lies inside it. */
  private cover(from: number, to: number): CalendarSpan {
    const s = this.span;
    if (s && from >= s.validFrom && to < s.validTo) return s;
    if (!Number.isFinite(from) || !Number.isFinite(to))
      throw new RangeError('instant is not a finite number');
    const fromYear = Math.min(s?.fromYear ?? Infinity, new Date(from).getUTCFullYear() - 1);
    const toYear = Math.max(s?.toYear ?? -Infinity, new Date(to).getUTCFullYear() + 1);
    if (fromYear < MIN_YEAR || toYear > MAX_YEAR) {
      throw new RangeError(
        `the calendar covers ${MIN_YEAR}–${MAX_YEAR}; ${new Date(from).toISOString()} is outside`,
      );
    }
    this.span = new CalendarSpan(this.policy, fromYear, toYear, this.eligible);
    return this.span;
  }

  /** I2/I3: is support coverage on at instant t? Windows are half-open [start, end). */
  isCovered(t: number): boolean {
    const s = this.cover(t, t);
    const i = upperBound(s.starts, t) - 1;
    return i >= 0 && t < s.ends[i]!;
  }

  /** The start of the first coverage window that starts at or after t. */
  nextCoverageStart(t: number): number {
    for (;;) {
      const s = this.cover(t, t + LOOKAHEAD_MS);
      const k = lowerBound(s.starts, t);
      if (k < s.starts.length) return s.starts[k]!;
      this.cover(t, s.validTo + 366 * 86_400_000);
    }
  }

  /**
   * The clock start of an opening at t (see clockStart) when it comes before t + withinMs; null
   * when there is no coverage before then (I13: a duty that leaves none). Bounded: never grows
   * the span past t + withinMs, so a calendar without coverage answers too.
   */
  clockStartWithin(t: number, withinMs: number): number | null {
    const s = this.cover(t, t + withinMs);
    const i = upperBound(s.starts, t) - 1;
    if (i >= 0 && t < s.ends[i]!) return t;
    const next = s.starts[i + 1];
    return next !== undefined && next < t + withinMs ? next : null;
  }

  /** I5/I6: a clock starts at the opening, or at the next coverage start if opened outside coverage. */
  clockStart(t: number): number {
    return this.isCovered(t) ? t : this.nextCoverageStart(t);
  }

  /** Coverage time, in ms, elapsed from the start of the span up to instant t. */
  private coverageBefore(s: CalendarSpan, t: number): number {
    const i = upperBound(s.starts, t) - 1;
    if (i < 0) return 0;
    return s.cumBefore[i]! + Math.min(t, s.ends[i]!) - s.starts[i]!;
  }

  /** Coverage milliseconds between two instants (negative when to < from). */
  coverageMsBetween(from: number, to: number): number {
    const s = this.cover(Math.min(from, to), Math.max(from, to));
    return this.coverageBefore(s, to) - this.coverageBefore(s, from);
  }

  /**
   * I5: coverage minutes from a clock start to an instant (none before the clock starts): what a
   * first response measures, and a ticket still without one has run so far (I14).
   */
  coverageMinutes(clockStart: number, at: number): number {
    return Math.max(0, this.coverageMsBetween(clockStart, at)) / 60_000;
  }

  /** I5: the earliest instant at which `ms` of coverage time has elapsed since t. */
  addCoverageMs(t: number, ms: number): number {
    if (!(ms >= 0)) throw new RangeError('coverage time to add must be zero or more');
    if (ms === 0) return t;
    for (let reach = LOOKAHEAD_MS; ; reach *= 4) {
      const s = this.cover(t, t + reach);
      const target = this.coverageBefore(s, t) + ms;
      const k = lowerBound(s.cumEnd, target);
      if (k < s.cumEnd.length) return s.starts[k]! + (target - s.cumBefore[k]!);
    }
  }

  /** I6: the same wall-clock time on the Nth business day after t's local day. */
  addBusinessDays(t: number, n: number): number {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError('business days to add must be a whole number ≥ 1');
    const s = this.cover(t, t + LOOKAHEAD_MS + n * 2 * 86_400_000);
    const day = s.days.dayOf(t);
    const target = s.businessDays[s.businessThrough[day]! + n - 1]!;
    return s.days.wallMsToInstant(target, s.days.wallTimeOf(day, t));
  }

  /** I6: is the local day of instant t a business day? */
  isBusinessDay(t: number): boolean {
    const s = this.cover(t, t);
    const day = s.days.dayOf(t);
    return s.businessThrough[day]! - (day > 0 ? s.businessThrough[day - 1]! : 0) === 1;
  }

  /** The coverage windows that intersect [from, to), clipped to it. */
  coverageWindows(from: number, to: number): Interval[] {
    const s = this.cover(from, to);
    const out: Interval[] = [];
    for (let i = Math.max(0, upperBound(s.starts, from) - 1); i < s.starts.length && s.starts[i]! < to; i++) {
      const start = Math.max(from, s.starts[i]!);
      const end = Math.min(to, s.ends[i]!);
      if (start < end) out.push({ start, end });
    }
    return out;
  }

  /** The holiday windows that intersect [from, to): the calendar facts behind a clock in that range. */
  holidayWindows(from: number, to: number): HolidayWindowFact[] {
    const s = this.cover(from, to);
    return s.holidayWindows.filter((h) => h.start < to && h.end > from);
  }

  /** The resolved holidays of a year, each with its no-coverage window (a year unlistableYear refuses throws). */
  holidaysOfYear(year: number): HolidayWindowFact[] {
    const unlisted = unlistableYear(this.policy.holidays, year);
    if (unlisted) throw new RangeError(`year: ${unlisted}`);
    const s = this.cover(Date.UTC(year, 0, 2), Date.UTC(year, 11, 30));
    return s.holidayWindows
      .filter((h) => h.date.startsWith(`${year}-`))
      .sort(
        (a, b) => a.date.localeCompare(b.date) || COUNTRIES.indexOf(a.country) - COUNTRIES.indexOf(b.country),
      );
  }
}
