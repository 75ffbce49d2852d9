/** Who is on duty, and who may serve a ticket (I13): plain functions over the roster. */
import { DateTime } from 'luxon';
import type { Level } from '../policy/schema';
import { weekMinute } from '../policy/schema';
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
