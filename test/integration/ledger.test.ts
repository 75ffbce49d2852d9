// The ledger's contract (C14, I8–I10, I14), one suite run on every store: the embedded PGlite, the
// same served over the wire by `sla up` (src/ledger/server.ts), and a real PostgreSQL cluster.
// What the database must guarantee is asserted in SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketOutcome } from '../../src/ledger/types';
import {
  LedgerConflictError,
  LedgerInputError,
  MigrationError,
  WRITTEN_ONCE_SQLSTATE,
  type MaintenanceRecord,
  type OutageRecord,
} from '../../src/ledger';
import { MIGRATIONS, migrate } from '../../src/ledger/migrations';
import { creditEntry } from '../helpers/billing';
import { createTestLedger, testCustomer, type LedgerKind, type TestLedger } from '../helpers/ledger';

const customer = testCustomer;

const outage = (id: string, start: string, end: string, over: Partial<OutageRecord> = {}): OutageRecord => ({
  outageId: id,
  start,
  end,
  classification: 'unexpected',
  regions: ['ca-central'],
  engagedAt: start,
  engagedBy: 'l3.ottawa',
  engagementMet: true,
  classificationHistory: [
    {
      at: start,
      by: 'l3.ottawa',
      classification: 'unexpected',
      regions: ['ca-central'],
      reason: 'first report',
    },
  ],
  policyVersion: 'p1',
  workflowId: `outage-${id}`,
  ...over,
});

const maintenanceWindow = (
  id: string,
  start: string,
  end: string,
  over: Partial<MaintenanceRecord> = {},
): MaintenanceRecord => ({
  maintenanceId: id,
  start,
  end,
  regions: ['ca-central'],
  announcedAt: '2026-03-01T00:00:00.000Z',
  qualifies: true,
  actualStart: null,
  actualEnd: null,
  status: 'completed',
  policyVersion: 'p1',
  workflowId: `maintenance-${id}`,
  ...over,
});

const outcome = (ticketId: string, resolution: number, resolvedAt: string): TicketOutcome => ({
  ticketId,
  resolution,
  customerId: 'northwind',
  level: 'L1',
  ruleId: 'l1-how-do-i',
  policyVersion: 'p1',
  openedAt: '2026-03-02T14:00:00.000Z',
  clockStart: '2026-03-02T14:00:00.000Z',
  due: '2026-03-02T14:15:00.000Z',
  firstResponseAt: '2026-03-02T14:20:00.000Z',
  coverageMinutesToFirstResponse: 20,
  met: false,
  slaState: 'breached',
  suspendedReason: null,
  resolvedAt,
  stepsFired: ['l1-warn-assignee', 'l1-breach-team-lead'],
});

async function sqlError(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected the statement to be refused');
}

