/** All activities, built from injected dependencies (the worker injects the real ones, tests theirs). */
import { createCalendarActivities, type CalendarDeps } from './calendar';

export type ActivityDeps = CalendarDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
