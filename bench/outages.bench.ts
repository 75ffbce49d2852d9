/**
 * Outage benchmark (C9, I7), on the real dev server with the engine's worker in this process:
 * report-to-first-page latency, p50/p99, measured where the page lands (a real HTTP Events API
 * receiver), beside a bare workflow that runs the one paging activity, started the same way in
 * the same run, interleaved; target p99 ≤ 1 s, and the ratio says what the outage workflow adds
 * (update-with-start, the policy and roster lookups) over the least a page can cost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { outboxMailer } from '../src/activities/email';
import { httpPagingSink } from '../src/activities/paging';
import { OutageClient } from '../src/clients/outages';
import { ledgerDirectory } from '../src/customers/directory';
import { loadPolicy } from '../src/policy';
import { loadRoster } from '../src/roster/load';
import { SEARCH_ATTRIBUTES } from '../src/search-attributes';
import { devServerExecutable } from '../src/temporal-servers';
import { createTestLedger } from '../test/helpers/ledger';
import { TestPager } from '../test/helpers/pager';
import type { BenchResult } from './util';

const ROUNDS = 60;
const WARM_UP = 5;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function outagesBench(): Promise<BenchResult[]> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'sla-bench-outages-'));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  const pager = new TestPager();
  const pagerUrl = await pager.start();
  // The receiver's clock at the moment each trigger arrives, by dedup key.
  const received = new Map<string, number>();
  const origin = pager.events.push.bind(pager.events);
  pager.events.push = (...events) => {
    const now = performance.now();
    for (const e of events)
      if (e.event_action === 'trigger' && !received.has(e.dedup_key)) received.set(e.dedup_key, now);
    return origin(...events);
  };
  const policy = loadPolicy({});
  const roster = loadRoster(undefined);
  const ledger = await createTestLedger('pglite');
  const taskQueue = 'bench-outages';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'workflows.ts'),
      logger: new DefaultLogger('WARN'),
    }),
    activities: createActivities({
      policy: () => policy,
      roster: () => roster,
      customers: ledgerDirectory(ledger),
      mailer: outboxMailer(join(dir, 'outbox')),
      emailFrom: 'bench@localhost',
      paging: httpPagingSink(pagerUrl),
      ledger,
      temporal: env.client,
    }),
  });
  const running = worker.run();
  const outages = new OutageClient(env.client, taskQueue);

  const arrival = async (dedupKey: string) => {
    const deadline = performance.now() + 30_000;
    while (!received.has(dedupKey) && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 2));
    return received.get(dedupKey) ?? deadline;
  };
  const outageLatency = async (i: number) => {
    const start = performance.now();
    await outages.reportOutage({
      key: `bench-${i}`,
      summary: 'bench outage',
      regions: ['ca-central'],
      source: 'bench',
    });
    return (await arrival(`outage-bench-${i}:outage-primary:oncall.toronto`)) - start;
  };
  const bareLatency = async (i: number) => {
    const dedupKey = `bare-${i}`;
    const start = performance.now();
    await env.client.workflow.start('pageOnce', {
      taskQueue,
      workflowId: dedupKey,
      args: [
        {
          routingKey: 'routing-l3-oncall',
          action: 'trigger',
          dedupKey,
          summary: 'bench page',
          severity: 'critical',
        },
      ],
    });
    return (await arrival(dedupKey)) - start;
  };

  const latencies = { outage: [] as number[], bare: [] as number[] };
  try {
    for (let i = 0; i < WARM_UP; i++) {
      await bareLatency(-1 - i);
      await outageLatency(-1 - i);
    }
    // One at a time, alternating, so that both see the same machine and server.
    for (let i = 0; i < ROUNDS; i++) {
      latencies.bare.push(await bareLatency(i));
      latencies.outage.push(await outageLatency(i));
    }
  } finally {
    worker.shutdown();
    await running;
    await pager.stop();
    await env.teardown();
    await ledger.cleanup();
  }
  const outage = latencies.outage.sort((a, b) => a - b);
  const bare = latencies.bare.sort((a, b) => a - b);
  const [o50, o99, b50, b99] = [
    percentile(outage, 50),
    percentile(outage, 99),
    percentile(bare, 50),
    percentile(bare, 99),
  ];
  console.log(
    `outages: report→first page p50 ${o50.toFixed(0)} ms, p99 ${o99.toFixed(0)} ms; ` +
      `bare one-activity workflow start→page p50 ${b50.toFixed(0)} ms, p99 ${b99.toFixed(0)} ms (${ROUNDS} each)`,
  );
  return [
    { name: 'outages: report→first page p50', opsPerSecond: o50, unit: 'ms' },
    {
      name: 'outages: report→first page p99',
      opsPerSecond: o99,
      unit: 'ms',
      target: '≤ 1000 ms',
      met: o99 <= 1000,
    },
    { name: 'outages: bare one-activity workflow→page p50', opsPerSecond: b50, unit: 'ms' },
    { name: 'outages: bare one-activity workflow→page p99', opsPerSecond: b99, unit: 'ms' },
    { name: 'outages: report→page ÷ bare, p50', opsPerSecond: o50 / b50, unit: 'ratio' },
    { name: 'outages: report→page ÷ bare, p99', opsPerSecond: o99 / b99, unit: 'ratio' },
  ];
}
