// I4 for every year 2026–2035: the resolved holidays of each country against an implementation of
// I4 written here, independent of the holiday library (the Gregorian computus, the weekday rules,
// the weekend rules), itself checked against the lists the governments published for 2026 and
// 2027. Plus the days the library's own weekend shifts used to get wrong, and which years the
// holidays can be listed for.
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, countryHolidays, unlistableYear, type Holiday } from '../../src/calendar';
import { loadPolicy, type Policy } from '../../src/policy';
import { PUBLISHED } from '../fixtures/published-holidays';

const { policy } = loadPolicy({});
const YEARS = Array.from({ length: 10 }, (_, i) => 2026 + i);
const SUBSTITUTE = ' (substitute day)';

type Country = 'CA' | 'GB' | 'AU';
interface Observed {
  date: string;
  name: string;
  /** Observed because the holiday fell on a weekend (I4's weekend rule). */
  substitute: boolean;
}

// --- Calendar arithmetic of its own (UTC dates, nothing from src/) -----------------------------

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const plus = (date: string, n: number) =>
  new Date(Date.parse(date) + n * 86_400_000).toISOString().slice(0, 10);
/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (date: string) => new Date(date).getUTCDay();
const onWeekend = (date: string) => weekdayOf(date) === 0 || weekdayOf(date) === 6;

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easter(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return day(y, month, ((h + l - 7 * m + 114) % 31) + 1);
}

const MONDAY = 1;
/** The nth Monday of a month. */
function nthMonday(y: number, m: number, n: number): string {
  const first = day(y, m, 1);
  return plus(first, ((MONDAY - weekdayOf(first) + 7) % 7) + 7 * (n - 1));
}
/** The last Monday of a month. */
function lastMonday(y: number, m: number): string {
  const last = day(y, m + 1, 0);
  return plus(last, -((weekdayOf(last) - MONDAY + 7) % 7));
}
/** The Monday strictly before a date (Victoria Day: the Monday before 25 May). */
function mondayBefore(date: string): string {
  return plus(date, -((weekdayOf(date) - MONDAY + 6) % 7) - 1);
}

// --- I4 --------------------------------------------------------------------------------------

/** The holidays of I4 on their own dates, before the weekend rule. */
function nominal(country: Country, y: number): { date: string; name: string }[] {
  const e = easter(y);
  const list: Record<Country, [string, string][]> = {
    // Ontario, Employment Standards Act: the nine public holidays.
    CA: [
      [day(y, 1, 1), "New Year's Day"],
      [nthMonday(y, 2, 3), 'Family Day'],
      [plus(e, -2), 'Good Friday'],
      [mondayBefore(day(y, 5, 25)), 'Victoria Day'],
      [day(y, 7, 1), 'Canada Day'],
      [nthMonday(y, 9, 1), 'Labour Day'],
      [nthMonday(y, 10, 2), 'Thanksgiving'],
      [day(y, 12, 25), 'Christmas Day'],
      [day(y, 12, 26), 'Boxing Day'],
    ],
    // England and Wales: the eight bank holidays.
    GB: [
      [day(y, 1, 1), "New Year's Day"],
      [plus(e, -2), 'Good Friday'],
      [plus(e, 1), 'Easter Monday'],
      [nthMonday(y, 5, 1), 'Early May bank holiday'],
      [lastMonday(y, 5), 'Spring bank holiday'],
      [lastMonday(y, 8), 'Summer bank holiday'],
      [day(y, 12, 25), 'Christmas Day'],
      [day(y, 12, 26), 'Boxing Day'],
    ],
    // Australia, Fair Work Act: the seven national public holidays.
    AU: [
      [day(y, 1, 1), "New Year's Day"],
      [day(y, 1, 26), 'Australia Day'],
      [plus(e, -2), 'Good Friday'],
      [plus(e, 1), 'Easter Monday'],
      [day(y, 4, 25), 'Anzac Day'],
      [day(y, 12, 25), 'Christmas Day'],
      [day(y, 12, 26), 'Boxing Day'],
    ],
  };
  return list[country].map(([date, name]) => ({ date, name }));
}

/**
 * I4's weekend rules. Canada and Australia: a holiday other than Anzac Day on a weekend is kept
 * and also observed on the next weekday not already a holiday. England and Wales: the bank
 * holiday moves to the next weekday not already a holiday; the weekend date is none.
 */
