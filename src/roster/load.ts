/** The roster from SLA_ROSTER_FILE, else the built-in example; a bad file names each bad field. */
import { readFileSync } from 'node:fs';
import { issuesOf, PolicyError } from '../policy/load';
import defaultRoster from './default-roster.json';
import { Roster } from './schema';

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
  if (!parsed.success) throw new PolicyError(file ?? 'built-in roster', issuesOf(parsed.error));
  return parsed.data;
}
