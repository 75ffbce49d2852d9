/**
 * The roster: who answers tickets and pages, where they are based (C12 / I13), and when they are
 * on duty. Data, validated like the policy, from SLA_ROSTER_FILE or the built-in example roster.
 */
import { z } from 'zod';
import { Level, Role, WeeklyWindow } from '../policy/schema';
import { PAGING_USER_ID_HINT, PAGING_USER_ID_MAX, PAGING_USER_ID_PATTERN } from '../model/paging-user-id';

export { Role, ROLES } from '../policy/schema';

/**
 * The most entries each list of a roster takes: a support organisation of some hundreds of
 * people, each on duty in a few weekly stretches. Every escalation step resolves its audience
 * over the whole roster, so its size is what a step costs.
 */
export const ROSTER_LIST_MAX = { responders: 1_000, dutyWindows: 50 } as const;

export const Responder = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a stable id of lowercase letters, digits, dots and dashes'),
  name: z.string().min(1),
  email: z.email(),
  /**
   * The routing key of this responder's paging service (PagerDuty Events API v2): where the
   * engine sends their pages. Not who they are at the provider: see pagingUserId.
   */
  pagingKey: z.string().min(1),
  /**
   * This person's user id at the paging provider (PagerDuty's "PXXXXXX"), as its webhooks name
   * the acknowledging agent (`event.agent.id`): an outage acknowledgement credits them by it
   * first, exactly, before any display name (rules/agent: matchAgent). Unique in the roster.
   */
  pagingUserId: z
    .string()
    // An empty id is said to be empty, not also to be of the wrong characters.
    .min(1, { abort: true })
    .max(PAGING_USER_ID_MAX)
    .regex(PAGING_USER_ID_PATTERN, PAGING_USER_ID_HINT)
    .optional(),
  /** Where the responder is based: a customer restricted to Canada is served only from CA (I13). */
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code'),
  roles: z.array(Role).min(1).max(Role.options.length),
  /** Support levels this responder answers (C10). */
  levels: z.array(Level).max(Level.options.length),
  /** Weekly stretches of duty in the roster's time zone, e.g. Monday 05:00 → Friday 16:00. */
  duty: z.array(WeeklyWindow).min(1).max(ROSTER_LIST_MAX.dutyWindows),
});
export type Responder = z.infer<typeof Responder>;

/** A value two responders share where it must name one person: both are named, at the later one. */
function unique(field: 'id' | 'pagingUserId') {
  return (responders: Responder[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    responders.forEach((r, i) => {
      const value = r[field];
      if (value === undefined) return;
      const j = first.get(value);
      if (j === undefined) first.set(value, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, field],
          // Two entries with one id are told apart by their place in the list.
          message:
            field === 'id'
              ? `responder ids must be unique: ${value} is given to both responders[${j}] and responders[${i}]`
              : `pagingUserId ${value} is given to both ${responders[j]!.id} and ${r.id}`,
        });
    });
  };
}

export const Roster = z.object({
  timeZone: z.string().min(1),
  responders: z
    .array(Responder)
    .min(1)
    .max(ROSTER_LIST_MAX.responders)
    .superRefine(unique('id'))
    .superRefine(unique('pagingUserId')),
});
export type Roster = z.infer<typeof Roster>;
