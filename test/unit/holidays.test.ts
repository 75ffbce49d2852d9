// I4: the resolved holiday lists against the official 2026 and 2027 lists, typed from their sources:
// Ontario's Employment Standards Act public holidays, GOV.UK's England and Wales bank holidays,
// and the Fair Work Act's national public holidays (with I4's weekend rule for Canada and Australia).
import { describe, expect, it } from 'vitest';
import { countryHolidays } from '../../src/calendar';
import { loadPolicy, type Policy } from '../../src/policy';
import { PUBLISHED } from '../fixtures/published-holidays';

const { policy } = loadPolicy({});
const dates = (p: Policy, country: 'CA' | 'GB' | 'AU', year: number) =>
  countryHolidays(p.holidays, country, year).map((h) => `${h.date} ${h.name}`);

const official = PUBLISHED;

describe('I4 holidays match the official lists', () => {
  for (const country of ['CA', 'GB', 'AU'] as const) {
    for (const year of [2026, 2027] as const) {
      it(`${country} ${year}`, () => {
        expect(dates(policy, country, year)).toEqual(official[country][year]);
      });
    }
  }

  it('Ontario excludes Easter Monday, the Civic Holiday and Remembrance Day that the library lists', () => {
    const names = countryHolidays(policy.holidays, 'CA', 2026).map((h) => h.name);
    expect(names).not.toContain('Easter Monday');
    expect(names).not.toContain('Civic Holiday');
    expect(names).not.toContain('Remembrance Day');
  });

  it('Anzac Day on a weekend gets no substitute (I4)', () => {
    expect(dates(policy, 'AU', 2027).filter((d) => d.includes('Anzac'))).toEqual(['2027-04-25 Anzac Day']);
  });

  it('keeps each holiday on its local date whatever the process time zone', () => {
    // The library computes instants in each country's zone; only its date string is used.
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(dates(policy, 'AU', 2026)).toEqual(official.AU[2026]);
    } finally {
      process.env.TZ = before;
    }
  });
});

describe('holiday overrides (corrections and company closures)', () => {
  it('adds a company closure with its own window and removes a day', () => {
    const custom: Policy = {
      ...policy,
      holidays: {
        ...policy.holidays,
        overrides: [
          {
            action: 'add',
            country: 'CA',
            date: '2026-12-24',
            name: 'Company closure',
            window: { start: { dayOffset: 0, time: '12:00' }, end: { dayOffset: 0, time: '24:00' } },
          },
          { action: 'remove', country: 'CA', date: '2026-12-28', name: 'Boxing Day (substitute day)' },
        ],
      },
    };
    const ca = countryHolidays(custom.holidays, 'CA', 2026);
    expect(ca.map((h) => h.date)).toContain('2026-12-24');
    expect(ca.map((h) => h.date)).not.toContain('2026-12-28');
    expect(ca.find((h) => h.date === '2026-12-24')).toMatchObject({
      origin: 'override',
      name: 'Company closure',
    });
  });
});
