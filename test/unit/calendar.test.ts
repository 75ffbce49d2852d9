// I1–I6 as tables: coverage edges, stacked holiday windows, the Australian overnight window, the UK
// window at Monday 05:00, DST weeks, Christmas into New Year; then response deadlines per level.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, responseDeadline } from '../../src/calendar';
import { ZoneDays } from '../../src/calendar/zone-days';
import { loadPolicy, type Level } from '../../src/policy';

const { policy } = loadPolicy({});
const calendar = new BusinessCalendar(policy);
const ZONE = 'America/Toronto';
/** A Toronto wall-clock time, "2026-04-03 09:00", as an instant. */
const et = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: ZONE }).toMillis();
const utc = (t: number) => new Date(t).toISOString();

describe('I2/I3 coverage', () => {
  const table: [string, string, boolean][] = [
    // weekly edges (I2)
    ['Monday 04:59 is before coverage', '2026-11-30 04:59', false],
    ['Monday 05:00 opens coverage', '2026-11-30 05:00', true],
    ['Wednesday 03:00 is covered (coverage runs through the nights)', '2026-12-02 03:00', true],
    ['Friday 15:59 is covered', '2026-12-04 15:59', true],
    ['Friday 16:00 closes coverage', '2026-12-04 16:00', false],
    ['Saturday is not covered', '2026-12-05 12:00', false],
    ['Sunday 23:59 is not covered', '2026-12-06 23:59', false],
    // Canada Day (Wednesday): 09:00–17:00 ET
    ['Canada Day 08:59', '2026-07-01 08:59', true],
    ['Canada Day 09:00', '2026-07-01 09:00', false],
    ['Canada Day 16:59', '2026-07-01 16:59', false],
    ['Canada Day 17:00', '2026-07-01 17:00', true],
    // UK window at Monday 05:00: Spring bank holiday, Monday 2026-05-25, 05:00–09:00 ET
    ['UK bank holiday Monday 05:00', '2026-05-25 05:00', false],
    ['UK bank holiday Monday 08:59', '2026-05-25 08:59', false],
    ['UK bank holiday Monday 09:00', '2026-05-25 09:00', true],
    // Australian overnight window: Australia Day Tuesday 2027-01-26, Monday 20:00 → Tuesday 05:00 ET
    ['Monday 19:59 before Australia Day', '2027-01-25 19:59', true],
    ['Monday 20:00 before Australia Day', '2027-01-25 20:00', false],
    ['Australia Day 00:30 ET', '2027-01-26 00:30', false],
    ['Australia Day 05:00 ET', '2027-01-26 05:00', true],
    // Easter Monday 2026-04-06: Australian and UK windows stack to 09:00 (no Canadian window)
    ['Easter Monday 05:00', '2026-04-06 05:00', false],
    ['Easter Monday 08:59', '2026-04-06 08:59', false],
    ['Easter Monday 09:00', '2026-04-06 09:00', true],
    // Good Friday 2026-04-03: AU from Thursday 20:00, then UK, then Canada until past Friday's 16:00
    ['Thursday 19:59 before Good Friday', '2026-04-02 19:59', true],
    ['Thursday 20:00 before Good Friday', '2026-04-02 20:00', false],
    ['Good Friday 07:00', '2026-04-03 07:00', false],
    ['Good Friday 12:00', '2026-04-03 12:00', false],
    // Christmas into New Year 2026–2027
    ['Christmas Eve 19:59', '2026-12-24 19:59', true],
    ['Christmas Eve 20:00 (AU Christmas)', '2026-12-24 20:00', false],
    ['Boxing Day substitute Monday 16:59', '2026-12-28 16:59', false],
    ['Boxing Day substitute Monday 17:00', '2026-12-28 17:00', true],
    ["New Year's Eve 19:59", '2026-12-31 19:59', true],
    ["New Year's Eve 20:00 (AU New Year)", '2026-12-31 20:00', false],
    ["New Year's Day 10:00", '2027-01-01 10:00', false],
    ['Monday 2027-01-04 05:00', '2027-01-04 05:00', true],
  ];
  it.each(table)('%s', (_name, local, covered) => {
    expect(calendar.isCovered(et(local))).toBe(covered);
  });

  it('lists the windows of Christmas week 2026 with every country stacked', () => {
    const windows = calendar
      .coverageWindows(et('2026-12-21 00:00'), et('2027-01-04 12:00'))
      .map((w) => [
        DateTime.fromMillis(w.start, { zone: ZONE }).toFormat('ccc dd HH:mm'),
        DateTime.fromMillis(w.end, { zone: ZONE }).toFormat('ccc dd HH:mm'),
      ]);
    expect(windows).toEqual([
      ['Mon 21 05:00', 'Thu 24 20:00'],
      ['Mon 28 17:00', 'Thu 31 20:00'],
      ['Mon 04 05:00', 'Mon 04 12:00'],
    ]);
  });

  it('gives each holiday of the year its window in UTC (Australian D−1 20:00 → D 05:00)', () => {
    const anzac = calendar.holidaysOfYear(2026).find((h) => h.country === 'AU' && h.name === 'Anzac Day');
    expect(anzac && [utc(anzac.start), utc(anzac.end)]).toEqual([
      '2026-04-25T00:00:00.000Z',
      '2026-04-25T09:00:00.000Z',
    ]);
  });

  it('nextCoverageStart finds the start after a weekend and after stacked windows', () => {
    expect(utc(calendar.nextCoverageStart(et('2026-12-05 12:00')))).toBe(utc(et('2026-12-07 05:00')));
    expect(utc(calendar.nextCoverageStart(et('2026-04-02 21:00')))).toBe(utc(et('2026-04-06 09:00')));
    expect(utc(calendar.nextCoverageStart(et('2026-12-24 21:00')))).toBe(utc(et('2026-12-28 17:00')));
  });
});

