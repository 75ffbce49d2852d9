/** Who is on duty, and who may serve a ticket (I13): plain functions over the roster. */
import { DateTime } from 'luxon';
import type { Level, Weekday, WeeklyWindow } from '../policy/schema';
import { WEEKDAYS, weekMinute } from '../policy/schema';
import type { Responder, Role, Roster } from '../roster/schema';

/** Is the responder on duty at instant t (epoch ms), in the roster's time zone? */
export function onDuty(roster: Pick<Roster, 'timeZone'>, responder: Responder, t: number): boolean {
  const local = DateTime.fromMillis(t, { zone: roster.timeZone });
  const minuteOfWeek = (local.weekday - 1) * 1440 + local.hour * 60 + local.minute;
  return responder.duty.some((w) => minuteOfWeek >= weekMinute(w.from) && minuteOfWeek < weekMinute(w.to));
}

export interface Selection {
  role: Role;
  level?: Level;
  /** I13: only responders based in Canada. */
  canadaOnly: boolean;
  at: number;
}

/** Responders of a role (and level) on duty at an instant, Canada-based ones only when required. */
export function select(roster: Roster, s: Selection): Responder[] {
  return roster.responders.filter(
    (r) =>
      r.roles.includes(s.role) &&
      (!s.level || r.levels.includes(s.level)) &&
      (!s.canadaOnly || r.country === 'CA') &&
      onDuty(roster, r, s.at),
  );
}

const WEEK_MINUTES = 7 * 1440;

/** A stretch of the week in the roster's time zone; `to` is earlier than `from` when it wraps past Sunday 24:00. */
export interface WeekGap {
  from: { day: Weekday; time: string };
  to: { day: Weekday; time: string };
}

/**
 * The stretches of the week when no responder of the role is on duty. Duty is wall-clock minutes
 * of the week (onDuty), so an instant is covered exactly when its local minute of the week is:
 * checking the week's 10,080 minutes covers every instant of every year, DST changes included (a
 * skipped hour has no instants; a repeated one has the same minutes). C9/I7 needs the outage
 * chain's first page, role l3-primary in the default policy, to find someone at any hour.
 */
export function dutyGaps(roster: Pick<Roster, 'responders'>, role: Role): WeekGap[] {
  const covered = new Array<boolean>(WEEK_MINUTES).fill(false);
  for (const r of roster.responders) {
    if (!r.roles.includes(role)) continue;
    for (const w of r.duty) covered.fill(true, weekMinute(w.from), weekMinute(w.to));
  }
  const runs: [number, number][] = [];
  for (let m = 0; m < WEEK_MINUTES; m++) {
    if (covered[m]) continue;
    const start = m;
    while (m < WEEK_MINUTES && !covered[m]) m++;
    runs.push([start, m]);
  }
  // A gap over the week's turn (Sunday evening into Monday morning) is one gap, not two.
  if (runs.length > 1 && runs[0]![0] === 0 && runs.at(-1)![1] === WEEK_MINUTES) {
    runs[0]![0] = runs.pop()![0];
  }
  return runs.map(([from, to]) => ({ from: weekPoint(from), to: weekPoint(to) }));
}

function weekPoint(minute: number): { day: Weekday; time: string } {
  // The week's end is Sunday 24:00 (the roster's own spelling), not a Monday of the next week.
  const m = minute === WEEK_MINUTES ? minute - 1 : minute;
  const day = WEEKDAYS[Math.floor(m / 1440)]!;
  const inDay = minute - Math.floor(m / 1440) * 1440;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day, time: `${pad(Math.floor(inDay / 60))}:${pad(inDay % 60)}` };
}

/**
 * I13: when a Canada-based responder of a level is on duty, as the roster's weekly stretches
 * merged and in week order (one canonical form: the same duty gives the same fact, recorded in the
 * ticket's history and keyed on by the calendar cache). Agents answer tickets (select's role).
 */
export function canadaDuty(roster: Roster, level: Level): { timeZone: string; windows: WeeklyWindow[] } {
  const covered = new Array<boolean>(WEEK_MINUTES).fill(false);
  for (const r of roster.responders) {
    if (r.country !== 'CA' || !r.roles.includes('agent') || !r.levels.includes(level)) continue;
    for (const w of r.duty) covered.fill(true, weekMinute(w.from), weekMinute(w.to));
  }
  const windows: WeeklyWindow[] = [];
  for (let m = 0; m < WEEK_MINUTES; m++) {
    if (!covered[m]) continue;
    const start = m;
    while (m < WEEK_MINUTES && covered[m]) m++;
    windows.push({ from: weekPoint(start), to: weekPoint(m) });
  }
  return { timeZone: roster.timeZone, windows };
}
