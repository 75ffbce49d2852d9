/**
 * Ledger records as the uptime math's inputs (I9), shared by the billing activities and the
 * monthly report so both count exactly the same things.
 */
import type { MaintenanceRecord, OutageRecord } from '../ledger/types';
import type { MaintenanceInput, OutageInput } from './uptime';

export function outageInputs(outages: readonly OutageRecord[]): OutageInput[] {
  return outages.map((o) => ({
    id: o.outageId,
    start: Date.parse(o.start),
    end: Date.parse(o.end),
    classification: o.classification,
    regions: o.regions,
  }));
}

export function maintenanceInputs(maintenance: readonly MaintenanceRecord[]): MaintenanceInput[] {
  return (
    maintenance
      // A cancelled window never ran: neither excluded nor downtime.
      .filter((m) => m.status !== 'cancelled')
      .map((m) => ({
        id: m.maintenanceId,
        start: Date.parse(m.start),
        end: Date.parse(m.end),
        // The maintenance workflow decided whether its notice reached the administrators in time
        // (C1); a window it did not qualify is treated as unannounced, whatever its timestamp says.
        announcedAt: m.qualifies && m.announcedAt ? Date.parse(m.announcedAt) : null,
        actualStart: m.actualStart ? Date.parse(m.actualStart) : null,
        actualEnd: m.actualEnd ? Date.parse(m.actualEnd) : null,
        regions: m.regions,
      }))
  );
}
