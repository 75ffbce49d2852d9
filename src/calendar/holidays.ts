/**
 * The holidays of I4, resolved for one year: taken from a maintained library (date-holidays), kept
 * to the official lists by the policy (types, names, the weekend rule) and corrected by overrides.
 * A holiday is a local date of its country: only the library's date string is read, never its
 * instants, so that no time-zone conversion can move a holiday to another day.
 */
import Holidays from 'date-holidays';
import type { Country, CountryHolidays, HolidayOverride, HolidayWindow, Policy } from '../policy/schema';
import { COUNTRIES } from '../policy/schema';
import { addDays, CALENDAR_YEARS, isWeekend } from './dates';

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

/**
 * An `if <weekday> then <shift>` clause of a library rule ("01-01 and if saturday,sunday then next
 * monday"): the library's own weekend shift, which lists the shifted day as a plain entry of the
 * holiday (no `substitute` flag) and, without "and", drops the weekend date. I4's weekend rule
 * makes the observed days itself, so an entry is read at the date its rule gives before any such
 * clause. (The grammar is date-holidays-parser's `rule_date_if_then`, with its leading "and".)
 */
const WEEKDAY = '(?:sun|mon|tues|wednes|thurs|fri|satur)?day';
const WEEKEND_SHIFT = new RegExp(
  `\\s+(?:and\\s+)?if\\s+${WEEKDAY}(?:,\\s?${WEEKDAY})*\\s+then(?:\\s+(?:before|after|next|previous|in)\\s+${WEEKDAY}s?)?`,
  'gi',
);

/** One rule-only library instance per base rule: the library's engine evaluates it, no date table. */
const baseRules = new Map<string, Holidays>();

/** The date a base rule (a rule without its weekend shift) gives in a year, by the library's engine. */
function baseRuleDate(base: string, year: number): string | undefined {
  let lib = baseRules.get(base);
  if (!lib) {
    lib = new Holidays();
    lib.setHoliday(base, { name: base, type: 'public' });
    baseRules.set(base, lib);
  }
  return lib.getHolidays(year)[0]?.date.slice(0, 10);
}

/** A library holiday at its nominal date: the day it commemorates, before any weekend shift. */
interface NominalDay {
  date: string;
  name: string;
  type: string;
}

/**
 * The library's holidays of a region and year at their nominal dates: shifted copies and the
 * library's substitute days dropped, one entry per name and date. Computing it is slow and it
 * never changes, so it is kept per region and year.
 */
const nominalYears = new Map<string, NominalDay[]>();

function nominalDays(source: CountryHolidays['source'], year: number): NominalDay[] {
  const key = `${source.country}/${source.state ?? ''}/${year}`;
  let days = nominalYears.get(key);
  if (!days) {
    const seen = new Set<string>();
    days = [];
    for (const h of library(source).getHolidays(year)) {
      if (h.substitute) continue;
      const listed = h.date.slice(0, 10);
      const base = h.rule.replace(WEEKEND_SHIFT, '');
      // A base the engine cannot place alone keeps the listed date: the entry is not lost.
      const date = base === h.rule ? listed : (baseRuleDate(base, year) ?? listed);
      if (seen.has(`${h.name}/${date}`)) continue;
      seen.add(`${h.name}/${date}`);
      days.push({ date, name: h.name, type: h.type });
    }
    nominalYears.set(key, days);
  }
  return days;
}

/** The library's days of the policy's types for a country and year, at their nominal dates. */
function typedDays(rules: CountryHolidays, year: number): NominalDay[] {
  return nominalDays(rules.source, year).filter((h) => (rules.types as string[]).includes(h.type));
}

/** The library's days for a country and year, filtered to the policy's types and names. */
function libraryDays(country: Country, rules: CountryHolidays, year: number): Holiday[] {
  const names = rules.names ? new Set(rules.names) : undefined;
  return typedDays(rules, year)
    .filter((h) => !names || names.has(h.name))
    .map((h) => ({ date: h.date, country, name: h.name, origin: 'library' as const }));
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

/**
 * Why the holidays of a year cannot be listed, or undefined when they can (I4: "the resolved list
 * for a year is printable"): the year lies outside the calendar (with the year of margin either
 * side its list needs), or the library's list for that year lacks a holiday the policy names for a
 * country — the library's rules do not reach that year, and a list without it would be wrong.
 */
export function unlistableYear(policy: HolidayPolicy, year: number): string | undefined {
  const first = CALENDAR_YEARS.first + 1;
  const last = CALENDAR_YEARS.last - 1;
  if (!Number.isInteger(year) || year < first || year > last)
    return `expected a year from ${first} to ${last}`;
  const missing = COUNTRIES.flatMap((country) => {
    const rules = policy.countries[country];
    const listed = new Set(typedDays(rules, year).map((h) => h.name));
    return (rules.names ?? []).filter((n) => !listed.has(n)).map((n) => `${n} (${country})`);
  });
  return missing.length ? `the holiday library does not list ${missing.join(', ')} in ${year}` : undefined;
}
