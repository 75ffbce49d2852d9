// Service credits (C2, I10): tiers by exact comparison at every boundary, fees rounded half-up.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy';
import {
  computeCredit,
  creditMinor,
  creditTier,
  formatMinor,
  monthlyFeeMinor,
  parseDecimal,
  type CreditTier,
} from '../../src/rules/credits';
import { accountingMonth, monthUptime, type Ratio } from '../../src/rules/uptime';
import { announcedOnce } from '../helpers/notices';

const { policy } = loadPolicy({});
const TIERS = policy.uptime.creditTiers;
const ZONE = policy.month.timeZone;
const DAY = 86_400_000;

/** The month's uptime with exactly `downtimeMs` of one unexpected outage from its first instant. */
function uptimeWithDowntime(month: string, downtimeMs: number): Ratio {
  const { start } = accountingMonth(month, ZONE);
  const r = monthUptime({
    month,
    zone: ZONE,
    noticeHours: policy.maintenanceNoticeHours,
    outages: [{ start, end: start + downtimeMs, classification: 'unexpected' }],
    maintenance: [],
  });
  expect(r.downtimeMs).toBe(downtimeMs);
  return r.uptime;
}

describe('credit tiers at every boundary (I10: exact rational comparison)', () => {
  // Downtime that puts uptime exactly on a threshold: T × (100 − threshold) / 100, where T is the
  // month's real length in America/Toronto (I8): March loses the DST hour, November gains it (721 h,
  // not 720), February 2028 is a leap month. Checked against luxon's month arithmetic.
  const HOUR = 3_600_000;
  const months = [
    { month: '2026-04', hours: 720, at9995: 1_296_000, at999: 2_592_000, at99: 25_920_000 },
    { month: '2026-01', hours: 744, at9995: 1_339_200, at999: 2_678_400, at99: 26_784_000 },
    { month: '2026-02', hours: 672, at9995: 1_209_600, at999: 2_419_200, at99: 24_192_000 },
    { month: '2026-03', hours: 743, at9995: 1_337_400, at999: 2_674_800, at99: 26_748_000 },
    { month: '2026-11', hours: 721, at9995: 1_297_800, at999: 2_595_600, at99: 25_956_000 },
    { month: '2028-02', hours: 696, at9995: 1_252_800, at999: 2_505_600, at99: 25_056_000 },
  ];

  it.each(months)('the boundary downtimes of $month ($hours real hours, I8) are exact', (m) => {
    const { start, end } = accountingMonth(m.month, ZONE);
    expect(end - start).toBe(m.hours * HOUR);
    const first = DateTime.fromISO(`${m.month}-01T00:00`, { zone: ZONE });
    expect(end - start).toBe(first.plus({ months: 1 }).toMillis() - first.toMillis());
    expect(m.at9995 * 10_000).toBe((end - start) * 5);
    expect(m.at999 * 1000).toBe(end - start);
    expect(m.at99 * 100).toBe(end - start);
  });

  describe.each(months)('$month', (m) => {
    it.each([
      ['no downtime', 0, 0],
      ['1 ms less than 99.95 % allows', m.at9995 - 1, 0],
      ['exactly 99.95 %', m.at9995, 0],
      ['1 ms under 99.95 %', m.at9995 + 1, 25],
      ['1 ms over 99.9 %', m.at999 - 1, 25],
      ['exactly 99.9 %', m.at999, 25],
      ['1 ms under 99.9 %', m.at999 + 1, 50],
      ['1 ms over 99 %', m.at99 - 1, 50],
      ['exactly 99 %', m.at99, 50],
      ['1 ms under 99 %', m.at99 + 1, 100],
      ['the whole month down', m.hours * HOUR, 100],
    ])('%s (%i ms down) → %i %%', (_label, downtimeMs, percent) => {
      const uptime = uptimeWithDowntime(m.month, downtimeMs);
      expect(computeCredit(uptime, 1_200_000, TIERS).creditPercent).toBe(percent);
    });
  });

  it('exactly 99.95 % displays and earns nothing, one millisecond more earns 25 %', () => {
    const at = uptimeWithDowntime('2026-04', 1_296_000);
    expect(creditTier(at, TIERS)).toBeNull();
    const below = uptimeWithDowntime('2026-04', 1_296_001);
    expect(creditTier(below, TIERS)).toEqual({ below: '99.95', creditPercent: 25 });
  });

  it('qualifying maintenance moves the boundary: 99.95 % of T − E, not of T', () => {
    // April with 2 h excluded: T − E = 2,584,800,000 ms, so 99.95 % allows 1,292,400 ms.
    const { start } = accountingMonth('2026-04', ZONE);
    const maintenanceStart = start + 20 * DAY;
    const uptime = (downtimeMs: number) =>
      monthUptime({
        month: '2026-04',
        zone: ZONE,
        noticeHours: policy.maintenanceNoticeHours,
        outages: [{ start, end: start + downtimeMs, classification: 'unexpected' }],
        maintenance: [
          announcedOnce(maintenanceStart, maintenanceStart + 2 * 3_600_000, maintenanceStart - 2 * DAY),
        ],
      }).uptime;
    expect(computeCredit(uptime(1_292_400), 1_200_000, TIERS).creditPercent).toBe(0);
    expect(computeCredit(uptime(1_292_401), 1_200_000, TIERS)).toMatchObject({
      creditPercent: 25,
      monthlyFeeMinor: 100_000,
      creditMinor: 25_000,
    });
  });

  it('the lowest matching threshold wins whatever the order of the tiers', () => {
    const shuffled: CreditTier[] = [TIERS[2]!, TIERS[0]!, TIERS[1]!];
    const uptime = { numerator: 98n, denominator: 100n };
    expect(creditTier(uptime, TIERS)?.creditPercent).toBe(100);
    expect(creditTier(uptime, shuffled)?.creditPercent).toBe(100);
    expect(creditTier({ numerator: 9992n, denominator: 10_000n }, shuffled)?.creditPercent).toBe(25);
  });

  it('compares thresholds with any number of decimals exactly', () => {
    const tiers = [{ below: '99.950', creditPercent: 25 }];
    expect(creditTier({ numerator: 9995n, denominator: 10_000n }, tiers)).toBeNull();
    // 1/3 of a millionth below: no float could tell these apart.
    expect(creditTier({ numerator: 2_998_499_999n, denominator: 3_000_000_000n }, tiers)?.creditPercent).toBe(
      25,
    );
    expect(creditTier({ numerator: 1n, denominator: 1n }, [{ below: '100', creditPercent: 5 }])).toBeNull();
  });

  it('parses decimal strings exactly and refuses anything else', () => {
    expect(parseDecimal('99.95')).toEqual({ numerator: 9995n, denominator: 100n });
    expect(parseDecimal('99')).toEqual({ numerator: 99n, denominator: 1n });
    expect(parseDecimal('0.001')).toEqual({ numerator: 1n, denominator: 1000n });
    for (const bad of ['', '99.', '.5', '-1', '1e2', '99,95'])
      expect(() => parseDecimal(bad)).toThrow(RangeError);
  });

  it('refuses a negative or undefined uptime ratio', () => {
    expect(() => creditTier({ numerator: 1n, denominator: 0n }, TIERS)).toThrow(/uptime/);
    expect(() => creditTier({ numerator: -1n, denominator: 2n }, TIERS)).toThrow(/uptime/);
  });
});

