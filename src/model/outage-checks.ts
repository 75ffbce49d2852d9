/**
 * The rules of the outage messages (./outage) without zod, for the outage workflow's update
 * validators: zod in the workflow bundle costs ~1 MB per cached workflow (see ./message-checks).
 * The zod schemas take their limits from here; test/unit/outage-checks.test.ts holds the two to
 * the same verdicts and the same fields named.
 */
import {
  calendarInstant,
  id,
  instant,
  list,
  message,
  oneOf,
  optional,
  reason,
  string,
} from './message-checks';
import type { OutageClassification } from '../ledger/types';
import { PAGING_USER_ID_HINT, PAGING_USER_ID_MAX, PAGING_USER_ID_PATTERN } from './paging-user-id';

/** A deployment region, e.g. "ca-central" (I9). */
export const REGION_MAX = 50;
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const REGION_HINT = 'expected a region id of lowercase letters, digits and dashes';
/** The regions an outage hits: at least one, at most REGIONS_MAX. */
export const REGIONS_MAX = 50;
export const REGIONS_HINT = 'expected at least one affected region';
export const SUMMARY_MAX = 500;
export const SOURCE_MAX = 100;
/** The acknowledging agent's display name as the paging provider gives it. */
export const AGENT_MAX = 200;

/** C3 / C4 / I9: only unexpected outages count as downtime; the others are recorded. */
export const OUTAGE_CLASSIFICATIONS = [
  'unexpected',
  'external',
  'partial',
] as const satisfies readonly OutageClassification[];

/** How a report came in (./outage: ReceivedReport). */
export const REPORT_VIAS = ['webhook', 'operator'] as const;

/** The acknowledging agent's user id at the paging provider: the roster's pagingUserId rule. */
const agentId = string(1, PAGING_USER_ID_MAX, (s) =>
  PAGING_USER_ID_PATTERN.test(s) ? null : PAGING_USER_ID_HINT,
);
const region = string(1, REGION_MAX, (s) => (REGION_PATTERN.test(s) ? null : REGION_HINT));
const regions = list(region, { min: 1, minHint: REGIONS_HINT, max: REGIONS_MAX });

/** One per message of ./outage (ReceivedReport, AcknowledgeOutage, …), field for field. */
export const outageChecks = {
  report: message({
    key: id,
    summary: string(1, SUMMARY_MAX),
    regions,
    startedAt: optional(calendarInstant),
    source: string(1, SOURCE_MAX),
    reportId: id,
    receivedAt: instant,
    via: optional(oneOf(REPORT_VIAS)),
  }),
  acknowledge: message({
    requestId: id,
    responderId: id,
    at: optional(instant),
    agent: optional(string(1, AGENT_MAX)),
    agentId: optional(agentId),
  }),
  classify: message({
    requestId: id,
    classification: oneOf(OUTAGE_CLASSIFICATIONS),
    regions: optional(regions),
    by: id,
    reason,
  }),
  confirmStart: message({ requestId: id, by: id, reason }),
  resolve: message({ requestId: id, by: id, end: optional(instant), reason: optional(reason) }),
};
