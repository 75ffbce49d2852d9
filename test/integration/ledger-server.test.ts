// The embedded ledger served over the wire (src/ledger/server.ts), as `sla up` serves it to its
// worker, its API and CLI commands: several pg clients at once on the one PGlite backend get their
// own answers and transactions, a client that leaves or stalls mid-transaction is rolled back and
// does not block the others, a wrong password is refused, and the URL beside the lock is used
// (by the built `sla`, in another process) only while the process that wrote it holds the ledger.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findServedLedger,
  openEmbedded,
  publishServedLedger,
  type EmbeddedLedger,
} from '../../src/ledger/driver';
import { serveLedger, type LedgerServer } from '../../src/ledger/server';
import { sla } from '../helpers/cli';
import { createTestLedger, type TestLedger } from '../helpers/ledger';

describe('the served embedded ledger', () => {
  let ledger: TestLedger;
  let ledgerDir: string;
  let embedded: EmbeddedLedger;
  let server: LedgerServer;
  const pools: Pool[] = [];
  const pool = () => {
    const p = new Pool({ connectionString: server.url, max: 4 });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    // A migrated embedded ledger, closed again so that this file serves it its own way.
    ledger = await createTestLedger('pglite');
    ledgerDir = ledger.settings.SLA_LEDGER_DIR!;
    await ledger.close();
    embedded = await openEmbedded(ledgerDir);
    server = await serveLedger(embedded.db, { idleInTransactionMs: 1_000 });
    await embedded.driver.exec('CREATE TABLE probe (k text PRIMARY KEY, client integer NOT NULL)');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await server?.stop();
    await embedded?.driver.close();
    await ledger?.cleanup();
  });

  it('answers three pools of clients at once, each with its own rows and transactions', async () => {
    const clients = [pool(), pool(), pool()];
    const wrong: string[] = [];
    await Promise.all(
      clients.flatMap((p, c) =>
        Array.from({ length: 60 }, async (_, i) => {
          // Parameters: the extended protocol (Parse, Bind, Execute, Sync), the sequence a
          // message-by-message relay interleaves between clients.
          const { rows } = await p.query<{ c: number; tag: string }>('SELECT $1::int AS c, $2::text AS tag', [
            c,
            `${c}-${i}`,
          ]);
          if (rows[0]?.c !== c || rows[0]?.tag !== `${c}-${i}`) wrong.push(`${c}-${i}`);
          if (i % 6 === 0) {
            const tx = await p.connect();
            try {
              await tx.query('BEGIN');
              await tx.query('INSERT INTO probe VALUES ($1, $2)', [`${c}-${i}`, c]);
              await tx.query('INSERT INTO probe VALUES ($1, $2)', [`${c}-${i}b`, c]);
              // Half the transactions roll back: both rows or neither, whoever ran meanwhile.
              await tx.query(i % 12 === 0 ? 'COMMIT' : 'ROLLBACK');
            } finally {
              tx.release();
            }
          }
          // A refused statement mid-stream leaves the backend usable for everyone.
          if (i % 20 === 0) {
            await expect(p.query('INSERT INTO probe VALUES ($1, $2)', [`0-0`, c])).rejects.toMatchObject({
              code: '23505',
            });
          }
        }),
      ),
    );
    expect(wrong).toEqual([]);
    const { rows } = await clients[0]!.query<{ k: string }>('SELECT k FROM probe ORDER BY k');
    expect(rows.map((r) => r.k)).toEqual(
      [0, 1, 2].flatMap((c) => [0, 12, 24, 36, 48].flatMap((i) => [`${c}-${i}`, `${c}-${i}b`])).sort(),
    );
  });

  it('rolls back what a client that vanished left open, and the others go on', async () => {
    const gone = new Client({ connectionString: server.url });
    gone.on('error', () => undefined);
    await gone.connect();
    await gone.query('BEGIN');
    await gone.query(`INSERT INTO probe VALUES ('vanished', 9)`);
    // Waits its turn behind the open transaction…
    const waiting = pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM probe WHERE k = 'vanished'`);
    // …which ends when its client goes without a word (a killed process).
    (gone as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows).toEqual([{ n: 0 }]);
  });

  it('drops a client that stalls inside a transaction, so that it cannot block the others', async () => {
    const stalled = new Client({ connectionString: server.url });
    const dropped = new Promise<void>((resolve) => stalled.on('error', () => resolve()));
    await stalled.connect();
    await stalled.query('BEGIN');
    await stalled.query(`INSERT INTO probe VALUES ('stalled', 9)`);
    const other = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM probe WHERE k = 'stalled'`,
    );
    expect(other.rows).toEqual([{ n: 0 }]);
    await dropped;
    await stalled.end().catch(() => undefined);
  });

  it('refuses a wrong password before the backend sees anything', async () => {
    const url = new URL(server.url);
    url.password = 'not-the-password';
    const intruder = new Client({ connectionString: url.toString() });
    await expect(intruder.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('is found beside the lock by another process while its holder serves it, never from a stale URL', async () => {
    const urlFile = join(ledgerDir, 'sla-ledger.url');
    // This process holds the ledger; `sla` in another process is the second terminal.
    const terminal = { SLA_LEDGER_DIR: ledgerDir, DATABASE_URL: '' };
    const held = await sla(['customers', 'list', '--json'], terminal);
    expect(held.code).toBe(4);
    expect(held.stderr).toMatch(/open in another process \(pid \d+\) that does not serve it/);

    // A URL from a process that is not the lock's holder (a previous `sla up` killed -9).
    writeFileSync(urlFile, JSON.stringify({ pid: process.pid + 1_000_000, url: server.url }));
    expect(findServedLedger(ledgerDir)).toBeUndefined();

    // The holder's own URL: the command connects to it and sees what the holder wrote.
    const unpublish = publishServedLedger(ledgerDir, server.url);
    try {
      expect(statSync(urlFile).mode & 0o777).toBe(0o600);
      expect(findServedLedger(ledgerDir)).toBe(server.url);
      await embedded.driver.query(
        `INSERT INTO customer_terms (customer_id, effective_at, name, annual_fee_minor, currency, region,
           administrators, canada_only_data_access)
         VALUES ('acme', now(), 'Acme', 1200000, 'CAD', 'ca-central', '{a@acme.example}', false)`,
      );
      const listed = await sla(['customers', 'list', '--json'], terminal);
      expect(listed.stderr).toBe('');
      expect(JSON.parse(listed.stdout)).toMatchObject([{ customerId: 'acme', annualFeeMinor: 1_200_000 }]);
    } finally {
      unpublish();
    }
    expect(existsSync(urlFile)).toBe(false);
  });
});
