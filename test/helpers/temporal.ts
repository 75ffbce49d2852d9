/**
 * Test environments on real Temporal servers, started from the executables that
 * scripts/provision-servers.sh installed (see src/temporal-servers.ts):
 *  - time-skipping: the Java test server; durable timers fire as soon as the workflow is idle;
 *  - dev server: the Temporal CLI's server, with visibility and our search attributes.
 */
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/build/bundle-workflows';
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

const INDEXED_VALUE_TYPE: Record<
  (typeof SEARCH_ATTRIBUTES)[number]['type'],
  temporal.api.enums.v1.IndexedValueType
> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

export async function startDevServer(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
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

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** Bundles a workflows module once per test file (bundling takes seconds; workers reuse it). */
export function workflowBundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    // The same bundling as the build's (the engine's failure converter).
    bundle = bundleWorkflows(workflowsPath, { quiet: true });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}
