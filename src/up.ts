/**
 * `sla up`: the whole system on one machine. Opens the embedded ledger (unless DATABASE_URL names
 * a PostgreSQL) and serves it on 127.0.0.1 to the other processes; starts (unless
 * TEMPORAL_ADDRESS points elsewhere) a Temporal dev server that persists to
 * SLA_DATA_DIR/temporal.db with the Web UI and our search attributes, then the workers and the API
 * as child processes, each restarted whenever it dies (src/supervise.ts); prints where everything
 * listens; on Ctrl-C stops the children first, then the server, then the ledger. A second start
 * keeps the first one's data.
 *
 * `sla up --cluster` is the production topology on one machine instead (docs/deployment.md): a
 * Temporal server on PostgreSQL (src/cluster.ts, data in SLA_DATA_DIR/cluster), the ledger as the
 * database `sla` on that PostgreSQL, N worker processes on one task queue, the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startCluster, type RunningCluster } from './cluster';
import { codecKeys } from './codec';
import { ConfigError, type Config } from './config';
import { connectClient } from './connection';
import { describeLedger, openLedger } from './ledger';
import { openEmbedded, publishServedLedger } from './ledger/driver';
import { migrate } from './ledger/migrations';
import { serveLedger } from './ledger/server';
import { privateDir, tightenFile } from './private-files';
import { SEARCH_ATTRIBUTES } from './search-attributes';
import { supervise } from './supervise';
import { devServerArgs, devServerExecutable } from './temporal-servers';

interface RunningServer {
  stop(): Promise<void>;
}

/**
 * The dev server runs in its own process group, like the worker and the API, so that a Ctrl-C in
 * the terminal reaches only `sla up`, which stops the others in order (clients first, server last).
 * Once it has answered it is supervised like them: its data is in temporal.db, so a restarted
 * server has every workflow, and the worker and the API reconnect to it.
 */
