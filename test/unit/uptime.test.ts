// Monthly uptime (C1, C3, C4, C14; I8, I9): month lengths, exclusions, downtime, regions, days.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  accountingMonth,
  dailyUptime,
  formatPercent,
  monthUptime,
  type MaintenanceInput,
  type OutageInput,
  type UptimeInput,
} from '../../src/rules/uptime';
import { computeCredit, creditTier, parseDecimal } from '../../src/rules/credits';
import { loadPolicy } from '../../src/policy';
import { announcedOnce } from '../helpers/notices';
import { bitmapUptime } from '../helpers/uptime-bitmap';

const ZONE = 'America/Toronto';
const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
/** A Toronto wall-clock time as epoch ms. */
const et = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();

function month(m: string, fields: Partial<UptimeInput> = {}): UptimeInput {
  return { month: m, zone: ZONE, noticeHours: 24, outages: [], maintenance: [], ...fields };
}
function outage(from: string, to: string, fields: Partial<OutageInput> = {}): OutageInput {
  return { start: et(from), end: et(to), classification: 'unexpected', ...fields };
}
/** A window announced by one notice `noticeMs` before its announced start (or at `announcedAt`). */
function window(
  from: string,
  to: string,
  noticeMs: number,
  fields: Partial<MaintenanceInput> & { announcedAt?: number | null } = {},
): MaintenanceInput {
  const { announcedAt = et(from) - noticeMs, ...rest } = fields;
  return announcedOnce(et(from), et(to), announcedAt, rest);
}

