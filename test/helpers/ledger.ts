/**
 * TEMPORARY: a small in-memory Ledger for the outage tests, until the ledger branch lands its
 * `createTestLedger()` (PGlite in a temporary directory). The lead replaces this file with that
 * one at merge; the tests use only the Ledger interface, so they stay as they are. It keeps the
 * interface's promises that the tests rely on: one row per business key, a repeat is 'exists'.
 */
import type {
  CreditEntry,
  CustomerRecord,
  Ledger,
  MaintenanceRecord,
  MonthClose,
  OutageRecord,
} from '../../src/ledger/types';
import type { TicketOutcome } from '../../src/activities/outcomes';

const overlaps = (r: { start: string; end: string }, range: { from: string; to: string }) =>
  Date.parse(r.start) < Date.parse(range.to) && Date.parse(r.end) > Date.parse(range.from);

export async function createTestLedger(): Promise<Ledger & { close(): Promise<void> }> {
  const customers = new Map<string, CustomerRecord>();
  const outages = new Map<string, OutageRecord>();
  const windows = new Map<string, MaintenanceRecord>();
  const credits = new Map<string, CreditEntry>();
  const closes = new Map<string, MonthClose>();
  const outcomes = new Map<string, TicketOutcome>();
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    async migrate() {},
    async close() {},
    async importCustomers(rows) {
      let inserted = 0;
      for (const row of rows) if (!customers.has(row.customerId)) inserted++;
      for (const row of rows) customers.set(row.customerId, copy(row));
      return { inserted, updated: rows.length - inserted };
    },
    async customers() {
      return [...customers.values()].map(copy);
    },
    async customer(id) {
      return copy(customers.get(id) ?? null);
    },
    async recordOutage(outage) {
      if (outages.has(outage.outageId)) return 'exists';
      outages.set(outage.outageId, copy(outage));
      return 'written';
    },
    async recordMaintenance(window) {
      if (windows.has(window.maintenanceId)) return 'exists';
      windows.set(window.maintenanceId, copy(window));
      return 'written';
    },
    async outages(range) {
      return [...outages.values()].filter((o) => overlaps(o, range)).map(copy);
    },
    async maintenance(range) {
      return [...windows.values()].filter((w) => overlaps(w, range)).map(copy);
    },
    async appendCreditEntries(entries) {
      let written = 0;
      for (const e of entries) {
        const key = `${e.customerId}|${e.month}|${e.kind}|${e.sequence}`;
        if (credits.has(key)) continue;
        credits.set(key, copy(e));
        written++;
      }
      return { written, existing: entries.length - written };
    },
    async creditEntries(filter) {
      return [...credits.values()]
        .filter(
          (e) =>
            (!filter.month || e.month === filter.month) &&
            (!filter.customerId || e.customerId === filter.customerId),
        )
        .map(copy);
    },
    async recordMonthClose(close) {
      if (closes.has(close.month)) return 'exists';
      closes.set(close.month, copy(close));
      return 'written';
    },
    async monthClose(month) {
      return copy(closes.get(month) ?? null);
    },
    async recordTicketOutcome(outcome) {
      const key = `${outcome.ticketId}|${outcome.resolution}`;
      if (outcomes.has(key)) return 'exists';
      outcomes.set(key, copy(outcome));
      return 'written';
    },
    async ticketOutcomes(range) {
      return [...outcomes.values()]
        .filter((o) => !range || (o.resolvedAt >= range.from && o.resolvedAt < range.to))
        .map(copy);
    },
  };
}
