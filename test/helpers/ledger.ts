/**
 * A migrated ledger for one test: the embedded PGlite in a fresh temporary directory (default),
 * the same served over the wire as `sla up` serves it (src/ledger/server.ts) and reached with
 * `pg`, or a fresh database on the process's throwaway PostgreSQL cluster. cleanup() closes it
 * and removes its directory or database.
 *
 * A new PGlite data directory costs an initdb (10–30 s of WASM on a busy machine) and the
 * migrations a few more seconds, so templates are made once per machine, PGlite version and
 * schema, and copied (about 40 MB) for each ledger.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lazyLedger } from '../../src/api/lazy-ledger';
import {
  LedgerUnavailableError,
  openLedger,
  type CustomerRecord,
  type CustomerTermsInRange,
  type Ledger,
  type SqlLedger,
} from '../../src/ledger';
import { openEmbedded, publishServedLedger } from '../../src/ledger/driver';
import { MIGRATIONS } from '../../src/ledger/migrations';
import { serveLedger } from '../../src/ledger/server';
import { acquirePostgresCluster } from './postgres';

export type LedgerKind = 'pglite' | 'served' | 'postgres';

/** A valid customer row for tests; override what the test is about. */
export const testCustomer = (customerId: string, over: Partial<CustomerRecord> = {}): CustomerRecord => ({
  customerId,
  name: `Customer ${customerId}`,
  annualFeeMinor: 1_200_000,
  currency: 'CAD',
  region: 'ca-central',
  administrators: [`admin@${customerId}.example`],
  canadaOnlyDataAccess: false,
  ...over,
});

/** Test customers are under contract since long before any month the tests close (I15). */
export const SINCE = '2020-01-01T05:00:00.000Z';

/** A customer's terms in force since SINCE, as the ledger answers them for a month (I15). */
export const inForce = ({ customerId, ...terms }: CustomerRecord): CustomerTermsInRange => ({
  customerId,
  versions: [{ customerId, effectiveAt: SINCE, recordedAt: SINCE, terms }],
});

export type TestLedger = SqlLedger & {
  /** Environment that makes another process (`sla worker`, `sla customers …`) open this ledger. */
  settings: Record<string, string>;
  cleanup(): Promise<void>;
};

/** Makes `path` once (per machine) with build(dir); concurrent test processes race safely. */
async function template(path: string, build: (dir: string) => Promise<void>): Promise<string> {
  if (existsSync(join(path, 'PG_VERSION'))) return path;
  const building = mkdtempSync(`${path}.building-`);
  await build(building);
  try {
    // Atomic: a process racing this one either wins or finds the template complete.
    renameSync(building, path);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return path;
}

/** An initdb'ed PGlite directory; with migrated, also at the current schema. */
async function pgliteTemplate(migrated: boolean): Promise<string> {
  const packageJson = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const empty = await template(join(tmpdir(), `sla-pglite-${version}-empty`), async (dir) => {
    const { PGlite } = await import('@electric-sql/pglite');
    await (await PGlite.create(dir)).close();
  });
  if (!migrated) return empty;
  const schema = createHash('sha256')
    .update(MIGRATIONS.map((m) => m.sql).join('\0'))
    .digest('hex')
    .slice(0, 12);
  return template(join(tmpdir(), `sla-pglite-${version}-schema-${schema}`), async (dir) => {
    cpSync(empty, dir, { recursive: true });
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir: dir });
    await ledger.migrate();
    await ledger.close();
  });
}

/**
 * Puts a migrated embedded ledger at `<dataDir>/ledger`, where `sla` finds it by default
 * (SLA_DATA_DIR), so a CLI test does not pay a fresh initdb per command; `{ migrated: false }`
 * leaves the migrations to the code under test.
 */
export async function seedLedgerDir(dataDir: string, { migrated = true } = {}): Promise<string> {
  const ledgerDir = join(dataDir, 'ledger');
  cpSync(await pgliteTemplate(migrated), ledgerDir, { recursive: true });
  return ledgerDir;
}

let databases = 0;

/** A ledger for one test; `{ migrate: false }` leaves it empty, for tests of the migrations. */
export async function createTestLedger(
  kind: LedgerKind = 'pglite',
  options: { migrate?: boolean } = {},
): Promise<TestLedger> {
  const migrate = options.migrate ?? true;
  if (kind === 'served') {
    const dir = mkdtempSync(join(tmpdir(), 'sla-ledger-'));
    const ledgerDir = join(dir, 'ledger');
    cpSync(await pgliteTemplate(migrate), ledgerDir, { recursive: true });
    const embedded = await openEmbedded(ledgerDir);
    const server = await serveLedger(embedded.db);
    const unpublish = publishServedLedger(ledgerDir, server.url);
    // Found through the URL beside the lock, as a CLI command run beside `sla up` finds it.
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir });
    if (migrate) await ledger.migrate();
    return Object.assign(ledger, {
      settings: { SLA_LEDGER_DIR: ledgerDir },
      async cleanup() {
        await ledger.close();
        unpublish();
        await server.stop();
        await embedded.driver.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'sla-ledger-'));
    const ledgerDir = join(dir, 'ledger');
    cpSync(await pgliteTemplate(migrate), ledgerDir, { recursive: true });
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir });
    if (migrate) await ledger.migrate(); // a no-op on the migrated template, checked all the same
    return Object.assign(ledger, {
      settings: { SLA_LEDGER_DIR: ledgerDir },
      async cleanup() {
        await ledger.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  const { cluster, release } = await acquirePostgresCluster();
  try {
    const name = `ledger_${process.pid}_${++databases}`;
    const databaseUrl = await cluster.createDatabase(name);
    const ledger = await openLedger({ databaseUrl, ledgerDir: '' });
    if (migrate) await ledger.migrate();
    return Object.assign(ledger, {
      settings: { DATABASE_URL: databaseUrl },
      async cleanup() {
        try {
          await ledger.close();
          await cluster.dropDatabase(name);
        } finally {
          release();
        }
      },
    });
  } catch (err) {
    release();
    throw err;
  }
}

/** For API tests that never reach the ledger: every call answers unavailable (503). */
export function noLedger(): Ledger {
  return lazyLedger(() => Promise.reject(new LedgerUnavailableError('this test has no ledger')));
}
