// What finance and auditors download and check through the API, on the real dev server (C1, C2,
// C12, C14; I8–I10): a month closed for real by its billing-month workflow, its credit entries and
// outages as CSV — read back with csv-parse, figure for figure equal to the JSON routes — its
// close's progress and daily uptime per region, and the replay of the close's own history against
// the current workflow code. One engine and one API for the file.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditEntry, OutageRecord } from '../../src/ledger/types';
import { billingMonthWorkflowId } from '../../src/messages/billing';
import type { MonthUptime, RegionDays } from '../../src/report/uptime';
import { issuePaths, startApiOf, type TestApi } from '../helpers/api';
import { startEngine, type Engine } from '../helpers/engine';
import { testCustomer } from '../helpers/ledger';

const MONTH = '2026-10';
const CUSTOMERS = [
  testCustomer('northwind', { region: 'ca-central' }),
  testCustomer('contoso', { region: 'eu-west', currency: 'EUR', annualFeeMinor: 2_400_000 }),
];

const outage = (id: string, start: string, end: string, regions: string[]): OutageRecord => ({
  outageId: id,
  start,
  end,
  classification: 'unexpected',
  regions,
  engagedAt: start,
  engagedBy: 'l3.ottawa',
  engagementMet: true,
  classificationHistory: [{ at: start, by: 'l3.ottawa', classification: 'unexpected', regions, reason: 'x' }],
  policyVersion: 'p1',
  workflowId: `outage-${id}`,
});

/** A CSV answer's rows as objects keyed by the header. */
const rows = (text: string): Record<string, string>[] => parse(text, { columns: true, bom: false });

