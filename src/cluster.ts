/**
 * The production topology's Temporal, on one machine: a Temporal server (all four services in one
 * process) on PostgreSQL, both provisioned by scripts/provision-cluster.sh and
 * scripts/provision-postgres.sh. What `sla up --cluster` runs and the cluster test tier starts once.
 *
 * The data directory holds everything: PostgreSQL's data (postgres/), the server's generated
 * configuration (temporal/) and cluster.json, the settings fixed at the first start (history
 * shards, ports). A second start on the same directory keeps every workflow: it runs the SQL
 * tool's update-schema only, which is also how a newer server's schema is applied.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { grpc } from '@temporalio/proto';
import { freePort, freeSmallPort, isFree } from './ports';
import { startPostgres, type PostgresServer } from './postgres-server';
import { INDEXED_VALUE_TYPE } from './namespace-attributes';
import { SEARCH_ATTRIBUTES } from './search-attributes';
import { supervise, type Supervised } from './supervise';
import { clusterExecutables, DEV_SERVER_DYNAMIC_CONFIG, type ClusterExecutables } from './temporal-servers';

const run = promisify(execFile);

export interface ClusterOptions {
  /** PostgreSQL data + Temporal config live here; reused on a second start. */
  dataDir: string;
  /** Default: the port of the previous start, else a free one. */
  postgresPort?: number;
  /** Default: the port of the previous start, else a free one (`sla up --cluster` passes 7233). */
  temporalPort?: number;
  /** Default 'default' (registered with the engine's search attributes). */
  namespace?: string;
  /** Default 4 (docs/cluster-operations.md, sizing), fixed at the first start. */
  numHistoryShards?: number;
  /** false: PostgreSQL without fsync, for a cluster whose data dies with the tests. Default true. */
  durable?: boolean;
  /**
   * Search attributes read from the database on every use rather than from the server's cache
   * (refreshed every minute): for tests, whose namespaces are used the moment they are made.
   * Default false: a read per use is a cost under load.
   */
  searchAttributesUncached?: boolean;
  /** The server's log lines (warnings and errors); dropped without it. */
  log?: (line: string) => void;
}

export interface RunningCluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** A database URL on the cluster's PostgreSQL (the ledger is database `sla`). */
  postgresUrl(database: string): string;
  /** The database on the cluster's PostgreSQL, created unless it exists; returns its URL. */
  ensureDatabase(name: string): Promise<string>;
  /** Registers another namespace with the engine's search attributes, usable when it resolves. */
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_HISTORY_SHARDS = 4;
/** Closed workflows stay listable this long; their outcome is in the ledger for good. */
const RETENTION = '7 days';
/** The role the Temporal server connects as (trust on loopback: no password). */
const TEMPORAL_ROLE = 'temporal';
const DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

/** What the first start fixed: the shard count cannot change, ports are kept for the membership ring. */
interface ClusterState {
  numHistoryShards: number;
  /** Kept, so that a ledger URL given out once (DATABASE_URL) stays valid. */
  postgresPort: number;
  ports: Record<(typeof SERVICES)[number], { grpc: number; membership: number }> & { http: number };
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const executables = clusterExecutables();
  const dataDir = options.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as its own user, which must traverse (not list) this directory.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o711);
  const state = await clusterState(options);
  // Another server on one of these ports would answer the health check in this one's place.
  for (const [service, port] of servicePorts(state))
    if (!(await isFree(port)))
      throw new Error(
        `${PORT_OPTION[service] ?? 'the Temporal server'}: ${service} port 127.0.0.1:${port} is in use`,
      );
  const namespace = options.namespace ?? 'default';
  const postgres = await startPostgres({
    dataDir: join(dataDir, 'postgres'),
    port: state.postgresPort,
    durable: options.durable ?? true,
  });
  let server: Supervised | undefined;
  let connection: Connection | undefined;
  try {
    await setUpSchema(postgres, executables);
    const root = writeServerConfig(dataDir, state, postgres.port, options.searchAttributesUncached ?? false);
    server = await startServer(executables, root, state, options.log);
    connection = await Connection.connect({ address: `127.0.0.1:${state.ports.frontend.grpc}` });
    await registerNamespace(connection, namespace);
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify(state, null, 2), { mode: 0o600 });
  } catch (err) {
    await connection?.close();
    await server?.stop();
    postgres.stop();
    throw err;
  }
  const open = connection;
  const running = server;
  return {
    address: `127.0.0.1:${state.ports.frontend.grpc}`,
    namespace,
    postgresUrl: (database) => postgres.url(database),
    ensureDatabase: (name) => postgres.ensureDatabase(name),
    createNamespace: (name) => registerNamespace(open, name),
    async stop() {
      await open.close();
      await running.stop();
      postgres.stop();
    },
  };
}

