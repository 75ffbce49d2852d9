/**
 * The engine on the time-skipping test server, talking to a real SMTP server and a real paging
 * receiver, with its ledger in a temporary directory (or database): what the workflow tests drive.
 */
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../src/activities';
import { smtpMailer } from '../../src/activities/email';
import type { OutcomeStore } from '../../src/ledger/types';
import { httpPagingSink } from '../../src/activities/paging';
import { BusinessCalendar } from '../../src/calendar';
import type { ClientOptions } from '../../src/clients/calls';
import { MaintenanceClient } from '../../src/clients/maintenance';
import { OutageClient } from '../../src/clients/outages';
import { TicketClient } from '../../src/clients/tickets';
import { ledgerDirectory } from '../../src/customers/directory';
import type { CustomerRecord } from '../../src/ledger';
import { loadPolicy, policyRecord, type LoadedPolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import type { Roster } from '../../src/roster/schema';
import { createTestLedger, SINCE, type LedgerKind, type TestLedger } from './ledger';
import { TEST_CODEC_KEYS, testDataConverter, testWorkerDataConverter } from './codec';
import { TestPager } from './pager';
import { TestSmtpServer } from './smtp';
import { serverSettings, startDevServer, startTimeSkipping, workflowBundle } from './temporal';
import { waitFor } from './wait';

export const WORKFLOWS = join(__dirname, '..', '..', 'src', 'workflows', 'index.ts');

export interface Engine {
  env: TestWorkflowEnvironment;
  client: TicketClient;
  maintenance: MaintenanceClient;
  outages: OutageClient;
  smtp: TestSmtpServer;
  pager: TestPager;
  /** The engine's ledger (migrated, with the customers of the options). */
  ledger: TestLedger;
  /** The ledger, seen as the ticket outcome store. */
  outcomes: OutcomeStore;
  policy: LoadedPolicy;
  calendar: BusinessCalendar;
  taskQueue: string;
  /** The test server's current time (epoch ms). */
  now(): number;
  /** Moves the test server's clock forward to t, firing every timer on the way. */
  advanceTo(t: number): Promise<void>;
  /** Waits, in real time, until check() returns something truthy (workflows run in real time). */
  waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Settings that make `sla worker` in another process serve this engine. */
  workerEnv: Record<string, string>;
  /** The part of workerEnv a client needs: the `sla` command in another process talks to this engine. */
  clientEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Imported into the engine's ledger before the worker starts (e.g. canadaOnlyDataAccess, I13). */
  customers?: CustomerRecord[];
  /**
   * The ledger's store. Default: PGlite, or PostgreSQL without an in-process worker, since a
   * worker in another process cannot share this process's embedded ledger.
   */
  ledger?: LedgerKind;
  policy?: LoadedPolicy;
  roster?: Roster;
  /** false: no worker in this process (a test runs `sla worker` as a child process instead). */
  inProcessWorker?: boolean;
  /** The time-skipping test server (default), or the real dev server where time is real. */
  server?: 'time-skipping' | 'dev';
  /** Wraps the worker's activities (e.g. holds one back to open a race on purpose). */
  activities?: (built: Activities) => Activities;
}

export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const timeSkipping = options.server !== 'dev';
  // Payloads are encrypted as in production, so every engine test goes through the codec.
  const dataConverter = testDataConverter();
  const env = timeSkipping ? await startTimeSkipping(dataConverter) : await startDevServer(dataConverter);
  const smtp = new TestSmtpServer();
  const pager = new TestPager();
  const [smtpUrl, pagerUrl] = await Promise.all([smtp.start(), pager.start()]);
  const policy = options.policy ?? loadPolicy({});
  const roster = options.roster ?? loadRoster(undefined);
  const ledgerKind = options.ledger ?? (options.inProcessWorker === false ? 'postgres' : 'pglite');
  if (ledgerKind === 'pglite' && options.inProcessWorker === false)
    throw new Error(
      'a worker in another process needs the PostgreSQL ledger: the embedded one is per process',
    );
  const ledger = await createTestLedger(ledgerKind);
  // As `sla worker` does at start: the policy the engine judges by is in the ledger (I15).
  await ledger.recordPolicyVersion(policyRecord(policy));
  if (options.customers?.length) await ledger.importCustomers(options.customers, { effectiveAt: SINCE });
  const taskQueue = 'engine-test';
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await Worker.create({
          connection: env.nativeConnection,
          namespace: env.namespace ?? 'default',
          taskQueue,
          workflowBundle: await workflowBundle(WORKFLOWS),
          activities: (options.activities ?? ((built) => built))(
            createActivities({
              policy: () => policy,
              roster: () => roster,
              customers: ledgerDirectory(ledger),
              mailer: smtpMailer(smtpUrl),
              emailFrom: 'SLA engine <sla-engine@test.example>',
              paging: httpPagingSink(pagerUrl),
              ledger,
              temporal: env.client,
              // The test server's clock, which skips ahead: what activities record as "now".
              now: () => env.currentTimeMs(),
            }),
          ),
          dataConverter: testWorkerDataConverter(),
        });
  const running = worker?.run();

  let current = await env.currentTimeMs();
  // The time-skipping server may skip time past a workflow task in progress: give tasks room.
  const clientOptions: ClientOptions = {
    // On the dev server time is real: the client stamps what it receives with the real clock.
    now: timeSkipping ? () => current : () => Date.now(),
    ...(timeSkipping ? { workflowTaskTimeout: '1 hour' as const } : {}),
  };
  const client = new TicketClient(env.client, taskQueue, clientOptions);

  const clientEnv = {
    ...serverSettings(env),
    SLA_TASK_QUEUE: taskQueue,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
  };
  return {
    env,
    client,
    maintenance: new MaintenanceClient(env.client, taskQueue, clientOptions),
    outages: new OutageClient(env.client, taskQueue, clientOptions),
    smtp,
    pager,
    ledger,
    outcomes: ledger,
    policy,
    calendar: new BusinessCalendar(policy.policy),
    taskQueue,
    now: () => current,
    async advanceTo(t) {
      current = await env.currentTimeMs();
      if (t > current) await env.sleep(t - current);
      current = await env.currentTimeMs();
    },
    waitFor: (check, what, timeoutMs = 15_000) => waitFor(check, what, timeoutMs),
    workerEnv: {
      ...clientEnv,
      SLA_SMTP_URL: smtpUrl,
      SLA_PAGING_URL: pagerUrl,
      ...ledger.settings,
      SLA_EMAIL_FROM: 'SLA engine <sla-engine@test.example>',
    },
    clientEnv,
    async stop() {
      worker?.shutdown();
      await running;
      await env.teardown();
      await Promise.all([smtp.stop(), pager.stop(), ledger.cleanup()]);
    },
  };
}
