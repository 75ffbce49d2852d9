/**
 * Outage and maintenance records as the outage and maintenance workflows write them, credit
 * entries as the billing-month workflow writes them, and ticket outcomes as the ticket workflow
 * writes them, for seeding.
 */
import type {
  CreditEntry,
  MaintenanceRecord,
  OutageClassification,
  OutageRecord,
  TicketOutcome,
} from '../../src/ledger';

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

/** A month's first credit entry: 50 % of a 1,000.00 CAD monthly fee for 99.9 % uptime (outage o-1). */
export const creditEntry = (
  customerId: string,
  month: string,
  over: Partial<CreditEntry> = {},
): CreditEntry => ({
  customerId,
  month,
  kind: 'credit',
  sequence: 1,
  currency: 'CAD',
  uptimePercent: '99.9000',
  creditPercent: 50,
  monthlyFeeMinor: 100_000,
  creditMinor: 50_000,
  totalMs: 2_678_400_000,
  excludedMs: 0,
  downtimeMs: 2_678_400,
  outageIds: ['o-1'],
  maintenanceIds: [],
  policyVersion: 'p1',
  workflowId: `billing-${month}`,
  createdAt: '2026-04-02T05:00:00.000Z',
  ...over,
});

/** A ticket's outcome at its first resolution: an L1 answered in 10 coverage minutes, on time. */
export const ticketOutcome = (ticketId: string, over: Partial<TicketOutcome> = {}): TicketOutcome => ({
  ticketId,
  resolution: 1,
  customerId: 'acme',
  level: 'L1',
  ruleId: 'rule',
  policyVersion: 'test',
  openedAt: '2026-10-14T14:00:00Z',
  clockStart: '2026-10-14T14:00:00Z',
  due: '2026-10-14T14:15:00Z',
  firstResponseAt: '2026-10-14T14:10:00Z',
  coverageMinutesToFirstResponse: 10,
  met: true,
  slaState: 'met',
  suspendedReason: null,
  resolvedAt: '2026-10-15T14:00:00Z',
  stepsFired: [],
  ...over,
});
