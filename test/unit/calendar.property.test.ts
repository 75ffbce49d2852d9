// Properties of the calendar (fast-check) over random instants of 2026–2027.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, responseDeadline } from '../../src/calendar';
import { loadPolicy, LEVELS } from '../../src/policy';

const { policy } = loadPolicy({});
const calendar = new BusinessCalendar(policy);
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) });
const minutes = fc.integer({ min: 0, max: 20_000 }).map((m) => m * 60_000);
const RUNS = { numRuns: 2000 };

describe('calendar properties', () => {
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

  it('an L1 deadline is exactly 15 coverage minutes after its clock start', () => {
    fc.assert(
      fc.property(instant, (opened) => {
        const clock = responseDeadline(calendar, policy.levels.L1, opened);
        expect(calendar.coverageMsBetween(clock.clockStart, clock.due)).toBe(15 * 60_000);
        expect(calendar.coverageMsBetween(opened, clock.due)).toBe(15 * 60_000);
      }),
      RUNS,
    );
  });

  it('adding coverage minutes is monotone in the start and in the amount', () => {
    fc.assert(
      fc.property(instant, instant, minutes, minutes, (a, b, m1, m2) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        const [small, large] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(calendar.addCoverageMs(t1, small)).toBeLessThanOrEqual(calendar.addCoverageMs(t2, small));
        expect(calendar.addCoverageMs(t1, small)).toBeLessThanOrEqual(calendar.addCoverageMs(t1, large));
      }),
      RUNS,
    );
  });

  it('adding coverage minutes is additive and measured back exactly', () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (t, m1, m2) => {
        const once = calendar.addCoverageMs(t, m1 + m2);
        expect(calendar.addCoverageMs(calendar.addCoverageMs(t, m1), m2)).toBe(once);
        expect(calendar.coverageMsBetween(t, once)).toBe(m1 + m2);
      }),
      RUNS,
    );
  });

  it('business-day deadlines keep the wall-clock time or move to a coverage start', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom('L2' as const, 'L3' as const), (opened, level) => {
        const clock = responseDeadline(calendar, policy.levels[level], opened);
        const target = policy.levels[level];
        if (target.kind !== 'business-days') throw new Error('L2 and L3 count business days');
        const kept = calendar.addBusinessDays(clock.clockStart, target.days);
        expect(calendar.isBusinessDay(kept)).toBe(true);
        expect(
          clock.due === kept || (!calendar.isCovered(kept) && clock.due === calendar.nextCoverageStart(kept)),
        ).toBe(true);
      }),
      RUNS,
    );
  });
});