describe('the accounting month (I8)', () => {
  it.each([
    ['2026-01', 31 * DAY],
    ['2026-02', 28 * DAY],
    ['2028-02', 29 * DAY],
    ['2026-03', 31 * DAY - HOUR], // DST starts 2026-03-08: one hour shorter
    ['2026-04', 30 * DAY],
    ['2026-11', 30 * DAY + HOUR], // DST ends 2026-11-01: one hour longer
    ['2026-12', 31 * DAY],
  ])('%s lasts its real elapsed time', (m, length) => {
    const { start, end } = accountingMonth(m, ZONE);
    expect(end - start).toBe(length);
    expect(DateTime.fromMillis(start, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm')).toBe(`${m}-01 00:00`);
    expect(monthUptime(month(m)).totalMs).toBe(length);
  });

  it('starts at local midnight of the policy month zone, not UTC', () => {
    expect(accountingMonth('2026-03', ZONE).start).toBe(Date.parse('2026-03-01T05:00:00Z'));
    expect(accountingMonth('2026-04', ZONE).start).toBe(Date.parse('2026-04-01T04:00:00Z'));
    expect(accountingMonth('2026-04', 'UTC').start).toBe(Date.parse('2026-04-01T00:00:00Z'));
  });

  it.each(['2026-13', '2026-3', '26-03', '2026-00', '2026-03-01', ''])('refuses the month %j', (m) => {
    expect(() => accountingMonth(m, ZONE)).toThrow(/month: expected "YYYY-MM"/);
  });

  it('refuses an unknown zone', () => {
    expect(() => accountingMonth('2026-03', 'Mars/Olympus')).toThrow(/zone: /);
  });
});

describe('downtime from outages (I9, C3, C4)', () => {
  it('a month without events is 100 %', () => {
    const r = monthUptime(month('2026-04'));
    expect(r).toMatchObject({ excludedMs: 0, downtimeMs: 0, uptimePercent: '100.0000', incidents: [] });
    expect(r.uptime).toEqual({ numerator: BigInt(30 * DAY), denominator: BigInt(30 * DAY) });
  });

  it('overlapping outages are counted once (their union)', () => {
    const r = monthUptime(
      month('2026-04', {
        outages: [
          outage('2026-04-10T10:00', '2026-04-10T11:00', { id: 'a' }),
          outage('2026-04-10T10:30', '2026-04-10T11:30', { id: 'b' }),
          outage('2026-04-10T10:40', '2026-04-10T10:50', { id: 'c' }), // inside both
          outage('2026-04-10T10:00', '2026-04-10T11:00', { id: 'a-duplicate' }),
          outage('2026-04-10T11:30', '2026-04-10T12:00', { id: 'touching' }),
          outage('2026-04-11T10:00', '2026-04-11T10:15', { id: 'next-day' }),
        ],
      }),
    );
    expect(r.downtimeMs).toBe(2 * HOUR + 15 * MINUTE);
    expect(r.incidents).toEqual([
      {
        start: et('2026-04-10T10:00'),
        end: et('2026-04-10T12:00'),
        downtimeMs: 2 * HOUR,
        outageIds: ['a', 'b', 'c', 'a-duplicate', 'touching'],
        maintenanceIds: [],
      },
      {
        start: et('2026-04-11T10:00'),
        end: et('2026-04-11T10:15'),
        downtimeMs: 15 * MINUTE,
        outageIds: ['next-day'],
        maintenanceIds: [],
      },
    ]);
    expect(r.countedOutageIds).toEqual(['a', 'b', 'c', 'a-duplicate', 'touching', 'next-day']);
  });

  it('an outage across a month boundary is split at the boundary, each month its part', () => {
    const across = outage('2026-02-28T23:00', '2026-03-01T01:30', { id: 'across' });
    const feb = monthUptime(month('2026-02', { outages: [across] }));
    const mar = monthUptime(month('2026-03', { outages: [across] }));
    expect(feb.downtimeMs).toBe(HOUR);
    expect(mar.downtimeMs).toBe(HOUR + 30 * MINUTE);
    expect(mar.incidents[0]).toMatchObject({ start: et('2026-03-01T00:00'), outageIds: ['across'] });
    expect(monthUptime(month('2026-04', { outages: [across] })).countedOutageIds).toEqual([]);
  });

  it('the DST hour is real time: an outage over the fall-back night lasts its elapsed time', () => {
    // 2026-11-01 01:00–02:00 happens twice in Toronto; 00:30 → 03:30 local is 4 hours.
    const r = monthUptime(month('2026-11', { outages: [outage('2026-11-01T00:30', '2026-11-01T03:30')] }));
    expect(r.downtimeMs).toBe(4 * HOUR);
  });

  it('partial (C4) and external (C3) outages are recorded but not counted', () => {
    const r = monthUptime(
      month('2026-04', {
        outages: [
          outage('2026-04-10T10:00', '2026-04-10T11:00', { id: 'partial', classification: 'partial' }),
          outage('2026-04-12T10:00', '2026-04-12T11:00', { id: 'external', classification: 'external' }),
          outage('2026-04-14T10:00', '2026-04-14T10:05', { id: 'real' }),
        ],
      }),
    );
    expect(r.downtimeMs).toBe(5 * MINUTE);
    expect(r.countedOutageIds).toEqual(['real']);
  });

  it('names records without an id by their position', () => {
    const r = monthUptime(
      month('2026-04', {
        outages: [
          outage('2026-04-10T10:00', '2026-04-10T11:00', { classification: 'partial' }),
          outage('2026-04-10T10:00', '2026-04-10T11:00'),
        ],
        maintenance: [window('2026-04-12T02:00', '2026-04-12T03:00', DAY)],
      }),
    );
    expect(r.countedOutageIds).toEqual(['outages[1]']);
    expect(r.qualifyingMaintenanceIds).toEqual(['maintenance[0]']);
  });

  it('truncates the displayed percentage (never rounds up across a tier), while the ratio stays exact', () => {
    // April: T = 2,592,000,000 ms; 3,888 ms down is 99.99985 % exactly: half-up said 99.9999.
    const at = et('2026-04-10T10:00');
    const r = monthUptime(
      month('2026-04', { outages: [{ start: at, end: at + 3888, classification: 'unexpected' }] }),
    );
    expect(r.uptimePercent).toBe('99.9998');
    expect(r.uptime).toEqual({ numerator: BigInt(30 * DAY - 3888), denominator: BigInt(30 * DAY) });
    expect(formatPercent({ numerator: 1n, denominator: 8n }, 2)).toBe('12.50');
    expect(formatPercent({ numerator: 2n, denominator: 3n }, 0)).toBe('66');
    expect(formatPercent({ numerator: 0n, denominator: 3n })).toBe('0.0000');
    expect(formatPercent({ numerator: 1n, denominator: 1n })).toBe('100.0000');
  });

  describe('the displayed uptime is on the same side of each tier threshold as the credit (I10)', () => {
    const { policy } = loadPolicy({});
    const tiers = policy.uptime.creditTiers;
    // April 2026: T = 2,592,000,000 ms; exactly 99.95 % allows 1,296,000 ms down.
    const april = (downtimeMs: number) => {
      const start = et('2026-04-01T00:00');
      return monthUptime(
        month('2026-04', { outages: [{ start, end: start + downtimeMs, classification: 'unexpected' }] }),
      );
    };

    it.each([
      // 99.949999961… %: half-up showed "99.9500" beside a 25 % credit.
      [1_296_001, '99.9499', 25],
      [1_296_000, '99.9500', 0],
      [1_295_999, '99.9500', 0],
      [2_592_001, '99.8999', 50],
      [2_592_000, '99.9000', 25],
      [25_920_001, '98.9999', 100],
      [25_920_000, '99.0000', 50],
      // One millisecond down never shows as a perfect month.
      [1, '99.9999', 0],
    ])('%i ms down in April shows %s % and earns %i %%', (downtimeMs, shown, credit) => {
      const r = april(downtimeMs);
      expect(r.uptimePercent).toBe(shown);
      expect(computeCredit(r.uptime, 1_200_000, tiers).creditPercent).toBe(credit);
    });

    it('holds for any uptime: a display at or above a threshold means the exact uptime is too', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 10n ** 12n }),
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          (a, b) => {
            const ratio = a <= b ? { numerator: a, denominator: b } : { numerator: b, denominator: a };
            const shown = parseDecimal(formatPercent(ratio));
            for (const tier of tiers) {
              const below = parseDecimal(tier.below);
              const shownBelow = shown.numerator * below.denominator < below.numerator * shown.denominator;
              expect(shownBelow).toBe(creditTier(ratio, [tier]) !== null);
            }
          },
        ),
      );
    });
  });

  it('refuses an interval that ends before it starts, naming the field', () => {
    expect(() =>
      monthUptime(
        month('2026-04', {
          outages: [
            outage('2026-04-10T10:00', '2026-04-10T11:00'),
            outage('2026-04-10T10:00', '2026-04-10T09:00'),
          ],
        }),
      ),
    ).toThrow('outages[1].end: must not be before start');
    expect(() =>
      monthUptime(
        month('2026-04', {
          maintenance: [
            window('2026-04-10T02:00', '2026-04-10T04:00', DAY, { actualStart: et('2026-04-10T05:00') }),
          ],
        }),
      ),
    ).toThrow('maintenance[0].actualEnd: must not be before actualStart');
    expect(() => monthUptime(month('2026-04', { noticeHours: -1 }))).toThrow(/noticeHours/);
  });
});

