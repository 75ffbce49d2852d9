/**
 * Ledger benchmark (C2, C14): the write rate of appendCreditEntries for 10,000 entries, through
 * the Ledger (validation, business key, CHECK constraints, written-once triggers, ON CONFLICT),
 * against a bare bulk INSERT of the same rows into a plain table with no key, constraint or
 * trigger, on the same database in the same run, interleaved round by round. On the embedded
 * PGlite and on PostgreSQL (a throwaway local cluster, fsync off for both sides alike).
 * Target: the ledger at least 0.5 of the bare rate. Also: a retry of the same 10,000 (all exist).
 */
import type { CreditEntry } from '../src/ledger';
import { CHUNK, CREDIT_RECORD, creditJson } from '../src/ledger/sql-ledger';
import { createTestLedger, type LedgerKind, type TestLedger } from '../test/helpers/ledger';
import { formatRate, type BenchResult } from './util';

const ROWS = 10_000;
const ROUNDS = 5;

const entries = (round: number): CreditEntry[] =>
  Array.from({ length: ROWS }, (_, i) => ({
    customerId: `bench-${round}-${i % 2_500}`,
    month: `2025-${String(1 + Math.floor(i / 2_500)).padStart(2, '0')}`,
    kind: 'credit',
    sequence: 1,
    currency: 'CAD',
    uptimePercent: '99.9431',
    creditPercent: 25,
    monthlyFeeMinor: 100_000 + i,
    creditMinor: 25_000 + i,
    totalMs: 2_678_400_000,
    excludedMs: 3_600_000,
    downtimeMs: 1_524_000,
    outageIds: [`o-${i % 17}`, `o-${i % 31}`],
    maintenanceIds: [`m-${i % 5}`],
    policyVersion: 'bench',
    workflowId: `billing-bench-${round}`,
    createdAt: '2025-05-02T05:00:00.000Z',
  }));

/** The same columns, no key, no CHECK, no NOT NULL, no trigger. */
const BARE_TABLE = `CREATE TABLE bare_credit_entries (customer_id text, month text, kind text, sequence integer,
  currency text, uptime_percent numeric, credit_percent numeric, monthly_fee_minor bigint, credit_minor bigint,
  total_ms bigint, excluded_ms bigint, downtime_ms bigint, outage_ids text[], maintenance_ids text[],
  policy_version text, workflow_id text, created_at timestamptz)`;

/** The bare side: the same JSON-document bulk INSERT the ledger uses, in one transaction. */
async function bareInsert(ledger: TestLedger, rows: CreditEntry[]): Promise<void> {
  await ledger.driver.transaction(async (tx) => {
    for (let at = 0; at < rows.length; at += CHUNK) {
      const doc = JSON.stringify(rows.slice(at, at + CHUNK).map(creditJson));
      await tx.query(
        `INSERT INTO bare_credit_entries SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${CREDIT_RECORD})`,
        [doc],
      );
    }
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchOn(kind: LedgerKind): Promise<BenchResult[]> {
  const ledger = await createTestLedger(kind);
  try {
    await ledger.driver.exec(BARE_TABLE);
    // Warm-up: plans, caches, the JIT, on both sides.
    await ledger.appendCreditEntries(entries(-1));
    await bareInsert(ledger, entries(-1));
    const ledgerRates: number[] = [];
    const bareRates: number[] = [];
    const retryRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rows = entries(round);
      // Alternate which side goes first, so neither always meets a warmer cache.
      const sides = [
        async () => {
          let result = { written: 0, existing: 0 };
          ledgerRates.push(
            ROWS / (await timed(async () => (result = await ledger.appendCreditEntries(rows)))),
          );
          if (result.written !== ROWS) throw new Error(`ledger wrote ${result.written} of ${ROWS}`);
        },
        async () => bareRates.push(ROWS / (await timed(() => bareInsert(ledger, rows)))),
      ];
      for (const side of round % 2 ? sides.reverse() : sides) await side();
      retryRates.push(ROWS / (await timed(() => ledger.appendCreditEntries(rows))));
    }
    const [count] = await ledger.driver.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM credit_entries WHERE customer_id LIKE 'bench-%'`,
    );
    if (Number(count!.n) !== ROWS * (ROUNDS + 1)) throw new Error(`unexpected row count ${String(count!.n)}`);
    const [ledgerRate, bareRate, retryRate] = [median(ledgerRates), median(bareRates), median(retryRates)];
    const ratio = ledgerRate / bareRate;
    console.log(
      `ledger on ${kind}: appendCreditEntries ${formatRate(ledgerRate)} rows/s, bare INSERT ${formatRate(bareRate)} rows/s ` +
        `(ratio ${ratio.toFixed(2)}), retry of the same ${ROWS} ${formatRate(retryRate)} rows/s ` +
        `(median of ${ROUNDS} rounds of ${ROWS})`,
    );
    return [
      { name: `ledger ${kind}: appendCreditEntries rows`, opsPerSecond: ledgerRate },
      { name: `ledger ${kind}: bare bulk INSERT rows`, opsPerSecond: bareRate },
      { name: `ledger ${kind}: retry (all exist) rows`, opsPerSecond: retryRate },
      {
        name: `ledger ${kind}: ledger ÷ bare`,
        opsPerSecond: ratio,
        unit: 'ratio',
        target: '≥ 0.5',
        met: ratio >= 0.5,
      },
    ];
  } finally {
    await ledger.cleanup();
  }
}

export async function ledgerBench(): Promise<BenchResult[]> {
  return [...(await benchOn('pglite')), ...(await benchOn('postgres'))];
}
