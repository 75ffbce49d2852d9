/**
 * From what the ledger records (OutageRecord, MaintenanceRecord: ISO instants) to the uptime
 * math's input (epoch milliseconds), so `sla uptime`, the billing month and the report read a
 * month the same way (I8, I9).
 */
import type { MaintenanceRecord, OutageRecord } from '../ledger/types';
import type { MaintenanceInput, OutageInput, UptimeInput } from './uptime';

const ms = (iso: string) => Date.parse(iso);
const msOrNull = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export function outageInput(o: OutageRecord): OutageInput {
  return {
    id: o.outageId,
    start: ms(o.start),
    end: ms(o.end),
    classification: o.classification,
    regions: o.regions,
  };
}

/** A cancelled window never ran: it neither excludes time nor counts as downtime (C1). */
export function maintenanceInputs(windows: readonly MaintenanceRecord[]): MaintenanceInput[] {
  return windows
    .filter((m) => m.status !== 'cancelled')
    .map((m) => ({
      id: m.maintenanceId,
      start: ms(m.start),
      end: ms(m.end),
      announcedAt: msOrNull(m.announcedAt),
      actualStart: msOrNull(m.actualStart),
      actualEnd: msOrNull(m.actualEnd),
      regions: m.regions,
    }));
}

export function uptimeInputFromRecords(args: {
  month: string;
  zone: string;
  noticeHours: number;
  region?: string;
  outages: readonly OutageRecord[];
  maintenance: readonly MaintenanceRecord[];
}): UptimeInput {
  return {
    month: args.month,
    zone: args.zone,
    noticeHours: args.noticeHours,
    ...(args.region === undefined ? {} : { region: args.region }),
    outages: args.outages.map(outageInput),
    maintenance: maintenanceInputs(args.maintenance),
  };
}
