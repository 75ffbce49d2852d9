// C9 / I7: Level 3 is engaged within 10 minutes of detection at any hour, so the outage chain's
// first page (audience l3-primary) must find someone on duty at every instant of the year.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dutyGaps, select } from '../../src/rules/roster';
import { loadRoster, rosterWarnings } from '../../src/roster/load';
import { WEEKDAYS } from '../../src/policy/schema';
import type { Responder, Roster } from '../../src/roster/schema';

const ZONE = 'America/Toronto';
const builtIn = loadRoster(undefined);
const et = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();

const person = (id: string, roles: Responder['roles'], duty: [string, string][]): Responder => ({
  id,
  name: id,
  email: `${id}@support.example`,
  pagingKey: `routing-${id}`,
  country: 'CA',
  roles,
  levels: ['L3'],
  duty: duty.map(([from, to]) => {
    const [fd, ft] = from.split(' ') as [Responder['duty'][number]['from']['day'], string];
    const [td, tt] = to.split(' ') as [Responder['duty'][number]['to']['day'], string];
    return { from: { day: fd, time: ft }, to: { day: td, time: tt } };
  }),
});
const rosterOf = (...responders: Responder[]): Roster => ({ timeZone: ZONE, responders });

/** The instants (ISO, in order) at which the workflow's own selection finds no l3-primary. */
function withoutL3Primary(roster: Roster, instants: Iterable<number>): string[] {
  return [...instants]
    .sort((a, b) => a - b)
    .filter((at) => select(roster, { role: 'l3-primary', canadaOnly: false, at }).length === 0)
    .map((at) => new Date(at).toISOString());
}

function everyMinute(from: number, to: number): number[] {
  return Array.from({ length: (to - from) / 60_000 }, (_, i) => from + i * 60_000);
}

/**
 * The instants of 2026 (America/Toronto) where a duty gap would show: every responder's window
 * edges in every week and the minute before each (a duty change is where a hand-off can miss),
 * every quarter hour, and every minute of the days the clocks change (2026-03-08, 23 h, and
 * 2026-11-01, 25 h, walked in UTC so the skipped and repeated hours are seen as they happen).
 */
function instantsOf2026(roster: Roster): Set<number> {
  const start = DateTime.fromISO('2026-01-01T00:00', { zone: ZONE });
  const end = start.plus({ years: 1 });
  const instants = new Set<number>();
  for (let at = start.toMillis(); at < end.toMillis(); at += 15 * 60_000) instants.add(at);
  for (const day of ['2026-03-08', '2026-11-01']) {
    const from = DateTime.fromISO(day, { zone: ZONE });
    for (let at = from.toMillis(); at < from.plus({ days: 1 }).toMillis(); at += 60_000) instants.add(at);
  }
  const edges = roster.responders.flatMap((r) => r.duty.flatMap((w) => [w.from, w.to]));
  for (let monday = start.startOf('week'); monday < end; monday = monday.plus({ weeks: 1 })) {
    for (const edge of edges) {
      const [h, m] = edge.time.split(':').map(Number) as [number, number];
      // Wall-clock arithmetic (24:00 is the next day's 00:00), not elapsed hours across a DST change.
      const at = monday
        .plus({ days: WEEKDAYS.indexOf(edge.day) + (h === 24 ? 1 : 0) })
        .set({ hour: h % 24, minute: m });
      for (const t of [at.toMillis(), at.toMillis() - 60_000])
        if (t >= start.toMillis() && t < end.toMillis()) instants.add(t);
    }
  }
  return instants;
}

describe('the built-in roster keeps a Level 3 primary on duty around the clock (C9, I7)', () => {
  it('finds an l3-primary at every duty boundary of 2026, every quarter hour, and every minute of both DST days', () => {
    expect(withoutL3Primary(builtIn, instantsOf2026(builtIn))).toEqual([]);
  });

  it('has no gap in its week and gives no warning', () => {
    expect(dutyGaps(builtIn, 'l3-primary')).toEqual([]);
    expect(rosterWarnings(builtIn)).toEqual([]);
  });

  it('pages its l3-primary on a weekend night, when the weekday specialist is off', () => {
    const at = et('2026-11-28T03:00'); // Saturday
    expect(select(builtIn, { role: 'l3-primary', canadaOnly: false, at }).map((r) => r.id)).toEqual([
      'oncall.toronto',
    ]);
    // The on-call engineer engages outages (Level 3) but takes no tickets as an agent.
    const oncall = builtIn.responders.find((r) => r.id === 'oncall.toronto')!;
    expect(oncall).toMatchObject({ roles: ['l3-primary'], levels: ['L3'], country: 'CA' });
  });
});