describe('finance and audit downloads through the API (dev server)', () => {
  let e: Engine;
  let api: TestApi;
  beforeAll(async () => {
    e = await startEngine({ server: 'dev', customers: CUSTOMERS });
    api = await startApiOf(e);
    // Three hours down in ca-central (a credit for northwind), one that began in September.
    await e.ledger.recordOutage(
      outage('DB-1', '2026-10-14T12:00:00.000Z', '2026-10-14T15:00:00.000Z', ['ca-central']),
    );
    await e.ledger.recordOutage(
      outage('EDGE-2', '2026-10-01T03:00:00.000Z', '2026-10-01T05:30:00.000Z', ['eu-west']),
    );
    const run = await api.call('finance', 'POST', '/v1/credits/runs', { month: MONTH, force: true });
    expect(run.status).toBe(202);
  });
  afterAll(async () => {
    await api?.close();
    await e?.stop();
  });

  it("the close's progress: customers done of total, phase closed at its end", async () => {
    const progress = await e.waitFor(
      async () => {
        const r = await api.call('auditor', 'GET', `/v1/credits/runs/${MONTH}`);
        return r.status === 200 && (r.json as { phase: string }).phase === 'closed' ? r.json : null;
      },
      'the month closed',
      30_000,
    );
    expect(progress).toMatchObject({ month: MONTH, phase: 'closed', total: 2, done: 2 });
  });

  it('credits: the CSV download holds the JSON entries, money in integer minor units', async () => {
    const json = await api.call('finance', 'GET', `/v1/credits?month=${MONTH}`);
    const entries = json.json as CreditEntry[];
    expect(entries.map((x) => x.customerId).sort()).toEqual(['contoso', 'northwind']);
    expect(entries.find((x) => x.customerId === 'northwind')!.creditMinor).toBeGreaterThan(0);

    const csv = await api.call('auditor', 'GET', `/v1/credits?month=${MONTH}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="credits-${MONTH}.csv"`);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    expect(csv.text.endsWith('\r\n')).toBe(true);
    const parsed = rows(csv.text);
    expect(parsed).toHaveLength(entries.length);
    for (const entry of entries) {
      const row = parsed.find(
        (r) => r.customer_id === entry.customerId && r.sequence === String(entry.sequence),
      )!;
      expect(row).toMatchObject({
        month: entry.month,
        kind: entry.kind,
        currency: entry.currency,
        uptime_percent: entry.uptimePercent,
        credit_percent: String(entry.creditPercent),
        monthly_fee_minor: String(entry.monthlyFeeMinor),
        credit_minor: String(entry.creditMinor),
        downtime_ms: String(entry.downtimeMs),
        outage_ids: entry.outageIds.join(' '),
        policy_version: entry.policyVersion,
        workflow_id: entry.workflowId,
      });
      expect(Number.isInteger(Number(row.credit_minor))).toBe(true);
    }
  });

  it('outages: the CSV download holds the uptime JSON outages as counted, time in the month (I8)', async () => {
    const json = (await api.call('oncall', 'GET', `/v1/uptime?month=${MONTH}`)).json as MonthUptime;
    const csv = await api.call('finance', 'GET', `/v1/uptime?month=${MONTH}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="outages-${MONTH}.csv"`);
    const parsed = rows(csv.text);
    expect(parsed.map((r) => r.outage_id).sort()).toEqual(['DB-1', 'EDGE-2']);
    expect(parsed).toEqual(
      json.outages.map((o) => ({
        outage_id: o.outageId,
        regions: o.regions.join(' '),
        start: o.start,
        end: o.end,
        classification: o.classification,
        counted: String(o.counted),
        ms_in_month: String(o.msInMonth),
        minutes_in_month: (o.msInMonth / 60_000).toFixed(1),
        policy_version: o.policyVersion,
      })),
    );
    expect(json.outages.find((o) => o.outageId === 'DB-1')).toMatchObject({
      counted: true,
      msInMonth: 3 * 3_600_000,
    });
    // Toronto's October starts at 04:00Z: 1.5 h of EDGE-2 fall in it.
    expect(json.outages.find((o) => o.outageId === 'EDGE-2')!.msInMonth).toBe(1.5 * 3_600_000);
  });

  it('uptime per region per day: JSON series and the embeddable SVG charts', async () => {
    const json = await api.call('finance', 'GET', `/v1/uptime/regions?month=${MONTH}`);
    expect(json.status).toBe(200);
    const series = json.json as RegionDays;
    expect(series.regions.map((r) => r.region)).toEqual(['ca-central', 'eu-west']);
    for (const r of series.regions) expect(r.days).toHaveLength(31);
    const day14 = series.regions[0]!.days.find((d) => d.date === '2026-10-14')!;
    expect(day14.downtimeMs).toBe(3 * 3_600_000);
    const html = await api.call('auditor', 'GET', `/v1/uptime/regions?month=${MONTH}&format=html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text.match(/<svg /g)).toHaveLength(2);
    expect(html.text).toContain('ca-central');
  });

  it('refuses the wrong role (403) and a bad format naming it (400)', async () => {
    for (const path of [`/v1/credits?month=${MONTH}&format=csv`, `/v1/uptime?month=${MONTH}&format=csv`]) {
      const agent = await api.call('agent', 'GET', path);
      expect(agent.status).toBe(403);
    }
    for (const path of [`/v1/credits?format=xlsx`, `/v1/uptime?month=${MONTH}&format=xml`]) {
      const bad = await api.call('finance', 'GET', path);
      expect(bad.status).toBe(400);
      expect(issuePaths(bad)).toEqual(['query.format']);
    }
  });

  it("audit replay: the close's real history replays against the current code; roles and input are checked", async () => {
    const workflowId = billingMonthWorkflowId(MONTH);
    const ok = await api.call('auditor', 'POST', '/v1/audit/replay', { workflowId });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ workflowId, ok: true });
    expect((await api.call('finance', 'POST', '/v1/audit/replay', { workflowId })).status).toBe(403);
    const bad = await api.call('auditor', 'POST', '/v1/audit/replay', { workflowId: 'a b', runs: 2 });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad)).toEqual(['body', 'body.workflowId']);
    const missing = await api.call('auditor', 'POST', '/v1/audit/replay', { workflowId: 'ticket-NOPE-1' });
    expect(missing.status).toBe(404);
  });
});
