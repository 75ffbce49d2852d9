// Report times in the month's zone (I8): wall-clock time with the zone's abbreviation.
import { describe, expect, it } from 'vitest';
import { localTime } from '../../src/report/local-time';

const ZONE = 'America/Toronto';

describe('localTime (I8: the report reads in the month zone)', () => {
  it.each([
    ['2026-10-06T14:00:00.000Z', '2026-10-06 10:00 EDT'],
    ['2026-01-15T14:00:00Z', '2026-01-15 09:00 EST'],
    // Seconds only when the instant has them.
    ['2026-11-04T04:00:01.000Z', '2026-11-03 23:00:01 EST'],
    ['2026-11-04T04:00:00.500Z', '2026-11-03 23:00:00 EST'],
    // The hour repeated when DST ends stays unambiguous, and the one skipped when it starts never shows.
    ['2026-11-01T05:30:00Z', '2026-11-01 01:30 EDT'],
    ['2026-11-01T06:30:00Z', '2026-11-01 01:30 EST'],
    ['2026-03-08T06:59:00Z', '2026-03-08 01:59 EST'],
    ['2026-03-08T07:00:00Z', '2026-03-08 03:00 EDT'],
  ])('%s → %s', (iso, shown) => {
    expect(localTime(iso, ZONE)).toBe(shown);
  });

  it('refuses what is not an ISO instant', () => {
    expect(() => localTime('yesterday', ZONE)).toThrow(/not an ISO instant: yesterday/);
  });
});
