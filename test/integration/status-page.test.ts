// The public status page (docs/status-page.md) on the real dev server with the engine's worker
// and the API process: an open outage (acknowledged and classified, C3, C4, C9), a resolved one
// in the ledger, an announced maintenance window (C1) and one whose notice reached nobody, which
// must not appear. The page renders in headless Chromium with no network and shows the region's
// state and the incident; summary.json has Statuspage's shape; the Atom feed and the calendars
// parse with other libraries and carry the right events and instants (I3, I4); query
// parameters are parsed (400 naming them), addresses rate-limited; and nothing private —
// customers, responders, tickets, keys, summaries, reasons, descriptions — reaches any answer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseFeed } from '@rowanmanning/feed-parser';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServers } from '../../src/api/server';
import { BusinessCalendar } from '../../src/calendar';
import { loadConfig } from '../../src/config';
import { accountingMonthRange } from '../../src/rules/uptime';
import { startApiOf, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { TEST_CODEC_KEYS } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { testCustomer } from '../helpers/ledger';
import { newTicket } from '../helpers/tickets';

/** Statuspage's public summary.json, as its API documents it. */
const Component = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum([
    'operational',
    'degraded_performance',
    'partial_outage',
    'major_outage',
    'under_maintenance',
  ]),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
});
const Update = z.object({
  id: z.string(),
  status: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  display_at: z.iso.datetime(),
  affected_components: z.array(
    z.object({ code: z.string(), name: z.string(), old_status: z.string(), new_status: z.string() }),
  ),
  deliver_notifications: z.boolean(),
  custom_tweet: z.string().nullable(),
  tweet_id: z.string().nullable(),
});
const Incident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  monitoring_at: z.iso.datetime().nullable(),
  resolved_at: z.iso.datetime().nullable(),
  impact: z.enum(['none', 'minor', 'major', 'critical']),
  shortlink: z.string(),
  started_at: z.iso.datetime(),
  page_id: z.string(),
  incident_updates: z.array(Update),
  components: z.array(Component),
});
const Maintenance = Incident.extend({
  status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
  impact: z.literal('maintenance'),
  scheduled_for: z.iso.datetime(),
  scheduled_until: z.iso.datetime(),
});
const Summary = z
  .object({
    page: z.object({
      id: z.string(),
      name: z.string(),
      url: z.string(),
      time_zone: z.string(),
      updated_at: z.iso.datetime(),
    }),
    components: z.array(Component),
    incidents: z.array(Incident),
    scheduled_maintenances: z.array(Maintenance),
    status: z.object({
      indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
      description: z.string(),
    }),
  })
  .strict();

/** What must never be public (docs/status-page.md): seeded below into every record it could leak from. */
const PRIVATE = {
  customer: 'Initrode Confidential Holdings',
  customerId: 'initrode',
  adminEmail: 'cfo@initrode.example',
  outageKey: 'initrode-db-primary',
  summary: 'Initrode primary database lost its disk',
  responder: 'specialist.ottawa',
  responderName: 'Ottawa L3 specialist',
  reason: 'root cause: expired certificate on db-7',
  maintenanceId: 'M-initrode-upgrade',
  description: 'Upgrade Initrode’s dedicated cluster',
  unannouncedId: 'M-silent-eu',
  ticketSubject: 'Initrode cannot export payroll',
  requester: 'Pat Initrode',
};

const DAY = 86_400_000;
/** What the assertions read of DOM elements (the tests are type-checked without the DOM library). */
type Text = { textContent: string | null };
type Labelled = { getAttribute(name: string): string | null };
const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

let e: Engine;
let api: TestApi;
let limited: TestApi;
/** The status routes alone, as SLA_STATUS_PORT serves them. */
let own: Server;
let ownBase: string;
const shots = join(tmpdir(), 'sla-status-page');
const windowStart = minute(Date.now() + 2 * DAY);
const windowEnd = minute(Date.now() + 2 * DAY + 2 * 3_600_000);

