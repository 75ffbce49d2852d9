/**
 * TEMPORARY — an in-memory Ledger, only until the SQL ledger (branch `ledger`: PGlite embedded,
 * PostgreSQL by URL) is merged; at merge it is deleted and the worker and test/helpers/ledger.ts
 * use the real one. It keeps the interface's promises (unique keys, write-once, all-or-nothing
 * import) so that what is built on it behaves the same on the real store, but nothing survives
 * the process.
 */
import type { TicketOutcome } from '../activities/outcomes';
import type {
  CreditEntry,
  CustomerRecord,
  Ledger,
  MaintenanceRecord,
  MonthClose,
  OutageRecord,
  WriteResult,
} from './types';

const overlaps = (r: { start: string; end: string }, range: { from: string; to: string }) =>
  Date.parse(r.start) < Date.parse(range.to) && Date.parse(r.end) > Date.parse(range.from);

const copy = <T>(v: T): T => structuredClone(v);

export class MemoryLedger implements Ledger {
  private readonly customerRows = new Map<string, CustomerRecord>();
  private readonly outageRows = new Map<string, OutageRecord>();
  private readonly maintenanceRows = new Map<string, MaintenanceRecord>();
  private readonly creditRows = new Map<string, CreditEntry>();
  private readonly closes = new Map<string, MonthClose>();
  private readonly outcomes = new Map<string, TicketOutcome>();

  async migrate(): Promise<void> {}
  async close(): Promise<void> {}

  async importCustomers(rows: CustomerRecord[]) {
    const ids = rows.map((r) => r.customerId);
    if (new Set(ids).size !== ids.length) throw new Error('customerId: repeated in the import');
    let inserted = 0;
    for (const row of rows) if (!this.customerRows.has(row.customerId)) inserted++;
    for (const row of rows) this.customerRows.set(row.customerId, copy(row));
    return { inserted, updated: rows.length - inserted };
  }
  async customers() {
    return [...this.customerRows.values()].map(copy).sort((a, b) => a.customerId.localeCompare(b.customerId));
  }
  async customer(customerId: string) {
    const row = this.customerRows.get(customerId);
    return row ? copy(row) : null;
  }

  async recordOutage(outage: OutageRecord): Promise<WriteResult> {
    if (this.outageRows.has(outage.outageId)) return 'exists';
    this.outageRows.set(outage.outageId, copy(outage));
    return 'written';
  }
  async recordMaintenance(window: MaintenanceRecord): Promise<WriteResult> {
    if (this.maintenanceRows.has(window.maintenanceId)) return 'exists';
    this.maintenanceRows.set(window.maintenanceId, copy(window));
    return 'written';
  }
  async outages(range: { from: string; to: string }) {
    return [...this.outageRows.values()].filter((o) => overlaps(o, range)).map(copy);
  }
  async maintenance(range: { from: string; to: string }) {
    return [...this.maintenanceRows.values()].filter((m) => overlaps(m, range)).map(copy);
  }

  async appendCreditEntries(entries: CreditEntry[]) {
    const key = (e: CreditEntry) => `${e.customerId}|${e.month}|${e.kind}|${e.sequence}`;
    let written = 0;
    for (const e of entries) {
      if (this.creditRows.has(key(e))) continue;
      this.creditRows.set(key(e), copy(e));
      written++;
    }
    return { written, existing: entries.length - written };
  }
  async creditEntries(filter: { month?: string; customerId?: string }) {
    return [...this.creditRows.values()]
      .filter(
        (e) =>
          (!filter.month || e.month === filter.month) &&
          (!filter.customerId || e.customerId === filter.customerId),
      )
      .map(copy);
  }
  async recordMonthClose(close: MonthClose): Promise<WriteResult> {
    if (this.closes.has(close.month)) return 'exists';
    this.closes.set(close.month, copy(close));
    return 'written';
  }
  async monthClose(month: string) {
    const row = this.closes.get(month);
    return row ? copy(row) : null;
  }

  async recordTicketOutcome(outcome: TicketOutcome): Promise<WriteResult> {
    const key = `${outcome.ticketId}|${outcome.resolution}`;
    if (this.outcomes.has(key)) return 'exists';
    this.outcomes.set(key, copy(outcome));
    return 'written';
  }
  async ticketOutcomes(range?: { from: string; to: string }) {
    return [...this.outcomes.values()]
      .filter(
        (o) =>
          !range ||
          (Date.parse(o.resolvedAt) >= Date.parse(range.from) &&
            Date.parse(o.resolvedAt) < Date.parse(range.to)),
      )
      .map(copy);
  }
}
