// I8: the months a record's interval touches, in America/Toronto, whose close must see it (I14).
import { describe, expect, it } from 'vitest';
import { monthsTouched } from '../../src/rules/months-touched';

const ZONE = 'America/Toronto';

describe('monthsTouched (I8)', () => {
  it('an outage inside one month touches that month only', () => {
    expect(monthsTouched('2026-10-06T14:00:00Z', '2026-10-06T14:30:00Z', ZONE)).toEqual(['2026-10']);
  });
  it('I14: an outage across the month end touches both months', () => {
    // 23:50 → 00:20 Toronto (EDT, UTC−4 until 1 Nov 2026).
    expect(monthsTouched('2026-11-01T03:50:00Z', '2026-11-01T04:20:00Z', ZONE)).toEqual([
      '2026-10',
      '2026-11',
    ]);
  });
  it('an interval ending exactly at the month end does not touch the next month', () => {
    expect(monthsTouched('2026-10-31T20:00:00Z', '2026-11-01T04:00:00Z', ZONE)).toEqual(['2026-10']);
  });
  it('the month is the zone’s, not UTC’s: 02:00 UTC on the 1st is still the previous month', () => {
    expect(monthsTouched('2026-12-01T02:00:00Z', '2026-12-01T02:10:00Z', ZONE)).toEqual(['2026-11']);
  });
  it('a window over several months touches each, across a year end', () => {
    expect(monthsTouched('2026-11-20T12:00:00Z', '2027-01-02T12:00:00Z', ZONE)).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
    ]);
  });
  it('an empty interval is its start’s month', () => {
    expect(monthsTouched('2026-10-06T14:00:00Z', '2026-10-06T14:00:00Z', ZONE)).toEqual(['2026-10']);
  });
  it('refuses what is not an interval', () => {
    expect(() => monthsTouched('nope', '2026-10-06T14:00:00Z', ZONE)).toThrow(RangeError);
  });
});