beforeAll(async () => {
  e = await startEngine({
    server: 'dev',
    customers: [
      testCustomer(PRIVATE.customerId, { name: PRIVATE.customer, administrators: [PRIVATE.adminEmail] }),
    ],
  });
  [api, limited] = await Promise.all([
    startApiOf(e),
    startApiOf(e, { SLA_API_RATE: '0.01', SLA_API_BURST: '2' }),
  ]);
  const config = loadConfig({
    TEMPORAL_ADDRESS: e.env.address,
    TEMPORAL_NAMESPACE: e.env.namespace,
    SLA_TASK_QUEUE: e.taskQueue,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    SLA_STATUS_PORT: '8081',
  });
  own = createApiServers({ config, policy: e.policy, client: e.env.client, ledger: e.ledger }).status;
  await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
  ownBase = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;

  // A resolved outage (in the ledger), an open one acknowledged and classified, two windows and a ticket.
  const report = { regions: ['ca-central'], source: 'status-test', summary: PRIVATE.summary };
  await e.outages.reportOutage({
    ...report,
    key: `${PRIVATE.outageKey}-old`,
    startedAt: minute(Date.now() - 3_600_000),
  });
  await e.outages.resolveOutage(`${PRIVATE.outageKey}-old`, { requestId: 'rs-old', by: PRIVATE.responder });
  await e.outages.reportOutage({ ...report, key: PRIVATE.outageKey });
  await e.outages.acknowledgeOutage(PRIVATE.outageKey, {
    requestId: 'ack-1',
    responderId: PRIVATE.responder,
  });
  await e.outages.classifyOutage(PRIVATE.outageKey, {
    requestId: 'cl-1',
    classification: 'unexpected',
    regions: ['ca-central'],
    by: PRIVATE.responder,
    reason: PRIVATE.reason,
  });
  const window = { start: windowStart, end: windowEnd, description: PRIVATE.description };
  await e.maintenance.scheduleMaintenance({
    ...window,
    maintenanceId: PRIVATE.maintenanceId,
    regions: ['ca-central'],
  });
  // No customer in eu-west: its notice reaches nobody, so it is not announced (C1).
  await e.maintenance.scheduleMaintenance({
    ...window,
    maintenanceId: PRIVATE.unannouncedId,
    regions: ['eu-west'],
  });
  await e.client.openTicket(
    newTicket('T-status-1', {
      customerId: PRIVATE.customerId,
      subject: PRIVATE.ticketSubject,
      requester: { name: PRIVATE.requester, email: PRIVATE.adminEmail },
    }),
  );

  // Everything in place before the first public read (the page caches what it gathered).
  const range = accountingMonthRange(minute(Date.now()).slice(0, 7), e.policy.policy.month.timeZone);
  await e.waitFor(async () => (await e.ledger.outages(range)).length === 1, 'the resolved outage record');
  await e.waitFor(async () => {
    const s = await e.outages.outageStatus(PRIVATE.outageKey);
    return s.engagedAt && s.classificationHistory.length === 2;
  }, 'the acknowledgement and classification');
  await e.waitFor(
    async () => (await e.outages.listOutages({ open: true })).some((o) => o.outageId === PRIVATE.outageKey),
    'the open outage in visibility',
  );
  await e.waitFor(
    async () => (await e.maintenance.maintenanceStatus(PRIVATE.maintenanceId).catch(() => null))?.announcedAt,
    'the notice to go out',
  );
  await e.waitFor(async () => {
    const s = await e.maintenance.maintenanceStatus(PRIVATE.unannouncedId).catch(() => null);
    return s?.notices[0]?.done;
  }, 'the unannounced window to be judged');
  await e.waitFor(
    async () => (await e.maintenance.listMaintenance({})).length === 2,
    'both windows in visibility',
  );
}, 60_000);