describe('coverage minutes (I5)', () => {
  it('counts only coverage time, across a weekend and a DST change', () => {
    // Friday 2026-03-06 15:00 EST → Monday 2026-03-09 06:00 EDT: 60 + 60 minutes.
    expect(calendar.coverageMsBetween(et('2026-03-06 15:00'), et('2026-03-09 06:00'))).toBe(120 * 60_000);
  });
  it('is zero outside coverage and negative backwards', () => {
    expect(calendar.coverageMsBetween(et('2026-12-05 10:00'), et('2026-12-06 10:00'))).toBe(0);
    expect(calendar.coverageMsBetween(et('2026-12-04 15:00'), et('2026-12-04 14:00'))).toBe(-60 * 60_000);
  });
  it('a week of coverage is 107 hours, 99 in the week of Canada Day', () => {
    expect(calendar.coverageMsBetween(et('2026-11-30 00:00'), et('2026-12-07 00:00'))).toBe(107 * 3_600_000);
    expect(calendar.coverageMsBetween(et('2026-06-29 00:00'), et('2026-07-06 00:00'))).toBe(99 * 3_600_000);
  });
});

type Row = [name: string, level: Level, opened: string, clockStart: string, due: string];

describe('response deadlines (I5 L1, I6 L2/L3)', () => {
  const table: Row[] = [
    // L1: 15 coverage minutes
    ['L1 inside coverage', 'L1', '2026-12-02 10:00', '2026-12-02 10:00', '2026-12-02 10:15'],
    ['L1 across Friday 16:00', 'L1', '2026-11-27 15:55', '2026-11-27 15:55', '2026-11-30 05:10'],
    ['L1 opened on a Saturday', 'L1', '2026-11-28 11:00', '2026-11-30 05:00', '2026-11-30 05:15'],
    [
      'L1 opened before a UK bank holiday Monday',
      'L1',
      '2026-05-23 10:00',
      '2026-05-25 09:00',
      '2026-05-25 09:15',
    ],
    ['L1 across the Canada Day window', 'L1', '2026-07-01 08:50', '2026-07-01 08:50', '2026-07-01 17:05'],
    [
      'L1 into the Australian overnight window',
      'L1',
      '2027-01-25 19:50',
      '2027-01-25 19:50',
      '2027-01-26 05:05',
    ],
    ['L1 across the March DST weekend', 'L1', '2026-03-06 15:50', '2026-03-06 15:50', '2026-03-09 05:05'],
    ['L1 across the November DST weekend', 'L1', '2026-10-30 15:50', '2026-10-30 15:50', '2026-11-02 05:05'],
    [
      'L1 Christmas Eve into Boxing Day substitute',
      'L1',
      '2026-12-24 19:55',
      '2026-12-24 19:55',
      '2026-12-28 17:10',
    ],
    ['L1 New Year: Dec 31 into 2027', 'L1', '2026-12-31 19:50', '2026-12-31 19:50', '2027-01-04 05:05'],
    [
      'L1 Good Friday stack: Thursday evening to Easter Monday',
      'L1',
      '2026-04-02 19:58',
      '2026-04-02 19:58',
      '2026-04-06 09:13',
    ],
    // L2: one business day, same wall-clock time
    ['L2 Friday to Monday', 'L2', '2026-11-27 15:55', '2026-11-27 15:55', '2026-11-30 15:55'],
    ['L2 opened on a Saturday', 'L2', '2026-11-28 11:00', '2026-11-30 05:00', '2026-12-01 05:00'],
    [
      'L2 over Canada Day (not a business day)',
      'L2',
      '2026-06-30 10:00',
      '2026-06-30 10:00',
      '2026-07-02 10:00',
    ],
    [
      'L2 due in the UK window moves to 09:00',
      'L2',
      '2026-05-22 06:00',
      '2026-05-22 06:00',
      '2026-05-25 09:00',
    ],
    [
      'L2 due after Friday 16:00 moves to Monday',
      'L2',
      '2027-01-21 21:00',
      '2027-01-21 21:00',
      '2027-01-25 05:00',
    ],
    ['L2 opened in the Australian window', 'L2', '2027-01-25 21:00', '2027-01-26 05:00', '2027-01-27 05:00'],
    [
      'L2 across the March DST weekend (71 real hours)',
      'L2',
      '2026-03-06 10:00',
      '2026-03-06 10:00',
      '2026-03-09 10:00',
    ],
    [
      'L2 across the November DST weekend (73 real hours)',
      'L2',
      '2026-10-30 10:00',
      '2026-10-30 10:00',
      '2026-11-02 10:00',
    ],
    ['L2 on Christmas Eve', 'L2', '2026-12-24 10:00', '2026-12-24 10:00', '2026-12-29 10:00'],
    // L3: two business days
    ['L3 over Good Friday', 'L3', '2026-04-02 15:00', '2026-04-02 15:00', '2026-04-07 15:00'],
    ['L3 before Christmas 2026', 'L3', '2026-12-23 10:00', '2026-12-23 10:00', '2026-12-29 10:00'],
    [
      'L3 Christmas 2027 (both substitutes)',
      'L3',
      '2027-12-23 10:00',
      '2027-12-23 10:00',
      '2027-12-29 10:00',
    ],
    ['L3 New Year', 'L3', '2026-12-30 11:00', '2026-12-30 11:00', '2027-01-04 11:00'],
  ];
  it.each(table)('%s', (_name, level, opened, clockStart, due) => {
    const clock = responseDeadline(calendar, policy.levels[level], et(opened));
    expect([utc(clock.clockStart), utc(clock.due)]).toEqual([utc(et(clockStart)), utc(et(due))]);
  });

  it('the DST weeks really differ in elapsed hours', () => {
    const march = responseDeadline(calendar, policy.levels.L2, et('2026-03-06 10:00'));
    const november = responseDeadline(calendar, policy.levels.L2, et('2026-10-30 10:00'));
    expect((march.due - march.clockStart) / 3_600_000).toBe(71);
    expect((november.due - november.clockStart) / 3_600_000).toBe(73);
  });
});

