// `sla report` over a seeded ledger (C14, I14): the JSON figures per customer and overall, the
// self-contained HTML page, and that it renders in Debian's headless chromium; and
// GET /v1/reports/{month} answering the same bytes for the same ledger. The open tickets come
// from Temporal (a test server with none running here; test/integration/report-tickets.test.ts
// runs real ticket workflows): without Temporal the report is unavailable.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../src/activities/billing';
import { createApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { openLedger } from '../../src/ledger';
import { loadPolicy } from '../../src/policy';
import type { MonthReport } from '../../src/report/build';
import { maintenanceRecord, outageRecord, ticketOutcome } from '../helpers/billing';
import { ROLE_TOKENS } from '../helpers/api';
import { CHROMIUM, CHROMIUM_OFFLINE_ARGS } from '../helpers/browser';
import { outcome as exited, slaFromSource } from '../helpers/cli';
import { TEST_CODEC_KEYS, testDataConverter } from '../helpers/codec';
import { SINCE, seedLedgerDir, testCustomer } from '../helpers/ledger';
import { startOfflineApi } from '../helpers/offline-api';
import { freePort } from '../helpers/ports';
import { startTimeSkipping } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'sla-report-'));
let env: TestWorkflowEnvironment;

const sla = (args: string[], temporalAddress = env.address) =>
  slaFromSource(args, {
    SLA_DATA_DIR: dir,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: temporalAddress,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
  });

const outcome = ticketOutcome;

/** The page rendered by Debian's headless Chromium into a PNG (a blank page is a few KB). */
async function screenshot(html: string, png: string): Promise<void> {
  // scripts/provision-test-tools.sh (run by scripts/test.sh) installs Debian's chromium.
  expect(existsSync(CHROMIUM), `${CHROMIUM} missing: bash scripts/provision-test-tools.sh`).toBe(true);
  const chrome = spawn(
    CHROMIUM,
    [
      '--headless',
      ...CHROMIUM_OFFLINE_ARGS,
      `--screenshot=${png}`,
      '--window-size=1280,1600',
      `file://${html}`,
    ],
    { timeout: 60_000 },
  );
  chrome.stdin.end();
  const shot = await exited(chrome);
  expect(shot.code, shot.stderr).toBe(0);
  const bytes = readFileSync(png);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  // A blank page compresses to a few KB; the charts and tables make it far larger.
}