function i4(country: Country, y: number): Observed[] {
  const days = nominal(country, y).sort((a, b) => a.date.localeCompare(b.date));
  const taken = new Set(days.filter((d) => !onWeekend(d.date)).map((d) => d.date));
  const out: Observed[] = [];
  for (const d of days) {
    if (!onWeekend(d.date) || (country === 'AU' && d.name === 'Anzac Day')) {
      out.push({ ...d, substitute: false });
      continue;
    }
    if (country !== 'GB') out.push({ ...d, substitute: false });
    let next = plus(d.date, 1);
    while (onWeekend(next) || taken.has(next)) next = plus(next, 1);
    taken.add(next);
    out.push({ date: next, name: `${d.name}${SUBSTITUTE}`, substitute: true });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));
}

const engine = (country: Country, y: number, p: Policy = policy): Observed[] =>
  countryHolidays(p.holidays, country, y)
    .map((h: Holiday) => ({ date: h.date, name: h.name, substitute: h.origin === 'weekend-substitute' }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));

// --- The published lists ---------------------------------------------------------------------

const published = (country: Country, y: 2026 | 2027): Observed[] =>
  PUBLISHED[country][y]
    .map((line) => {
      const [date, ...name] = line.split(' ');
      return { date: date!, name: name.join(' '), substitute: line.endsWith(SUBSTITUTE) };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));

describe('I4 written here agrees with the published lists', () => {
  for (const country of ['GB', 'CA', 'AU'] as const) {
    for (const y of [2026, 2027] as const) {
      it(`${country} ${y}`, () => {
        expect(i4(country, y)).toEqual(published(country, y));
      });
    }
  }
});

describe('the resolved holidays are I4 in every year 2026–2035', () => {
  for (const country of ['CA', 'GB', 'AU'] as const) {
    for (const y of YEARS) {
      it(`${country} ${y}`, () => {
        expect(engine(country, y)).toEqual(i4(country, y));
      });
    }
  }
});

describe("the library's own weekend shifts are read at their nominal dates (I4)", () => {
  const calendar = new BusinessCalendar(policy);
  const auWindowOn = (date: string) =>
    calendar.holidaysOfYear(Number(date.slice(0, 4))).some((h) => h.country === 'AU' && h.date === date);

  it.each(['2028-01-04', '2033-01-04', '2034-01-03'])(
    'no AU window on %s: New Year observed once, on the Monday after its weekend',
    (date) => {
      expect(auWindowOn(date)).toBe(false);
      expect(
        engine('AU', Number(date.slice(0, 4))).filter((h) => h.name.startsWith("New Year's Day")),
      ).toEqual([
        { date: `${date.slice(0, 4)}-01-01`, name: "New Year's Day", substitute: false },
        { date: plus(date, -1), name: `New Year's Day${SUBSTITUTE}`, substitute: true },
      ]);
    },
  );

  it.each([
    ['2030-01-26', '2030-01-28'],
    ['2031-01-26', '2031-01-27'],
  ])('Australia Day on the weekend %s is kept, and observed on %s', (date, observed) => {
    expect(engine('AU', Number(date.slice(0, 4))).filter((h) => h.name.startsWith('Australia Day'))).toEqual([
      { date, name: 'Australia Day', substitute: false },
      { date: observed, name: `Australia Day${SUBSTITUTE}`, substitute: true },
    ]);
    expect(auWindowOn(date)).toBe(true);
    expect(auWindowOn(observed)).toBe(true);
  });
});

describe('which years the holidays can be listed for (I4)', () => {
  it('every year of the calendar with the default policy, and none outside it', () => {
    expect(unlistableYear(policy.holidays, 1972)).toBeUndefined();
    expect(unlistableYear(policy.holidays, 2198)).toBeUndefined();
    expect(unlistableYear(policy.holidays, 1971)).toBe('expected a year from 1972 to 2198');
    expect(unlistableYear(policy.holidays, 2199)).toBe('expected a year from 1972 to 2198');
    expect(unlistableYear(policy.holidays, 2026.5)).toBe('expected a year from 1972 to 2198');
  });

  it('not a year whose library list lacks a holiday the policy names, naming it and its country', () => {
    // Canada's National Day for Truth and Reconciliation is in the library from 2021 on.
    const ca = policy.holidays.countries.CA;
    const named: Policy['holidays'] = {
      ...policy.holidays,
      countries: {
        ...policy.holidays.countries,
        CA: {
          ...ca,
          source: { country: 'CA' },
          types: ['public', 'observance'],
          names: ["New Year's Day", 'National Day for Truth and Reconciliation'],
        },
      },
    };
    expect(unlistableYear(named, 2021)).toBeUndefined();
    expect(unlistableYear(named, 2020)).toBe(
      'the holiday library does not list National Day for Truth and Reconciliation (CA) in 2020',
    );
    expect(() => new BusinessCalendar({ ...policy, holidays: named }).holidaysOfYear(2020)).toThrow(
      /^year: the holiday library does not list National Day for Truth and Reconciliation \(CA\)/,
    );
  });
});
