/**
 * When terms take effect or are read (I15), as people give it: a day "YYYY-MM-DD", which means
 * 00:00 of that day in the policy's month zone (the zone months are counted in, I8), or an
 * ISO-8601 instant with Z or an offset, taken as given. One shape for the CLI's `--effective` and
 * `--at` and the API's `effective` and `at`; callers default to now.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { Instant } from './ticket';

export const EFFECTIVE_HINT =
  'expected a date YYYY-MM-DD (00:00 in the month zone) or an ISO-8601 instant with Z or an offset';

/** Years 1970–2999, as months are (./month): the ledger's instants stay inside what it stores. */
const YEARS = /^(19[7-9]\d|2\d{3})-/;

export const EffectiveInstant = z.union([z.iso.date().regex(YEARS), Instant.regex(YEARS)], {
  error: EFFECTIVE_HINT,
});
export type EffectiveInstant = z.infer<typeof EffectiveInstant>;

/** The UTC instant (ISO) a parsed EffectiveInstant names, a day read in `zone`. */
export function effectiveAt(value: EffectiveInstant, zone: string): string {
  if (!/^\d{4}-\d\d-\d\d$/.test(value)) return new Date(value).toISOString();
  // startOf('day'): a midnight that a DST change skips becomes the day's first instant.
  return DateTime.fromISO(value, { zone }).startOf('day').toUTC().toISO()!;
}