describe('planned maintenance (C1, I9)', () => {
  const announced = (noticeMs: number, fields: Parameters<typeof window>[3] = {}) =>
    monthUptime(
      month('2026-04', {
        maintenance: [window('2026-04-12T02:00', '2026-04-12T04:00', noticeMs, { id: 'mw', ...fields })],
      }),
    );

  it('announced 24 h ahead: its window is excluded (E), not downtime', () => {
    const r = announced(24 * HOUR);
    expect(r).toMatchObject({ excludedMs: 2 * HOUR, downtimeMs: 0, qualifyingMaintenanceIds: ['mw'] });
    expect(r.uptimePercent).toBe('100.0000');
    expect(r.uptime.denominator).toBe(BigInt(30 * DAY - 2 * HOUR));
  });

  it('announced 23 h 59 min ahead: the whole window is downtime', () => {
    const r = announced(23 * HOUR + 59 * MINUTE);
    expect(r).toMatchObject({ excludedMs: 0, downtimeMs: 2 * HOUR, qualifyingMaintenanceIds: [] });
    expect(r.incidents).toEqual([
      {
        start: et('2026-04-12T02:00'),
        end: et('2026-04-12T04:00'),
        downtimeMs: 2 * HOUR,
        outageIds: [],
        maintenanceIds: ['mw'],
      },
    ]);
  });

  it('never announced: downtime for as long as it really ran', () => {
    const r = announced(0, {
      announcedAt: null,
      actualStart: et('2026-04-12T02:10'),
      actualEnd: et('2026-04-12T05:00'),
    });
    expect(r).toMatchObject({ excludedMs: 0, downtimeMs: 2 * HOUR + 50 * MINUTE });
  });

  it('the notice follows the policy (maintenanceNoticeHours)', () => {
    const r = monthUptime(
      month('2026-04', {
        noticeHours: 48,
        maintenance: [window('2026-04-12T02:00', '2026-04-12T04:00', 24 * HOUR)],
      }),
    );
    expect(r).toMatchObject({ excludedMs: 0, downtimeMs: 2 * HOUR });
  });

  it('an overrun counts as downtime; the announced window stays excluded', () => {
    const r = announced(DAY, { actualEnd: et('2026-04-12T04:30') });
    expect(r).toMatchObject({ excludedMs: 2 * HOUR, downtimeMs: 30 * MINUTE });
    expect(r.incidents).toEqual([
      {
        start: et('2026-04-12T04:00'),
        end: et('2026-04-12T04:30'),
        downtimeMs: 30 * MINUTE,
        outageIds: [],
        maintenanceIds: ['mw'],
      },
    ]);
  });

  it('an early start counts as downtime too', () => {
    const r = announced(DAY, { actualStart: et('2026-04-12T01:45') });
    expect(r).toMatchObject({ excludedMs: 2 * HOUR, downtimeMs: 15 * MINUTE });
  });

  it('an early end excludes only the time it ran; an outage after it counts', () => {
    const r = monthUptime(
      month('2026-04', {
        outages: [outage('2026-04-12T03:30', '2026-04-12T03:45', { id: 'after' })],
        maintenance: [
          window('2026-04-12T02:00', '2026-04-12T04:00', DAY, { actualEnd: et('2026-04-12T03:00') }),
        ],
      }),
    );
    expect(r).toMatchObject({ excludedMs: HOUR, downtimeMs: 15 * MINUTE, countedOutageIds: ['after'] });
  });

  it('an outage during a qualifying window is not downtime, and only its part outside counts', () => {
    const r = monthUptime(
      month('2026-04', {
        outages: [
          outage('2026-04-12T02:30', '2026-04-12T03:00', { id: 'inside' }),
          outage('2026-04-12T03:30', '2026-04-12T04:20', { id: 'straddling' }),
        ],
        maintenance: [window('2026-04-12T02:00', '2026-04-12T04:00', DAY, { id: 'mw' })],
      }),
    );
    expect(r).toMatchObject({
      excludedMs: 2 * HOUR,
      downtimeMs: 20 * MINUTE,
      countedOutageIds: ['straddling'],
    });
  });

  it('an overrun and an outage at the same time count once', () => {
    const r = announced(DAY, { actualEnd: et('2026-04-12T05:00') });
    const both = monthUptime(
      month('2026-04', {
        outages: [outage('2026-04-12T04:30', '2026-04-12T05:30', { id: 'o' })],
        maintenance: [
          window('2026-04-12T02:00', '2026-04-12T04:00', DAY, {
            id: 'mw',
            actualEnd: et('2026-04-12T05:00'),
          }),
        ],
      }),
    );
    expect(r.downtimeMs).toBe(HOUR);
    expect(both.downtimeMs).toBe(HOUR + 30 * MINUTE);
    expect(both.incidents).toHaveLength(1);
    expect(both.incidents[0]).toMatchObject({ outageIds: ['o'], maintenanceIds: ['mw'] });
  });

  it('overlapping qualifying windows are excluded once', () => {
    const r = monthUptime(
      month('2026-04', {
        maintenance: [
          window('2026-04-12T02:00', '2026-04-12T04:00', DAY, { id: 'a' }),
          window('2026-04-12T03:00', '2026-04-12T05:00', DAY, { id: 'b' }),
        ],
      }),
    );
    expect(r).toMatchObject({ excludedMs: 3 * HOUR, qualifyingMaintenanceIds: ['a', 'b'] });
  });

  it('a window across the month end is excluded only inside the month', () => {
    const w = window('2026-04-30T23:00', '2026-05-01T01:00', DAY);
    expect(monthUptime(month('2026-04', { maintenance: [w] })).excludedMs).toBe(HOUR);
    expect(monthUptime(month('2026-05', { maintenance: [w] })).excludedMs).toBe(HOUR);
  });
});

