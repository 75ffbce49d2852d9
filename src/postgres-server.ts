/**
 * A PostgreSQL server from the machine's binaries (Debian's, found by
 * scripts/provision-postgres.sh, which records them in $SLA_CACHE_DIR/postgres.env): its data in
 * a directory of ours, listening on 127.0.0.1 only, no unix socket, trust authentication on that
 * loopback (nothing else can connect). The cluster of `sla up --cluster` keeps its data there
 * across starts and is durable; the tests' throwaway clusters turn durability off. postgres
 * refuses to run as root, so as root it runs as the recorded user (postgres), which must be able
 * to reach the directory.
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './ports';
import { cacheDir } from './temporal-servers';

const run = promisify(execFile);

export interface PostgresOptions {
  /** PGDATA: created (initdb) when it holds no cluster yet, reused otherwise. */
  dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** false: fsync and synchronous commit off, for data that dies with a test. Fixed at initdb. */
  durable: boolean;
}

export interface PostgresServer {
  port: number;
  /** The URL of a database as `user` (trust auth: no password). */
  url(database?: string, user?: string): string;
  /** Runs statements as the superuser on the `postgres` database. */
  execute(sql: string): Promise<void>;
  /** The names of the databases that exist. */
  databases(): Promise<string[]>;
  /** The database, created unless it exists; returns its URL. */
  ensureDatabase(name: string): Promise<string>;
  /** Stops the server ('fast' lets it finish a checkpoint; 'immediate' for throwaway data). */
  stop(mode?: 'fast' | 'immediate'): void;
}

interface Binaries {
  bin: string;
  /** The user postgres runs as when this process is root. */
  runAs: string | undefined;
}

function binaries(): Binaries {
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

/** Settings appended to postgresql.conf at initdb. */
function settings(durable: boolean): string[] {
  const common = [
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = ''`,
    // A Temporal cluster's pools alone may open 120 (4 services × (20 + 10), src/cluster.ts), past
    // PostgreSQL's default of 100, and the engine's worker, API and ledger server come beside them.
    'max_connections = 200',
  ];
  // A cluster whose data dies with the test has nothing to protect from a crash.
  const throwaway = ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];
  return durable ? common : [...common, ...throwaway];
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const { bin, runAs } = binaries();
  const as = (exe: string, args: string[]): [string, string[]] =>
    runAs ? ['runuser', ['-u', runAs, '--', join(bin, exe), ...args]] : [join(bin, exe), args];
  const data = options.dataDir;
  if (!existsSync(join(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true, mode: 0o700 });
    if (runAs) {
      const { uid, gid } = userIds(runAs);
      chownSync(data, uid, gid);
      if (spawnSync('runuser', ['-u', runAs, '--', 'test', '-w', data]).status !== 0)
        throw new Error(
          `PostgreSQL runs as ${runAs} (postgres refuses root), which cannot reach ${data}: ` +
            'choose a data directory whose parents it may traverse',
        );
    }
    await run(
      ...as('initdb', [
        '-D',
        data,
        '-A',
        'trust',
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--locale=C',
        ...(options.durable ? [] : ['--no-sync']),
      ]),
    );
    appendFileSync(join(data, 'postgresql.conf'), [...settings(options.durable), ''].join('\n'));
  }
  const port = options.port ?? (await freePort());
  const log = join(dirname(data), 'postgres.log');
  if (runAs && !existsSync(log)) {
    appendFileSync(log, '', { mode: 0o600 });
    const { uid, gid } = userIds(runAs);
    chownSync(log, uid, gid);
  }
  await run(...as('pg_ctl', ['-D', data, '-l', log, '-o', `-p ${port}`, '-w', '-t', '120', 'start']));
  const url = (database = 'postgres', user = 'postgres') =>
    `postgres://${user}@127.0.0.1:${port}/${database}`;
  const execute = async (sql: string) => {
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
    port,
    url,
    execute,
    async databases() {
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
        return rows.map((r) => r.datname);
      } finally {
        await client.end();
      }
    },
    async ensureDatabase(name) {
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop(mode = 'fast') {
      if (stopped) return;
      stopped = true;
      const [cmd, args] = as('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '120', 'stop']);
      spawnSync(cmd, args, { stdio: 'ignore' });
    },
  };
}
