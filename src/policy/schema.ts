/**
 * The contract as data. Every number of the SLA (docs/contract.md, C1–C14 as read by I1–I15)
 * lives in a policy validated by this schema, never in code: changing a target is a policy edit,
 * and each decision records the version (content hash) of the policy that made it.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { Level } from '../model/level';
import { UPTIME_DECIMALS } from '../rules/uptime';
import { tokens } from '../rules/words';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

export const COUNTRIES = ['CA', 'GB', 'AU'] as const;
export const Country = z.enum(COUNTRIES);
export type Country = z.infer<typeof Country>;

export { Level, LEVELS } from '../model/level';

/**
 * The most entries each list of a policy takes. The contract (C1–C14) needs one weekly window, a
 * few holiday names and closures a year per country, a few classification rules and escalation
 * steps; these leave room many times over while keeping a policy file from making every lookup
 * of the calendar, the classifier or the escalation planner walk thousands of entries.
 */
export const POLICY_LIST_MAX = {
  holidayNames: 100,
  weekendExceptions: 50,
  holidayOverrides: 1_000,
  weeklyWindows: 50,
  classificationRules: 200,
  phrasesPerRule: 200,
  escalationSteps: 20,
  creditTiers: 20,
} as const;

/** A wall-clock time of day, "HH:mm" (24 h). "24:00" is allowed as the end of a day. */
export const LocalTime = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a wall-clock time "HH:mm" (00:00–24:00)');

/** A calendar date "YYYY-MM-DD". */
export const LocalDate = z.iso.date({ message: 'expected a calendar date "YYYY-MM-DD"' });

const TimeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), 'expected an IANA time zone');

/** A decimal percentage as a string ("99.95"), so that tiers compare exactly (I10). */
export const DecimalPercent = z
  .string()
  .regex(/^(100(\.0+)?|\d{1,2}(\.\d+)?)$/, 'expected a decimal percentage string between "0" and "100"');

/**
 * A threshold the displayed uptime is read against: no finer than its UPTIME_DECIMALS, so that
 * the truncated display never shows an uptime on the wrong side of it (formatPercent).
 */
const DisplayedThreshold = DecimalPercent.refine(
  (s) => !new RegExp(`\\.\\d{${UPTIME_DECIMALS}}\\d*[1-9]`).test(s),
  `at most ${UPTIME_DECIMALS} decimals (the uptime shown is truncated to ${UPTIME_DECIMALS})`,
);

/** A point relative to a holiday date D, in the coverage time zone: D + dayOffset at time (I3). */
const HolidayOffset = z.object({
  dayOffset: z.number().int().min(-7).max(7),
  time: LocalTime,
});

/** The no-coverage window a holiday of one country opens, relative to its date D (I3). */
export const HolidayWindow = z
  .object({ start: HolidayOffset, end: HolidayOffset })
  .refine(
    (w) =>
      w.start.dayOffset * 1440 + minutesOf(w.start.time) < w.end.dayOffset * 1440 + minutesOf(w.end.time),
    { message: 'the window must end after it starts', path: ['end'] },
  );
export type HolidayWindow = z.infer<typeof HolidayWindow>;

const HolidayType = z.enum(['public', 'bank', 'optional', 'school', 'observance']);

/** How one country's holidays are taken from the holiday library and observed (I4). */
export const CountryHolidays = z.object({
  /** Which region of the holiday library (date-holidays) to read. */
  source: z.object({
    country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code'),
    state: z.string().min(1).optional(),
  }),
  /** Holiday types of the library to take ("public", "bank"). */
  types: z.array(HolidayType).min(1).max(HolidayType.options.length),
  /** When set, only these library holidays (English names) count; others of the types are dropped. */
  names: z.array(z.string().min(1)).min(1).max(POLICY_LIST_MAX.holidayNames).optional(),
  /** Weekend rule: a holiday on a weekend is also (or instead) observed on the next free weekday. */
  weekend: z.object({
    substitute: z.boolean(),
    /** Keep the weekend date itself in the list (Canada and Australia), or only the substitute (UK). */
    keepWeekendDate: z.boolean(),
    /** Holidays never substituted (Australia's Anzac Day). */
    except: z.array(z.string().min(1)).max(POLICY_LIST_MAX.weekendExceptions),
  }),
  window: HolidayWindow,
});
export type CountryHolidays = z.infer<typeof CountryHolidays>;

/** A correction of the library's list, or a company closure (I4). */
export const HolidayOverride = z.object({
  action: z.enum(['add', 'remove']),
  country: Country,
  date: LocalDate,
  name: z.string().min(1),
  /** For an added day: a window other than the country's (a full-day closure, say). */
  window: HolidayWindow.optional(),
  reason: z.string().min(1).optional(),
});
export type HolidayOverride = z.infer<typeof HolidayOverride>;

/** One stretch of weekly coverage, from a weekday and time to a later weekday and time (I2). */
export const WeeklyWindow = z
  .object({
    from: z.object({ day: Weekday, time: LocalTime }),
    to: z.object({ day: Weekday, time: LocalTime }),
  })
  .refine((w) => weekMinute(w.from) < weekMinute(w.to), {
    message: 'a weekly window must end later in the week (Monday first) than it starts',
    path: ['to'],
  });
export type WeeklyWindow = z.infer<typeof WeeklyWindow>;

