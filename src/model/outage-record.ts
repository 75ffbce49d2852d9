/**
 * The ledger's record of an outage as its status stands (C1–C4; I8, I9): what the outage
 * workflow writes once when it ends, and what the month close counts for one still open at the
 * month's end (clipped there), so that the two can never disagree on a field. Zod-free and
 * Temporal-free: the workflow imports it.
 */
import type { OutageRecord } from '../ledger/types';
import type { OutageStatus } from '../messages/outage';

export function outageRecordOf(s: OutageStatus, end: string): OutageRecord {
  return {
    outageId: s.outageId,
    start: s.detectedAt,
    end,
    classification: s.classification,
    regions: s.regions,
    engagedAt: s.engagedAt,
    engagedBy: s.engagedBy,
    engagementMet: s.met ?? false,
    classificationHistory: s.classificationHistory,
    policyVersion: s.policyVersion,
    workflowId: s.workflowId,
  };
}
