/**
 * Billing benchmark (C2, C14): closing a month for 10,000 customers with 30 outages, end to end
 * on the real dev server with the engine's worker in this process and the embedded PGlite ledger
 * (target ≤ 60 s), with the workflow's progress printed as it goes. Beside it, in the same run:
 * the ledger's write rate inside the month close (appendCreditEntries, timed around the call)
 * against a bare bulk INSERT of the same rows into a plain table (target ≥ 0.5 of it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { outboxMailer } from '../src/activities/email';
import { ledgerDirectory } from '../src/customers/directory';
import type { CreditEntry, Ledger } from '../src/ledger';
import { loadPolicy } from '../src/policy';
import { loadRoster } from '../src/roster/load';
import { billingMonthWorkflowId, billingProgressQuery } from '../src/messages/billing';
import { billingMonthWorkflow } from '../src/workflows/billing-month';
import { outageRecord } from '../test/helpers/billing';
import { WORKFLOWS } from '../test/helpers/engine';
import { createTestLedger, testCustomer } from '../test/helpers/ledger';
import { startDevServer, workflowBundle } from '../test/helpers/temporal';
import { formatRate, seededRandom, type BenchResult } from './util';

const CUSTOMERS = 10_000;
const OUTAGES = 30;
const REGIONS = ['ca-central', 'ca-east', 'eu-west', 'uk-south', 'au-east'];
const MONTH = '2026-10';

const BARE_TABLE = `CREATE TABLE bare_credit_entries AS SELECT * FROM credit_entries WITH NO DATA`;

const snakeCase = (e: CreditEntry) =>
  Object.fromEntries(
    Object.entries(e).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );

export async function billingBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sla-billing-bench-'));
  const [env, ledger] = await Promise.all([startDevServer(), createTestLedger('pglite')]);
  try {
    const random = seededRandom(6);
    await ledger.importCustomers(
      Array.from({ length: CUSTOMERS }, (_, i) =>
        testCustomer(`bench-${String(i).padStart(5, '0')}`, {
          region: REGIONS[i % REGIONS.length]!,
          annualFeeMinor: 120_000 + Math.floor(random() * 5_000_000),
          administrators: [`admin${i}@bench.example`],
        }),
      ),
    );
    const monthStart = Date.parse('2026-10-01T04:00:00Z');
    for (let i = 0; i < OUTAGES; i++) {
      const start = new Date(monthStart + Math.floor(random() * 30 * 86_400_000)).toISOString();
      await ledger.recordOutage(
        outageRecord(`bench-o-${i}`, start, 5 + Math.floor(random() * 40), [REGIONS[i % REGIONS.length]!]),
      );
    }

    // The ledger as the activities see it, with the time spent in its credit writes measured.
    let writeSeconds = 0;
    let rowsWritten = 0;
    const timedLedger: Ledger = Object.create(ledger) as Ledger;
    timedLedger.appendCreditEntries = async (entries: CreditEntry[]) => {
      const started = performance.now();
      const result = await ledger.appendCreditEntries(entries);
      writeSeconds += (performance.now() - started) / 1000;
      rowsWritten += result.written;
      return result;
    };
    const policy = loadPolicy({});
    const roster = loadRoster(undefined);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'billing-bench',
      workflowBundle: await workflowBundle(WORKFLOWS),
      activities: createActivities({
        policy: () => policy,
        roster: () => roster,
        customers: ledgerDirectory(ledger),
        mailer: outboxMailer(join(dir, 'outbox')),
        emailFrom: 'SLA engine <sla-engine@bench.example>',
        paging: { send: () => Promise.resolve() },
        ledger: timedLedger,
        temporal: env.client,
      }),
    });
    const running = worker.run();
    try {
      const started = performance.now();
      const handle = await env.client.workflow.start(billingMonthWorkflow, {
        workflowId: billingMonthWorkflowId(MONTH),
        taskQueue: 'billing-bench',
        args: [{ month: MONTH }],
      });
      const ticker = setInterval(() => {
        handle.query(billingProgressQuery).then(
          (p) =>
            console.log(
              `  billing ${MONTH}: ${p.done}/${p.total} customers, ${p.credited} credited, ` +
                `${p.noticesSent} notices (${((performance.now() - started) / 1000).toFixed(1)} s)`,
            ),
          () => undefined, // between two runs of the chain
        );
      }, 2_000);
      const result = await handle.result().finally(() => clearInterval(ticker));
      const seconds = (performance.now() - started) / 1000;
      if (result.done !== CUSTOMERS || rowsWritten !== CUSTOMERS) {
        throw new Error(`closed ${result.done} customers and wrote ${rowsWritten} entries, not ${CUSTOMERS}`);
      }

      // The bare side: the same rows in the same shape the ledger sends (a JSON document per
      // 500-row batch, one transaction each), into a plain table with no key, CHECK or trigger.
      await ledger.driver.exec(BARE_TABLE);
      const rows = await ledger.creditEntries({ month: MONTH });
      const barePerRow: number[] = [];
      for (let round = 0; round < 3; round++) {
        await ledger.driver.exec('TRUNCATE bare_credit_entries');
        const t = performance.now();
        for (let at = 0; at < rows.length; at += 500) {
          const doc = JSON.stringify(rows.slice(at, at + 500).map(snakeCase));
          await ledger.driver.transaction((tx) =>
            tx.query(
              'INSERT INTO bare_credit_entries SELECT * FROM jsonb_populate_recordset(NULL::bare_credit_entries, $1::jsonb)',
              [doc],
            ),
          );
        }
        barePerRow.push((performance.now() - t) / 1000 / rows.length);
      }
      const bareRate = 1 / barePerRow.sort((a, b) => a - b)[1]!;
      const ledgerRate = rowsWritten / writeSeconds;
      const ratio = ledgerRate / bareRate;
      console.log(
        `billing month: ${CUSTOMERS} customers, ${OUTAGES} outages in ${seconds.toFixed(1)} s end to end ` +
          `(${formatRate(CUSTOMERS / seconds)} customers/s; ${result.batches} batches, ${result.credited} credited, ` +
          `${result.noticesSent} notices); credit writes ${formatRate(ledgerRate)} rows/s beside a bare bulk ` +
          `INSERT of the same rows ${formatRate(bareRate)} rows/s (ratio ${ratio.toFixed(2)})`,
      );
      return [
        {
          name: 'billing: month close, 10,000 customers (s)',
          opsPerSecond: seconds,
          unit: 's',
          target: '≤ 60 s',
          met: seconds <= 60,
        },
        { name: 'billing: customers closed', opsPerSecond: CUSTOMERS / seconds },
        {
          name: 'billing: credit writes ÷ bare INSERT',
          opsPerSecond: ratio,
          unit: 'ratio',
          target: '≥ 0.5',
          met: ratio >= 0.5,
        },
      ];
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await env.teardown();
    await ledger.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
