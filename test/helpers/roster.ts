/** The example roster with its L3 primary on duty around the clock, so real-time tests run any day. */
import { loadRoster } from '../../src/roster/load';
import type { Roster } from '../../src/roster/schema';

export function roundTheClockRoster(): Roster {
  const roster = loadRoster(undefined);
  return {
    ...roster,
    responders: roster.responders.map((r) =>
      r.roles.includes('l3-primary')
        ? { ...r, duty: [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] }
        : r,
    ),
  };
}