beforeAll(async () => {
  env = await startTimeSkipping(testDataConverter());
  const ledgerDir = await seedLedgerDir(dir);
  const ledger = await openLedger({ databaseUrl: undefined, ledgerDir });
  try {
    await ledger.migrate();
    await ledger.importCustomers(
      [
        testCustomer('acme', { name: 'Acme <Inc>', region: 'ca-central' }),
        testCustomer('globex', { region: 'eu-west', currency: 'EUR' }),
      ],
      { effectiveAt: SINCE },
    );
    await ledger.recordOutage(outageRecord('o-1', '2026-10-06T14:00:00Z', 30, ['ca-central']));
    await ledger.recordOutage(outageRecord('o-2', '2026-10-20T02:00:00Z', 500, ['eu-west']));
    await ledger.recordMaintenance(maintenanceRecord('m-1', '2026-10-12T06:00:00Z', 90, ['ca-central']));
    for (const o of [
      outcome('t-1', {}),
      outcome('t-2', { coverageMinutesToFirstResponse: 20, met: false }),
      outcome('t-3', { level: 'L2', met: true }),
      outcome('t-4', { level: 'L2', met: false }),
      outcome('t-5', { level: 'L3', met: true, customerId: 'globex' }),
      outcome('t-6', { level: 'L2', met: null, slaState: 'suspended', suspendedReason: 'I13' }),
      // Opened in September: another month's figure.
      outcome('t-7', { openedAt: '2026-09-30T12:00:00Z', coverageMinutesToFirstResponse: 500 }),
    ])
      await ledger.recordTicketOutcome(o);
    // The month closed by the billing activities themselves (outside Temporal: no notice step).
    const acts = createBillingActivities({
      ledger,
      policy: () => loadPolicy({}),
      sendEmail: () => Promise.resolve(),
      // The batch and the close below do not look for open outages (billingMonthStart does); the
      // close asks for its workflow's start, which this server answers at once: no such workflow.
      temporal: env.client,
    });
    const asActivity = new MockActivityEnvironment();
    await acts.closeBillingBatch({
      month: '2026-10',
      after: null,
      limit: 10,
      workflowId: 'billing-month-2026-10',
      writtenAt: '2026-11-04T04:00:00.000Z',
    });
    // I14: one outage was still running at October's close, counted to the month's end; it is
    // still running now, so it has no record yet. Run as an activity: the close observes its
    // duration (sla_month_close_seconds) from the workflow, which is not there to ask, and says so
    // in the activity's log.
    await asActivity.run(() =>
      acts.recordBillingMonthClose({
        month: '2026-10',
        workflowId: 'billing-month-2026-10',
        closedAt: '2026-11-04T04:00:01.000Z',
        customers: 2,
        totalCreditMinor: 125_000,
        openOutages: 1,
        openOutageIds: ['o-9'],
      }),
    );
    // September closed before open outages were counted (migration 4): open_outages is NULL.
    await acts.closeBillingBatch({
      month: '2026-09',
      after: null,
      limit: 10,
      workflowId: 'billing-month-2026-09',
      writtenAt: '2026-10-05T04:00:00.000Z',
    });
    await asActivity.run(() =>
      acts.recordBillingMonthClose({
        month: '2026-09',
        workflowId: 'billing-month-2026-09',
        closedAt: '2026-10-05T04:00:00.000Z',
        customers: 2,
        totalCreditMinor: 0,
      }),
    );
  } finally {
    await ledger.close();
  }
});
afterAll(async () => {
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('sla report', () => {
  it('--json gives per-customer and overall uptime, incidents, credits and support figures', async () => {
    const r = await sla(['report', '--month', '2026-10', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as MonthReport;
    expect(report).toMatchObject({
      month: '2026-10',
      zone: 'America/Toronto',
      start: '2026-10-01T04:00:00.000Z',
      end: '2026-11-01T04:00:00.000Z',
      closed: {
        closedAt: '2026-11-04T04:00:01.000Z',
        workflowId: 'billing-month-2026-10',
        openOutages: 1,
        openOutageIds: ['o-9'],
      },
      overall: {
        customers: 2,
        creditedCustomers: 2,
        creditMinorByCurrency: { CAD: 25_000, EUR: 100_000 },
        downtimeMinutes: 530,
        excludedMinutes: 90,
        support: {
          l1: { measured: 2, meanFirstResponseCoverageMinutes: 15 },
          l2: { measured: 2, onTime: 1, ratePercent: '50.0' },
          l3: { measured: 1, onTime: 1, ratePercent: '100.0' },
          open: [],
          pending: [],
          suspended: [{ ticketId: 't-6', level: 'L2', state: 'suspended', suspendedReason: 'I13' }],
        },
      },
    });
    expect(report.overall.incidents).toHaveLength(2);
    expect(report.overall.daily).toHaveLength(31);
    const acme = report.customers.find((c) => c.customerId === 'acme')!;
    expect(acme).toMatchObject({
      region: 'ca-central',
      uptimePercent: '99.9326', // (T − 90 min − 30 min) / (T − 90 min)
      downtimeMinutes: 30,
      excludedMinutes: 90,
      credit: { creditMinor: 25_000, currency: 'CAD', creditPercent: 25, entries: 1, adjustments: 0 },
      support: { l1: { measured: 2, meanFirstResponseCoverageMinutes: 15 }, l2: { ratePercent: '50.0' } },
    });
    expect(acme.incidents).toEqual([
      {
        start: '2026-10-06T14:00:00.000Z',
        end: '2026-10-06T14:30:00.000Z',
        downtimeMinutes: 30,
        outageIds: ['o-1'],
        maintenanceIds: [],
      },
    ]);
    const day6 = report.regions.find((g) => g.region === 'ca-central')!.daily[5]!;
    expect(day6).toMatchObject({ date: '2026-10-06', downtimeMs: 30 * 60_000, uptimePercent: '97.9166' });
  });

  it('I14: a close from before open outages were counted (null) says nothing of them', async () => {
    const json = await sla(['report', '--month', '2026-09', '--json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as MonthReport).closed).toEqual({
      closedAt: '2026-10-05T04:00:00.000Z',
      workflowId: 'billing-month-2026-09',
      openOutages: null,
      openOutageIds: null,
    });
    const html = join(dir, 'report-2026-09.html');
    const text = await sla(['report', '--month', '2026-09', '--html', html]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('2026-09 (America/Toronto) — closed 2026-10-05 00:00 EDT');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('closed 2026-10-05 00:00 EDT by billing-month-2026-09</div>');
    expect(page).not.toContain('still open');
  });

  it('I14: judges open tickets at the close, and is unavailable (exit 4) without Temporal', async () => {
    const r = await sla(['report', '--month', '2026-10', '--json']);
    expect((JSON.parse(r.stdout) as MonthReport).ticketsAsOf).toBe('2026-11-04T04:00:01.000Z');
    const away = await sla(['report', '--month', '2026-10'], `127.0.0.1:${await freePort()}`);
    expect(away.code).toBe(4);
    expect(away.stderr).toMatch(/^sla: cannot reach Temporal at 127\.0\.0\.1:\d+/);
    expect(away.stdout).toBe('');
  });

  it('--customer narrows the report to one customer and its region', async () => {
    const r = await sla(['report', '--month', '2026-10', '--customer', 'globex', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as MonthReport;
    expect(report.customers.map((c) => c.customerId)).toEqual(['globex']);
    expect(report.regions.map((g) => g.region)).toEqual(['eu-west']);
    expect(report.overall).toMatchObject({ creditMinorByCurrency: { EUR: 100_000 } });
    expect(report.overall.support.l3).toMatchObject({ measured: 1 });
    expect(await sla(['report', '--month', '2026-10', '--customer', 'nobody'])).toMatchObject({
      code: 3,
      stderr: 'sla: no customer nobody\n',
    });
  });

  it('--html writes a self-contained page with the charts, and it renders in headless Chromium', async () => {
    const html = join(dir, 'report.html');
    const r = await sla(['report', '--month', '2026-10', '--html', html]);
    expect(r.code).toBe(0);
    // I8: the text reads in the month's zone (the JSON above keeps the UTC instants).
    expect(r.stdout).toContain(
      "2026-10 (America/Toronto) — closed 2026-11-03 23:00:01 EST, 1 outage still open then (o-9), counted to the month's end\n",
    );
    expect(r.stdout).toMatch(/^incident start \(America\/Toronto\)\s+end\s+down min\s+records$/m);
    expect(r.stdout).toMatch(/^2026-10-06 10:00 EDT\s+2026-10-06 10:30 EDT\s+30\s+o-1$/m);
    expect(r.stdout).toMatch(/^2026-10-19 22:00 EDT\s+2026-10-20 06:20 EDT\s+500\s+o-2$/m);
    const page = readFileSync(html, 'utf8');
    // The page too: the month, the close and every incident in Toronto time, no UTC instant left.
    expect(page).toContain('2026-10-01 00:00 EDT → 2026-11-01 00:00 EDT');
    expect(page).toContain(
      'closed 2026-11-03 23:00:01 EST by billing-month-2026-10, 1 outage still open then (o-9), counted to the month&#39;s end</div>',
    );
    expect(page).toContain('<th>start (America/Toronto)</th><th>end (America/Toronto)</th>');
    expect(page).toContain('<tr><td>2026-10-19 22:00 EDT</td><td>2026-10-20 06:20 EDT</td>');
    expect(page).toContain('<title>2026-10-06 10:00 EDT → 2026-10-06 10:30 EDT: 30 min down (o-1)</title>');
    expect(page).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    // Self-contained: no script, no external resource of any kind.
    expect(page).not.toMatch(/<script|<link|src=|url\(|https?:\/\//i);
    expect(page).toContain('Acme &lt;Inc&gt;');
    expect(page).not.toContain('Acme <Inc>');
    expect(page.match(/<svg class="chart"/g)).toHaveLength(4); // overall, 2 regions, timeline
    expect(page).toContain('<title>2026-10-06: 97.9166 % (down 30.0 min, excluded 0.0 min)</title>');
    // I14: the suspended ticket listed apart, its instants in Toronto time, as of the close.
    expect(page).toContain('<h2>Open, pending and suspended tickets (I14)</h2>');
    expect(page).toContain('as of 2026-11-03 23:00:01 EST; times in America/Toronto');
    expect(page).toContain(
      '<tr><td>t-6</td><td>acme</td><td>L2</td><td>suspended</td><td>2026-10-14 10:00 EDT</td><td>2026-10-14 10:15 EDT</td>',
    );
    expect(r.stdout).toMatch(
      /^t-6\s+acme\s+L2\s+suspended\s+2026-10-14 10:00 EDT\s+2026-10-14 10:15 EDT\s+10\s+I13$/m,
    );
    expect(page).toContain('250.00 CAD');
    expect(page).toContain('1,000.00 EUR');

    const png = join(dir, 'report.png');
    await screenshot(html, png);
    expect(statSync(png).size).toBeGreaterThan(40_000);
    // To look at it: SLA_REPORT_SCREENSHOT=/tmp/report.png npx vitest run test/e2e/report-cli.test.ts
    if (process.env.SLA_REPORT_SCREENSHOT) {
      copyFileSync(png, process.env.SLA_REPORT_SCREENSHOT);
      copyFileSync(html, process.env.SLA_REPORT_SCREENSHOT.replace(/\.png$/, '.html'));
    }
  });
});

describe('GET /v1/reports/{month} and sla report', () => {
  /** The API over the same ledger directory, opened in this process once the commands are done. */
  async function apiReports(paths: string[]): Promise<string[]> {
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir: join(dir, 'ledger') });
    const server = createApiServer({
      config: loadConfig({
        SLA_CODEC_KEYS: TEST_CODEC_KEYS,
        SLA_API_TOKENS: 'finance:finance-token-0123456789abcdef',
      }),
      policy: loadPolicy(),
      client: env.client,
      ledger,
    });
    try {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const texts: string[] = [];
      for (const path of paths) {
        const res = await fetch(`${base}${path}`, {
          headers: { authorization: 'Bearer finance-token-0123456789abcdef' },
        });
        expect(res.status).toBe(200);
        texts.push(await res.text());
      }
      return texts;
    } finally {
      await new Promise((r) => server.close(r));
      await ledger.close();
    }
  }

  it('answers the JSON and the HTML page of the command, byte for byte, whole and for one customer', async () => {
    const cli = async (args: string[]) => {
      const r = await sla(['report', '--month', '2026-10', ...args]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const html = async (name: string, args: string[]) => {
      const file = join(dir, name);
      await cli(['--html', file, ...args]);
      return readFileSync(file, 'utf8');
    };
    // The command pretty-prints its JSON (printJson), the API sends it compact: same document.
    const compact = (pretty: string) => JSON.stringify(JSON.parse(pretty));
    const fromCli = [
      compact(await cli(['--json'])),
      compact(await cli(['--json', '--customer', 'acme'])),
      await html('all.html', []),
      await html('acme.html', ['--customer', 'acme']),
      compact((await sla(['report', '--month', '2026-09', '--json'])).stdout),
    ];
    const fromApi = await apiReports([
      '/v1/reports/2026-10',
      '/v1/reports/2026-10?customerId=acme',
      '/v1/reports/2026-10?format=html',
      '/v1/reports/2026-10?format=html&customerId=acme',
      '/v1/reports/2026-09',
    ]);
    expect(fromApi).toEqual(fromCli);
    // Not four empty answers: the figures and the page are there.
    expect(JSON.parse(fromApi[1]!)).toMatchObject({
      customers: [{ customerId: 'acme', uptimePercent: '99.9326' }],
    });
    expect(fromApi[2]).toContain('1,000.00 EUR');
    expect(JSON.parse(fromApi[0]!)).toMatchObject({ closed: { openOutages: 1 } });
    expect(JSON.parse(fromApi[4]!)).toMatchObject({ closed: { openOutages: null } });
  });

  it('explains a credit as the close computed it: the command text and JSON, the API page in Chromium (I10, I15)', async () => {
    const text = await sla(['credits', 'explain', '--customer', 'acme', '--month', '2026-10']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Credit of acme for 2026-10');
    expect(text.stdout).toMatch(
      /^o-1\s+2026-10-06 10:00 EDT\s+2026-10-06 10:30 EDT\s+unexpected\s+ca-central\s+30 min/m,
    );
    expect(text.stdout).toContain('they agree.');
    const json = await sla(['credits', 'explain', '--customer', 'acme', '--month', '2026-10', '--json']);
    const x = JSON.parse(json.stdout) as { outstandingMinor: number; openAtCloseUnrecorded: string[] };
    // The entries add up to the computation; the outage open at the close has no record yet.
    expect(x).toMatchObject({ outstandingMinor: 0, openAtCloseUnrecorded: ['o-9'] });
    expect((await sla(['credits', 'explain', '--customer', 'nobody', '--month', '2026-10'])).code).toBe(3);

    const [page] = await apiReports(['/v1/credits/2026-10/acme/explanation?format=html']);
    expect(page).toContain('<h2>Maintenance for this customer (C1, I9)</h2>');
    expect(page).not.toMatch(/<script|<link|src=|url\(|https?:\/\//i);
    const html = join(dir, 'explanation.html');
    writeFileSync(html, page!);
    const png = join(dir, 'explanation.png');
    await screenshot(html, png);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    if (process.env.SLA_REPORT_SCREENSHOT)
      copyFileSync(png, process.env.SLA_REPORT_SCREENSHOT.replace(/\.png$/, '-explanation.png'));
  });

  it('answers 503 when Temporal is unreachable: the open tickets are part of the figures (I14)', async () => {
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir: join(dir, 'ledger') });
    const api = await startOfflineApi(ledger);
    try {
      const res = await fetch(`${api.base}/v1/reports/2026-10`, {
        headers: { authorization: `Bearer ${ROLE_TOKENS.finance}` },
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await api.close();
      await ledger.close();
    }
  });
});