describe.each<LedgerKind>(['pglite', 'served', 'postgres'])('ledger on %s', (kind) => {
  let ledger: TestLedger;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await ledger.driver.query<{ n: unknown }>(sql, params))[0]!.n);

  beforeAll(async () => {
    ledger = await createTestLedger(kind);
  });
  afterAll(() => ledger?.cleanup());

  describe('migrations', () => {
    it('apply from empty, are idempotent, and are safe when run concurrently', async () => {
      const fresh = await createTestLedger(kind, { migrate: false });
      // A second connection pool to the same database (PostgreSQL, or the served PGlite: the
      // advisory lock through the server); the embedded PGlite is one process's only.
      const other = kind === 'pglite' ? fresh : await createSecondHandle(fresh);
      try {
        await Promise.all([fresh.migrate(), other.migrate(), fresh.migrate()]);
        const rows = await fresh.driver.query<{ version: number; name: string }>(
          'SELECT version, name FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await migrate(fresh.driver)).toEqual([]);
        const tables = await fresh.driver.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
        );
        expect(tables.map((t) => t.table_name)).toEqual([
          'credit_entries',
          'customer_terms',
          'maintenance_notices',
          'maintenance_windows',
          'month_closes',
          'month_policies',
          'outages',
          'policy_versions',
          'schema_migrations',
          'ticket_outcomes',
        ]);
      } finally {
        if (other !== fresh) await other.close();
        await fresh.cleanup();
      }
    });

    it('refuses a migration edited after it was applied, and a schema newer than the code', async () => {
      const edited = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await expect(migrate(ledger.driver, edited)).rejects.toThrow(MigrationError);
      await expect(migrate(ledger.driver, edited)).rejects.toThrow(
        /migration 2 .* changed after it was applied/,
      );
      // The code knows the first two: every later one applied is named.
      const later = MIGRATIONS.slice(2)
        .map((m) => m.version)
        .join(', ');
      await expect(migrate(ledger.driver, MIGRATIONS.slice(0, 2))).rejects.toThrow(
        `the ledger has migration(s) ${later} that this version of the engine does not know`,
      );
      expect(await migrate(ledger.driver)).toEqual([]);
    });
  });

  describe('customers', () => {
    it('imports, then updates what changed and leaves the rest', async () => {
      expect(await ledger.importCustomers([customer('acme'), customer('northwind')])).toEqual({
        inserted: 2,
        updated: 0,
      });
      expect(
        await ledger.importCustomers([
          customer('acme'),
          customer('northwind', {
            canadaOnlyDataAccess: true,
            administrators: ['a@nw.example', 'b@nw.example'],
          }),
          customer('globex', { annualFeeMinor: 9_007_199_254_740_991, currency: 'GBP' }),
        ]),
      ).toEqual({ inserted: 1, updated: 1 });
      expect(await ledger.customer('northwind')).toEqual(
        customer('northwind', {
          canadaOnlyDataAccess: true,
          administrators: ['a@nw.example', 'b@nw.example'],
        }),
      );
      expect(await ledger.customer('globex')).toMatchObject({ annualFeeMinor: Number.MAX_SAFE_INTEGER });
      expect(await ledger.customer('nobody')).toBeNull();
      expect((await ledger.customers()).map((c) => c.customerId)).toEqual(['acme', 'globex', 'northwind']);
    });

    it('imports all rows or none: a bad row is named by index and field', async () => {
      const before = await count('SELECT count(*) AS n FROM customer_terms');
      const error = await sqlError(
        ledger.importCustomers([
          customer('initech'),
          customer('hooli', { currency: 'cad' }),
          { ...customer('umbrella'), annualFeeMinor: 12.5 },
        ]),
      );
      expect(error).toBeInstanceOf(LedgerInputError);
      expect(error.message).toMatch(/\[1\], currency: expected an ISO 4217 code/);
      expect(error.message).toMatch(/\[2\], annualFeeMinor: expected whole minor units/);
      await expect(ledger.importCustomers([customer('initech'), customer('initech')])).rejects.toThrow(
        /\[1\], customerId: initech is given twice \(first at \[0\]\)/,
      );
      expect(await count('SELECT count(*) AS n FROM customer_terms')).toBe(before);
      expect(await ledger.customer('initech')).toBeNull();
    });
  });

  describe('outages and maintenance windows', () => {
    it('are written once; a repeat is a no-op reported as exists', async () => {
      const o = outage('o-once', '2026-03-10T12:00:00.000Z', '2026-03-10T12:30:00.000Z');
      expect(await ledger.recordOutage(o)).toBe('written');
      expect(await ledger.recordOutage({ ...o, engagementMet: false })).toBe('exists');
      expect(await count(`SELECT count(*) AS n FROM outages WHERE outage_id = 'o-once'`)).toBe(1);
      const m = maintenanceWindow('m-once', '2026-03-14T04:00:00.000Z', '2026-03-14T05:00:00.000Z');
      const raced = await Promise.all([m, m, m].map((w) => ledger.recordMaintenance(w)));
      expect(raced.sort()).toEqual(['exists', 'exists', 'written']);
      expect(
        await count(`SELECT count(*) AS n FROM maintenance_windows WHERE maintenance_id = 'm-once'`),
      ).toBe(1);
    });

    it('are returned when they overlap [from, to), an overrun counting for a window', async () => {
      const inApril = (id: string, start: string, end: string) =>
        ledger.recordOutage(outage(id, `2026-${start}`, `2026-${end}`, { classification: 'partial' }));
      await inApril('o-before', '03-31T23:00:00.000Z', '04-01T00:00:00.000Z'); // ends at from: out
      await inApril('o-across', '03-31T23:00:00.000Z', '04-01T00:10:00.000Z');
      await inApril('o-inside', '04-15T10:00:00.000Z', '04-15T10:05:00.000Z');
      await inApril('o-after', '05-01T00:00:00.000Z', '05-01T01:00:00.000Z'); // starts at to: out
      const april = { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' };
      const found = await ledger.outages(april);
      expect(found.map((o) => o.outageId)).toEqual(['o-across', 'o-inside']);
      expect(found[1]).toEqual(
        outage('o-inside', '2026-04-15T10:00:00.000Z', '2026-04-15T10:05:00.000Z', {
          classification: 'partial',
        }),
      );

      await ledger.recordMaintenance(
        maintenanceWindow('m-overran', '2026-03-31T22:00:00.000Z', '2026-03-31T23:00:00.000Z', {
          actualStart: '2026-03-31T22:00:00.000Z',
          actualEnd: '2026-04-01T00:30:00.000Z',
        }),
      );
      await ledger.recordMaintenance(
        maintenanceWindow('m-march', '2026-03-31T20:00:00.000Z', '2026-03-31T21:00:00.000Z', {
          status: 'cancelled',
          announcedAt: null,
          qualifies: false,
        }),
      );
      expect((await ledger.maintenance(april)).map((m) => m.maintenanceId)).toEqual(['m-overran']);
      expect(
        (await ledger.maintenance({ from: '2026-03-31T00:00:00Z', to: '2026-04-01T00:00:00Z' })).map(
          (m) => m.maintenanceId,
        ),
      ).toEqual(['m-march', 'm-overran']);
    });
  });

  describe('ticket outcomes', () => {
    it('are written once per (ticket, resolution), even when the same write races', async () => {
      const o = outcome('T-RACE', 1, '2026-03-02T15:00:00.000Z');
      const results = await Promise.all([
        ledger.recordTicketOutcome(o),
        ledger.recordTicketOutcome(o),
        ledger.recordTicketOutcome(o),
        ledger.recordTicketOutcome({ ...o, resolution: 2, resolvedAt: '2026-03-03T15:00:00.000Z' }),
      ]);
      expect(results.filter((r) => r === 'written')).toHaveLength(2);
      expect(results.filter((r) => r === 'exists')).toHaveLength(2);
      expect(
        await ledger.driver.query(
          `SELECT resolution, count(*)::int AS n FROM ticket_outcomes WHERE ticket_id = 'T-RACE'
           GROUP BY resolution ORDER BY resolution`,
        ),
      ).toEqual([
        { resolution: 1, n: 1 },
        { resolution: 2, n: 1 },
      ]);
      const all = (await ledger.ticketOutcomes()).filter((x) => x.ticketId === 'T-RACE');
      expect(all).toEqual([o, { ...o, resolution: 2, resolvedAt: '2026-03-03T15:00:00.000Z' }]);
      expect(
        await ledger.ticketOutcomes({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' }),
      ).toEqual([{ ...o, resolution: 2, resolvedAt: '2026-03-03T15:00:00.000Z' }]);
      const suspended = {
        ...outcome('T-SUSP', 1, '2026-03-05T15:00:00.000Z'),
        firstResponseAt: null,
        coverageMinutesToFirstResponse: null,
        met: null,
        slaState: 'suspended',
        suspendedReason: 'no Canada-based responder on duty',
      };
      expect(await ledger.recordTicketOutcome(suspended)).toBe('written');
      expect(
        await ledger.ticketOutcomes({ from: '2026-03-05T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' }),
      ).toEqual([suspended]);
    });
  });

  describe('credit entries and month closes', () => {
    it('appends 2,000 entries in one call; a repeat writes nothing (one row per customer and month)', async () => {
      const entries = Array.from({ length: 2_000 }, (_, i) =>
        creditEntry(`bulk-${i % 500}`, `2025-0${1 + Math.floor(i / 500)}`),
      );
      // 500 customers × 4 months: every entry has its own business key.
      expect(await ledger.appendCreditEntries(entries)).toEqual({ written: 2_000, existing: 0 });
      expect(await ledger.appendCreditEntries(entries.slice(0, 700))).toEqual({ written: 0, existing: 700 });
      expect(
        await ledger.driver.query(
          `SELECT count(*)::int AS keys, max(n)::int AS most FROM (
             SELECT customer_id, month, count(*) AS n FROM credit_entries
             WHERE customer_id LIKE 'bulk-%' GROUP BY customer_id, month) per_customer_month`,
        ),
      ).toEqual([{ keys: 2_000, most: 1 }]);
      expect(await ledger.creditEntries({ customerId: 'bulk-7', month: '2025-04' })).toEqual([
        creditEntry('bulk-7', '2025-04'),
      ]);
      expect(await ledger.creditEntries({ month: '2025-02' })).toHaveLength(500);
    });

    it('gives exactly one row when the same entries are appended concurrently', async () => {
      const entries = Array.from({ length: 50 }, (_, i) => creditEntry(`race-${i}`, '2026-02'));
      const results = await Promise.all(Array.from({ length: 5 }, () => ledger.appendCreditEntries(entries)));
      expect(results.reduce((sum, r) => sum + r.written, 0)).toBe(50);
      expect(results.reduce((sum, r) => sum + r.existing, 0)).toBe(200);
      expect(
        await count(
          `SELECT count(*) AS n FROM (SELECT customer_id FROM credit_entries WHERE month = '2026-02'
           AND customer_id LIKE 'race-%' GROUP BY customer_id, month HAVING count(*) = 1) once`,
        ),
      ).toBe(50);
    });

    it('refuses other figures under an existing key, and bad entries, writing nothing of the call', async () => {
      await ledger.appendCreditEntries([creditEntry('clash', '2026-01')]);
      await expect(
        ledger.appendCreditEntries([
          creditEntry('clash-new', '2026-01'),
          creditEntry('clash', '2026-01', { creditMinor: 1 }),
        ]),
      ).rejects.toThrow(LedgerConflictError);
      const bad = await sqlError(
        ledger.appendCreditEntries([
          creditEntry('ok', '2026-01'),
          creditEntry('bad', '2026-13', { uptimePercent: 'high' }),
        ]),
      );
      expect(bad).toBeInstanceOf(LedgerInputError);
      expect(bad.message).toMatch(/\[1\], month: expected YYYY-MM/);
      expect(bad.message).toMatch(/\[1\], uptimePercent: expected a decimal/);
      expect(
        await count(
          `SELECT count(*) AS n FROM credit_entries WHERE customer_id IN ('clash-new', 'ok', 'bad')`,
        ),
      ).toBe(0);
    });

    it('closes a month once; a correction after close is an adjustment from the credited total', async () => {
      await ledger.appendCreditEntries([creditEntry('adj', '2026-03'), creditEntry('adj-other', '2026-03')]);
      const close = {
        month: '2026-03',
        closedAt: '2026-04-03T05:00:00.000Z',
        workflowId: 'billing-2026-03',
        customers: 2,
        totalCreditMinor: 100_000,
      };
      expect(await ledger.recordMonthClose(close)).toBe('written');
      expect(await ledger.recordMonthClose({ ...close, customers: 3 })).toBe('exists');
      expect(await ledger.monthClose('2026-03')).toEqual(close);
      expect(await ledger.monthClose('2026-02')).toBeNull();
      // I14: how many outages were still open at the close, when the close counted them, and which.
      const withOpen = { ...close, month: '2026-01', openOutages: 2, openOutageIds: ['INC-1', 'INC-2'] };
      expect(await ledger.recordMonthClose(withOpen)).toBe('written');
      expect(await ledger.monthClose('2026-01')).toEqual(withOpen);
      // A close from before the ids were kept (migration 4 only): the count alone.
      const countOnly = { ...close, month: '2025-12', openOutages: 1 };
      expect(await ledger.recordMonthClose(countOnly)).toBe('written');
      expect(await ledger.monthClose('2025-12')).toEqual(countOnly);
      // The ids must be as many as the count says: the schema refuses anything else.
      await expect(
        ledger.recordMonthClose({
          ...close,
          month: '2025-11',
          openOutages: 1,
          openOutageIds: ['INC-1', 'INC-2'],
        }),
      ).rejects.toThrow(/month_closes_open_outage_ids_check|check constraint/);
      expect(await ledger.monthClose('2025-11')).toBeNull();

      // A late outage report lowers the credit to 25 %: the billing workflow writes the difference.
      const [before] = await ledger.creditedTotals({ customerId: 'adj', month: '2026-03' });
      expect(before).toEqual({
        customerId: 'adj',
        month: '2026-03',
        currency: 'CAD',
        creditedMinor: 50_000,
        entries: 1,
        nextAdjustmentSequence: 1,
      });
      const adjustment = creditEntry('adj', '2026-03', {
        kind: 'adjustment',
        sequence: before!.nextAdjustmentSequence,
        uptimePercent: '99.9400',
        creditPercent: 25,
        creditMinor: 25_000 - before!.creditedMinor,
      });
      expect(await ledger.appendCreditEntries([adjustment])).toEqual({ written: 1, existing: 0 });
      expect(await ledger.appendCreditEntries([adjustment])).toEqual({ written: 0, existing: 1 });
      expect(await ledger.creditedTotals({ month: '2026-03' })).toEqual([
        { ...before, creditedMinor: 25_000, entries: 2, nextAdjustmentSequence: 2 },
        { ...before, customerId: 'adj-other', creditedMinor: 50_000 },
      ]);
      expect((await ledger.creditEntries({ customerId: 'adj' })).map((e) => [e.kind, e.creditMinor])).toEqual(
        [
          ['credit', 50_000],
          ['adjustment', -25_000],
        ],
      );
      expect(
        await ledger.driver.query(
          `SELECT customer_id, month, sum(credit_minor)::int AS credited FROM credit_entries
           WHERE month = '2026-03' GROUP BY customer_id, month ORDER BY customer_id`,
        ),
      ).toEqual([
        { customer_id: 'adj', month: '2026-03', credited: 25_000 },
        { customer_id: 'adj-other', month: '2026-03', credited: 50_000 },
      ]);
    });

    it('is refused by the database itself: UPDATE, DELETE and TRUNCATE of written-once rows', async () => {
      await ledger.appendCreditEntries([creditEntry('frozen', '2026-03')]);
      await ledger.recordMonthClose({
        month: '2026-05',
        closedAt: '2026-06-03T04:00:00.000Z',
        workflowId: 'billing-2026-05',
        customers: 0,
        totalCreditMinor: 0,
      });
      await ledger.recordOutage(outage('o-frozen', '2026-05-01T00:00:00.000Z', '2026-05-01T00:01:00.000Z'));
      await ledger.recordTicketOutcome(outcome('T-FROZEN', 1, '2026-05-02T00:00:00.000Z'));
      for (const [statement, table] of [
        [`UPDATE credit_entries SET credit_minor = 0 WHERE customer_id = 'frozen'`, 'credit_entries'],
        [`DELETE FROM credit_entries WHERE customer_id = 'frozen'`, 'credit_entries'],
        [`TRUNCATE credit_entries`, 'credit_entries'],
        [`UPDATE month_closes SET customers = 9 WHERE month = '2026-05'`, 'month_closes'],
        [`DELETE FROM month_closes WHERE month = '2026-05'`, 'month_closes'],
        [`UPDATE outages SET classification = 'external' WHERE outage_id = 'o-frozen'`, 'outages'],
        [`DELETE FROM maintenance_windows`, 'maintenance_windows'],
        [`DELETE FROM ticket_outcomes WHERE ticket_id = 'T-FROZEN'`, 'ticket_outcomes'],
      ] as const) {
        const error = await sqlError(ledger.driver.query(statement));
        expect(error.code, statement).toBe(WRITTEN_ONCE_SQLSTATE);
        expect(error.message).toMatch(new RegExp(`(UPDATE|DELETE|TRUNCATE) on ${table} refused`));
      }
      expect(await count(`SELECT count(*) AS n FROM credit_entries WHERE customer_id = 'frozen'`)).toBe(1);
      expect(
        await ledger.driver.query(
          `SELECT credit_minor::int AS c FROM credit_entries WHERE customer_id = 'frozen'`,
        ),
      ).toEqual([{ c: 50_000 }]);
      expect(await ledger.monthClose('2026-05')).toMatchObject({ customers: 0 });
      // Also inside a transaction that tries it quietly: the whole transaction is refused.
      await expect(
        ledger.driver.transaction(async (tx) => {
          await tx.query(`INSERT INTO credit_entries SELECT * FROM credit_entries WHERE false`);
          await tx.query(`UPDATE credit_entries SET workflow_id = 'x' WHERE customer_id = 'frozen'`);
        }),
      ).rejects.toMatchObject({ code: WRITTEN_ONCE_SQLSTATE });
    });
  });
});

/** Another connection pool on the same database, as a second process would have. */
async function createSecondHandle(ledger: TestLedger) {
  const { openLedger } = await import('../../src/ledger');
  return openLedger({
    databaseUrl: ledger.settings.DATABASE_URL,
    ledgerDir: ledger.settings.SLA_LEDGER_DIR ?? '',
  });
}