describe('regions (I9: counted where it hits the customer)', () => {
  const input = (region?: string) =>
    month('2026-04', {
      ...(region ? { region } : {}),
      outages: [
        outage('2026-04-10T10:00', '2026-04-10T11:00', { id: 'east', regions: ['ca-east'] }),
        outage('2026-04-11T10:00', '2026-04-11T10:10', { id: 'everywhere' }),
        outage('2026-04-12T10:00', '2026-04-12T10:20', { id: 'both', regions: ['ca-east', 'eu-west'] }),
      ],
      maintenance: [
        window('2026-04-13T02:00', '2026-04-13T03:00', DAY, { id: 'mw-eu', regions: ['eu-west'] }),
      ],
    });

  it('only records that list the region, or none, count', () => {
    expect(monthUptime(input('ca-east'))).toMatchObject({
      downtimeMs: 90 * MINUTE,
      excludedMs: 0,
      countedOutageIds: ['east', 'everywhere', 'both'],
    });
    expect(monthUptime(input('eu-west'))).toMatchObject({
      downtimeMs: 30 * MINUTE,
      excludedMs: HOUR,
      countedOutageIds: ['everywhere', 'both'],
      qualifyingMaintenanceIds: ['mw-eu'],
    });
  });

  it('without a region every record counts', () => {
    expect(monthUptime(input())).toMatchObject({ downtimeMs: 90 * MINUTE, excludedMs: HOUR });
  });
});

