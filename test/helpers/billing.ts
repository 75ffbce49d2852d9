/** Outage and maintenance records as the outage and maintenance workflows write them, for seeding. */
import type { MaintenanceRecord, OutageClassification, OutageRecord } from '../../src/ledger';

export const MINUTE = 60_000;

/** A resolved outage of `minutes` from `start` (ISO) hitting `regions`. */
export function outageRecord(
  outageId: string,
  start: string,
  minutes: number,
  regions: string[],
  classification: OutageClassification = 'unexpected',
): OutageRecord {
  return {
    outageId,
    start,
    end: new Date(Date.parse(start) + minutes * MINUTE).toISOString(),
    classification,
    regions,
    engagedAt: null,
    engagedBy: null,
    engagementMet: true,
    classificationHistory: [],
    policyVersion: 'test',
    workflowId: `outage-${outageId}`,
  };
}

/** A maintenance window of `minutes` from `start`, announced `noticeHours` before it. */
export function maintenanceRecord(
  maintenanceId: string,
  start: string,
  minutes: number,
  regions: string[],
  over: Partial<MaintenanceRecord> & { noticeHours?: number } = {},
): MaintenanceRecord {
  const { noticeHours = 48, ...rest } = over;
  return {
    maintenanceId,
    start,
    end: new Date(Date.parse(start) + minutes * MINUTE).toISOString(),
    regions,
    announcedAt: new Date(Date.parse(start) - noticeHours * 3_600_000).toISOString(),
    qualifies: noticeHours >= 24,
    actualStart: null,
    actualEnd: null,
    status: 'completed',
    policyVersion: 'test',
    workflowId: `maintenance-${maintenanceId}`,
    ...rest,
  };
}
