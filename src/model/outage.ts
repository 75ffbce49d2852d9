/**
 * The shapes of outages (C3, C4, C9; I7, I9): a monitor's report, an acknowledgement, a
 * classification change and a resolution. The client, the CLI and the webhooks parse with these
 * schemas, and the outage workflow's update validators check the same rules without zod
 * (./outage-checks), so a bad field is named the same way wherever it comes in, and nothing
 * starts with it.
 */
import { z } from 'zod';
import {
  AGENT_MAX,
  OUTAGE_CLASSIFICATIONS,
  REGION_HINT,
  REGION_MAX,
  REGION_PATTERN,
  REGIONS_HINT,
  REGIONS_MAX,
  REPORT_VIAS,
  SOURCE_MAX,
  SUMMARY_MAX,
} from './outage-checks';
import { PAGING_USER_ID_HINT, PAGING_USER_ID_MAX, PAGING_USER_ID_PATTERN } from './paging-user-id';
import { CalendarInstant, Id, Instant } from './ticket';

export { OUTAGE_CLASSIFICATIONS };

/** The monitor's incident key: one outage per key, however many times it is reported. */
export const OutageKey = Id;

/** A deployment region, e.g. "ca-central" (I9: an outage counts where it hits every member). */
export const Region = z.string().min(1).max(REGION_MAX).regex(REGION_PATTERN, REGION_HINT);
const Regions = z
  .array(Region)
  .min(1, REGIONS_HINT)
  .max(REGIONS_MAX)
  .transform((regions) => [...new Set(regions)].sort());

export const Classification = z.enum(OUTAGE_CLASSIFICATIONS);

/** What a monitor reports (the generic JSON webhook, the CLI, the client). */
export const ReportOutage = z.object({
  key: OutageKey,
  summary: z.string().min(1).max(SUMMARY_MAX),
  regions: Regions,
  /**
   * When the monitor saw it start; defaults to when the engine hears of it. Detection (I7).
   * A calendar year, as the ledger's record of it must hold one.
   */
  startedAt: CalendarInstant.optional(),
  /** Which monitor or person reported it, e.g. "alertmanager", "cli". */
  source: z.string().min(1).max(SOURCE_MAX),
});
export type ReportOutage = z.infer<typeof ReportOutage>;

/**
 * How a report came in: through a monitor's webhook, whose startedAt is a claim the engine cannot
 * check (a start further back than the policy's outageBackdateLimitMinutes before its receipt
 * waits for an on-call's confirmation), or from the on-call role itself (API, CLI), trusted.
 */
export { REPORT_VIAS };
export type ReportVia = (typeof REPORT_VIAS)[number];

/**
 * A report as the outage workflow receives it: stamped by the client with an id, a time and how it
 * came in (`via` is absent in runs recorded before it was kept: those were all trusted).
 */
export const ReceivedReport = ReportOutage.extend({
  reportId: Id,
  receivedAt: Instant,
  via: z.enum(REPORT_VIAS).optional(),
});
export type ReceivedReport = z.infer<typeof ReceivedReport>;

/** Every message carries a request id: a retried or duplicated message is applied once. */
const Message = z.object({ requestId: Id });

/**
 * C9 / I7: a Level 3 responder acknowledged the page. C9 is judged on when the engine receives
 * it; `at`, when they say they acknowledged, is kept beside that and counts only when it is at
 * most a minute earlier (rules/outage-plan: acknowledgementInstant). Who acknowledged, as the
 * paging provider names them: `agentId`, its user id (the roster's pagingUserId credits that
 * responder, exactly), and `agent`, its display name (else a roster id, name or email credits
 * that responder; rules/agent: matchAgent).
 */
export const AcknowledgeOutage = Message.extend({
  responderId: Id,
  at: Instant.optional(),
  agent: z.string().min(1).max(AGENT_MAX).optional(),
  agentId: z
    .string()
    .min(1)
    .max(PAGING_USER_ID_MAX)
    .regex(PAGING_USER_ID_PATTERN, PAGING_USER_ID_HINT)
    .optional(),
});
export type AcknowledgeOutage = z.infer<typeof AcknowledgeOutage>;

/** C3 / C4: a change of classification (and of the affected regions), with who and why. */
export const ClassifyOutage = Message.extend({
  classification: Classification,
  regions: Regions.optional(),
  by: Id,
  reason: z.string().min(1).max(500),
});
export type ClassifyOutage = z.infer<typeof ClassifyOutage>;

/** The outage ended at `end` (defaults to now). */
export const ResolveOutage = Message.extend({
  by: Id,
  end: Instant.optional(),
  reason: z.string().min(1).max(500).optional(),
});
export type ResolveOutage = z.infer<typeof ResolveOutage>;

/**
 * I7: an on-call confirms a webhook's backdated start (held as the status's claimedStart): the
 * outage's counted start moves there, and with it the engagement due instant and the record's
 * start. Who and why are kept in the classification history. The API requires a requestId like
 * every message (a retried request is applied once); OutageClient.confirmStart makes one up when
 * its caller (the CLI's one-shot command) leaves it out.
 */
export const ConfirmStart = Message.extend({ by: Id, reason: z.string().min(1).max(500) });
export type ConfirmStart = z.infer<typeof ConfirmStart>;

/** What `status` says about the outage as a whole. */
export const OUTAGE_STATES = ['open', 'engaged', 'resolved'] as const;
export type OutageState = (typeof OUTAGE_STATES)[number];

/** The C9 clock, also the SlaState search attribute of outage workflows. */
export const ENGAGEMENT_STATES = ['on-track', 'breached', 'met'] as const;
export type EngagementState = (typeof ENGAGEMENT_STATES)[number];

/**
 * The incidents reported under one monitor key: `key`, then `key.2`, `key.3`, … A monitor
 * (Alertmanager's group key above all) reuses its key when the same thing goes down again after
 * it was resolved; that is a new incident, paged anew, and its id follows from the key and its
 * place in the sequence, so every report of it (a retried delivery included) finds the same one.
 */
export const incidentKey = (key: string, n: number) => (n === 1 ? key : `${key}.${n}`);

/**
 * A page's dedup key is `<workflowId>:<step>:<responderId>` (step and responder ids never contain
 * ":"), so a provider's acknowledgement carrying it names the outage and the responder.
 */
export function parseOutageDedupKey(
  dedupKey: string,
): { key: string; stepId: string; responderId: string } | null {
  const parts = dedupKey.split(':');
  if (parts.length < 3) return null;
  const responderId = parts.pop()!;
  const stepId = parts.pop()!;
  const workflowId = parts.join(':');
  if (!workflowId.startsWith('outage-')) return null;
  const key = workflowId.slice('outage-'.length);
  return OutageKey.safeParse(key).success && responderId && stepId ? { key, stepId, responderId } : null;
}
