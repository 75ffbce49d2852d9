/**
 * Test environments on real Temporal servers, started from the executables that
 * scripts/provision-servers.sh installed (see src/temporal-servers.ts):
 *  - time-skipping: the Java test server; durable timers fire as soon as the workflow is idle;
 *  - dev server: the Temporal CLI's server, with visibility and our search attributes; in the
 *    cluster tier (SLA_TEST_CLUSTER_ADDRESS, test/helpers/cluster-setup.ts), a namespace of its
 *    own on the tier's Temporal cluster instead.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/build/bundle-workflows';
import { registerNamespace } from '../../src/cluster';
import { INDEXED_VALUE_TYPE } from '../../src/namespace-attributes';
import { SEARCH_ATTRIBUTES } from '../../src/search-attributes';
import { devServerArgs, devServerExecutable, testServerExecutable } from '../../src/temporal-servers';

// Workers log their state changes at INFO; tests only want warnings and errors.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** `dataConverter`: the client's (the engine passes its payload codec; harness tests none). */
export async function startTimeSkipping(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServerExecutable() },
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  // The engine's workflows keep these current; the test server must know them like a cluster.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((a) => [a.name, INDEXED_VALUE_TYPE[a.type]])),
  });
  return env;
}

/**
 * A real server where time is real: the dev server, or in the cluster tier a new namespace on the
 * tier's cluster (with the engine's search attributes), so that the files sharing the cluster see
 * none of each other's workflows, Schedules or task queues.
 */
export async function startDevServer(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const cluster = process.env.SLA_TEST_CLUSTER_ADDRESS;
  if (cluster) return onCluster(cluster, dataConverter);
  return TestWorkflowEnvironment.createLocal({
    ...(dataConverter ? { client: { dataConverter } } : {}),
    server: {
      executable: devServerExecutable(),
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
      // The same dynamic config as `sla up`, so that tests run what production-on-one-machine runs.
      extraArgs: devServerArgs(),
    },
  });
}

async function onCluster(address: string, dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const namespace = `test-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  try {
    await registerNamespace(connection, namespace);
  } finally {
    await connection.close();
  }
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace,
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
}

/** What a process of the engine (`sla …`, a worker) needs to reach this environment's server. */
export function serverSettings(env: TestWorkflowEnvironment): Record<string, string> {
  return { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' };
}

const bundles = new Map<string, Promise<{ code: string }>>();

/**
 * Bundles a workflows module once per test file, and once per machine for the same sources: the
 * bundle is kept in the temporary directory under a hash of everything it is made from (src/, the
 * module's own folder, package-lock.json), so the test files of a run share one webpack run
 * (seconds of CPU each, on cores the other files need) instead of each bundling again.
 */
export function workflowBundle(workflowsPath: string): Promise<{ code: string }> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = cachedBundle(workflowsPath);
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

const ROOT = join(__dirname, '..', '..');

async function cachedBundle(workflowsPath: string): Promise<{ code: string }> {
  const hash = createHash('sha256').update(workflowsPath);
  const sources = [join(ROOT, 'src'), dirname(workflowsPath), join(ROOT, 'package-lock.json')];
  for (const source of sources)
    for (const file of filesUnder(source)) hash.update(file).update(readFileSync(file));
  const path = join(tmpdir(), `sla-workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(path)) return { code: readFileSync(path, 'utf8') };
  // The same bundling as the build's (the engine's failure converter).
  const bundle = await bundleWorkflows(workflowsPath, { quiet: true });
  // Atomic: a test process racing this one reads either nothing or the whole bundle.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, bundle.code);
  renameSync(partial, path);
  return bundle;
}

/**
 * The sources a bundle is built from. Dot-entries are left out: the non-determinism test keeps a
 * scratch copy of the workflows in a dot-directory under src/workflows for a few seconds, and a
 * file that vanishes between the listing and its stat would fail another file's worker start.
 */
function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => !name.split(sep).some((part) => part.startsWith('.')))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false);
}
