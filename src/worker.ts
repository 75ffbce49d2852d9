/**
 * The worker process: runs the engine's workflows and activities on the configured task queue.
 * Stops gracefully on SIGINT/SIGTERM (the SDK drains in-flight tasks first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { outboxMailer, smtpMailer } from './activities/email';
import { filePagingSink, httpPagingSink } from './activities/paging';
import { ledgerDirectory } from './customers/directory';
import { describeLedger, openLedger } from './ledger';
import type { Ledger } from './ledger/types';
import { loadRoster, rosterWarnings } from './roster/load';
import { WORKFLOW_BUNDLE, WORKFLOW_INTERCEPTORS } from './build/bundle-workflows';
import { codecKeys, workerDataConverter } from './codec';
import type { Config } from './config';
import { ensureBillingSchedule } from './billing-schedule';
import { connectClient, connectWorker } from './connection';
import { requireSearchAttributes } from './namespace-attributes';
import { policyRecord, type LoadedPolicy } from './policy/load';
import { timedLedger } from './metrics/ledger';
import { countOpenTickets } from './metrics/open-tickets';
import { serveWorkerMetrics } from './metrics/serve';
import { startTracing, workerTracing, type Tracing } from './traces';

/**
 * The real world the activities talk to, from the configuration and the opened ledger; the
 * Temporal client is added once connected.
 */
export function realDeps(
  config: Config,
  policy: LoadedPolicy,
  ledger: Ledger,
): Omit<ActivityDeps, 'temporal'> {
  const roster = loadRoster();
  // Said once at start, where the operator of `sla up` looks; the worker runs on (see rosterWarnings).
  for (const warning of rosterWarnings(roster)) console.warn(`worker: warning: ${warning}`);
  return {
    policy: () => policy,
    roster: () => roster,
    customers: ledgerDirectory(ledger),
    mailer: config.smtpUrl ? smtpMailer(config.smtpUrl) : outboxMailer(config.outboxDir),
    emailFrom: config.emailFrom,
    paging: config.pagingUrl ? httpPagingSink(config.pagingUrl) : filePagingSink(config.pagingLog),
    ledger,
  };
}

/**
 * How the worker holds open tickets, shared with the benchmarks so that what they measure is what
 * runs. The workflow cache is most of the worker's memory: a cached ticket costs ~250 KiB, an
 * evicted one little until its next task replays it from its history (a few dozen events).
 * Measured with `npm run bench -- memory` (docs/configuration.md#worker-memory).
 */
export function workerTuning(config: Pick<Config, 'workflowCacheSize'>) {
  return { maxCachedWorkflows: config.workflowCacheSize } satisfies Partial<WorkerOptions>;
}

export interface WorkerStartOptions {
  /**
   * A workflow bundle already made (bundleWorkflowCode with the engine's failure converter), in
   * place of dist/workflow-bundle.js: drills that restart worker processes from source bundle once
   * instead of running webpack in every process.
   */
  workflowBundlePath?: string;
  /** This process's tracing (src/traces.ts), when on: activity spans and the workflows' sink. */
  tracing?: Tracing;
}

/**
 * The worker, the ledger it opened (migrated) and the client its activities use (the month
 * close's open outages, late records' re-runs); the caller closes both after the run.
 */
