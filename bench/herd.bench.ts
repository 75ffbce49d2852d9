/**
 * The Monday-morning herd (C6, I2): every L1 ticket opened over a weekend starts its clock at the
 * coverage start and breaches one target later, all at one instant. For each N, N tickets are
 * opened before a coverage start a few minutes ahead (a bench policy whose weekly coverage begins
 * at that minute, L1 target one coverage minute, the breach step's email and page to the team
 * lead), so all N breach at the coverage start + 1 minute; breach→page is measured at the paging
 * receiver. Beside it, in the same round once the tickets' pages are in: N bare workflows, each
 * one timer due at one instant then one page through the same activity (bench/workflows.ts
 * `wakeAndPage`, what bench/tickets.bench.ts compares a burst with).
 *
 * Workers run as `sla worker` processes (test/helpers/worker-process.ts), started for each round
 * with that round's policy. Places, in one run: the dev server with 1 worker (`dev`), a cluster
 * (src/cluster.ts, a fresh one per place, the ledger on its PostgreSQL) with 1 worker (`cluster-1`)
 * and with 3 worker processes on one task queue (`cluster-3`).
 * SLA_BENCH_HERD_SIZES=500,1000,2000,5000 (default) and SLA_BENCH_HERD_PLACES pick a quick run.
 * The knee of a place: the largest N whose breach→page p99 is ≤ 1 s.
 *
 * The warning step is left out: the built-in policy warns 3 minutes before the breach, a
 * one-minute target would put that herd 12 s before this one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { Client as PgClient } from 'pg';
import { TicketClient } from '../src/clients/tickets';
import { startCluster } from '../src/cluster';
import defaultPolicy from '../src/policy/default-policy.json';
import { WEEKDAYS } from '../src/policy/schema';
import { TEST_CODEC_KEYS, testDataConverter } from '../test/helpers/codec';
import { fastPolicy } from '../test/helpers/fast-policy';
import { createTestLedger } from '../test/helpers/ledger';
import { TestPager } from '../test/helpers/pager';
import { startDevServer } from '../test/helpers/temporal';
import { newTicket } from '../test/helpers/tickets';
import { WorkerProcesses } from '../test/helpers/worker-process';
import { WIDTH, fmt, pcts, pool, sleepMs, type BenchResult } from './util';

const dir = mkdtempSync(join(tmpdir(), 'sla-bench-herd-'));
const TASK_QUEUE = 'herd';
const STEP = 'l1-breach-team-lead';
const LEAD = 'lead.toronto';
const BREACH_STEPS = defaultPolicy.escalation.ticket.L1.filter((s) => s.id === STEP);
const RUN = Date.now().toString(36); // ids unique across runs on a cluster that keeps its data
const P99_TARGET_MS = 1000;

/** A Temporal frontend to run a herd on, and the ledger settings its workers share. */
interface Server {
  address: string;
  namespace: string;
  ledger: Record<string, string>;
  stop(): Promise<void>;
}

interface Place {
  key: string;
  label: string;
  workers: number;
  start(): Promise<Server>;
}

const PLACES: Place[] = [
  {
    key: 'dev',
    label: 'dev server, 1 worker',
    workers: 1,
    async start() {
      const env = await startDevServer(testDataConverter());
      // Served as `sla up` serves it, so that several worker processes can share it.
      const ledger = await createTestLedger('served');
      return {
        address: env.address,
        namespace: 'default',
        ledger: ledger.settings,
        async stop() {
          await env.teardown();
          await ledger.cleanup();
        },
      };
    },
  },
  {
    key: 'cluster-1',
    label: 'cluster, 1 worker',
    workers: 1,
    start: clusterServer,
  },
  {
    key: 'cluster-3',
    label: 'cluster, 3 workers',
    workers: 3,
    start: clusterServer,
  },
];