async function startDevServer(config: Config): Promise<RunningServer> {
  const executable = devServerExecutable();
  const [host] = config.temporalAddress.split(':');
  const dbFilename = join(config.dataDir, 'temporal.db');
  if (executable.type === 'cached-download') {
    // No provisioned CLI (an online laptop without Go): let the SDK download one.
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: host,
        port: config.temporalPort,
        ui: true,
        uiPort: config.temporalUiPort,
        namespace: config.namespace,
        dbFilename,
        searchAttributes: SEARCH_ATTRIBUTES,
        extraArgs: devServerArgs(),
      },
    });
    return { stop: () => env.teardown() };
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    host ?? '127.0.0.1',
    '--port',
    String(config.temporalPort),
    '--ui-port',
    String(config.temporalUiPort),
    '--namespace',
    config.namespace,
    '--db-filename',
    dbFilename,
    '--log-level',
    'error',
    ...SEARCH_ATTRIBUTES.flatMap((a) => [
      '--search-attribute',
      `${a.name}=${TypedSearchAttributes.toMetadataType(a.type)}`,
    ]),
    ...devServerArgs(),
  ];
  const spawnServer = () => {
    const child = spawn(executable.path, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    prefixOutput(child, 'temporal');
    return child;
  };
  const child = spawnServer();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the Temporal dev server exited during start (${signal ?? `exit ${code}`})`)),
    ),
  );
  const client = await Promise.race([connectClient(config, 60_000), exited]);
  await client.connection.close();
  child.removeAllListeners('exit');
  return supervise('Temporal dev server', spawnServer, { running: child });
}

function prefixOutput(child: ChildProcess, role: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`[${role}] ${line}`));
  }
}

/**
 * PGlite is one process's: this one opens it, migrates it once, and serves it over the
 * PostgreSQL protocol on loopback to the worker, the API and CLI commands in other terminals,
 * which find its URL beside the lock (src/ledger/driver.ts).
 */
async function serveEmbeddedLedger(config: Config): Promise<{ url: string; stop(): Promise<void> }> {
  const { driver, db } = await openEmbedded(config.ledgerDir);
  try {
    await migrate(driver);
    const server = await serveLedger(db);
    const unpublish = publishServedLedger(config.ledgerDir, server.url);
    return {
      url: server.url,
      async stop() {
        unpublish();
        await server.stop();
        await driver.close();
      },
    };
  } catch (err) {
    await driver.close();
    throw err;
  }
}

/**
 * The metrics ports of the i-th worker (from 0): each worker its own, counting up from the
 * configured ones (SLA_WORKER_METRICS_PORT, SLA_WORKER_SDK_METRICS_PORT); none when unset.
 */
export function workerMetricsEnv(config: Config, i: number): Record<string, string> {
  const { port, sdkPort } = config.workerMetrics;
  return {
    ...(port === undefined ? {} : { SLA_WORKER_METRICS_PORT: String(port + i) }),
    ...(sdkPort === undefined ? {} : { SLA_WORKER_SDK_METRICS_PORT: String(sdkPort + i) }),
  };
}

/** Every worker's metrics ports must exist: refused before anything starts, naming the variable. */
function checkWorkerMetricsPorts(config: Config, workers: number): void {
  const { port, sdkPort } = config.workerMetrics;
  for (const [name, first] of [
    ['SLA_WORKER_METRICS_PORT', port],
    ['SLA_WORKER_SDK_METRICS_PORT', sdkPort],
  ] as const)
    if (first !== undefined && first + workers - 1 > 65535)
      throw new ConfigError(
        `invalid settings:\n  - ${name}: ${workers} workers need ports ${first}–${first + workers - 1}, past 65535`,
      );
}

/**
 * The worker's V8 heap limit, unless NODE_OPTIONS sets one: with it, a worker holding 10,000 and
 * 50,000 open tickets stays under 1 GiB resident; without it, V8 keeps garbage up to a limit sized
 * from the machine's memory (docs/configuration.md#worker-memory). It leaves room for the full
 * default workflow cache (2,500 tickets, about 200 KiB each).
 */
const WORKER_HEAP_ARGS = ['--max-old-space-size=640'];

/** Runs `sla <command>` as a child process, its output prefixed with its name. */
function startChild(
  command: 'worker' | 'api',
  name: string,
  config: Config,
  ledgerUrl: string | undefined,
  env: Record<string, string> = {},
): ChildProcess {
  const heap =
    command === 'worker' && !/--max-old-space-size/.test(process.env.NODE_OPTIONS ?? '')
      ? WORKER_HEAP_ARGS
      : [];
  const child = spawn(process.execPath, [...heap, require.resolve('./cli/main'), command], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: config.temporalAddress,
      ...(ledgerUrl ? { DATABASE_URL: ledgerUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixOutput(child, name);
  return child;
}

/**
 * The cluster's Temporal and PostgreSQL, the ledger's database `sla` on it, migrated once here
 * rather than by N workers starting at once.
 */
async function startClusterTopology(config: Config): Promise<{ cluster: RunningCluster; ledgerUrl: string }> {
  const dataDir = join(config.dataDir, 'cluster');
  console.log(`up: starting the Temporal cluster on PostgreSQL (data in ${dataDir})…`);
  // As root, PostgreSQL runs as its own user, which must traverse (not list) the data directory.
  if (process.getuid?.() === 0) chmodSync(config.dataDir, 0o711);
  const cluster = await startCluster({
    dataDir,
    temporalPort: config.temporalPort,
    namespace: config.namespace,
    log: (line) => console.log(`[temporal] ${line}`),
  });
  try {
    const ledgerUrl = await cluster.ensureDatabase('sla');
    const ledger = await openLedger({ databaseUrl: ledgerUrl, ledgerDir: config.ledgerDir });
    try {
      await ledger.migrate();
    } finally {
      await ledger.close();
    }
    return { cluster, ledgerUrl };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

export interface UpOptions {
  /** The production topology: a Temporal cluster on PostgreSQL, the ledger on it. */
  cluster?: boolean;
  /** Worker processes on the one task queue (default 1). */
  workers?: number;
}

export async function up(config: Config, options: UpOptions = {}): Promise<void> {
  checkWorkerMetricsPorts(config, options.workers ?? 1);
  privateDir(config.dataDir);
  // Without SLA_CODEC_KEYS, a key generated once into the data directory (0600, printed nowhere)
  // encrypts payloads; the workers and the API read the same file.
  codecKeys(config, { create: config.embeddedTemporal });
  // First, so that a ledger another process holds stops `sla up` before anything has started.
  const ledger = config.databaseUrl || options.cluster ? undefined : await serveEmbeddedLedger(config);
  let server: RunningServer | undefined;
  let ledgerUrl = ledger?.url;
  try {
    if (options.cluster) {
      const topology = await startClusterTopology(config);
      server = topology.cluster;
      ledgerUrl = topology.ledgerUrl;
    } else if (config.embeddedTemporal) {
      console.log(`up: starting the Temporal dev server (data in ${join(config.dataDir, 'temporal.db')})…`);
      server = await startDevServer(config);
      // Its histories name customers and people, and the dev server creates the file 0644. Not
      // before: the dev server sets up its schema only in a file it creates. A restart keeps the mode.
      tightenFile(join(config.dataDir, 'temporal.db'));
    }
  } catch (err) {
    await ledger?.stop();
    throw err;
  }
  const workers = options.workers ?? 1;
  const workerNames = Array.from({ length: workers }, (_, i) =>
    workers === 1 ? 'worker' : `worker-${i + 1}`,
  );
  const children = [
    ...workerNames.map((name, i) =>
      supervise(name, () => startChild('worker', name, config, ledgerUrl, workerMetricsEnv(config, i))),
    ),
    supervise('api', () => startChild('api', 'api', config, ledgerUrl)),
  ];
  const ledgerConfig = { ...config, databaseUrl: options.cluster ? ledgerUrl : config.databaseUrl };

  console.log(
    [
      '',
      'SLA engine is up:',
      `  Temporal frontend   ${config.temporalAddress} (namespace ${config.namespace})${options.cluster ? ' [cluster on PostgreSQL]' : server ? '' : ' [external]'}`,
      ...(server && !options.cluster
        ? [`  Temporal Web UI     http://${config.temporalAddress.split(':')[0]}:${config.temporalUiPort}`]
        : []),
      `  HTTP API            http://${config.apiHost}:${config.apiPort}/health`,
      `  Worker${workers === 1 ? ' ' : 's'}             ${workers === 1 ? '' : `${workers} processes, `}task queue ${config.taskQueue}`,
      ...(config.workerMetrics.port === undefined
        ? []
        : [
            `  Worker metrics      ${workerNames.map((_, i) => `http://${config.workerMetrics.host}:${config.workerMetrics.port! + i}/metrics`).join(', ')}`,
          ]),
      `  Ledger              ${describeLedger(ledgerConfig)}${ledger ? `, served on ${new URL(ledger.url).host} to the other processes` : ''}`,
      // Trust on loopback, no password in it: the URL for `sla` in another terminal.
      ...(options.cluster ? [`  DATABASE_URL        ${ledgerUrl}`] : []),
      `  Data directory      ${config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  // Only Ctrl-C (or SIGTERM) ends it: a child that dies is restarted by its supervisor.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

  console.log('up: stopping…');
  await Promise.all(children.map((c) => c.stop()));
  await server?.stop();
  await ledger?.stop();
  console.log('up: stopped');
}
