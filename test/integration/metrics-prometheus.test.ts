// A real Prometheus (Debian's, scripts/provision-test-tools.sh) scrapes the worker's and the
// API's GET /metrics every second, with the bearer token SLA_METRICS_TOKEN as production would
// configure it (docs/observability.md). A Level 1 ticket opened through the API already past its
// one-minute deadline (test/helpers/fast-policy.ts, opened five minutes ago) breaches at once
// (C6): its breach step's email and page leave, and Prometheus' own query API then sees the
// breach, the step, the deliveries, the ticket open in state breached, the API request by route
// id, and both targets up. No label holds the ticket's id or its subject.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOpenTickets } from '../../src/metrics/open-tickets';
import { serveWorkerMetrics } from '../../src/metrics/serve';
import { parsePolicy } from '../../src/policy/load';
import { loadRoster } from '../../src/roster/load';
import { startApiOf, type TestApi } from '../helpers/api';
import { outcome } from '../helpers/cli';
import { startEngine, type Engine } from '../helpers/engine';
import { fastPolicy, WARN_THEN_BREACH_STEPS } from '../helpers/fast-policy';
import { testCustomer } from '../helpers/ledger';
import { freePort } from '../helpers/ports';
import { testTool } from '../helpers/test-tools';
import { newTicket } from '../helpers/tickets';

const TOKEN = 'metrics-token-0123456789abcdef';
const TICKET = 'PROM-L1-7731';
const SUBJECT = 'Payroll of Quimby Holdings will not export';
const roster = loadRoster(undefined);
const allWeek = [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] as const;
/** Everyone on duty all week, so the breach step's team lead is there whatever day the run falls on. */
const rosterAllWeek = { ...roster, responders: roster.responders.map((r) => ({ ...r, duty: [...allWeek] })) };

let e: Engine;
let api: TestApi;
let workerMetrics: Server;
let stopCounting: () => void;
let prometheus: { url: string; log: () => string; stop: () => Promise<void> } | undefined;
const dir = mkdtempSync(join(tmpdir(), 'sla-prometheus-'));

beforeAll(async () => {
  e = await startEngine({
    server: 'dev',
    policy: parsePolicy(fastPolicy(WARN_THEN_BREACH_STEPS), 'fast policy'),
    roster: rosterAllWeek,
    customers: [testCustomer('initech')],
  });
  api = await startApiOf(e, { SLA_METRICS_TOKEN: TOKEN });
  // The worker's listener, as `sla worker` starts it, over this engine's in-process worker.
  const workerPort = await freePort();
  workerMetrics = await serveWorkerMetrics({ host: '127.0.0.1', port: workerPort, token: TOKEN });
  stopCounting = countOpenTickets(e.env.client);

  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  const target = (job: string, address: string) => [
    `  - job_name: ${job}`,
    '    authorization:',
    '      type: Bearer',
    `      credentials: ${TOKEN}`,
    '    static_configs:',
    `      - targets: ['${address}']`,
  ];
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      ...target('sla-worker', `127.0.0.1:${workerPort}`),
      ...target('sla-api', new URL(api.base).host),
      '',
    ].join('\n'),
  );
  const child: ChildProcessWithoutNullStreams = spawn(testTool('PROMETHEUS'), [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  child.stdin.end();
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const exited = outcome(child);
  const url = `http://127.0.0.1:${port}`;
  prometheus = {
    url,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
  await e.waitFor(
    () =>
      fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    'Prometheus ready',
  );
});

afterAll(async () => {
  await prometheus?.stop();
  stopCounting?.();
  workerMetrics?.close();
  await api?.close();
  await e?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus' HTTP API. */
async function query(promql: string): Promise<Sample[]> {
  const res = await fetch(
    `${prometheus!.url}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`,
  );
  const body = (await res.json()) as { status: string; data: { result: Sample[] } };
  expect(body.status, promql).toBe('success');
  return body.data.result;
}

/** Waits until the query has (this many) results, then prints and returns them. */
async function seen(promql: string, results = 1): Promise<Sample[]> {
  const result = await e.waitFor(
    async () => {
      const r = await query(promql);
      return r.length >= results ? r : null;
    },
    `Prometheus to see ${promql} (its log: ${prometheus!.log()})`,
    20_000,
  );
  console.log(`${promql} → ${JSON.stringify(result)}`);
  return result;
}

describe('Prometheus scrapes the worker and the API', () => {
  it('sees a breach, its step and deliveries, the open ticket, the API request, and both targets up', async () => {
    // Without the token, nothing: the figures are for the scraper configured with it.
    const { port } = workerMetrics.address() as AddressInfo;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await api.call(null, 'GET', '/metrics')).status).toBe(401);
    const post = await api.call(null, 'POST', '/metrics');
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);

    const opened = await api.call('agent', 'POST', '/v1/tickets', {
      ...newTicket(TICKET, { level: 'L1', subject: SUBJECT }),
      openedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    expect(opened.status, opened.text).toBe(201);

    const up = await seen('up{job=~"sla-worker|sla-api"} == 1', 2);
    expect(up.map((s) => s.metric.job).sort()).toEqual(['sla-api', 'sla-worker']);
    const breaches = await seen('sla_breaches_total{level="L1"} > 0');
    expect(breaches[0]!.metric).toMatchObject({ job: 'sla-worker', level: 'L1' });
    await seen('sla_escalation_steps_total{level="L1",kind="breach"} > 0');
    await seen('sla_deliveries_total{channel="page",outcome="sent"} > 0');
    await seen('sla_deliveries_total{channel="email",outcome="sent"} > 0');
    await seen('sla_tickets_open{state="breached",level="L1"} == 1');
    await seen('sla_api_requests_total{route="openTicket",role="agent",status="201"} == 1');

    // Nothing of the ticket in any series Prometheus holds.
    const series = (await query('{job=~"sla-worker|sla-api"}')).map((s) => JSON.stringify(s.metric));
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) {
      expect(s).not.toContain(TICKET);
      expect(s).not.toContain('Quimby');
    }
  });
});
