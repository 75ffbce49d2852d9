/**
 * The engine on the time-skipping test server, talking to a real SMTP server and a real paging
 * receiver, with its outcome file in a temporary directory: what the workflow tests drive.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { smtpMailer } from '../../src/activities/email';
import { fileOutcomeStore, type OutcomeStore } from '../../src/activities/outcomes';
import { httpPagingSink } from '../../src/activities/paging';
import { BusinessCalendar } from '../../src/calendar';
import { SlaClient } from '../../src/client';
import { staticDirectory, type CustomerResidency } from '../../src/customers/directory';
import { loadPolicy, type LoadedPolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import type { Roster } from '../../src/roster/schema';
import { TEST_CODEC_KEYS, testDataConverter } from './codec';
import { TestPager } from './pager';
import { TestSmtpServer } from './smtp';
import { startDevServer, startTimeSkipping, workflowBundle } from './temporal';

export const WORKFLOWS = join(__dirname, '..', '..', 'src', 'workflows', 'index.ts');

export interface Engine {
  env: TestWorkflowEnvironment;
  client: SlaClient;
  smtp: TestSmtpServer;
  pager: TestPager;
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
  stop(): Promise<void>;
}

export interface EngineOptions {
  customers?: CustomerResidency[];
  policy?: LoadedPolicy;
  roster?: Roster;
  /** false: no worker in this process (a test runs `sla worker` as a child process instead). */
  inProcessWorker?: boolean;
  /** The time-skipping test server (default), or the real dev server where time is real. */
  server?: 'time-skipping' | 'dev';
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
  const outcomesFile = join(mkdtempSync(join(tmpdir(), 'sla-outcomes-')), 'ticket-outcomes.jsonl');
  const outcomes = fileOutcomeStore(outcomesFile);
  const taskQueue = 'engine-test';
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await Worker.create({
          connection: env.nativeConnection,
          taskQueue,
          workflowBundle: await workflowBundle(WORKFLOWS),
          activities: createActivities({
            policy: () => policy,
            roster: () => roster,
            customers: staticDirectory(options.customers ?? []),
            mailer: smtpMailer(smtpUrl),
            emailFrom: 'SLA engine <sla-engine@test.example>',
            paging: httpPagingSink(pagerUrl),
            outcomes,
          }),
          dataConverter,
        });
  const running = worker?.run();

  let current = await env.currentTimeMs();
  // The time-skipping server may skip time past a workflow task in progress: give tasks room.
  const client = new SlaClient(env.client, taskQueue, {
    now: () => current,
    ...(timeSkipping ? { workflowTaskTimeout: '1 hour' } : {}),
  });

  return {
    env,
    client,
    smtp,
    pager,
    outcomes,
    policy,
    calendar: new BusinessCalendar(policy.policy),
    taskQueue,
    now: () => current,
    async advanceTo(t) {
      current = await env.currentTimeMs();
      if (t > current) await env.sleep(t - current);
      current = await env.currentTimeMs();
    },
    async waitFor(check, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const value = await check();
          if (value) return value;
        } catch (err) {
          if (Date.now() > deadline) throw err;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    workerEnv: {
      TEMPORAL_ADDRESS: env.address,
      SLA_TASK_QUEUE: taskQueue,
      SLA_SMTP_URL: smtpUrl,
      SLA_PAGING_URL: pagerUrl,
      SLA_OUTCOMES_FILE: outcomesFile,
      SLA_EMAIL_FROM: 'SLA engine <sla-engine@test.example>',
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    },
    async stop() {
      worker?.shutdown();
      await running;
      await env.teardown();
      await Promise.all([smtp.stop(), pager.stop()]);
    },
  };
}
