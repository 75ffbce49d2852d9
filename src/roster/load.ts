/** The roster from SLA_ROSTER_FILE, else the built-in example; a bad file names each bad field. */
import { readFileSync } from 'node:fs';
import { issuesOf } from '../errors';
import { PolicyError } from '../policy/load';
import { dutyGaps } from '../rules/roster';
import defaultRoster from './default-roster.json';
import { Roster } from './schema';

/** Where loadRoster reads from, for messages: the file, or the built-in roster. */
export function rosterSource(file: string | undefined): string {
  return file ?? 'built-in roster';
}

export function loadRoster(file: string | undefined = process.env.SLA_ROSTER_FILE || undefined): Roster {
  let raw: unknown = defaultRoster;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      throw new PolicyError(file, [
        { path: '(file)', message: `cannot read the roster: ${(err as Error).message}` },
      ]);
    }
  }
  const parsed = Roster.safeParse(raw);
  if (!parsed.success) throw new PolicyError(rosterSource(file), issuesOf(parsed.error));
  return parsed.data;
}

/**
 * What a valid roster may still get wrong: hours of the week without a Level 3 primary. A warning,
 * not a refusal: C9/I7 engages Level 3 within 10 minutes at any hour, and the outage chain's first
 * page (audience l3-primary) then finds nobody, but the later steps still page the secondary; a
 * team may knowingly run that way for a while, and the worker must still start.
 */
export function rosterWarnings(roster: Roster): string[] {
  return dutyGaps(roster, 'l3-primary').map(
    (g) =>
      `no l3-primary on duty ${g.from.day} ${g.from.time} → ${g.to.day} ${g.to.time} (${roster.timeZone}): ` +
      'an outage then (C9/I7: Level 3 engaged within 10 minutes, 24/7) pages nobody first',
  );
}
