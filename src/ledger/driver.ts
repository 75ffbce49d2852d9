/**
 * The seam between the ledger's SQL and a database: the same statements run on the embedded
 * PGlite (a WASM PostgreSQL in a data directory, for a laptop and for tests) and on a PostgreSQL
 * server through `pg` (production, and several processes sharing one ledger).
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { SlaError } from '../errors';
import { privateDir } from '../private-files';

export interface Queryable {
  /** One statement with $1… parameters; returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements without parameters (a migration script). */
  exec(sql: string): Promise<void>;
}

export interface Driver extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction on one connection: committed if it resolves, rolled back if not. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The ledger cannot be opened: another process holds the embedded one, or the server is down. */
export class LedgerUnavailableError extends SlaError {
  override name = 'LedgerUnavailableError';
  constructor(message: string) {
    super('unavailable', message);
  }
}

const LOCK_FILE = 'sla-ledger.lock';

/**
 * PGlite is one PostgreSQL backend inside this process: a second process opening the same data
 * directory would corrupt it. A lock file holding our pid keeps it to one process; a lock left by
 * a process that died (kill -9) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  privateDir(dataDir); // the customers' rows and credits: this user's only
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new LedgerUnavailableError(
          `the embedded ledger in ${dataDir} is open in another process (pid ${holder}) that does ` +
            'not serve it; stop it, run `sla up` (which serves it), or set DATABASE_URL so that ' +
            'several processes share a PostgreSQL ledger',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new LedgerUnavailableError(`cannot lock the embedded ledger in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The embedded ledger opened in this process: its driver, and the PGlite for serving it. */
export interface EmbeddedLedger {
  driver: Driver;
  db: PGlite;
}

export async function openEmbedded(dataDir: string): Promise<EmbeddedLedger> {
  const unlock = lockDataDir(dataDir);
  try {
    // Loaded on demand: the WASM module is large and only the embedded ledger needs it.
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    const on = (q: Pick<typeof db, 'query' | 'exec'>): Queryable => ({
      query: async <T>(sql: string, params?: unknown[]) => (await q.query<T>(sql, params)).rows,
      exec: async (sql) => {
        await q.exec(sql);
      },
    });
    const driver: Driver = {
      kind: 'pglite',
      ...on(db),
      transaction: (fn) => db.transaction((tx) => fn(on(tx))),
      async close() {
        try {
          await db.close();
        } finally {
          unlock();
        }
      },
    };
    return { driver, db };
  } catch (err) {
    unlock();
    throw err;
  }
}

export async function pgliteDriver(dataDir: string): Promise<Driver> {
  return (await openEmbedded(dataDir)).driver;
}

/**
 * `sla up` serves the embedded ledger it holds (src/ledger/server.ts) and writes its URL here,
 * beside the lock: a process that finds the lock held by that same live process connects to the
 * URL instead of giving up. The file holds a password: 0600, and never printed.
 */
const servedFile = (dataDir: string) => join(dataDir, 'sla-ledger.url');

export function publishServedLedger(dataDir: string, url: string): () => void {
  const file = servedFile(dataDir);
  const draft = `${file}.${process.pid}`;
  // Written aside and renamed: a reader sees no file or the whole one, always created 0600.
  rmSync(draft, { force: true });
  writeFileSync(draft, `${JSON.stringify({ pid: process.pid, url })}\n`, { mode: 0o600 });
  renameSync(draft, file);
  return () => rmSync(file, { force: true });
}

/** The URL of the embedded ledger as served by the live process holding its lock, if any. */
export function findServedLedger(dataDir: string): string | undefined {
  let holder: number;
  let served: { pid?: unknown; url?: unknown };
  try {
    holder = Number(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim());
    served = JSON.parse(readFileSync(servedFile(dataDir), 'utf8')) as typeof served;
  } catch {
    return undefined; // no lock, no URL, or a half-written file: open the ledger directly
  }
  // A URL left by a process that died (kill -9) or by a previous holder is never used.
  if (served.pid !== holder || typeof served.url !== 'string' || !isAlive(holder)) return undefined;
  return served.url;
}

export async function postgresDriver(url: string): Promise<Driver> {
  const { Pool } = await import('pg');
  // Connections are kept, not closed when idle (pg's default closes them after 10 s): a
  // connection the engine holds needs no new slot on the served ledger, where other local users
  // may be filling those still authenticating (src/ledger/server.ts, MAX_PENDING).
  const pool = new Pool({ connectionString: url, max: 8, idleTimeoutMillis: 0 });
  // An idle client that loses its server emits 'error'; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end();
    // The pg error names host and port, never the password: safe to pass on.
    throw new LedgerUnavailableError(`cannot reach the ledger database: ${(err as Error).message}`);
  }
  const on = (q: { query: (sql: string, params?: unknown[]) => Promise<unknown> }): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => ((await q.query(sql, params)) as { rows: T[] }).rows,
    exec: async (sql) => {
      // Without parameters pg uses the simple protocol, which runs several statements.
      await q.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...on(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // A connection that cannot even roll back is dropped instead of going back to the pool.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