describe('uptime per day', () => {
  it('gives each local day its length, downtime and exclusion, summing to the month', () => {
    const input = month('2026-03', {
      outages: [outage('2026-03-07T23:00', '2026-03-08T01:00')],
      maintenance: [
        window('2026-03-20T23:30', '2026-03-21T00:30', DAY, { actualEnd: et('2026-03-21T01:00') }),
      ],
    });
    const days = dailyUptime(input);
    expect(days).toHaveLength(31);
    expect(days[0]!.date).toBe('2026-03-01');
    expect(days[30]!.date).toBe('2026-03-31');
    expect(days[7]).toEqual({
      date: '2026-03-08',
      totalMs: 23 * HOUR,
      downtimeMs: HOUR,
      excludedMs: 0,
      uptimePercent: '95.6521',
    });
    expect(days[6]).toMatchObject({ date: '2026-03-07', downtimeMs: HOUR, uptimePercent: '95.8333' });
    expect(days[19]).toMatchObject({ date: '2026-03-20', excludedMs: 30 * MINUTE, downtimeMs: 0 });
    expect(days[20]).toMatchObject({ date: '2026-03-21', excludedMs: 30 * MINUTE, downtimeMs: 30 * MINUTE });
    const m = monthUptime(input);
    expect(days.reduce((s, d) => s + d.totalMs, 0)).toBe(m.totalMs);
    expect(days.reduce((s, d) => s + d.downtimeMs, 0)).toBe(m.downtimeMs);
    expect(days.reduce((s, d) => s + d.excludedMs, 0)).toBe(m.excludedMs);
  });

  it('November has a 25-hour first day and February 28 days', () => {
    expect(dailyUptime(month('2026-11'))[0]).toMatchObject({ date: '2026-11-01', totalMs: 25 * HOUR });
    expect(dailyUptime(month('2026-02'))).toHaveLength(28);
  });
});

