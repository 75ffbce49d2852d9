/**
 * `sla up`: the whole system on one machine. Opens the embedded ledger (unless DATABASE_URL names
 * a PostgreSQL) and serves it on 127.0.0.1 to the other processes; starts (unless
 * TEMPORAL_ADDRESS points elsewhere) a Temporal dev server that persists to
 * SLA_DATA_DIR/temporal.db with the Web UI and our search attributes, then the worker and the API
 * as child processes; prints where everything listens; on Ctrl-C stops the children first, then
 * the server, then the ledger. A second start keeps the first one's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { codecKeys } from './codec';
import type { Config } from './config';
import { connectClient } from './connection';
import { describeLedger } from './ledger';
import { openEmbedded, publishServedLedger } from './ledger/driver';
import { migrate } from './ledger/migrations';
import { serveLedger } from './ledger/server';
import { privateDir } from './private-files';
import { SEARCH_ATTRIBUTES } from './search-attributes';
import { devServerArgs, devServerExecutable } from './temporal-servers';

const STOP_GRACE_MS = 20_000;

interface RunningServer {
  stop(): Promise<void>;
}

/**
 * The dev server runs in its own process group, like the worker and the API, so that a Ctrl-C in
 * the terminal reaches only `sla up`, which stops the others in order (clients first, server last).
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
  const child = spawn(executable.path, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  prefixOutput(child, 'temporal');
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the Temporal dev server exited during start (${signal ?? `exit ${code}`})`)),
    ),
  );
  const client = await Promise.race([connectClient(config, 60_000), exited]);
  await client.connection.close();
  child.removeAllListeners('exit');
  return { stop: () => stopChild(child) };
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

/** Runs `sla <role>` as a child process, its output prefixed with the role. */
function startChild(role: 'worker' | 'api', config: Config, ledgerUrl: string | undefined): ChildProcess {
  const child = spawn(process.execPath, [require.resolve('./cli/main'), role], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: config.temporalAddress,
      ...(ledgerUrl ? { DATABASE_URL: ledgerUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixOutput(child, role);
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function up(config: Config): Promise<number> {
  privateDir(config.dataDir);
  // Without SLA_CODEC_KEYS, a key generated once into the data directory (0600, printed nowhere)
  // encrypts payloads; the worker and the API read the same file.
  codecKeys(config, { create: config.embeddedTemporal });
  // First, so that a ledger another process holds stops `sla up` before anything has started.
  const ledger = config.databaseUrl ? undefined : await serveEmbeddedLedger(config);
  let server: RunningServer | undefined;
  try {
    if (config.embeddedTemporal) {
      console.log(`up: starting the Temporal dev server (data in ${join(config.dataDir, 'temporal.db')})…`);
      server = await startDevServer(config);
    }
  } catch (err) {
    await ledger?.stop();
    throw err;
  }
  const children = {
    worker: startChild('worker', config, ledger?.url),
    api: startChild('api', config, ledger?.url),
  };

  console.log(
    [
      '',
      'SLA engine is up:',
      `  Temporal frontend   ${config.temporalAddress} (namespace ${config.namespace})${server ? '' : ' [external]'}`,
      ...(server
        ? [`  Temporal Web UI     http://${config.temporalAddress.split(':')[0]}:${config.temporalUiPort}`]
        : []),
      `  HTTP API            http://${config.apiHost}:${config.apiPort}/health`,
      `  Worker              task queue ${config.taskQueue}`,
      `  Ledger              ${describeLedger(config)}${ledger ? `, served on ${new URL(ledger.url).host} to the other processes` : ''}`,
      `  Data directory      ${config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  const code = await new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
    for (const [role, child] of Object.entries(children)) {
      child.once('exit', (exitCode, signal) => {
        console.error(
          `up: the ${role} stopped unexpectedly (${signal ?? `exit ${exitCode}`}); stopping everything`,
        );
        resolve(1);
      });
    }
  });

  console.log('up: stopping…');
  Object.values(children).forEach((c) => c.removeAllListeners('exit'));
  await Promise.all(Object.values(children).map(stopChild));
  await server?.stop();
  await ledger?.stop();
  console.log('up: stopped');
  return code;
}
