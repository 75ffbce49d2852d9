/**
 * Calendar facts as activities. A deadline depends on the holiday calendar and the policy, both of
 * which change over time; computing it in an activity records the answer (and the facts behind it)
 * in the workflow's history, so replay never depends on today's holiday file.
 */
import { BusinessCalendar, responseDeadline } from '../calendar';
import type { LoadedPolicy } from '../policy/load';
import type { Level } from '../policy/schema';

export interface ResponseClockInput {
  level: Level;
  /** ISO-8601 instant the ticket was opened. */
  opened: string;
}

export interface ResponseClockFacts {
  level: Level;
  policyVersion: string;
  opened: string;
  clockStart: string;
  due: string;
  target: LevelTargetFact;
  /** Holiday windows between the opening and the deadline: why the clock ran as it did. */
  holidayWindows: { date: string; country: string; name: string; start: string; end: string }[];
}

type LevelTargetFact =
  { kind: 'coverage-minutes'; minutes: number } | { kind: 'business-days'; days: number };

export interface CalendarDeps {
  policy: () => LoadedPolicy;
}

export function createCalendarActivities(deps: CalendarDeps) {
  let cached: { version: string; calendar: BusinessCalendar } | undefined;
  const calendarFor = (loaded: LoadedPolicy) => {
    if (cached?.version !== loaded.version)
      cached = { version: loaded.version, calendar: new BusinessCalendar(loaded.policy) };
    return cached.calendar;
  };

  return {
    /** C6–C8 / I5, I6: the response clock of a ticket of a level opened at an instant. */
    async computeResponseClock(input: ResponseClockInput): Promise<ResponseClockFacts> {
      const loaded = deps.policy();
      const calendar = calendarFor(loaded);
      const opened = Date.parse(input.opened);
      if (Number.isNaN(opened)) throw new TypeError(`opened: not an ISO-8601 instant: ${input.opened}`);
      const target = loaded.policy.levels[input.level];
      const clock = responseDeadline(calendar, target, opened);
      const iso = (t: number) => new Date(t).toISOString();
      return {
        level: input.level,
        policyVersion: loaded.version,
        opened: iso(opened),
        clockStart: iso(clock.clockStart),
        due: iso(clock.due),
        target,
        holidayWindows: calendar.holidayWindows(opened, clock.due).map((h) => ({
          date: h.date,
          country: h.country,
          name: h.name,
          start: iso(h.start),
          end: iso(h.end),
        })),
      };
    },
  };
}
