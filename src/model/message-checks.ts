/**
 * The rules of the ticket messages without zod, for the ticket workflow's update validators, and
 * the checks they are built from, which ./outage-checks and ./maintenance-checks share.
 *
 * Why not the zod schemas of ./ticket: every cached workflow evaluates its own copy of the modules
 * it imports, and zod was 1.0 MB of the 1.6 MB workflow bundle — about 1 MB of worker memory per
 * open ticket, and its evaluation on every workflow start and replay. The client, the CLI and the
 * API still parse with zod (./ticket) before anything reaches a workflow; these checks are the
 * workflow's own guard for a message sent around them (e.g. `temporal workflow update`), and
 * name the field the same way. test/unit/message-checks.test.ts holds the two to the same verdicts.
 * The checks follow zod 4's rules where they matter to the verdict or the field named: lengths in
 * code points, which problems stop a whole-message rule, a list over its cap read no further.
 */
export const LEVELS = ['L1', 'L2', 'L3'] as const;

/** Ids (tickets, customers, responders, request ids). */
export const ID_MAX = 100;
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const ID_HINT = 'expected letters, digits, ".", "_", ":" or "-"';

/** Free-text reasons (reopen, escalation, reclassification). */
export const REASON_MAX = 500;

export const INSTANT_HINT = 'expected an ISO-8601 instant with an offset, e.g. 2026-11-30T14:05:00Z';
/**
 * The very pattern zod's `z.iso.datetime({ offset: true })` builds (zod/v4/core/regexes.ts):
 * a real calendar date, `T`, hours:minutes:seconds with optional fraction, then `Z` or ±hh:mm.
 */
const INSTANT_PATTERN = new RegExp(
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|' +
    '\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))' +
    'T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$',
);

/**
 * What is wrong with a value: where below it ('' for the value itself), what, and whether it is
 * fatal as zod counts it (a wrong type or option, a list over its size cap). After a fatal
 * problem zod skips the rules over the whole list or message (`.refine` on them), so these do too.
 */
export interface Problem {
  path: string;
  message: string;
  fatal: boolean;
}
/** A value's check: every problem with it, none when fine. */
export type Check = (value: unknown) => Problem[];

const fine: Problem[] = [];
const problem = (message: string, fatal = false): Problem[] => [{ path: '', message, fatal }];

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** zod 4 measures strings in code points, not UTF-16 units: an emoji is one character. */
const codePoints = (s: string) => [...s].length;

/** A string of min..max characters, `trim`med first if asked (as zod's `.trim()`), then `more`. */
export const string =
  (min: number, max: number, more?: (s: string) => string | null, opts?: { trim?: boolean }): Check =>
  (v) => {
    if (typeof v !== 'string') return problem(`expected a string, received ${describe(v)}`, true);
    const s = opts?.trim ? v.trim() : v;
    const length = codePoints(s);
    if (length < min) return problem(`expected at least ${min} character(s)`);
    if (length > max) return problem(`expected at most ${max} characters`);
    const wrong = more?.(s);
    return wrong ? problem(wrong) : fine;
  };

export const id: Check = string(1, ID_MAX, (s) => (ID_PATTERN.test(s) ? null : ID_HINT));
export const reason: Check = string(1, REASON_MAX);
export const instant: Check = (v) =>
  typeof v !== 'string'
    ? problem(INSTANT_HINT, true)
    : INSTANT_PATTERN.test(v)
      ? fine
      : problem(INSTANT_HINT);
/** Years the ledger's dates hold, with room either side (src/model/ticket.ts: CalendarInstant). */
export const CALENDAR_YEAR_PATTERN = /^(197[2-9]|19[89]\d|20\d\d|21[0-8]\d|219[0-8])-/;
export const CALENDAR_YEAR_HINT = 'expected a year from 1972 to 2198';
export const calendarInstant: Check = (v) => {
  const wrong = instant(v);
  if (wrong !== fine) return wrong;
  return CALENDAR_YEAR_PATTERN.test(v as string) ? fine : problem(CALENDAR_YEAR_HINT);
};
export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v)
      ? fine
      : problem(`expected one of ${values.join(', ')}`, true);
export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? fine : check(v);

/**
 * A list (zod's `z.array(…).min().max()`, then an optional rule over the whole list). Over its
 * size cap zod reports only that, without reading the items; an item's problem is named by its
 * index (`regions.2`); the whole-list rule runs only when no item had a fatal problem.
 */
export const list =
  (
    item: Check,
    opts: { min: number; minHint: string; max?: number; whole?: (items: unknown[]) => string | null },
  ): Check =>
  (v) => {
    if (!Array.isArray(v)) return problem(`expected an array, received ${describe(v)}`, true);
    if (opts.max !== undefined && v.length > opts.max)
      return problem(`expected at most ${opts.max} items`, true);
    const problems = v.flatMap((x, i) =>
      item(x).map((p) => ({ ...p, path: p.path ? `${i}.${p.path}` : String(i) })),
    );
    if (v.length < opts.min) problems.push(...problem(opts.minHint));
    const wrong = problems.some((p) => p.fatal) ? null : opts.whole?.(v);
    if (wrong) problems.push(...problem(wrong));
    return problems;
  };

/**
 * A validator for an update: throws `field: what is wrong; …` for every bad field, as the zod
 * schemas report it (unknown fields are ignored, as zod's objects strip them). `whole` is a rule
 * over the whole message (zod's `.refine` on the object): like zod, it runs only when no field had
 * a fatal problem, and names the field it blames.
 */
export function message(
  shape: Record<string, Check>,
  whole?: (input: Record<string, unknown>) => { path: string; message: string } | null,
): (input: unknown) => void {
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new Error(`(input): expected an object, received ${describe(input)}`);
    const fields = input as Record<string, unknown>;
    const problems = Object.entries(shape).flatMap(([key, check]) =>
      check(fields[key]).map((p) => ({ ...p, path: p.path ? `${key}.${p.path}` : key })),
    );
    const wrong = problems.some((p) => p.fatal) ? null : whole?.(fields);
    if (wrong) problems.push({ ...wrong, fatal: false });
    if (problems.length) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  };
}

/** One per message of ./ticket (Assign, FirstResponse, …), field for field. */
export const messageChecks = {
  assign: message({ requestId: id, responderId: id }),
  firstResponse: message({ requestId: id, responderId: id, at: optional(instant) }),
  reply: message({ requestId: id, from: oneOf(['agent', 'customer']), at: optional(instant) }),
  resolve: message({ requestId: id, responderId: id, at: optional(instant) }),
  reopen: message({ requestId: id, reason }),
  escalate: message({ requestId: id, by: id, reason }),
  reclassify: message({ requestId: id, level: oneOf(LEVELS), by: id, reason }),
};
