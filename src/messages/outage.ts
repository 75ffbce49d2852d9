/**
 * The outage workflow's messages (C3, C4, C9; I7): its id, its status query and its updates
 * (report, acknowledge, classify, confirm the start, resolve) with their inputs and answers,
 * shared by the workflow (src/workflows/outage.ts), the clients and the ledger record
 * (src/model/outage-record.ts). Sandbox-safe: types only.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClassificationChange, OutageClassification, WriteResult } from '../ledger/types';
import type {
  AcknowledgeOutage,
  ClassifyOutage,
  ConfirmStart,
  EngagementState,
  OutageState,
  ReceivedReport,
  ResolveOutage,
} from '../model/outage';
import type { AgentVerdict } from '../rules/agent';

export const outageWorkflowId = (key: string) => `outage-${key}`;

export interface OutageDelivery {
  channel: 'email' | 'page';
  to: string;
  ok: boolean;
  /** The page's dedup key or the email's Message-ID, or why it failed. */
  detail: string;
}

export interface OutageStepFired {
  /** `<step>` in the first round, `<step>-r<n>` after; part of every page key it raised. */
  id: string;
  stepId: string;
  round: number;
  audience: string;
  plannedAt: string;
  at: string;
  reason: string;
  deliveries: OutageDelivery[];
}

export interface OutageStatus {
  outageId: string;
  key: string;
  workflowId: string;
  summary: string;
  source: string;
  state: OutageState;
  /**
   * I7: detection, the counted start, from the first report (its startedAt, else when it
   * arrived); a webhook's startedAt further back than the policy's outageBackdateLimitMinutes is
   * held as claimedStart and detection is the receipt, until an on-call confirms the claim.
   */
  detectedAt: string;
  /** A webhook's backdated start, not counted until confirmed; null when the start was not in doubt. */
  claimedStart: string | null;
  /** Whether an on-call confirmed claimedStart (false while it waits; null without a claim). */
  startConfirmed: boolean | null;
  reports: number;
  lastReportAt: string;
  engagementDue: string;
  /** C9: on-track until due; met or breached once known. */
  engagement: EngagementState;
  /** When the engagement counts for C9: the acknowledgement's receipt, or its stated time within a minute before. */
  engagedAt: string | null;
  engagedBy: string | null;
  /** When the engine received the acknowledgement (workflow time of the update). */
  ackReceivedAt: string | null;
  /** The time the acknowledgement stated (`at`), kept for the audit whether it counted or not. */
  ackClaimedAt: string | null;
  /** Who acknowledged as the paging provider named them; engagedBy when the roster knows them. */
  ackAgent: string | null;
  /** Their user id at the paging provider (`agentId`), matched against the roster's pagingUserId. */
  ackAgentId: string | null;
  /**
   * How the roster check matched that agent (rules/agent): credited by pagingUserId, id, name or
   * email, `unknown`, or the responders an ambiguous name fits. Null when no agent was named, and
   * in runs from before it was kept (their roster check answered without it).
   */
  ackAgentMatch: AgentVerdict | null;
  /** Wall-clock minutes from detection to the acknowledgement. */
  engagementMinutes: number | null;
  met: boolean | null;
  classification: OutageClassification;
  regions: string[];
  classificationHistory: ClassificationChange[];
  /** The last STATUS_KEPT steps fired (the chain repeats while nobody acknowledges). */
  stepsFired: OutageStepFired[];
  /** The last STATUS_KEPT pages raised: key, whom, and when resolved (null while open). */
  pages: { dedupKey: string; responderId: string; triggeredAt: string; resolvedAt: string | null }[];
  /** The last STATUS_KEPT emails sent. */
  emails: { messageId: string; audience: string; at: string }[];
  /** Steps, pages and emails no longer listed (absent in runs that never passed STATUS_KEPT). */
  dropped?: { steps: number; pages: number; emails: number };
  end: string | null;
  resolvedBy: string | null;
  /** The ledger's answer to the one write of the record. */
  recorded: WriteResult | null;
  policyVersion: string;
  /**
   * Which run of the workflow this is: it continues as new (carrying this status) every
   * UPDATES_PER_RUN messages, so that a monitor repeating its report never fills one history.
   */
  run: number;
}

export interface ReportAnswer {
  outageId: string;
  workflowId: string;
  /** True for the report that started the workflow. */
  created: boolean;
  state: OutageState;
  reports: number;
  message: string;
  /** A resolved outage's end (set by the client when the report found it resolved). */
  end?: string;
  /** The resolved incident of the same monitor key this one repeats (set by the client). */
  repeatOf?: string;
}

export interface AcknowledgeAnswer {
  engagedAt: string;
  engagedBy: string;
  met: boolean;
  engagementMinutes: number;
  /** When it was received, and the time it stated (absent in runs recorded without the `ack-received-time` patch). */
  receivedAt?: string;
  claimedAt?: string | null;
  agent?: string | null;
  agentId?: string | null;
  agentMatch?: AgentVerdict | null;
  /** True when someone had already acknowledged: the first acknowledgement stands. */
  alreadyEngaged: boolean;
}

export interface ClassifyAnswer {
  classification: OutageClassification;
  regions: string[];
  changes: number;
}

export interface ConfirmStartAnswer {
  /** The counted start now: the confirmed claim. */
  detectedAt: string;
  engagementDue: string;
  engagement: EngagementState;
  met: boolean | null;
  /** True when someone had already confirmed it: the first confirmation stands. */
  alreadyConfirmed: boolean;
}

export interface ResolveAnswer {
  outageId: string;
  end: string;
  met: boolean;
}

export const outageStatus = defineQuery<OutageStatus>('status');
export const reportOutage = defineUpdate<ReportAnswer, [ReceivedReport]>('report');
export const acknowledgeOutage = defineUpdate<AcknowledgeAnswer, [AcknowledgeOutage]>('acknowledge');
export const classifyOutage = defineUpdate<ClassifyAnswer, [ClassifyOutage]>('classify');
export const resolveOutage = defineUpdate<ResolveAnswer, [ResolveOutage]>('resolve');
export const confirmOutageStart = defineUpdate<ConfirmStartAnswer, [ConfirmStart]>('confirmStart');
