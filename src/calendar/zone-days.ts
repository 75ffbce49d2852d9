/**
 * A table of the local days of one time zone over a span of years: where each day starts as an
 * instant, and whether it is 24 hours long. Wall-clock math on a regular day is then one
 * addition; only the two DST days a year go through luxon. This is what makes a deadline cost
 * well under a microsecond (the benchmark in bench/calendar.bench.ts).
 */
import { DateTime, IANAZone } from 'luxon';
import { dateToEpochDay, epochDayToDate } from './dates';
import { upperBound } from './search';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export class ZoneDays {
  /** Epoch day (days since 1970-01-01) of the first local day in the table. */
  readonly firstEpochDay: number;
  /** Instant (epoch ms) at which each local day starts; one more entry closes the last day. */
  readonly starts: Float64Array;

  constructor(
    readonly zone: string,
    readonly fromYear: number,
    readonly toYear: number,
  ) {
    this.firstEpochDay = dateToEpochDay(`${fromYear}-01-01`);
    const count = dateToEpochDay(`${toYear + 1}-01-01`) - this.firstEpochDay;
    this.starts = new Float64Array(count + 1);
    // A day starts 24 h after the previous one unless the UTC offset changed in between (or the
    // zone skips midnight); only those few days are worked out with luxon.
    const tz = IANAZone.create(zone);
    const exact = (i: number) =>
      DateTime.fromISO(epochDayToDate(this.firstEpochDay + i), { zone })
        .startOf('day')
        .toMillis();
    this.starts[0] = exact(0);
    for (let i = 1; i <= count; i++) {
      const guess = this.starts[i - 1]! + DAY_MS;
      const offset = tz.offset(guess);
      const midnight = (guess + offset * 60_000) % DAY_MS === 0;
      this.starts[i] = midnight && offset === tz.offset(this.starts[i - 1]!) ? guess : exact(i);
    }
  }

  get days(): number {
    return this.starts.length - 1;
  }

  /** Index of the local day containing instant t, or -1 / days when outside the table. */
  dayOf(t: number): number {
    return upperBound(this.starts, t) - 1;
  }

  dayIndexOfDate(date: string): number {
    return dateToEpochDay(date) - this.firstEpochDay;
  }

  dateOf(day: number): string {
    return epochDayToDate(this.firstEpochDay + day);
  }

  /** ISO weekday of a table day: 1 = Monday … 7 = Sunday. */
  weekdayOf(day: number): number {
    return ((((this.firstEpochDay + day + 3) % 7) + 7) % 7) + 1;
  }

  private isRegular(day: number): boolean {
    return this.starts[day + 1]! - this.starts[day]! === DAY_MS;
  }

  /**
   * The instant of a wall-clock time (minutes after midnight, 0–1440) on a table day.
   * I6: a time that does not exist (the spring-forward gap) moves forward by the gap; a time that
   * happens twice (the fall-back hour) means its first occurrence.
   */
  wallToInstant(day: number, minuteOfDay: number): number {
    if (minuteOfDay === 1440) return this.starts[day + 1]!;
    if (this.isRegular(day)) return this.starts[day]! + minuteOfDay * MINUTE_MS;
    const local = DateTime.fromISO(this.dateOf(day), { zone: this.zone }).set({
      hour: Math.floor(minuteOfDay / 60),
      minute: minuteOfDay % 60,
    });
    const t = local.toMillis();
    // luxon resolves an ambiguous time to its later occurrence; take the first when there is one.
    const earlier = DateTime.fromMillis(t - 3_600_000, { zone: this.zone });
    return earlier.hour === local.hour && earlier.minute === local.minute && earlier.day === local.day
      ? t - 3_600_000
      : t;
  }

  /** Milliseconds of wall-clock time since local midnight for instant t inside a table day. */
  wallTimeOf(day: number, t: number): number {
    if (this.isRegular(day)) return t - this.starts[day]!;
    const local = DateTime.fromMillis(t, { zone: this.zone });
    return ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
  }

  /** The instant of a wall-clock time given in milliseconds since midnight (keeps seconds). */
  wallMsToInstant(day: number, wallMs: number): number {
    if (this.isRegular(day)) return this.starts[day]! + wallMs;
    const minute = Math.floor(wallMs / MINUTE_MS);
    return this.wallToInstant(day, minute) + (wallMs - minute * MINUTE_MS);
  }
}
