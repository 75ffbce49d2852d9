// Properties of the calendar (fast-check) over random instants of 2026–2027, each against
// something other than the calendar itself:
// - on spans without holidays, moment-business-time (an independent implementation of weekly
//   working hours, set up with the weekly coverage of I2) for coverage, coverage time, business
//   days and the three levels' deadlines;
// - with holidays, the resolved holiday list (I4) and the policy's windows (I3) read with luxon:
//   no coverage inside a holiday's window, and the business days of I6 counted by hand.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { Moment } from 'moment';
import { beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar, resolveHolidays, responseDeadline, type Holiday } from '../../src/calendar';
import { loadPolicy, LEVELS, type Level } from '../../src/policy';
import { momentPeer, PEER_WEEKLY } from '../helpers/moment-peer';

const { policy } = loadPolicy({});
const calendar = new BusinessCalendar(policy);
const ZONE = policy.timeZone;
const MINUTE = 60_000;
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) });
// Whole minutes: the peer drops the seconds of a time when its working time crosses midnight.
const wholeMinute = instant.map((t) => Math.floor(t / MINUTE) * MINUTE);
// Half past a minute: never on a window's edge, where the peer's working hours are closed
// (Friday 16:00 is working time for it) and coverage is half-open (I2: it ends at 16:00).
const offEdge = wholeMinute.map((t) => t + MINUTE / 2);
const minutes = fc.integer({ min: 1, max: 10_000 });
const RUNS = { numRuns: 2000 };
const PEER_RUNS = { numRuns: 400 };

// The years either side too: a span near a year's end reaches into the next (or the last).
const holidays = [2025, 2026, 2027, 2028].flatMap((y) => resolveHolidays(policy.holidays, y));
const holidayDates = new Set(holidays.map((h) => h.date));
/** No holiday of any country from the day before `from` to the day after `to` (I3 windows reach D − 1). */
function withoutHolidays(from: number, to: number): boolean {
  const last = DateTime.fromMillis(to, { zone: ZONE }).plus({ days: 1 }).toISODate()!;
  for (let d = DateTime.fromMillis(from, { zone: ZONE }).minus({ days: 1 }); ; d = d.plus({ days: 1 })) {
    if (holidayDates.has(d.toISODate()!)) return false;
    if (d.toISODate() === last) return true;
  }
}

let moment: (t: number) => Moment;
beforeAll(async () => {
  // The peer's weekly hours are I2's of the default policy; it has no holidays here.
  expect(policy.coverage.weekly).toEqual(PEER_WEEKLY);
  const m = await momentPeer();
  moment = (t) => m(t);
});

/** The peer's answers, in the contract's terms. */
const peer = {
  clockStart: (t: number) => (moment(t).isWorkingTime() ? t : moment(t).nextWorkingTime().valueOf()),
  addCoverageMinutes: (t: number, n: number) => moment(t).addWorkingTime(n, 'minutes').valueOf(),
  /**
   * The peer's Nth working day, at t's wall-clock time. (It walks a day at a time, so a time in
   * 02:00–03:00 comes out an hour later past a spring-forward Sunday: the time is set again here.)
   */
  addBusinessDays(t: number, n: number): number {
    let d = moment(t);
    for (let i = 0; i < n; i++) d = d.nextWorkingDay();
    const wall = DateTime.fromMillis(t, { zone: ZONE });
    return DateTime.fromISO(d.format('YYYY-MM-DD'), { zone: ZONE })
      .set({ hour: wall.hour, minute: wall.minute, second: wall.second, millisecond: wall.millisecond })
      .toMillis();
  },
  deadline(level: Level, opened: number): number {
    const target = policy.levels[level];
    const start = peer.clockStart(opened);
    if (target.kind === 'coverage-minutes') return peer.addCoverageMinutes(start, target.minutes);
    return peer.clockStart(peer.addBusinessDays(start, target.days));
  },
};