/** The roles of the roster (src/roster): whom an escalation step can address, besides the assignee. */
export const ROLES = [
  'agent',
  'team-lead',
  'support-manager',
  'l3-primary',
  'l3-secondary',
  'engineering-manager',
  'status-audience',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const Audience = z.enum(['assignee', ...ROLES.filter((r) => r !== 'agent'), 'customer-admins']);
const Channel = z.enum(['email', 'page']);

/** One step of a ticket's escalation chain (C6–C8): when it fires, to whom, how. */
export const TicketEscalationStep = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a stable id of lowercase letters, digits and dashes'),
  /** Fire at this fraction of the time to the deadline (0.8 = 80 %), or this long after breach. */
  at: z.union([
    z.object({ fractionOfTarget: z.number().gt(0).lt(1) }),
    z.object({ afterBreachMinutes: z.number().int().min(0) }),
  ]),
  audience: Audience,
  channels: z.array(Channel).min(1).max(Channel.options.length),
  /** Only fire inside support coverage (a warning at 3 a.m. helps nobody). */
  onlyInCoverage: z.boolean(),
});

const LevelTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('coverage-minutes'), minutes: z.number().int().positive() }),
  z.object({ kind: z.literal('business-days'), days: z.number().int().positive() }),
]);
export type LevelTarget = z.infer<typeof LevelTarget>;

const uniqueIds = (steps: { id: string }[]) => new Set(steps.map((s) => s.id)).size === steps.length;
const TicketSteps = z
  .array(TicketEscalationStep)
  .max(POLICY_LIST_MAX.escalationSteps)
  .refine(uniqueIds, 'step ids must be unique');

export const Policy = z.object({
  /** I1: wall-clock rules and the accounting month are evaluated in this zone. */
  timeZone: TimeZone,
  coverage: z.object({
    /** I2: weekly coverage, Monday 05:00 → Friday 16:00 by default. */
    weekly: z.array(WeeklyWindow).min(1).max(POLICY_LIST_MAX.weeklyWindows),
  }),
  holidays: z.object({
    countries: z.object({ CA: CountryHolidays, GB: CountryHolidays, AU: CountryHolidays }),
    overrides: z.array(HolidayOverride).max(POLICY_LIST_MAX.holidayOverrides),
  }),
  /** I6: a business day is one of these weekdays that is not a holiday of these countries. */
  businessDays: z.object({
    weekdays: z.array(Weekday).min(1).max(WEEKDAYS.length),
    holidayCountries: z.array(Country).max(COUNTRIES.length),
  }),
  levels: z.object({ L1: LevelTarget, L2: LevelTarget, L3: LevelTarget }),
  /**
   * I13: a Canada-only ticket whose roster has no Canada-based responder of its level on duty
   * within this many days of its opening has its SLA suspended rather than silently breaching.
   */
  residencyLookaheadDays: z.number().int().min(1).max(366).default(14),
  /** I11 / C10: declarative classification, first matching rule wins. */
  classification: z.object({
    defaultLevel: Level,
    rules: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a stable id'),
          level: Level,
          /**
           * Phrases in English and French, read as the classifier reads a ticket (src/rules/words.ts):
           * case, accents, punctuation, elisions and "est-ce que" aside, each word by its stem.
           */
          phrases: z
            .array(
              z
                .string()
                .min(2)
                .refine((p) => tokens(p).length > 0, 'a phrase needs at least one word'),
            )
            .min(1)
            .max(POLICY_LIST_MAX.phrasesPerRule),
        }),
      )
      .min(1)
      .max(POLICY_LIST_MAX.classificationRules)
      .refine(uniqueIds, 'rule ids must be unique'),
  }),
  escalation: z.object({
    ticket: z.object({
      L1: TicketSteps,
      L2: TicketSteps,
      L3: TicketSteps,
    }),
    /** C9 / I7: pages until a Level 3 responder acknowledges. */
    outage: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a stable id'),
          afterMinutes: z.number().int().min(0),
          audience: Audience,
          channels: z.array(Channel).min(1).max(Channel.options.length),
        }),
      )
      .min(1)
      .max(POLICY_LIST_MAX.escalationSteps)
      .refine(uniqueIds, 'step ids must be unique'),
    /** The outage chain starts again this long after its last step while nobody acknowledges. */
    outageRepeatMinutes: z.number().int().positive(),
  }),
  /** C9 / I7: a Level 3 responder acknowledges within this many wall-clock minutes. */
  engagementMinutes: z.number().int().positive(),
  /**
   * I7: detection is the monitor's start, but a webhook's startedAt is a claim. One further back
   * than this before its receipt opens the outage at receipt, the claim kept until an on-call
   * confirms it (the outage update confirmStart). The on-call role's own reports are trusted.
   */
  outageBackdateLimitMinutes: z.number().int().min(0).default(15),
  /** C1: maintenance is excluded only if announced at least this long before it starts. */
  maintenanceNoticeHours: z.number().positive(),
  /** C13 / I12 */
  session: z
    .object({
      enabled: z.boolean(),
      limitMinutes: z.number().int().positive(),
      warningBeforeMinutes: z.number().int().positive(),
    })
    .refine((s) => s.warningBeforeMinutes < s.limitMinutes, {
      message: 'the warning must come before the limit',
      path: ['warningBeforeMinutes'],
    }),
  uptime: z.object({
    /** C1 */
    targetPercent: DisplayedThreshold,
    /** C2 / I10: the lowest matching threshold wins; uptime strictly below `below` earns the credit. */
    creditTiers: z
      .array(z.object({ below: DisplayedThreshold, creditPercent: z.number().int().min(0).max(100) }))
      .min(1)
      .max(POLICY_LIST_MAX.creditTiers),
  }),
  /** C14 / I8 / I14 */
  month: z.object({
    timeZone: TimeZone,
    closeGraceHours: z.number().min(0),
  }),
});
export type Policy = z.infer<typeof Policy>;

export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function weekMinute(at: { day: Weekday; time: string }): number {
  return WEEKDAYS.indexOf(at.day) * 1440 + minutesOf(at.time);
}