describe('uptime properties (fast-check)', () => {
  const { start: from, end: to } = accountingMonth('2026-04', ZONE);
  // Minute-aligned instants from a day before to a day after April, so that the bitmap oracle applies.
  const instant = fc.integer({ min: (from - DAY) / MINUTE, max: (to + DAY) / MINUTE }).map((m) => m * MINUTE);
  const span = fc.tuple(
    instant,
    fc.integer({ min: 0, max: 3 * 24 * 60 }).map((m) => m * MINUTE),
  );
  const regions = fc.option(fc.subarray(['ca-east', 'eu-west']), { nil: undefined });
  const anOutage: fc.Arbitrary<OutageInput> = fc
    .record({
      span,
      classification: fc.constantFrom('unexpected', 'unexpected', 'partial', 'external'),
      regions,
    })
    .map(({ span: [start, length], ...rest }) => ({ start, end: start + length, ...rest }));
  const aWindow: fc.Arbitrary<MaintenanceInput> = fc
    .record({
      span,
      notice: fc.option(
        fc.integer({ min: 0, max: 48 * 60 }).map((m) => m * MINUTE),
        { nil: null },
      ),
      shiftStart: fc.option(
        fc.integer({ min: -120, max: 120 }).map((m) => m * MINUTE),
        { nil: undefined },
      ),
      shiftEnd: fc.option(
        fc.integer({ min: -120, max: 240 }).map((m) => m * MINUTE),
        { nil: undefined },
      ),
      regions,
    })
    .map(({ span: [start, length], notice, shiftStart, shiftEnd, regions: r }) => {
      const end = start + length;
      const actualStart = shiftStart === undefined ? undefined : start + shiftStart;
      let actualEnd = shiftEnd === undefined ? undefined : end + shiftEnd;
      // Work never ends before it starts: an actual start after the announced end has an actual end.
      if ((actualEnd ?? end) < (actualStart ?? start)) actualEnd = actualStart;
      return announcedOnce(start, end, notice === null ? null : start - notice, {
        actualStart,
        actualEnd,
        regions: r,
      });
    });
  const input = fc
    .record({
      outages: fc.array(anOutage, { maxLength: 25 }),
      maintenance: fc.array(aWindow, { maxLength: 6 }),
      region: fc.option(fc.constantFrom('ca-east', 'eu-west'), { nil: undefined }),
    })
    .map((fields) => month('2026-04', fields));
  const RUNS = { numRuns: 400 };
  const figures = (r: ReturnType<typeof monthUptime>) => [r.totalMs, r.excludedMs, r.downtimeMs];

  it('agrees with a per-minute bitmap of the month', () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(figures(monthUptime(i))).toEqual(Object.values(bitmapUptime(i)));
      }),
      RUNS,
    );
  });

  it('uptime lies within [0, 100 %] and D + E never exceed T', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = monthUptime(i);
        expect(r.uptime.numerator).toBeGreaterThanOrEqual(0n);
        expect(r.uptime.numerator).toBeLessThanOrEqual(r.uptime.denominator);
        expect(r.excludedMs + r.downtimeMs).toBeLessThanOrEqual(r.totalMs);
        const percent = Number(r.uptimePercent);
        expect(percent).toBeGreaterThanOrEqual(0);
        expect(percent).toBeLessThanOrEqual(100);
      }),
      RUNS,
    );
  });

  it('adding an outage never raises uptime', () => {
    fc.assert(
      fc.property(input, anOutage, (i, extra) => {
        const before = monthUptime(i).uptime;
        const after = monthUptime({ ...i, outages: [...i.outages, extra] }).uptime;
        expect(after.numerator * before.denominator).toBeLessThanOrEqual(
          before.numerator * after.denominator,
        );
      }),
      RUNS,
    );
  });

  it('the union is idempotent: every record twice gives the same figures', () => {
    fc.assert(
      fc.property(input, (i) => {
        const twice = {
          ...i,
          outages: [...i.outages, ...i.outages],
          maintenance: [...i.maintenance, ...i.maintenance],
        };
        expect(figures(monthUptime(twice))).toEqual(figures(monthUptime(i)));
      }),
      RUNS,
    );
  });

  it('the order of the records does not matter', () => {
    const shuffled = input.chain((i) =>
      fc.tuple(
        fc.constant(i),
        fc.shuffledSubarray([...i.outages], { minLength: i.outages.length }),
        fc.shuffledSubarray([...i.maintenance], { minLength: i.maintenance.length }),
      ),
    );
    fc.assert(
      fc.property(shuffled, ([i, outages, maintenance]) => {
        const a = monthUptime(i);
        const b = monthUptime({ ...i, outages, maintenance });
        expect(figures(b)).toEqual(figures(a));
        expect(b.incidents.map((x) => [x.start, x.end, x.downtimeMs])).toEqual(
          a.incidents.map((x) => [x.start, x.end, x.downtimeMs]),
        );
      }),
      RUNS,
    );
  });

  it('the days add up to the month', () => {
    fc.assert(
      fc.property(input, (i) => {
        const m = monthUptime(i);
        const days = dailyUptime(i);
        expect(days.reduce((s, d) => s + d.downtimeMs, 0)).toBe(m.downtimeMs);
        expect(days.reduce((s, d) => s + d.excludedMs, 0)).toBe(m.excludedMs);
      }),
      { numRuns: 100 },
    );
  });
});
