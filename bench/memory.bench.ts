/**
 * Worker memory: the resident memory of a worker process (`sla worker`, the built one) idle and
 * holding many open tickets, each left waiting on its clock, with the ticket throughput measured
 * at each of those points beside the same worker's throughput idle (the workflow cache bounds the
 * memory; what it costs is replaying evicted tickets, which the throughput shows).
 *
 * At every point, after its tickets are open and taken in by the worker (their search attributes
 * carry the level) and 10 s of settling: RSS, then a probe of PROBE tickets opened (until the
 * worker has taken them in) and PROBE status queries of tickets opened earlier, picked at random
 * (a query of an evicted ticket replays it).
 *
 * SLA_BENCH_MEMORY_SIZES=10000,50000 the open tickets at each point (default), and
 * SLA_BENCH_MEMORY_PROBE=300 the probe's size; SLA_WORKFLOW_CACHE_SIZE reaches the worker as it
 * would in production, SLA_BENCH_WORKER_NODE_OPTIONS the worker's NODE_OPTIONS. Needs `npm run build`. Opening 50,000 tickets takes tens of minutes on
 * the dev server: the bench prints the time each point took.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TicketClient } from '../src/clients/tickets';
import { loadConfig } from '../src/config';
import defaultPolicy from '../src/policy/default-policy.json';
import { TEST_CODEC_KEYS, testDataConverter } from '../test/helpers/codec';
import { fastPolicy } from '../test/helpers/fast-policy';
import { createTestLedger } from '../test/helpers/ledger';
import { TestPager } from '../test/helpers/pager';
import { startDevServer } from '../test/helpers/temporal';
import { newTicket } from '../test/helpers/tickets';
import { formatRate, pool, seededRandom, sleepMs, type BenchResult } from './util';

const dir = mkdtempSync(join(tmpdir(), 'sla-bench-memory-'));
const TASK_QUEUE = 'bench-memory';
// A Level 2 question (C10): its clock runs a business day, so nothing fires while the bench runs.
const SUBJECT = 'What is the best practice for rotas?';
const OPEN_WIDTH = 64;
const TAKE_IN_LIMIT_MS = 45 * 60_000;

/** The sizes from SLA_BENCH_MEMORY_SIZES, refused by name when not increasing whole numbers. */
function sizes(): number[] {
  const text = process.env.SLA_BENCH_MEMORY_SIZES ?? '10000,50000';
  const list = text.split(',').map(Number);
  if (list.some((n, i) => !Number.isInteger(n) || n < 2 || (i > 0 && n <= list[i - 1]!)))
    throw new Error(`SLA_BENCH_MEMORY_SIZES: expected increasing whole numbers ≥ 2, got ${text}`);
  return list;
}

