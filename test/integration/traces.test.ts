// Traces (docs/observability.md#traces): `sla worker` in its own process and the API here, both
// with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP receiver in this test (the
// exporter posts JSON). A Level 1 ticket opened through the API already past its one-minute
// deadline (test/helpers/fast-policy.ts, opened five minutes ago) breaches at once (C6): its
// breach step's email and page leave. One trace then holds the API's request, the workflow's
// start, the workflow's scheduling of its activities and their runs that sent the email and the
// page; no span holds the ticket's subject. The traced ticket's history replays with the bundle every worker runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { connectClient } from '../../src/connection';
import { parsePolicy } from '../../src/policy/load';
import { loadRoster } from '../../src/roster/load';
import { NO_WORKFLOW_SPANS, startTracing, type Tracing } from '../../src/traces';
import { startApiOf, type TestApi } from '../helpers/api';
import { testWorkerDataConverter } from '../helpers/codec';
import { startEngine, WORKFLOWS, type Engine } from '../helpers/engine';
import { fastPolicy, WARN_THEN_BREACH_STEPS } from '../helpers/fast-policy';
import { testCustomer } from '../helpers/ledger';
import { workflowBundle } from '../helpers/temporal';
import { newTicket } from '../helpers/tickets';
import { WorkerProcesses } from '../helpers/worker-process';

const TICKET = 'TRACE-L1-4410';
const SUBJECT = 'Invoices of Flanders Bakery show the wrong VAT';
const roster = loadRoster(undefined);
const allWeek = [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] as const;
/** Everyone on duty all week, so the breach step's team lead is there whatever day the run falls on. */
const rosterAllWeek = { ...roster, responders: roster.responders.map((r) => ({ ...r, duty: [...allWeek] })) };
const policyJson = fastPolicy(WARN_THEN_BREACH_STEPS);

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
}
interface Received extends OtlpSpan {
  service: string;
}

/** What the receiver was posted: the raw bodies, and each span with its resource's service name. */
const bodies: string[] = [];
const spans: Received[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sla-traces-'));
let receiver: Server;
let e: Engine;
let api: TestApi;
let tracing: Tracing | undefined;
let workers: WorkerProcesses;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const ok = req.method === 'POST' && req.url === '/v1/traces';
      if (ok) {
        expect(req.headers['content-type']).toBe('application/json');
        bodies.push(text);
        const { resourceSpans } = JSON.parse(text) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: OtlpValue }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const rs of resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) spans.push({ ...s, service: service ?? '' });
        }
      }
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  e = await startEngine({
    server: 'dev',
    inProcessWorker: false,
    policy: parsePolicy(policyJson, 'fast policy'),
    customers: [testCustomer('initech')],
  });
  const policyFile = join(dir, 'policy.json');
  const rosterFile = join(dir, 'roster.json');
  writeFileSync(policyFile, JSON.stringify(policyJson));
  writeFileSync(rosterFile, JSON.stringify(rosterAllWeek));
  workers = new WorkerProcesses(() => ({
    ...e.workerEnv,
    SLA_DATA_DIR: dir,
    SLA_POLICY_FILE: policyFile,
    SLA_ROSTER_FILE: rosterFile,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    // The batch leaves every 100 ms instead of 5 s: the test waits on it.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  }));

  // The API as `sla api` runs it: its tracing, and the client of src/connection.ts.
  const settings = { ...e.clientEnv, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  const config = loadConfig(settings);
  tracing = await startTracing(config, 'sla-api');
  const [client] = await Promise.all([connectClient(config), workers.start()]);
  api = await startApiOf(e, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, client);
});

afterAll(async () => {
  await workers?.stopAll();
  await tracing?.shutdown();
  await api?.close();
  await e?.stop();
  receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('traces', () => {
  it('the endpoint is parsed before anything starts, naming its variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: expected an http\(s\) URL/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http\(s\) URL/,
    );
    expect(loadConfig({}).tracesUrl).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/' }).tracesUrl).toBe(
      'http://otel:4318/v1/traces',
    );
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/in',
      }).tracesUrl,
    ).toBe('https://traces.example/in');
  });

  it('one trace from the API request through the workflow to the email and page sent, without the ticket text', async () => {
    const opened = await api.call('agent', 'POST', '/v1/tickets', {
      ...newTicket(TICKET, { level: 'L1', subject: SUBJECT }),
      openedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    expect(opened.status, opened.text).toBe(201);
    await tracing!.spanProcessor.forceFlush();

    const request = await e.waitFor(
      () => spans.find((s) => s.service === 'sla-api' && s.name === 'openTicket'),
      'the API request span',
    );
    const inTrace = () => spans.filter((s) => s.traceId === request.traceId);
    const names = await e.waitFor(
      () => {
        const seen = new Set(inTrace().map((s) => `${s.service} ${s.name}`));
        return seen.has('sla-worker RunActivity:deliverStep') ? seen : undefined;
      },
      `the step's delivery activity (page and email) in the request's trace (spans: ${JSON.stringify(spans.map((s) => s.name))})`,
      20_000,
    );
    console.log(`trace ${request.traceId}: ${[...names].sort().join(', ')}`);
    expect(request.parentSpanId ?? '').toBe('');
    const attributes = (s: Received) =>
      Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
    expect(attributes(request)).toEqual({
      'http.request.method': 'POST',
      'http.route': '/v1/tickets',
      'http.response.status_code': 201,
    });
    const start = inTrace().find(
      (s) => s.service === 'sla-api' && /^(SignalWith|UpdateWith)?Start/.test(s.name),
    );
    expect(start, JSON.stringify(inTrace().map((s) => s.name))).toBeDefined();
    expect(start!.parentSpanId).toBe(request.spanId);
    // The workflow's own spans (from its sandbox, through the worker's sink): each activity it
    // scheduled. (Its RunWorkflow span ends, and leaves, when the ticket's workflow does.)
    expect(names).toContain('sla-worker StartActivity:deliverStep');
    // They keep ids and names only, not the memo, search attributes or results the SDK adds,
    // decoded, to them.
    const scheduled = inTrace().find((s) => s.name === 'StartActivity:deliverStep')!;
    expect(Object.keys(attributes(scheduled)).sort()).toEqual(
      expect.arrayContaining(['workflowId', 'workflowType', 'taskQueue']),
    );
    for (const dropped of ['memo', 'searchAttributes', 'typedSearchAttributes', 'lastResult'])
      expect(Object.keys(attributes(scheduled))).not.toContain(dropped);
    expect(attributes(scheduled).workflowType).toBe('ticketWorkflow');

    // Nothing of the ticket's text in anything exported.
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body).not.toContain('Flanders');
      expect(body).not.toContain('VAT');
    }

    // The traced ticket's history (its start carries the trace) replays with the bundle every worker runs.
    const history = await e.env.client.workflow.getHandle(`ticket-${TICKET}`).fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowBundle: await workflowBundle(WORKFLOWS),
        dataConverter: testWorkerDataConverter(),
        sinks: NO_WORKFLOW_SPANS,
      },
      history,
    );
  });
});
