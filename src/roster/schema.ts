/**
 * The roster: who answers tickets and pages, where they are based (C12 / I13), and when they are
 * on duty. Data, validated like the policy, from SLA_ROSTER_FILE or the built-in example roster.
 */
import { z } from 'zod';
import { Level, Role, WeeklyWindow } from '../policy/schema';

export { Role, ROLES } from '../policy/schema';

export const Responder = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a stable id of lowercase letters, digits, dots and dashes'),
  name: z.string().min(1),
  email: z.email(),
  /** The routing key of this responder's paging service (PagerDuty Events API v2). */
  pagingKey: z.string().min(1),
  /** Where the responder is based: a customer restricted to Canada is served only from CA (I13). */
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code'),
  roles: z.array(Role).min(1),
  /** Support levels this responder answers (C10). */
  levels: z.array(Level),
  /** Weekly stretches of duty in the roster's time zone, e.g. Monday 05:00 → Friday 16:00. */
  duty: z.array(WeeklyWindow).min(1),
});
export type Responder = z.infer<typeof Responder>;

export const Roster = z
  .object({
    timeZone: z.string().min(1),
    responders: z.array(Responder).min(1),
  })
  .refine((r) => new Set(r.responders.map((p) => p.id)).size === r.responders.length, {
    message: 'responder ids must be unique',
    path: ['responders'],
  });
export type Roster = z.infer<typeof Roster>;