function probeSize(): number {
  const n = Number(process.env.SLA_BENCH_MEMORY_PROBE ?? 300);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SLA_BENCH_MEMORY_PROBE: expected a whole number ≥ 1`);
  return n;
}

/** `sla worker` from dist/, resolved once it polls. */
async function startWorker(
  env: TestWorkflowEnvironment,
  policyFile: string,
  pagerUrl: string,
  ledger: Record<string, string>,
) {
  const child = spawn(process.execPath, [join(__dirname, '..', 'bin', 'sla'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      SLA_TASK_QUEUE: TASK_QUEUE,
      SLA_DATA_DIR: dir,
      SLA_POLICY_FILE: policyFile,
      SLA_PAGING_URL: pagerUrl,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
      // Node's options for the worker alone (a heap limit, say), not for this process.
      NODE_OPTIONS: process.env.SLA_BENCH_WORKER_NODE_OPTIONS ?? '',
      ...ledger,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (l) => {
        lines.push(l);
        if (l.includes('worker: polling')) resolve();
      });
    child.once('exit', (c) => reject(new Error(`worker exited ${c}:\n${lines.join('\n')}`)));
  });
  return child;
}

const rssMiB = (child: ChildProcess) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

export async function memoryBench(): Promise<BenchResult[]> {
  const points = sizes();
  const PROBE = probeSize();
  const cacheSize = loadConfig().workflowCacheSize;
  const policyFile = join(dir, 'bench-policy.json');
  writeFileSync(policyFile, JSON.stringify(fastPolicy(defaultPolicy.escalation.ticket.L1)));
  // The ledger served from this process as `sla up` serves it: the worker process's memory is
  // the worker's, not an embedded PostgreSQL's (PGlite alone is ~800 MiB resident).
  const ledger = await createTestLedger('served');
  const env = await startDevServer(testDataConverter());
  const pager = new TestPager();
  const pagerUrl = await pager.start();
  let worker: ChildProcess | undefined;
  try {
    worker = await startWorker(env, policyFile, pagerUrl, ledger.settings);
    const child = worker;
    const client = new TicketClient(env.client, TASK_QUEUE);
    const takenIn = async () =>
      (await env.client.workflow.count(`TaskQueue = '${TASK_QUEUE}' AND SlaLevel = 'L2'`)).count;
    let opened = 0;
    const open = (n: number, prefix: string) =>
      pool(n, OPEN_WIDTH, async (i) => {
        await client.openTicket(newTicket(`${prefix}-${i}`, { customerId: 'bench', subject: SUBJECT }));
        opened++;
      });
    const ids: string[] = [];
    /** Waits until the worker has taken in every opened ticket; the seconds it took from `since`. */
    const allTakenIn = async (since: number) => {
      const limit = Date.now() + TAKE_IN_LIMIT_MS;
      let peak = 0;
      for (let tries = 0; (await takenIn()) < opened; tries++) {
        if (Date.now() > limit) throw new Error(`the worker took in fewer than ${opened} tickets in time`);
        peak = Math.max(peak, rssMiB(child));
        if (tries % 60 === 0)
          console.log(
            `memory: ${await takenIn()} of ${opened} taken in, RSS ${rssMiB(child).toFixed(0)} MiB…`,
          );
        await sleepMs(1000);
      }
      return { seconds: (performance.now() - since) / 1000, peak };
    };
    const random = seededRandom(17);
    /** Tickets opened and taken in per second, and status queries per second of earlier tickets. */
    const probe = async (label: string) => {
      const earlier = [...ids];
      const start = performance.now();
      await open(PROBE, `probe-${label}`);
      const opening = await allTakenIn(start);
      ids.push(...Array.from({ length: PROBE }, (_, i) => `probe-${label}-${i}`));
      const querySeconds = await pool(PROBE, 32, (i) =>
        client.ticketStatus(earlier[Math.floor(random() * earlier.length)] ?? ids[i]!),
      );
      return { opens: PROBE / opening.seconds, queries: PROBE / querySeconds };
    };

    // The worker with its first ticket open: code loaded, V8 context made.
    await open(1, 'first');
    ids.push('first-0');
    await allTakenIn(performance.now());
    await sleepMs(10_000);
    const idle = { rss: rssMiB(child), ...(await probe('idle')) };
    console.log(
      `memory: idle (1 ticket open, cache ${cacheSize}): RSS ${idle.rss.toFixed(0)} MiB; probe ${formatRate(idle.opens)} opened/s, ${formatRate(idle.queries)} queries/s`,
    );
    const results: BenchResult[] = [{ name: 'worker RSS idle', opsPerSecond: idle.rss, unit: 'MiB' }];
    for (const size of points) {
      const more = size - opened;
      const start = performance.now();
      const openSeconds = await open(more, `open-${size}`);
      const taking = await allTakenIn(start);
      ids.push(...Array.from({ length: more }, (_, i) => `open-${size}-${i}`));
      await sleepMs(10_000); // the openings' garbage collected: what stays is the cached tickets
      const rss = rssMiB(child);
      const p = await probe(String(size));
      const perTicketKiB = ((rss - idle.rss) * 1024) / size;
      console.log(
        `memory: ${size} open (cache ${cacheSize}): RSS ${rss.toFixed(0)} MiB beside ${idle.rss.toFixed(0)} idle ` +
          `(peak ${Math.max(taking.peak, rss).toFixed(0)}; ${perTicketKiB.toFixed(0)} KiB per open ticket); ` +
          `${more} more opened in ${openSeconds.toFixed(0)} s, taken in by ${taking.seconds.toFixed(0)} s ` +
          `(${formatRate(more / taking.seconds)}/s); probe ${formatRate(p.opens)} opened/s beside ${formatRate(idle.opens)} idle ` +
          `(${(p.opens / idle.opens).toFixed(2)}), ${formatRate(p.queries)} queries/s beside ${formatRate(idle.queries)} idle ` +
          `(${(p.queries / idle.queries).toFixed(2)})`,
      );
      results.push(
        {
          name: `worker RSS, ${size} open tickets`,
          opsPerSecond: rss,
          unit: 'MiB',
          target: '≤ 1024 MiB',
          met: rss <= 1024,
        },
        { name: `  beside idle`, opsPerSecond: idle.rss, unit: 'MiB' },
        { name: `  ${more} more opened and taken in`, opsPerSecond: taking.seconds, unit: 's' },
        { name: `  tickets opened, ${size} open`, opsPerSecond: p.opens },
        { name: `  ÷ idle`, opsPerSecond: p.opens / idle.opens, unit: 'ratio' },
        { name: `  status queries, ${size} open`, opsPerSecond: p.queries },
        { name: `  ÷ idle`, opsPerSecond: p.queries / idle.queries, unit: 'ratio' },
      );
    }
    return results;
  } finally {
    // A worker evicting thousands of cached tickets takes minutes to drain: the figures are taken.
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGKILL');
      await exited;
    }
    await pager.stop();
    await env.teardown();
    await ledger.cleanup();
  }
}
