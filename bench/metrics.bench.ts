/**
 * Metrics benchmark: the CPU time (process.cpuUsage, user + system, of this process: the worker's
 * side) and the wall time of one scrape of the worker's GET /metrics, with no ticket open and
 * with N open (BENCH_METRICS_TICKETS, default 10,000), on the dev server. A scrape that counts
 * (sla_tickets_open's 18 visibility counts, once per 15 s) and one answered from that count are
 * measured apart. The open tickets are ticketWorkflow executions started with their search
 * attributes and no worker polling them: visibility holds them as the engine's open tickets, and
 * they open in seconds, not the minutes that running 10,000 ticket workflows takes. The Temporal
 * server's own CPU for the counts is not in these figures.
 */
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { LEVELS } from '../src/model/message-checks';
import { SLA_STATES } from '../src/model/ticket';
import { countOpenTickets, MAX_AGE_MS } from '../src/metrics/open-tickets';
import { serveWorkerMetrics } from '../src/metrics/serve';
import { SEARCH_ATTRIBUTES, SlaLevel, SlaState } from '../src/search-attributes';
import { devServerArgs, devServerExecutable } from '../src/temporal-servers';
import { pool, WIDTH, type BenchResult } from './util';

const ROUNDS = 20;

export async function metricsBench(): Promise<BenchResult[]> {
  const n = Number(process.env.BENCH_METRICS_TICKETS ?? 10_000);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
      extraArgs: devServerArgs(),
    },
  });
  const server = await serveWorkerMetrics({ host: '127.0.0.1', port: 0, token: undefined });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  // A clock that this bench moves past the count's age, to measure a counting scrape at will.
  let clock = 0;
  const stop = countOpenTickets(env.client, () => clock);
  const results: BenchResult[] = [];
  try {
    const scrape = async () => {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const text = await (await fetch(url)).text();
      const wall = performance.now() - t0;
      const { user, system } = process.cpuUsage(cpu);
      return { cpuMs: (user + system) / 1000, wallMs: wall, text };
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const measureAt = async (label: string) => {
      const counting: { cpuMs: number; wallMs: number }[] = [];
      const cached: { cpuMs: number; wallMs: number }[] = [];
      await scrape(); // warm-up: the connection, the JIT
      for (let r = 0; r < ROUNDS; r++) {
        clock += MAX_AGE_MS;
        counting.push(await scrape());
        cached.push(await scrape());
      }
      const open = /sla_tickets_open\{state="on-track",level="L1"\} (\d+)/.exec((await scrape()).text)?.[1];
      for (const [kind, xs] of [
        ['counting', counting],
        ['cached', cached],
      ] as const) {
        const cpu = median(xs.map((x) => x.cpuMs));
        const wall = median(xs.map((x) => x.wallMs));
        console.log(
          `metrics: ${label}, ${kind} scrape: CPU ${cpu.toFixed(2)} ms, wall ${wall.toFixed(1)} ms (median of ${ROUNDS}; on-track L1 counted ${open})`,
        );
        results.push({ name: `metrics scrape CPU, ${label}, ${kind}`, opsPerSecond: cpu * 1000, unit: 'µs' });
      }
    };
    await measureAt('no ticket open');
    const started = performance.now();
    await pool(n, WIDTH, (i) =>
      env.client.workflow.start('ticketWorkflow', {
        taskQueue: 'metrics-bench-unpolled',
        workflowId: `metrics-bench-${i}`,
        args: [],
        typedSearchAttributes: [
          { key: SlaState, value: i % 2 ? SLA_STATES[0] : SLA_STATES[i % SLA_STATES.length]! },
          { key: SlaLevel, value: LEVELS[i % LEVELS.length]! },
        ],
      }),
    );
    console.log(
      `metrics: ${n} open tickets started in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // Visibility is eventually consistent: wait until it counts them all.
    while (
      (await env.client.workflow.count(`WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running'`))
        .count < n
    )
      await new Promise((r) => setTimeout(r, 200));
    await measureAt(`${n.toLocaleString('en-US')} tickets open`);
  } finally {
    stop();
    server.close();
    await env.teardown();
  }
  return results;
}
