/**
 * Instants as the month's readers read them: wall-clock time in the month's zone (I8, the zone
 * the month is counted in), with the zone's abbreviation so that the repeated hour of a DST end
 * stays unambiguous ("2026-11-01 01:30 EDT" then "… 01:30 EST"). The JSON keeps ISO UTC for
 * machines; this is for the text and HTML people read, where UTC made them convert.
 */
import { DateTime } from 'luxon';

/** "2026-10-06 10:00 EDT"; seconds only when the instant has them (an outage may end mid-minute). */
export function localTime(iso: string, zone: string): string {
  // en-US: the abbreviation (EDT, EST) does not follow the machine's locale.
  const at = DateTime.fromISO(iso, { zone, locale: 'en-US' });
  if (!at.isValid) throw new RangeError(`not an ISO instant: ${iso}`);
  return at.toFormat(at.second || at.millisecond ? 'yyyy-MM-dd HH:mm:ss ZZZZ' : 'yyyy-MM-dd HH:mm ZZZZ');
}