/** A fresh cluster (src/cluster.ts: Temporal server on PostgreSQL), the ledger on its PostgreSQL. */
async function clusterServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sla-bench-cluster-'));
  const cluster = await startCluster({ dataDir });
  try {
    const admin = new PgClient({ connectionString: cluster.postgresUrl('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE sla');
    } finally {
      await admin.end();
    }
  } catch (err) {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    address: cluster.address,
    namespace: cluster.namespace,
    ledger: { DATABASE_URL: cluster.postgresUrl('sla') },
    async stop() {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function listFromEnv(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim());
}

function sizes(): number[] {
  const list = listFromEnv('SLA_BENCH_HERD_SIZES', '500,1000,2000,5000').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`SLA_BENCH_HERD_SIZES: expected whole numbers ≥ 1, got ${list.join(',')}`);
  return list;
}

function places(): Place[] {
  const keys = listFromEnv('SLA_BENCH_HERD_PLACES', PLACES.map((p) => p.key).join(','));
  const unknown = keys.filter((k) => !PLACES.some((p) => p.key === k));
  if (unknown.length)
    throw new Error(
      `SLA_BENCH_HERD_PLACES: unknown ${unknown.join(', ')}; known: ${PLACES.map((p) => p.key).join(', ')}`,
    );
  return PLACES.filter((p) => keys.includes(p.key));
}

/**
 * The bench policy of a round: weekly coverage from `startMs` (a whole minute) for an hour, so a
 * ticket opened before it starts its clock there and breaches one coverage minute later (I2).
 */
function herdPolicy(startMs: number) {
  const base = fastPolicy(BREACH_STEPS);
  const from = DateTime.fromMillis(startMs, { zone: base.timeZone });
  const to = from.plus({ hours: 1 });
  const point = (t: DateTime) => ({ day: WEEKDAYS[t.weekday - 1]!, time: t.toFormat('HH:mm') });
  // A week's coverage cannot wrap from Sunday into Monday: it ends at Sunday 24:00 then.
  const end = to.weekday < from.weekday ? { day: 'sunday', time: '24:00' } : point(to);
  return { ...base, coverage: { weekly: [{ from: point(from), to: end }] } };
}

interface Round {
  n: number;
  ours: number[];
  bare: number[];
  missing: { ours: number; bare: number };
  openSeconds: number;
}

export async function herdBench(): Promise<BenchResult[]> {
  const ns = sizes();
  const where = places();
  const pager = new TestPager();
  const pagerUrl = await pager.start();
  const received = new Map<string, number>();
  const origin = pager.events.push.bind(pager.events);
  pager.events.push = (...events) => {
    for (const e of events) if (e.event_action === 'trigger') received.set(e.dedup_key, Date.now());
    return origin(...events);
  };
  const table: { place: Place; rounds: Round[] }[] = [];
  try {
    for (const place of where) table.push({ place, rounds: await herdAt(place, ns, pagerUrl, received) });
  } finally {
    await pager.stop();
  }
  return report(table);
}

async function herdAt(
  place: Place,
  ns: number[],
  pagerUrl: string,
  received: Map<string, number>,
): Promise<Round[]> {
  console.log(`herd: ${place.label}: starting`);
  const server = await place.start();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter: testDataConverter() });
  const tickets = new TicketClient(client, TASK_QUEUE);
  let policyFile = '';
  const workers = new WorkerProcesses(
    () => ({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      SLA_TASK_QUEUE: TASK_QUEUE,
      SLA_DATA_DIR: dir,
      SLA_POLICY_FILE: policyFile,
      SLA_PAGING_URL: pagerUrl,
      SLA_CODEC_KEYS: TEST_CODEC_KEYS,
      ...server.ledger,
    }),
    join(__dirname, 'workflows.ts'),
  );
  // Tickets opened per second, learnt from each round, to set the next coverage start far enough.
  let openRate = 20;
  const rounds: Round[] = [];
  try {
    for (const n of ns) {
      const slug = `${RUN}-${place.key}-${n}`;
      // Workers start (~30 s on a busy machine), then N tickets open, all before the coverage start.
      const coverageStart = Math.ceil((Date.now() + 40_000 + (1.5 * n * 1000) / openRate) / 60_000) * 60_000;
      const breach = coverageStart + 60_000;
      policyFile = join(dir, `policy-${slug}.json`);
      writeFileSync(policyFile, JSON.stringify(herdPolicy(coverageStart)));
      const started = await Promise.all(Array.from({ length: place.workers }, () => workers.start()));
      const openSeconds = await pool(n, WIDTH, (i) =>
        tickets.openTicket(
          newTicket(`herd-${slug}-${i}`, { customerId: 'bench', subject: 'How do I reset a password?' }),
        ),
      );
      openRate = n / openSeconds;
      if (Date.now() > coverageStart)
        console.log(`herd: ${place.label}, ${n}: opening ran past the coverage start; the figures are late`);
      console.log(
        `herd: ${place.label}, ${n}: opened in ${openSeconds.toFixed(0)} s (${openRate.toFixed(0)}/s); breach at ${new Date(breach).toISOString()}`,
      );
      const ticketKeys = Array.from({ length: n }, (_, i) => `ticket-herd-${slug}-${i}:${STEP}:${LEAD}`);
      const ours = await pagesOf(ticketKeys, () => breach, breach, n, received);

      // The bare peer: N timers due at one instant a little ahead, each then sending one page.
      await sleepMs(5_000);
      const bareDue = Date.now() + 10_000 + (1.5 * n * 1000) / openRate;
      const bareKeys = Array.from({ length: n }, (_, i) => `bare-${slug}-${i}`);
      await pool(n, WIDTH, (i) =>
        client.workflow.start('wakeAndPage', {
          taskQueue: TASK_QUEUE,
          workflowId: `wake-page-${slug}-${i}`,
          args: [
            bareDue,
            { routingKey: 'bench', action: 'trigger', dedupKey: bareKeys[i]!, summary: 'bench' },
          ],
        }),
      );
      const bare = await pagesOf(bareKeys, () => bareDue, bareDue, n, received);
      for (const w of started) await workers.kill(w);

      const round = {
        n,
        ours: ours.latencies,
        bare: bare.latencies,
        missing: { ours: ours.missing, bare: bare.missing },
        openSeconds,
      };
      rounds.push(round);
      console.log(
        `herd: ${place.label}, ${n} at once: breach→page ${fmt(pcts(round.ours))}` +
          `${ours.missing ? ` (${ours.missing} missing)` : ''}; bare timer+page ${fmt(pcts(round.bare))}` +
          `${bare.missing ? ` (${bare.missing} missing)` : ''}`,
      );
    }
  } finally {
    await workers.stopAll();
    await connection.close();
    await server.stop();
  }
  return rounds;
}

