/**
 * The worker process: runs the engine's workflows and activities on the configured task queue.
 * Stops gracefully on SIGINT/SIGTERM (the SDK drains in-flight tasks first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { outboxMailer, smtpMailer } from './activities/email';
import { fileOutcomeStore } from './activities/outcomes';
import { filePagingSink, httpPagingSink } from './activities/paging';
import { loadCustomerDirectory } from './customers/directory';
import { loadRoster } from './roster/load';
import { WORKFLOW_BUNDLE } from './build/bundle-workflows';
import { codecDataConverter, codecKeys } from './codec';
import type { Config } from './config';
import { connectWorker } from './connection';
import type { LoadedPolicy } from './policy/load';

/** The real world the activities talk to, from the configuration. */
export function realDeps(config: Config, policy: LoadedPolicy): ActivityDeps {
  const roster = loadRoster();
  return {
    policy: () => policy,
    roster: () => roster,
    customers: loadCustomerDirectory(),
    mailer: config.smtpUrl ? smtpMailer(config.smtpUrl) : outboxMailer(config.outboxDir),
    emailFrom: config.emailFrom,
    paging: config.pagingUrl ? httpPagingSink(config.pagingUrl) : filePagingSink(config.pagingLog),
    outcomes: fileOutcomeStore(config.outcomesFile),
  };
}

export async function createWorker(config: Config, policy: LoadedPolicy): Promise<Worker> {
  const deps = realDeps(config, policy); // bad roster or customers files stop here, before connecting
  const dataConverter = codecDataConverter(codecKeys(config));
  const connection = await connectWorker(config);
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    // The bundle made at build time when there is one (with the failure converter in it); else
    // webpack runs now (development) and takes the failure converter from dataConverter.
    ...(existsSync(WORKFLOW_BUNDLE)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE } }
      : { workflowsPath: join(__dirname, 'workflows') }),
    activities: createActivities(deps),
    dataConverter,
  });
}

export async function runWorker(config: Config, policy: LoadedPolicy): Promise<void> {
  const worker = await createWorker(config, policy);
  console.log(
    `worker: polling task queue ${config.taskQueue} on ${config.temporalAddress} (policy ${policy.version})`,
  );
  await worker.run();
  console.log('worker: stopped');
}