describe('money (I10: integer minor units, rounded half-up once)', () => {
  it.each([
    [1_200_000, 100_000], // divisible
    [1_000_000, 83_333], // 83,333.33
    [1_000_010, 83_334], // 83,334.17
    [6, 1], // 0.5 rounds up
    [30, 3], // 2.5 rounds up (half-even would give 2)
    [5, 0], // 0.42
    [0, 0],
  ])('an annual fee of %i gives a monthly fee of %i', (annual, monthly) => {
    expect(monthlyFeeMinor(annual)).toBe(monthly);
  });

  it.each([
    [25, 50, 13], // 12.5 rounds up
    [25, 83_333, 20_833], // 20,833.25
    [50, 83_333, 41_667], // 41,666.5 rounds up
    [100, 83_333, 83_333],
    [50, 102_881, 51_441], // an annual fee of 1,234,567: 51,440.5 of the monthly fee the entry states
    [25, 2, 1], // 0.5
    [100, 2, 2],
    [0, 83_333, 0],
    [100, 0, 0],
  ])('%i %% of a monthly fee of %i is %i', (percent, monthly, credit) => {
    expect(creditMinor(percent, monthly)).toBe(credit);
  });

  it('stays exact up to the largest safe amount', () => {
    const annual = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991 / 12 = …082.58
    const monthly = monthlyFeeMinor(annual);
    expect(monthly).toBe(750_599_937_895_083);
    expect(creditMinor(100, monthly)).toBe(750_599_937_895_083);
    expect(creditMinor(25, monthly)).toBe(187_649_984_473_771); // …770.75
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity])('refuses the fee %d', (fee) => {
    expect(() => monthlyFeeMinor(fee)).toThrow(/annualFeeMinor: expected a non-negative safe integer/);
    expect(() => computeCredit({ numerator: 1n, denominator: 1n }, fee, TIERS)).toThrow(/annualFeeMinor/);
  });

  it.each([
    [100_000_000, 'CAD', '1000000.00 CAD', '1,000,000.00 CAD'],
    [75_000, 'CAD', '750.00 CAD', '750.00 CAD'],
    [-123_456, 'EUR', '-1234.56 EUR', '-1,234.56 EUR'], // an adjustment that takes back
    [5, 'CAD', '0.05 CAD', '0.05 CAD'],
    [1_500, 'JPY', '1500 JPY', '1,500 JPY'], // no minor unit
    [1_000_000, 'XXZ', '10000.00 XXZ', '10,000.00 XXZ'], // a code Intl does not know: two decimals
  ])(
    '%i minor units of %s read %s in notices and %s in tables and the report',
    (minor, currency, plain, grouped) => {
      expect(formatMinor(minor, currency)).toBe(plain);
      expect(formatMinor(minor, currency, { grouped: true })).toBe(grouped);
    },
  );

  it('refuses a credit percentage outside 0–100', () => {
    expect(() => creditMinor(101, 100)).toThrow(/creditPercent/);
    expect(() => creditMinor(12.5, 100)).toThrow(/creditPercent/);
  });

  it('a zero fee credits nothing at any tier', () => {
    expect(computeCredit({ numerator: 0n, denominator: 1n }, 0, TIERS)).toEqual({
      tier: { below: '99', creditPercent: 100 },
      creditPercent: 100,
      monthlyFeeMinor: 0,
      creditMinor: 0,
    });
  });

  it('every credit is tier × the monthly fee it states, rounded half-up, and never more than that fee', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(0, 25, 50, 100),
        (annual, percent) => {
          const tiers = [{ below: '100', creditPercent: percent }] as const;
          const entry = computeCredit({ numerator: 0n, denominator: 1n }, annual, tiers);
          expect(entry.creditMinor).toBeLessThanOrEqual(entry.monthlyFeeMinor);
          // Recomputed from the entry's own fields: |100 × credit − tier × fee| ≤ 50, ties up.
          const diff = 100n * BigInt(entry.creditMinor) - BigInt(percent) * BigInt(entry.monthlyFeeMinor);
          expect(diff).toBeGreaterThan(-50n);
          expect(diff).toBeLessThanOrEqual(50n);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
