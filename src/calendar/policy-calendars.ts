/**
 * The business calendars of one policy: the plain one, and one per duty a Canada-only ticket's
 * coverage is restricted to (I13), each built once (building one computes its holidays and
 * coverage years). A handful of duties exist for any roster (one per level's Canada-based duty);
 * past `max` (a roster edited often) the oldest is dropped.
 */
import { BusinessCalendar, type EligibleDuty } from './business-calendar';
import type { Policy } from '../policy/schema';

export class PolicyCalendars {
  readonly plain: BusinessCalendar;
  private readonly restricted = new Map<string, BusinessCalendar>();

  constructor(
    private readonly policy: Policy,
    private readonly max = 16,
  ) {
    this.plain = new BusinessCalendar(policy);
  }

  /** The calendar restricted to `duty`, or the plain one without a duty. */
  of(duty?: EligibleDuty | null): BusinessCalendar {
    if (!duty) return this.plain;
    // canadaDuty's form is canonical, so equal duties have equal JSON.
    const key = JSON.stringify(duty);
    let calendar = this.restricted.get(key);
    if (!calendar) {
      calendar = new BusinessCalendar(this.policy, undefined, duty);
      if (this.restricted.size >= this.max) this.restricted.delete(this.restricted.keys().next().value!);
      this.restricted.set(key, calendar);
    }
    return calendar;
  }
}