async function clusterState(options: ClusterOptions): Promise<ClusterState> {
  const file = join(options.dataDir, 'cluster.json');
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
    if (options.numHistoryShards !== undefined && options.numHistoryShards !== state.numHistoryShards)
      throw new Error(
        `numHistoryShards: the cluster in ${options.dataDir} has ${state.numHistoryShards} history shards, ` +
          'fixed when it was created; a different count needs a new cluster',
      );
    if (options.temporalPort !== undefined) state.ports.frontend.grpc = options.temporalPort;
    if (options.postgresPort !== undefined) state.postgresPort = options.postgresPort;
    return state;
  }
  const grpc = async (service: (typeof SERVICES)[number]) => ({
    grpc: service === 'frontend' && options.temporalPort ? options.temporalPort : await freePort(),
    membership: await freeSmallPort(),
  });
  return {
    numHistoryShards: options.numHistoryShards ?? DEFAULT_HISTORY_SHARDS,
    postgresPort: options.postgresPort ?? (await freePort()),
    ports: {
      frontend: await grpc('frontend'),
      history: await grpc('history'),
      matching: await grpc('matching'),
      worker: await grpc('worker'),
      http: await freePort(),
    },
  };
}

const PORT_OPTION: Record<string, string> = { 'frontend gRPC': 'temporalPort', PostgreSQL: 'postgresPort' };

function servicePorts(state: ClusterState): [string, number][] {
  return [
    ...SERVICES.flatMap((service): [string, number][] => [
      [`${service} gRPC`, state.ports[service].grpc],
      [`${service} membership`, state.ports[service].membership],
    ]),
    ['frontend HTTP', state.ports.http],
    ['PostgreSQL', state.postgresPort],
  ];
}

/**
 * The SQL tool's set-up: a database it has not made yet is created and stamped at version 0.0;
 * every start then updates each to the newest versioned schema the provisioned server ships.
 */
