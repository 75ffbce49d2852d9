// I13 as plain functions: the Canada-based duty of a level from a roster, coverage restricted to
// it (holiday windows still taken out), and where it leaves a Canada-only ticket — held until a
// Canada-based responder is on duty, its L1 clock counting only that time, or suspended when the
// roster has none within the look-ahead.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, PolicyCalendars, responseDeadline, type EligibleDuty } from '../../src/calendar';
import { loadPolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import type { Roster } from '../../src/roster/schema';
import { eligibleCoverage } from '../../src/rules/residency';
import { canadaDuty } from '../../src/rules/roster';

const { policy } = loadPolicy({});
const plain = new BusinessCalendar(policy);
const ZONE = 'America/Toronto';
const et = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: ZONE }).toMillis();
const at = (t: number) => DateTime.fromMillis(t, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm');
const eligible = (duty: EligibleDuty) => new BusinessCalendar(policy, undefined, duty);
const week = (from: string, to: string) => {
  const [fd, ft] = from.split(' ') as [EligibleDuty['windows'][number]['from']['day'], string];
  const [td, tt] = to.split(' ') as [EligibleDuty['windows'][number]['to']['day'], string];
  return { from: { day: fd, time: ft }, to: { day: td, time: tt } };
};

describe('canadaDuty: when a Canada-based agent of a level is on duty', () => {
  const base = loadRoster(undefined);
  const person = (
    id: string,
    country: string,
    levels: ('L1' | 'L2' | 'L3')[],
    duty: ReturnType<typeof week>[],
  ) => ({
    ...base.responders[0]!,
    id,
    country,
    roles: ['agent' as const],
    levels,
    duty,
  });
  const roster: Roster = {
    ...base,
    responders: [
      person(
        'a',
        'CA',
        ['L3'],
        [week('monday 08:00', 'monday 12:00'), week('tuesday 08:00', 'tuesday 12:00')],
      ),
      person('b', 'CA', ['L3'], [week('monday 11:00', 'monday 16:00')]),
      person('c', 'GB', ['L3'], [week('monday 00:00', 'sunday 24:00')]),
      person('d', 'CA', ['L1'], [week('wednesday 08:00', 'wednesday 09:00')]),
      {
        ...person('e', 'CA', ['L3'], [week('friday 00:00', 'sunday 24:00')]),
        roles: ['l3-primary' as const],
      },
    ],
  };

  it('merges the stretches of the level, Canada-based agents only, in week order', () => {
    expect(canadaDuty(roster, 'L3')).toEqual({
      timeZone: 'America/Toronto',
      windows: [week('monday 08:00', 'monday 16:00'), week('tuesday 08:00', 'tuesday 12:00')],
    });
    expect(canadaDuty(roster, 'L2').windows).toEqual([]);
  });

  it("the built-in roster: the Ottawa specialist's hours for L3, Toronto's for L1", () => {
    expect(canadaDuty(base, 'L3').windows).toEqual([week('monday 08:00', 'friday 16:00')]);
    expect(canadaDuty(base, 'L1').windows).toEqual([week('monday 05:00', 'friday 16:00')]);
  });
});

describe('coverage restricted to a duty (I13)', () => {
  const l3 = eligible(canadaDuty(loadRoster(undefined), 'L3'));
  it.each<[string, string, boolean]>([
    ['Monday 06:00: plain coverage, no Canada-based L3 responder', '2026-12-07 06:00', false],
    ['Monday 08:00: the Ottawa specialist starts', '2026-12-07 08:00', true],
    ['Friday 15:59', '2026-12-11 15:59', true],
    ['Friday 16:00', '2026-12-11 16:00', false],
    // Canada Day (Wednesday) 09:00–17:00 stays a holiday window inside the duty.
    ['Canada Day 08:30', '2026-07-01 08:30', true],
    ['Canada Day 12:00', '2026-07-01 12:00', false],
  ])('%s', (_, local, covered) => {
    expect(l3.isCovered(et(local))).toBe(covered);
  });

  it('counts coverage minutes inside the duty alone', () => {
    expect(l3.coverageMinutes(et('2026-12-07 06:00'), et('2026-12-07 08:30'))).toBe(30);
    expect(plain.coverageMinutes(et('2026-12-07 06:00'), et('2026-12-07 08:30'))).toBe(150);
  });
});

describe('eligibleCoverage: held, running or suspended (I13)', () => {
  const input = (level: 'L1' | 'L2' | 'L3', opened: string) => ({
    level,
    opened: et(opened),
    lookaheadDays: 14,
  });

  it('an L3 ticket opened Monday 06:00 is held until 08:00, its deadline two business days on', () => {
    const l3 = eligible(canadaDuty(loadRoster(undefined), 'L3'));
    const r = eligibleCoverage(plain, l3, input('L3', '2026-12-07 06:00'));
    expect(r).toMatchObject({ calendar: l3, suspendedReason: null });
    expect(at(r.heldUntil!)).toBe('Mon 2026-12-07 08:00');
    const clock = responseDeadline(r.calendar, policy.levels.L3, et('2026-12-07 06:00'));
    expect([at(clock.clockStart), at(clock.due)]).toEqual(['Mon 2026-12-07 08:00', 'Wed 2026-12-09 08:00']);
  });

  it('an L1 ticket opened on a Saturday waits for Monday 05:00 like any ticket: not held', () => {
    const l1 = eligible(canadaDuty(loadRoster(undefined), 'L1'));
    const r = eligibleCoverage(plain, l1, input('L1', '2026-12-05 10:00'));
    expect(r).toMatchObject({ heldUntil: null, suspendedReason: null });
    const clock = responseDeadline(r.calendar, policy.levels.L1, et('2026-12-05 10:00'));
    expect([at(clock.clockStart), at(clock.due)]).toEqual(['Mon 2026-12-07 05:00', 'Mon 2026-12-07 05:15']);
  });

  it('an L1 clock counts only the duty: 10 minutes before it ends, 5 the next time it starts', () => {
    const duty = {
      timeZone: ZONE,
      windows: [week('monday 10:00', 'monday 12:00'), week('tuesday 10:00', 'tuesday 12:00')],
    };
    const r = eligibleCoverage(plain, eligible(duty), input('L1', '2026-12-07 11:50'));
    const clock = responseDeadline(r.calendar, policy.levels.L1, et('2026-12-07 11:50'));
    expect([at(clock.clockStart), at(clock.due)]).toEqual(['Mon 2026-12-07 11:50', 'Tue 2026-12-08 10:05']);
  });

  it('a duty in another time zone is read in its own zone', () => {
    const london = { timeZone: 'Europe/London', windows: [week('monday 14:00', 'monday 15:00')] };
    const r = eligibleCoverage(plain, eligible(london), input('L1', '2026-12-07 06:00'));
    expect(at(r.heldUntil!)).toBe('Mon 2026-12-07 09:00');
  });

  it('no Canada-based responder of the level within the look-ahead: suspended, on the plain calendar', () => {
    const r = eligibleCoverage(
      plain,
      eligible({ timeZone: ZONE, windows: [] }),
      input('L3', '2026-12-07 06:00'),
    );
    expect(r.calendar).toBe(plain);
    expect(r.heldUntil).toBeNull();
    expect(r.suspendedReason).toBe(
      'data access restricted to Canada-based staff (C12/I13) and no Canada-based L3 responder is on duty within 14 days of the opening',
    );
  });

  it('a duty whose only hours fall outside coverage leaves no eligible time either', () => {
    const weekend = { timeZone: ZONE, windows: [week('saturday 09:00', 'sunday 17:00')] };
    expect(
      eligibleCoverage(plain, eligible(weekend), input('L2', '2026-12-07 06:00')).suspendedReason,
    ).toMatch(/within 14 days/);
  });
});

describe('PolicyCalendars: the calendars a policy measures Canada-only tickets with', () => {
  const dutyA = { timeZone: ZONE, windows: [week('monday 09:00', 'monday 17:00')] };
  const dutyB = { timeZone: ZONE, windows: [week('tuesday 09:00', 'tuesday 17:00')] };

  it('builds each duty once, the plain calendar for no duty, and drops the oldest past its bound', () => {
    const calendars = new PolicyCalendars(policy, 1);
    expect(calendars.of(null)).toBe(calendars.plain);
    const a = calendars.of(dutyA);
    expect(calendars.of({ ...dutyA })).toBe(a);
    // Restricted to Monday 09:00–17:00: a Monday 08:00–10:00 span counts its last hour only.
    expect(a.coverageMinutes(et('2026-12-07 08:00'), et('2026-12-07 10:00'))).toBe(60);
    calendars.of(dutyB);
    expect(calendars.of(dutyA)).not.toBe(a);
  });
});
