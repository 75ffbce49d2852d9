/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary directory, a
 * free port on 127.0.0.1, trust authentication, no unix socket. Binaries and the user to run as
 * come from scripts/provision-postgres.sh ($SLA_CACHE_DIR/postgres.env); postgres refuses to run
 * as root, so as root it runs under that user. One cluster per process, shared by every test
 * ledger of the process (each gets its own database), stopped when the process exits.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../../src/temporal-servers';
import { freePort } from './ports';

const run = promisify(execFile);

export interface PostgresCluster {
  /** The URL of a database on this cluster (trust auth: no password). */
  url(database?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): void;
}

function settings(): { bin: string; runAs: string | undefined } {
  const file = join(cacheDir(), 'postgres.env');
  const env: Record<string, string> = existsSync(file)
    ? Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line) => line.split('=', 2) as [string, string])
          .filter(([k]) => k),
      )
    : {};
  let bin = process.env.POSTGRES_BIN || env.POSTGRES_BIN;
  if (!bin && existsSync('/usr/lib/postgresql')) {
    const newest = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0];
    if (newest) bin = join('/usr/lib/postgresql', newest, 'bin');
  }
  if (!bin || !existsSync(join(bin, 'initdb')))
    throw new Error('no PostgreSQL server binaries: run scripts/provision-postgres.sh');
  const root = process.getuid?.() === 0;
  return { bin, runAs: root ? env.POSTGRES_RUN_AS || 'postgres' : undefined };
}

function userIds(user: string): { uid: number; gid: number } {
  const out = (flag: string) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
  return { uid: out('-u'), gid: out('-g') };
}

async function startCluster(): Promise<PostgresCluster> {
  const { bin, runAs } = settings();
  const as = (exe: string, args: string[]): [string, string[]] =>
    runAs ? ['runuser', ['-u', runAs, '--', join(bin, exe), ...args]] : [join(bin, exe), args];
  const dir = mkdtempSync(join(tmpdir(), 'sla-pg-'));
  const data = join(dir, 'data');
  if (runAs) {
    const { uid, gid } = userIds(runAs);
    chownSync(dir, uid, gid);
  }
  await run(
    ...as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']),
  );
  const port = await freePort();
  // A throwaway cluster: durability off (its data dies with the test), TCP on loopback only.
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ''`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );
  await run(...as('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']));
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const psql = async (sql: string) => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let stopped = false;
  return {
    url,
    async createDatabase(name) {
      await psql(`CREATE DATABASE "${name}"`);
      return url(name);
    },
    async dropDatabase(name) {
      await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      const [cmd, args] = as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(cmd, args, { stdio: 'ignore' });
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