async function setUpSchema(postgres: PostgresServer, executables: ClusterExecutables): Promise<void> {
  await postgres.execute(
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEMPORAL_ROLE}') THEN
         CREATE ROLE ${TEMPORAL_ROLE} LOGIN CREATEDB;
       END IF;
     END $$`,
  );
  const existing = await postgres.databases();
  for (const { name, schema } of DATABASES) {
    const sql = (...args: string[]) =>
      run(executables.sqlTool, [
        '--plugin',
        'postgres12',
        '--ep',
        '127.0.0.1',
        '--port',
        String(postgres.port),
        '--user',
        TEMPORAL_ROLE,
        '--db',
        name,
        ...args,
      ]);
    if (!existing.includes(name)) {
      await sql('create-database');
      await sql('setup-schema', '-v', '0.0');
    }
    await sql('update-schema', '-d', join(executables.schemaDir, schema, 'versioned'));
  }
}

/**
 * The server's configuration, written on every start (a second start may use another PostgreSQL
 * port). YAML is a superset of JSON, so both files are written as JSON.
 */
function writeServerConfig(
  dataDir: string,
  state: ClusterState,
  postgresPort: number,
  searchAttributesUncached: boolean,
): string {
  const root = join(dataDir, 'temporal');
  mkdirSync(join(root, 'config'), { recursive: true, mode: 0o700 });
  const dynamicConfig = join(root, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfig, JSON.stringify(dynamicConfigFile({ searchAttributesUncached }), null, 2));
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${postgresPort}`,
      connectProtocol: 'tcp',
      user: TEMPORAL_ROLE,
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (service: (typeof SERVICES)[number]) => ({
    rpc: {
      grpcPort: state.ports[service].grpc,
      membershipPort: state.ports[service].membership,
      bindOnLocalHost: true,
      ...(service === 'frontend' ? { httpPort: state.ports.http } : {}),
    },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: state.numHistoryShards,
      datastores: {
        'postgres-default': datastore('temporal', 20),
        'postgres-visibility': datastore('temporal_visibility', 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(SERVICES.map((service) => [service, rpc(service)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${state.ports.frontend.grpc}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfig, pollInterval: '60s' },
  };
  writeFileSync(join(root, 'config', 'production.yaml'), JSON.stringify(config, null, 2));
  return root;
}

/**
 * The server's dynamic config file: the engine's settings, the same as the dev server's
 * (DEV_SERVER_DYNAMIC_CONFIG; docker-compose.yml mounts deploy/temporal-dynamic-config.json, this
 * file for production), and for tests search attributes read uncached.
 */
export function dynamicConfigFile(
  options: { searchAttributesUncached?: boolean } = {},
): Record<string, { value: unknown; constraints: object }[]> {
  const settings = {
    ...DEV_SERVER_DYNAMIC_CONFIG,
    ...(options.searchAttributesUncached ? { 'system.forceSearchAttributesCacheRefreshOnRead': true } : {}),
  };
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, [{ value, constraints: {} }]]),
  );
}

const START_TIMEOUT_MS = 120_000;

/** Starts the server in its own process group (as `sla up` does its other children) and waits for its frontend. */
async function startServer(
  executables: ClusterExecutables,
  root: string,
  state: ClusterState,
  log: ((line: string) => void) | undefined,
): Promise<Supervised> {
  const spawnServer = (): ChildProcess => {
    const child = spawn(
      executables.server,
      ['--root', root, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    for (const stream of [child.stdout, child.stderr])
      if (stream) createInterface({ input: stream }).on('line', (line) => log?.(line));
    return child;
  };
  const child = spawnServer();
  let onExit: (() => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = () => reject(new Error(`the Temporal server exited during start (see its log)`));
    child.once('exit', onExit);
  });
  try {
    await Promise.race([serving(`127.0.0.1:${state.ports.frontend.grpc}`), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  if (onExit) child.removeListener('exit', onExit);
  return supervise('Temporal server', spawnServer, { running: child });
}

/** Resolves once the frontend answers its health check as serving. */
async function serving(address: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        const { status } = await connection.healthService.check({
          service: 'temporal.api.workflowservice.v1.WorkflowService',
        });
        if (status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`the Temporal frontend on ${address} did not answer`, { cause: err });
    }
    if (Date.now() > deadline) throw new Error(`the Temporal frontend on ${address} is not serving`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** gRPC status ALREADY_EXISTS: a second start finds its namespace registered. */
const ALREADY_EXISTS = 6;

/**
 * Registers the namespace (unless it exists) with the engine's search attributes (those it lacks),
 * then waits until a visibility query on them answers: the frontend resolves a new namespace and
 * its attributes through caches, and the engine's first start or listing must not meet those.
 */
export async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(RETENTION),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = SEARCH_ATTRIBUTES.filter((a) => !customAttributes?.[a.name]);
      if (missing.length)
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED_VALUE_TYPE[a.type]])),
        });
      await connection.workflowService.listWorkflowExecutions({
        namespace,
        pageSize: 1,
        query: SEARCH_ATTRIBUTES.map((a) => `${a.name} IS NULL`).join(' AND '),
      });
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`namespace ${namespace}: not usable after registration`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
