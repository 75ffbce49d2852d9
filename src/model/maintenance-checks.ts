/**
 * The rules of the maintenance messages (./maintenance) without zod, for the maintenance
 * workflow's update validators: zod in the workflow bundle costs ~1 MB per cached workflow (see
 * ./message-checks). The zod schemas take their limits and rules from here;
 * test/unit/maintenance-checks.test.ts holds the two to the same verdicts and fields named.
 */
import { id, instant, list, message, optional, string } from './message-checks';

/** A deployment region, as customers' `region` in the ledger names it. */
export const REGION_MAX = 64;
export const REGION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const REGION_HINT = 'expected letters, digits, ".", "_" or "-"';
export const REGIONS_HINT = 'at least one region';
/**
 * A window names at most this many regions, each copied into every notice it sends: a deployment
 * has a handful of regions (the outages' limit is the same, ./outage-checks REGIONS_MAX).
 */
export const REGIONS_MAX = 50;
export const REGIONS_REPEAT = 'regions must not repeat';
/** Descriptions and cancel reasons are trimmed, then must hold something. */
export const DESCRIPTION_MAX = 2000;
export const CANCEL_REASON_MAX = 500;

/** An announced window ends after it starts; a bad instant is named alone (by its own check). */
export const endsAfterStart = (w: { start?: unknown; end?: unknown }) => {
  const [start, end] = [Date.parse(String(w.start)), Date.parse(String(w.end))];
  return Number.isNaN(start) || Number.isNaN(end) || end > start;
};
export const END_AFTER_START = 'must be after start';

export const regionsRepeat = (regions: readonly unknown[]) => new Set(regions).size !== regions.length;

const regions = list(
  string(1, REGION_MAX, (s) => (REGION_PATTERN.test(s) ? null : REGION_HINT)),
  {
    min: 1,
    minHint: REGIONS_HINT,
    max: REGIONS_MAX,
    whole: (r) => (regionsRepeat(r) ? REGIONS_REPEAT : null),
  },
);
const windowRule = (m: { start?: unknown; end?: unknown }) =>
  endsAfterStart(m) ? null : { path: 'end', message: END_AFTER_START };
const at = optional(instant);

/** One per update of the maintenance workflow (RescheduleMaintenance, …), field for field. */
export const maintenanceChecks = {
  reschedule: message(
    {
      requestId: id,
      start: instant,
      end: instant,
      regions: optional(regions),
      description: optional(string(1, DESCRIPTION_MAX, undefined, { trim: true })),
    },
    windowRule,
  ),
  cancel: message({ requestId: id, reason: string(1, CANCEL_REASON_MAX, undefined, { trim: true }) }),
  start: message({ requestId: id, at }),
  end: message({ requestId: id, at }),
};