afterAll(async () => {
  own?.closeAllConnections();
  await Promise.all([
    api?.close(),
    limited?.close(),
    new Promise((r) => (own ? own.close(r) : r(undefined))),
  ]);
  await e?.stop();
});

const get = async (path: string) => {
  const r = await api.call(null, 'GET', path);
  expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(200);
  return r;
};

describe('the public status page', () => {
  it('renders in headless Chromium without network: the region is down and the incident is shown', async () => {
    mkdirSync(shots, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1100, height: 1400 });
      const elsewhere: string[] = [];
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.url().startsWith(api.base)) return void req.continue();
        elsewhere.push(req.url());
        void req.abort();
      });
      const res = await page.goto(`${api.base}/status`, { waitUntil: 'load' });
      expect(res?.status()).toBe(200);
      expect(res?.headers()['cache-control']).toBe('public, max-age=5');
      const text = await page.$eval('body', (b) => (b as unknown as { innerText: string }).innerText);
      expect(text).toContain('Major outage');
      expect(text).toMatch(/ca-central\s+Major outage/);
      expect(text).toContain('Outage in ca-central');
      expect(text).toContain('Classified as unplanned outage (ca-central).');
      expect(text).toContain('An engineer is working on it.');
      expect(text).toContain('Planned maintenance in ca-central');
      expect(text).toMatch(/against the 99\.95 % target/);
      expect(text).not.toContain('eu-west');
      const headings = await page.$$eval('h1, h2, h3', (hs: Text[]) => hs.map((h) => h.textContent));
      expect(headings).toEqual(
        expect.arrayContaining(['Service status', 'Regions', 'ca-central', 'Open incidents']),
      );
      // Each bar has its text: date, uptime and tier; today's shows the open outage's tier.
      const bars = await page.$$eval('ol.bar li .sr', (li: Text[]) => li.map((x) => x.textContent));
      expect(bars.length).toBeGreaterThanOrEqual(89);
      expect(bars.length).toBeLessThanOrEqual(90);
      expect(bars[0]).toMatch(/^\d{4}-\d{2}-\d{2}: 100\.0000 %, at or above target$/);
      expect(bars[bars.length - 1]).toMatch(/% credit tier$/);
      expect(await page.$eval('ol.bar', (ol: Labelled) => ol.getAttribute('aria-label'))).toMatch(
        /^Daily uptime of ca-central/,
      );
      const png = join(shots, 'status-page.png');
      await page.screenshot({ path: png, fullPage: true });
      console.log(`status page screenshot: ${png}`);
      expect(elsewhere).toEqual([]);
      expect(await page.$$('script, img, link[rel=stylesheet]')).toHaveLength(0);
    } finally {
      await browser.close();
    }
  });

  it('summary.json has Statuspage shape: the open incident, the announced window, a major indicator', async () => {
    const r = await get('/status/api/v2/summary.json');
    const summary = Summary.parse(r.json);
    console.log(`summary.json: ${JSON.stringify(summary, null, 2)}`);
    expect(summary.components.map((c) => [c.name, c.status])).toEqual([['ca-central', 'major_outage']]);
    expect(summary.status).toEqual({ indicator: 'critical', description: 'Major System Outage' });
    expect(summary.page.url).toBe(`${api.base}/status`);
    expect(summary.incidents).toHaveLength(1);
    const incident = summary.incidents[0]!;
    expect(incident).toMatchObject({ name: 'Outage in ca-central', status: 'identified', impact: 'major' });
    expect(incident.incident_updates.map((u) => u.status)).toEqual([
      'identified',
      'identified',
      'investigating',
    ]);
    expect(summary.scheduled_maintenances).toHaveLength(1);
    expect(summary.scheduled_maintenances[0]).toMatchObject({
      status: 'scheduled',
      scheduled_for: windowStart,
      scheduled_until: windowEnd,
    });
  });

  it('the Atom feed lists both incidents and the announced window; the maintenance calendar its instants', async () => {
    const atom = await get('/status/history.atom');
    expect(atom.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const feed = parseFeed(atom.text);
    const titles = feed.items.map((i) => i.title).sort();
    expect(titles).toEqual([
      'Outage in ca-central',
      'Outage in ca-central (resolved)',
      'Planned maintenance in ca-central (scheduled)',
    ]);
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(3);

    const ics = await get('/status/calendars/maintenance.ics');
    const events = new ICAL.Component(ICAL.parse(ics.text) as unknown[]).getAllSubcomponents('vevent');
    expect(
      events.map((v) => [
        v.getFirstPropertyValue('summary'),
        (v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
        (v.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString(),
      ]),
    ).toEqual([['Planned maintenance in ca-central', windowStart, windowEnd]]);
  });

  it('the holiday calendar of a country has its no-coverage windows at the business calendar’s instants (I3, I4)', async () => {
    const ics = await get('/status/calendars/holidays-ca.ics?years=1');
    const events = new ICAL.Component(ICAL.parse(ics.text) as unknown[]).getAllSubcomponents('vevent');
    const year = new Date().getUTCFullYear();
    const expected = new BusinessCalendar(e.policy.policy)
      .holidaysOfYear(year)
      .filter((h) => h.country === 'CA')
      .map((h) => [new Date(h.start).toISOString(), new Date(h.end).toISOString()]);
    expect(expected.length).toBeGreaterThan(5);
    expect(
      events.map((v) => [
        (v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
        (v.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString(),
      ]),
    ).toEqual(expected);
    expect(events.some((v) => String(v.getFirstPropertyValue('summary')).startsWith('Christmas Day'))).toBe(
      true,
    );
    expect((await get('/status/calendars/holidays-GB.ics')).text).toContain('BEGIN:VEVENT');
  });

  it('nothing private reaches any public answer', async () => {
    const answers = await Promise.all(
      [
        '/status',
        '/status/api/v2/summary.json',
        '/status/history.atom',
        '/status/calendars/maintenance.ics',
        '/status/calendars/holidays-CA.ics',
      ].map(async (path) => ({ path, text: (await get(path)).text })),
    );
    const unannounced = await e.maintenance.maintenanceStatus(PRIVATE.unannouncedId);
    expect(unannounced.announcedAt).toBeNull();
    for (const { path, text } of answers)
      for (const [what, secret] of Object.entries(PRIVATE))
        expect(text.toLowerCase(), `${what} in ${path}`).not.toContain(secret.toLowerCase());
  });

  it('bad query parameters and paths are refused naming them; other methods 405; each address is rate-limited', async () => {
    const cases: [string, string[]][] = [
      ['/status?x=1', ['query.x']],
      ['/status/history.atom?days=0', ['query.days']],
      ['/status/history.atom?days=3&days=4', ['query.days']],
      ['/status/calendars/holidays-FR.ics?years=9', ['params.country', 'query.years']],
    ];
    for (const [path, issues] of cases) {
      const r = await api.call(null, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.error?.issues?.map((i) => i.path).sort(), path).toEqual(issues);
    }
    expect((await api.call(null, 'GET', '/status/nope')).status).toBe(404);
    expect((await api.call(null, 'POST', '/status', {})).status).toBe(405);
    const statuses = [];
    for (let k = 0; k < 3; k++)
      statuses.push((await limited.call(null, 'GET', '/status/api/v2/summary.json')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('its own port serves the status routes and nothing of the API', async () => {
    const summary = await fetch(`${ownBase}/status/api/v2/summary.json`);
    expect(summary.status).toBe(200);
    expect(Summary.parse(await summary.json()).components.map((c) => c.name)).toEqual(['ca-central']);
    for (const path of ['/health', '/openapi.json', '/v1/customers', '/webhooks/alerts', '/'])
      expect((await fetch(`${ownBase}${path}`)).status, path).toBe(404);
  });
});