describe('calendar against moment-business-time, on spans without holidays', () => {
  it('I2 coverage: an instant is in coverage exactly when it is in the weekly working hours', () => {
    fc.assert(
      fc.property(offEdge, (t) => {
        fc.pre(withoutHolidays(t, t));
        expect(calendar.isCovered(t)).toBe(moment(t).isWorkingTime());
      }),
      PEER_RUNS,
    );
  });

  it('I5/I6 clock start: the opening inside coverage, else the next coverage start', () => {
    fc.assert(
      fc.property(offEdge, (t) => {
        const ours = calendar.clockStart(t);
        fc.pre(withoutHolidays(t, Math.max(ours, peer.clockStart(t))));
        expect(ours).toBe(peer.clockStart(t));
      }),
      PEER_RUNS,
    );
  });

  it('I5 coverage time: N coverage minutes after an instant, and the coverage between two instants', () => {
    fc.assert(
      fc.property(wholeMinute, minutes, (t, n) => {
        const ours = calendar.addCoverageMs(t, n * MINUTE);
        const theirs = peer.addCoverageMinutes(t, n);
        fc.pre(withoutHolidays(t, Math.max(ours, theirs)));
        expect(ours).toBe(theirs);
        const later = t + n * MINUTE;
        // The peer answers -0 for a span wholly outside working time: the same duration as 0,
        // which toBe (Object.is) would tell apart.
        expect(calendar.coverageMsBetween(t, later)).toBe(
          moment(later).workingDiff(moment(t), 'milliseconds') + 0,
        );
      }),
      PEER_RUNS,
    );
  });

  it('I6 business days: the Nth business day after a day in coverage, at the same wall-clock time', () => {
    fc.assert(
      fc.property(wholeMinute, fc.integer({ min: 1, max: 10 }), (opened, n) => {
        const start = calendar.clockStart(opened);
        const ours = calendar.addBusinessDays(start, n);
        const theirs = peer.addBusinessDays(start, n);
        fc.pre(withoutHolidays(opened, Math.max(ours, theirs)));
        expect(ours).toBe(theirs);
        expect(calendar.isBusinessDay(ours)).toBe(moment(ours).isWorkingDay());
      }),
      PEER_RUNS,
    );
  });

  it('C6–C8 deadlines: L1 after 15 coverage minutes, L2 and L3 after one and two business days', () => {
    // Coverage time in whole minutes (see wholeMinute); business days counted from off an edge,
    // where the peer's clock would start at Friday 16:00 (see offEdge).
    const opening = fc
      .constantFrom(...LEVELS)
      .chain((level) => fc.tuple(level === 'L1' ? wholeMinute : offEdge, fc.constant(level)));
    fc.assert(
      fc.property(opening, ([opened, level]) => {
        const ours = responseDeadline(calendar, policy.levels[level], opened).due;
        const theirs = peer.deadline(level, opened);
        fc.pre(withoutHolidays(opened, Math.max(ours, theirs)));
        expect(ours).toBe(theirs);
      }),
      PEER_RUNS,
    );
  });
});

describe('calendar properties with holidays', () => {
  /** A holiday's no-coverage window (I3) as the policy gives it, in the coverage zone. */
  const windowOf = (h: Holiday) => {
    const w = h.window ?? policy.holidays.countries[h.country].window;
    const at = (o: typeof w.start) =>
      DateTime.fromISO(`${h.date}T${o.time}`, { zone: ZONE }).plus({ days: o.dayOffset }).toMillis();
    return { start: at(w.start), end: at(w.end) };
  };

  it('I3: no instant inside a holiday window is in coverage', () => {
    const inWindow = fc.constantFrom(...holidays).chain((h) => {
      const { start, end } = windowOf(h);
      return fc.tuple(fc.constant(h), fc.integer({ min: start, max: end - 1 }));
    });
    fc.assert(
      fc.property(inWindow, ([h, t]) => {
        expect(calendar.isCovered(t), `${h.country} ${h.date} ${new Date(t).toISOString()}`).toBe(false);
      }),
      RUNS,
    );
  });

  it('I6: L2 and L3 deadlines are on the Nth business day (Monday–Friday, not a Canadian holiday) at the clock start’s wall-clock time, or at the next coverage start', () => {
    const closed = new Set(
      holidays.filter((h) => policy.businessDays.holidayCountries.includes(h.country)).map((h) => h.date),
    );
    const isBusinessDate = (d: DateTime) => d.weekday <= 5 && !closed.has(d.toISODate()!);
    fc.assert(
      fc.property(instant, fc.constantFrom('L2' as const, 'L3' as const), (opened, level) => {
        const target = policy.levels[level];
        if (target.kind !== 'business-days') throw new Error('L2 and L3 count business days');
        const { clockStart, due } = responseDeadline(calendar, target, opened);
        const start = DateTime.fromMillis(clockStart, { zone: ZONE });
        let day = start.startOf('day');
        for (let n = target.days; n > 0;) {
          day = day.plus({ days: 1 });
          if (isBusinessDate(day)) n--;
        }
        const kept = day
          .set({
            hour: start.hour,
            minute: start.minute,
            second: start.second,
            millisecond: start.millisecond,
          })
          .toMillis();
        if (due === kept) return;
        // Moved: the wall-clock time fell outside coverage, and the deadline is the next coverage start.
        expect(due).toBeGreaterThan(kept);
        expect(calendar.isCovered(kept)).toBe(false);
        expect(calendar.coverageMsBetween(kept, due)).toBe(0);
        expect(calendar.isCovered(due)).toBe(true);
      }),
      RUNS,
    );
  });

  it('a deadline is never before its opening, and its clock starts inside coverage', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...LEVELS), (opened, level) => {
        const clock = responseDeadline(calendar, policy.levels[level], opened);
        expect(clock.clockStart).toBeGreaterThanOrEqual(opened);
        expect(clock.due).toBeGreaterThan(clock.clockStart);
        expect(calendar.isCovered(clock.clockStart)).toBe(true);
      }),
      RUNS,
    );
  });

  it('adding coverage time is monotone in the start and in the amount', () => {
    fc.assert(
      fc.property(instant, instant, minutes, minutes, (a, b, m1, m2) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        const [small, large] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(calendar.addCoverageMs(t1, small * MINUTE)).toBeLessThanOrEqual(
          calendar.addCoverageMs(t2, small * MINUTE),
        );
        expect(calendar.addCoverageMs(t1, small * MINUTE)).toBeLessThanOrEqual(
          calendar.addCoverageMs(t1, large * MINUTE),
        );
      }),
      RUNS,
    );
  });
});