export async function createWorker(
  config: Config,
  policy: LoadedPolicy,
  options: WorkerStartOptions = {},
): Promise<{ worker: Worker; ledger: Ledger; client: Client }> {
  const ledger = await openLedger(config);
  const bundlePath =
    options.workflowBundlePath ?? (existsSync(WORKFLOW_BUNDLE) ? WORKFLOW_BUNDLE : undefined);
  let client: Client | undefined;
  try {
    await ledger.migrate();
    // Every policy version the engine judges by is in the ledger (I15), for a month to name.
    await ledger.recordPolicyVersion(policyRecord(policy));
    // a bad roster file stops here, before connecting; every write timed (sla_ledger_write_seconds)
    const deps = realDeps(config, policy, timedLedger(ledger));
    // Marks what the engine did not encrypt, for the workflow interceptors to refuse.
    const dataConverter = workerDataConverter(codecKeys(config));
    client = await connectClient(config);
    await requireSearchAttributes(client, config.namespace, (message) => console.warn(`worker: ${message}`));
    const connection = await connectWorker(config);
    const traced = await workerTracing(options.tracing);
    const worker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      // The bundle made at build time when there is one (with the failure converter and the
      // interceptors in it); else webpack runs now (development) and takes the failure converter
      // from dataConverter and the interceptors from here.
      ...(bundlePath
        ? { workflowBundle: { codePath: bundlePath } }
        : { workflowsPath: join(__dirname, 'workflows') }),
      interceptors: {
        ...(bundlePath ? {} : { workflowModules: WORKFLOW_INTERCEPTORS }),
        activity: traced.activityInterceptors,
      },
      sinks: traced.sinks,
      activities: createActivities({ ...deps, temporal: client }),
      dataConverter,
      ...workerTuning(config),
    });
    return { worker, ledger, client };
  } catch (err) {
    await client?.connection.close();
    await ledger.close();
    throw err;
  }
}

export async function runWorker(
  config: Config,
  policy: LoadedPolicy,
  options: WorkerStartOptions = {},
): Promise<void> {
  installSdkMetrics(config);
  const tracing = await startTracing(config, 'sla-worker');
  const { worker, ledger, client } = await createWorker(config, policy, { ...options, tracing });
  await ensureScheduleOrWarn(client, config, policy);
  const metrics = await serveMetrics(config, client).catch(async (err: unknown) => {
    await client.connection.close();
    await ledger.close();
    throw err;
  });
  console.log(
    `worker: polling task queue ${config.taskQueue} on ${config.temporalAddress} (policy ${policy.version}, ${describeLedger(config)})`,
  );
  try {
    await worker.run();
  } finally {
    metrics?.close();
    await client.connection.close();
    await ledger.close();
    await tracing?.shutdown();
  }
  console.log('worker: stopped');
}

/**
 * The month-close Schedule (I14), created or updated at every worker start so a deployment needs
 * no extra step. A failure here is logged, not fatal: tickets and outages must not wait on it,
 * and `sla credits schedule ensure` or `sla credits run` remain. Through the client the
 * activities use: the worker needs no second connection for it.
 */
async function ensureScheduleOrWarn(client: Client, config: Config, policy: LoadedPolicy): Promise<void> {
  try {
    const what = await ensureBillingSchedule(client, {
      taskQueue: config.taskQueue,
      zone: policy.policy.month.timeZone,
    });
    console.log(`worker: billing schedule ${what}`);
  } catch (err) {
    console.error(`worker: billing schedule not ensured: ${(err as Error).message}`);
  }
}

/**
 * The SDK's own metrics (task slots, poll latency, sticky cache, activity and workflow task
 * latencies), served by its core runtime on SLA_WORKER_SDK_METRICS_PORT. The runtime is
 * installed once per process, before its first connection: hence here, before createWorker.
 */
function installSdkMetrics(config: Config): void {
  const { host, sdkPort } = config.workerMetrics;
  if (sdkPort === undefined) return;
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `${host}:${sdkPort}`, useSecondsForDurations: true } },
    },
  });
  console.log(`worker: Temporal SDK metrics on http://${host}:${sdkPort}/metrics`);
}

/**
 * The engine's metrics on SLA_WORKER_METRICS_PORT, with the open tickets counted through the
 * worker's client. A port taken stops the worker before it polls: a worker that cannot be
 * watched is not started quietly.
 */
async function serveMetrics(config: Config, client: Client) {
  const { host, port } = config.workerMetrics;
  if (port === undefined) return undefined;
  const server = await serveWorkerMetrics({ host, port, token: config.metricsToken });
  const stopCounting = countOpenTickets(client);
  console.log(`worker: metrics on http://${host}:${port}/metrics`);
  return {
    close() {
      stopCounting();
      server.close();
    },
  };
}
