/**
 * A throwaway PostgreSQL cluster for tests and benchmarks (src/postgres-server.ts) in a temporary
 * directory, with durability off. One cluster per process, shared by every test ledger of the
 * process (each gets its own database), stopped when the process exits.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../src/postgres-server';

export interface PostgresCluster {
  /** The URL of a database on this cluster (trust auth: no password). */
  url(database?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): void;
}

async function startCluster(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sla-pg-'));
  // Traversable, not listable: as root, postgres runs as its own user and needs to reach data/.
  chmodSync(dir, 0o711);
  const server = await startPostgres({ dataDir: join(dir, 'data'), durable: false });
  let stopped = false;
  return {
    url: (database) => server.url(database),
    async createDatabase(name) {
      await server.execute(`CREATE DATABASE "${name}"`);
      return server.url(name);
    },
    async dropDatabase(name) {
      await server.execute(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<PostgresCluster> | undefined;
let users = 0;

/**
 * The process's cluster, started on first use and stopped when its last user releases it (or,
 * failing that, when the process exits).
 */
export async function acquirePostgresCluster(): Promise<{ cluster: PostgresCluster; release: () => void }> {
  users++;
  if (!shared) {
    const starting = startCluster();
    shared = starting;
    starting.then(
      (cluster) => process.once('exit', () => cluster.stop()),
      () => undefined,
    );
  }
  let cluster: PostgresCluster;
  try {
    cluster = await shared;
  } catch (err) {
    users--;
    shared = undefined;
    throw err;
  }
  let released = false;
  return {
    cluster,
    release: () => {
      if (released) return;
      released = true;
      if (--users === 0) {
        shared = undefined;
        cluster.stop();
      }
    },
  };
}