/**
 * Waits for the pages of `keys` (at most 2 minutes + 60 ms a page past the instant); each one's
 * latency from its due instant, a missing page counted at the deadline.
 */
async function pagesOf(
  keys: string[],
  due: (i: number) => number,
  instant: number,
  n: number,
  received: Map<string, number>,
) {
  const deadline = instant + 120_000 + n * 60;
  while (Date.now() < deadline && keys.some((k) => !received.has(k))) await sleepMs(200);
  const missing = keys.filter((k) => !received.has(k)).length;
  return { latencies: keys.map((k, i) => (received.get(k) ?? deadline) - due(i)), missing };
}

/** The table of every place and N, and the knee of each place. */
function report(table: { place: Place; rounds: Round[] }[]): BenchResult[] {
  const results: BenchResult[] = [];
  console.log(
    '\nherd: breach→page at one instant, ms (p50 / p99), beside the bare timer+page of the same round',
  );
  for (const { place, rounds } of table) {
    for (const r of rounds) {
      const ours = pcts(r.ours);
      const bare = pcts(r.bare);
      const ratio = ours.p99 / bare.p99;
      console.log(
        `  ${place.label.padEnd(24)} ${String(r.n).padStart(6)}: ours ${Math.round(ours.p50)} / ${Math.round(ours.p99)}` +
          `   bare ${Math.round(bare.p50)} / ${Math.round(bare.p99)}   ratio p99 ${ratio.toFixed(2)}` +
          `${r.missing.ours + r.missing.bare ? `   missing ${r.missing.ours} ours, ${r.missing.bare} bare` : ''}`,
      );
      results.push(
        {
          name: `herd p99, ${r.n}, ${place.label}`,
          opsPerSecond: ours.p99,
          unit: 'ms',
          target: `≤ ${P99_TARGET_MS} ms`,
          met: ours.p99 <= P99_TARGET_MS && r.missing.ours === 0,
        },
        { name: `  bare timer+page p99`, opsPerSecond: bare.p99, unit: 'ms' },
        {
          name: `  ours ÷ bare, p99`,
          opsPerSecond: ratio,
          unit: 'ratio',
          target: '≤ 1.2',
          met: ratio <= 1.2,
        },
      );
    }
    const knee = (pick: (r: Round) => number[]) =>
      Math.max(0, ...rounds.filter((r) => pcts(pick(r)).p99 <= P99_TARGET_MS).map((r) => r.n));
    console.log(
      `  ${place.label}: knee (largest N with p99 ≤ 1 s) ${knee((r) => r.ours) || 'none measured'}, bare ${knee((r) => r.bare) || 'none measured'}`,
    );
    results.push(
      { name: `herd knee, ${place.label}`, opsPerSecond: knee((r) => r.ours), unit: 'tickets' },
      { name: `  bare timer+page knee`, opsPerSecond: knee((r) => r.bare), unit: 'workflows' },
    );
  }
  return results;
}