describe('wall-clock times that do not exist or happen twice (I6)', () => {
  const days = new ZoneDays(ZONE, 2026, 2026);
  it('moves a time in the spring-forward gap forward by the gap', () => {
    expect(utc(days.wallToInstant(days.dayIndexOfDate('2026-03-08'), 2 * 60 + 30))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
  it('takes the first occurrence of a repeated time', () => {
    expect(utc(days.wallToInstant(days.dayIndexOfDate('2026-11-01'), 60 + 30))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
  it('applies to business-day deadlines when the policy counts Sundays', () => {
    const sundays = new BusinessCalendar({
      ...policy,
      coverage: {
        weekly: [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }],
      },
      businessDays: { weekdays: ['saturday', 'sunday'], holidayCountries: [] },
    });
    // Saturday 02:30 EST + 1 business day = Sunday 02:30, which does not exist → 03:30 EDT.
    expect(utc(sundays.addBusinessDays(et('2026-03-07 02:30'), 1))).toBe('2026-03-08T07:30:00.000Z');
  });
});

describe('the calendar beyond its first span', () => {
  it('grows to far years and across year ends', () => {
    const clock = responseDeadline(calendar, policy.levels.L3, et('2031-12-24 10:00'));
    // 2031: Christmas Thursday, Boxing Day Friday; business days after Wed Dec 24 → Mon 29, Tue 30.
    expect(utc(clock.due)).toBe(utc(et('2031-12-30 10:00')));
    expect(calendar.isCovered(et('2040-01-02 10:00'))).toBe(false); // New Year's substitute day, all three countries
    expect(calendar.isCovered(et('2040-01-03 10:00'))).toBe(true);
  });
  it('refuses instants outside the supported years', () => {
    expect(() => calendar.isCovered(Date.UTC(2300, 0, 1))).toThrow(RangeError);
    expect(() => calendar.isCovered(Number.NaN)).toThrow(RangeError);
  });
});
