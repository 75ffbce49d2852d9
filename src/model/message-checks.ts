/**
 * The rules of the ticket messages without zod, for the ticket workflow's update validators.
 *
 * Why not the zod schemas of ./ticket: every cached workflow evaluates its own copy of the modules
 * it imports, and zod was 1.0 MB of the 1.6 MB workflow bundle — about 1 MB of worker memory per
 * open ticket, and its evaluation on every workflow start and replay. The client, the CLI and the
 * API still parse with zod (./ticket) before anything reaches a workflow; these checks are the
 * workflow's own guard for a message sent around them (e.g. `temporal workflow update`), and
 * name the field the same way. test/unit/message-checks.test.ts holds the two to the same verdicts.
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

/** A field's check: null when fine, else what is wrong with it. */
type Field = (value: unknown) => string | null;

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const string =
  (min: number, max: number, more?: (s: string) => string | null): Field =>
  (v) =>
    typeof v !== 'string'
      ? `expected a string, received ${describe(v)}`
      : v.length < min
        ? `expected at least ${min} character(s)`
        : v.length > max
          ? `expected at most ${max} characters`
          : (more?.(v) ?? null);

const id: Field = string(1, ID_MAX, (s) => (ID_PATTERN.test(s) ? null : ID_HINT));
const reason: Field = string(1, REASON_MAX);
const instant: Field = string(0, Infinity, (s) => (INSTANT_PATTERN.test(s) ? null : INSTANT_HINT));
const oneOf =
  (values: readonly string[]): Field =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `expected one of ${values.join(', ')}`;
const optional =
  (f: Field): Field =>
  (v) =>
    v === undefined ? null : f(v);

/**
 * A validator for an update: throws `field: what is wrong; …` for every bad field, as the zod
 * schemas report it (unknown fields are ignored, as zod's objects strip them).
 */
function message(shape: Record<string, Field>): (input: unknown) => void {
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new Error(`(input): expected an object, received ${describe(input)}`);
    const issues = Object.entries(shape).flatMap(([key, check]) => {
      const problem = check((input as Record<string, unknown>)[key]);
      return problem ? [`${key}: ${problem}`] : [];
    });
    if (issues.length) throw new Error(issues.join('; '));
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