describe('duty gaps of a role over the week (C9, I7)', () => {
  it('finds the weekend a weekday-only l3-primary leaves uncovered, across the week turn', () => {
    // Its only l3-primary on duty Monday 08:00 → Friday 16:00 (one window).
    const weekdaysOnly = rosterOf(
      person('specialist.ottawa', ['agent', 'l3-primary'], [['monday 08:00', 'friday 16:00']]),
      person('specialist.sydney', ['agent', 'l3-secondary'], [['monday 00:00', 'sunday 24:00']]),
    );
    expect(dutyGaps(weekdaysOnly, 'l3-primary')).toEqual([
      { from: { day: 'friday', time: '16:00' }, to: { day: 'monday', time: '08:00' } },
    ]);
    expect(rosterWarnings(weekdaysOnly)).toEqual([
      'no l3-primary on duty friday 16:00 → monday 08:00 (America/Toronto): an outage then ' +
        '(C9/I7: Level 3 engaged within 10 minutes, 24/7) pages nobody first',
    ]);
    // The gap is what the workflow's own selection sees, minute by minute, in a DST week.
    const missing = withoutL3Primary(
      weekdaysOnly,
      everyMinute(et('2026-10-26T12:00'), et('2026-11-09T12:00')),
    );
    expect(missing[0]).toBe(new Date(et('2026-10-30T16:00')).toISOString());
    expect(missing.at(-1)).toBe(new Date(et('2026-11-09T07:59')).toISOString());
    // Two weekends of 64 h each, the first one hour longer: it has the fall-back hour of 1 November.
    expect(missing).toHaveLength((64 + 1 + 64) * 60);
    // The year's check, as run on the built-in roster, catches it from the first Friday on.
    expect(withoutL3Primary(weekdaysOnly, instantsOf2026(weekdaysOnly))[0]).toBe(
      new Date(et('2026-01-02T16:00')).toISOString(),
    );
  });

  it('unions the windows of every responder with the role, and ignores other roles', () => {
    const roster = rosterOf(
      person(
        'a',
        ['l3-primary'],
        [
          ['monday 00:00', 'monday 09:00'],
          ['wednesday 12:00', 'thursday 12:00'],
        ],
      ),
      // Overlapping and touching windows leave no seam.
      person(
        'b',
        ['l3-primary'],
        [
          ['monday 08:00', 'tuesday 00:00'],
          ['tuesday 00:00', 'tuesday 06:30'],
          ['sunday 20:00', 'sunday 24:00'],
        ],
      ),
      person('c', ['agent', 'l3-secondary'], [['monday 00:00', 'sunday 24:00']]),
    );
    expect(dutyGaps(roster, 'l3-primary')).toEqual([
      { from: { day: 'tuesday', time: '06:30' }, to: { day: 'wednesday', time: '12:00' } },
      { from: { day: 'thursday', time: '12:00' }, to: { day: 'sunday', time: '20:00' } },
    ]);
    expect(dutyGaps(roster, 'l3-secondary')).toEqual([]);
  });

  it('reports a gap that ends the week as ending Sunday 24:00, and a role nobody has as the whole week', () => {
    const roster = rosterOf(person('a', ['l3-primary'], [['monday 00:00', 'sunday 22:00']]));
    expect(dutyGaps(roster, 'l3-primary')).toEqual([
      { from: { day: 'sunday', time: '22:00' }, to: { day: 'sunday', time: '24:00' } },
    ]);
    expect(dutyGaps(roster, 'engineering-manager')).toEqual([
      { from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } },
    ]);
  });
});
