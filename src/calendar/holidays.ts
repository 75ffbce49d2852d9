/**
 * The holidays of I4, resolved for one year: taken from a maintained library (date-holidays), kept
 * to the official lists by the policy (types, names, the weekend rule) and corrected by overrides.
 * A holiday is a local date of its country: only the library's date string is read, never its
 * instants, so that no time-zone conversion can move a holiday to another day.
 */
import Holidays from 'date-holidays';
import type { Country, CountryHolidays, HolidayOverride, HolidayWindow, Policy } from '../policy/schema';
import { COUNTRIES } from '../policy/schema';
import { addDays, isWeekend } from './dates';

export interface Holiday {
  /** The local date of the holiday in its country, "YYYY-MM-DD". */
  date: string;
  country: Country;
  name: string;
  /** Why it is on the list beyond the library's own entry. */
  origin: 'library' | 'weekend-substitute' | 'override';
  /** The no-coverage window of this day when it is not the country's usual one (company closures). */
  window?: HolidayWindow;
}

type HolidayPolicy = Policy['holidays'];

/** One library instance per source region; building one parses its rule data (slow). */
const libraries = new Map<string, Holidays>();

function library(source: CountryHolidays['source']): Holidays {
  const key = `${source.country}/${source.state ?? ''}`;
  let lib = libraries.get(key);
  if (!lib) {
    lib = source.state
      ? new Holidays(source.country, source.state, { languages: ['en'] })
      : new Holidays(source.country, { languages: ['en'] });
    libraries.set(key, lib);
  }
  return lib;
}

/** The library's raw list per region and year: computing it is slow, and it never changes. */
const libraryYears = new Map<string, ReturnType<Holidays['getHolidays']>>();

function libraryYear(source: CountryHolidays['source'], year: number): ReturnType<Holidays['getHolidays']> {
  const key = `${source.country}/${source.state ?? ''}/${year}`;
  let days = libraryYears.get(key);
  if (!days) {
    days = library(source).getHolidays(year);
    libraryYears.set(key, days);
  }
  return days;
}

/** The library's days for a country and year, filtered to the policy's types and names. */
function libraryDays(country: Country, rules: CountryHolidays, year: number): Holiday[] {
  const names = rules.names ? new Set(rules.names) : undefined;
  return libraryYear(rules.source, year)
    .filter((h) => (rules.types as string[]).includes(h.type))
    .filter((h) => !h.substitute) // the weekend rule below makes substitutes, the same way for all
    .filter((h) => !names || names.has(h.name))
    .map((h) => ({ date: h.date.slice(0, 10), country, name: h.name, origin: 'library' as const }));
}

/**
 * I4's weekend rule: a holiday on a Saturday or Sunday is also (or, where the weekend date is not
 * kept, instead) observed on the next weekday that is not already a holiday.
 */
function applyWeekendRule(days: Holiday[], rules: CountryHolidays): Holiday[] {
  if (!rules.weekend.substitute) return days;
  const taken = new Set(days.filter((d) => !isWeekend(d.date)).map((d) => d.date));
  const out: Holiday[] = [];
  for (const day of [...days].sort((a, b) => a.date.localeCompare(b.date))) {
    const weekend = isWeekend(day.date);
    if (!weekend || rules.weekend.keepWeekendDate || rules.weekend.except.includes(day.name)) out.push(day);
    if (!weekend || rules.weekend.except.includes(day.name)) continue;
    let observed = addDays(day.date, 1);
    while (isWeekend(observed) || taken.has(observed)) observed = addDays(observed, 1);
    taken.add(observed);
    out.push({
      date: observed,
      country: day.country,
      name: `${day.name} (substitute day)`,
      origin: 'weekend-substitute',
    });
  }
  return out;
}

function applyOverrides(
  days: Holiday[],
  overrides: HolidayOverride[],
  country: Country,
  year: number,
): Holiday[] {
  let out = days;
  for (const o of overrides) {
    if (o.country !== country || Number(o.date.slice(0, 4)) !== year) continue;
    if (o.action === 'remove') out = out.filter((d) => d.date !== o.date);
    else {
      out = out.filter((d) => d.date !== o.date);
      out.push({
        date: o.date,
        country,
        name: o.name,
        origin: 'override',
        ...(o.window ? { window: o.window } : {}),
      });
    }
  }
  return out;
}

/** The resolved holidays of one country for one calendar year, sorted by date. */
export function countryHolidays(policy: HolidayPolicy, country: Country, year: number): Holiday[] {
  const rules = policy.countries[country];
  // A late-December weekend holiday may be observed in the next year: resolve the year before too.
  const resolved = [year - 1, year].flatMap((y) => applyWeekendRule(libraryDays(country, rules, y), rules));
  const inYear = resolved.filter((d) => d.date.startsWith(`${year}-`));
  return applyOverrides(inYear, policy.overrides, country, year).sort((a, b) => a.date.localeCompare(b.date));
}

/** Every country's holidays of a year, sorted by date then country. */
export function resolveHolidays(policy: HolidayPolicy, year: number): Holiday[] {
  return COUNTRIES.flatMap((c) => countryHolidays(policy, c, year)).sort(
    (a, b) => a.date.localeCompare(b.date) || COUNTRIES.indexOf(a.country) - COUNTRIES.indexOf(b.country),
  );
}
