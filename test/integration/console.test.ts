// The web console in Debian's headless Chromium over the API on the dev server: each role signs
// in with its token, sees the pages and buttons its /v1 routes allow, records a first response
// (the ticket's workflow says responded), acknowledges an outage (the workflow says engaged,
// C9), is refused a forged POST of another role's action (403) and any POST without the CSRF
// field (403 naming it), and signs out. A screenshot of each page is kept (the path is printed).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageStatus, outageWorkflowId } from '../../src/messages/outage';
import { ticketStatus, ticketWorkflowId } from '../../src/messages/ticket';
import type { ApiRole } from '../../src/config';
import type { OutageRecord } from '../../src/ledger/types';
import { ROLE_TOKENS, startEngineApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import type { Engine } from '../helpers/engine';
import { newTicket } from '../helpers/tickets';

const SHOTS = join(process.env.TMPDIR ?? tmpdir(), 'sla-console-screenshots');
const RESPONDER = 'specialist.ottawa';
const MONTH = '2026-10';

const outage = (id: string, start: string, end: string): OutageRecord => ({
  outageId: id,
  start,
  end,
  classification: 'unexpected',
  regions: ['ca-central'],
  engagedAt: start,
  engagedBy: 'l3.ottawa',
  engagementMet: true,
  classificationHistory: [
    { at: start, by: 'l3.ottawa', classification: 'unexpected', regions: ['ca-central'], reason: 'test' },
  ],
  policyVersion: 'p1',
  workflowId: `outage-${id}`,
});

let e: Engine;
let api: TestApi;
let stop: () => Promise<void>;
let browser: Browser;

beforeAll(async () => {
  ({ e, api, stop } = await startEngineApi());
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  console.log(`console screenshots: ${SHOTS}`);
  for (const [id, level, channel] of [
    ['T-CON-1', 'L1', 'chat'],
    ['T-CON-2', 'L2', 'phone'],
  ] as const)
    expect((await api.call('agent', 'POST', '/v1/tickets', newTicket(id, { level, channel }))).status).toBe(
      201,
    );
  const outage = {
    key: 'O-CON-1',
    summary: 'Sign-in <fails>',
    regions: ['ca-central'],
    source: 'console-test',
  };
  expect((await api.call('oncall', 'POST', '/v1/outages', outage)).status).toBe(201);
  const start = new Date(Date.now() + 3 * 86_400_000);
  const window = {
    maintenanceId: 'M-CON-1',
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    regions: ['ca-central'],
    description: 'Database upgrade',
  };
  expect((await api.call('oncall', 'POST', '/v1/maintenance', window)).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stop?.();
});

async function signIn(role: ApiRole): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${api.base}/console`);
  expect(new URL(page.url()).pathname).toBe('/console/signin');
  await page.type('#token', ROLE_TOKENS[role]);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(await text(page, 'header')).toContain(`Signed in as ${role}`);
  return page;
}

/** Evaluated in the page (this file's TypeScript has no DOM types). */
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const all = (selector: string) => `[...document.querySelectorAll(${JSON.stringify(selector)})]`;
const texts = (page: Page, selector: string) =>
  inPage<string[]>(page, `${all(selector)}.map((e) => e.textContent)`);
const text = async (page: Page, selector: string) => (await texts(page, selector)).join('');
const attrs = (page: Page, selector: string, name: string) =>
  inPage<string[]>(page, `${all(selector)}.map((e) => e.getAttribute(${JSON.stringify(name)}))`);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** A POST from inside the page (same origin, its cookie), with or without its CSRF field. */
async function post(page: Page, path: string, fields: Record<string, string>, withCsrf: boolean) {
  const [csrf = ''] = await attrs(page, 'input[name=csrf]', 'value');
  const form = new URLSearchParams({ ...fields, ...(withCsrf ? { csrf } : {}) }).toString();
  return page.evaluate(
    async (path, form) => {
      const r = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        redirect: 'manual',
      });
      return { status: r.status, text: await r.text() };
    },
    path,
    form,
  );
}

describe('the console', () => {
  it('agent: the queue soonest due first, live; a ticket page; a first response recorded', async () => {
    const page = await signIn('agent');
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    const nav = await texts(page, 'header nav a');
    expect(nav).toEqual(['Queue', 'Outage room']);
    const rows = await texts(page, '#live tbody tr td:first-child');
    expect(rows).toEqual(['T-CON-1', 'T-CON-2']);
    expect((await attrs(page, '#live tbody tr .state', 'class'))[0]).toContain('s-on-track');
    // Countdowns tick in the browser: the text is a span of time, not the raw instant.
    await page.waitForFunction(`/^in /.test(document.querySelector('time.countdown')?.textContent ?? '')`);
    // Every input and button is labelled.
    const unlabelled = await inPage<number>(
      page,
      `[...document.querySelectorAll('input:not([type=hidden]), select, button')]
        .filter((el) => !el.closest('label') && !el.getAttribute('aria-label') && !el.textContent.trim()).length`,
    );
    expect(unlabelled).toBe(0);

    // Live: a ticket opened elsewhere appears without a reload.
    expect(
      (await api.call('agent', 'POST', '/v1/tickets', newTicket('T-CON-3', { level: 'L3' }))).status,
    ).toBe(201);
    await page.waitForFunction(`document.querySelector('#live')?.textContent?.includes('T-CON-3')`, {
      timeout: 5_000,
    });
    await shot(page, 'queue-agent');

    // The filters: level L2 only; the phone channel; an assignee (each a search attribute).
    await page.select('select[name=level]', 'L2');
    await Promise.all([page.waitForNavigation(), page.click('form[aria-label=Filters] button')]);
    expect(await texts(page, '#live tbody tr td:first-child')).toEqual(['T-CON-2']);
    await page.goto(`${api.base}/console/queue?channel=phone`);
    expect(await texts(page, '#live tbody tr td:first-child')).toEqual(['T-CON-2']);
    // Each row counts down to its next step (the L2 plan's first) as well as to its deadline.
    expect(await attrs(page, '#live tbody tr time.countdown', 'datetime')).toHaveLength(2);
    const assign = { requestId: 'a-con-2', responderId: RESPONDER };
    expect((await api.call('agent', 'POST', '/v1/tickets/T-CON-2/assign', assign)).status).toBe(200);
    await e.waitFor(async () => {
      await page.goto(`${api.base}/console/queue?assigneeId=${RESPONDER}`);
      const rows = await texts(page, '#live tbody tr td:first-child');
      return rows.length === 1 && rows[0] === 'T-CON-2';
    }, 'the assignee filter');
    expect(await text(page, '#live tbody tr')).toContain(RESPONDER);
    await page.goto(`${api.base}/console/queue?unassigned=on`);
    expect(await texts(page, '#live tbody tr td:first-child')).toEqual(['T-CON-1', 'T-CON-3']);

    await page.goto(`${api.base}/console/tickets/T-CON-1`);
    const details = await text(page, '#live dl');
    expect(details).toMatch(/L1, rule/);
    expect(details).toContain('Clock start');
    const buttons = await attrs(page, 'button[name=action]', 'value');
    expect(buttons).toEqual([
      'assign',
      'first-response',
      'replies',
      'resolve',
      'reopen',
      'escalate',
      'reclassify',
    ]);

    // A refused action shows the engine's message naming the field.
    const bad = await post(page, '/console/tickets/T-CON-1/assign', { responderId: 'not an id!' }, true);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<code>responderId</code>');
    // No CSRF field: refused, naming it, and nothing sent.
    const forged = await post(page, '/console/tickets/T-CON-1/assign', { responderId: RESPONDER }, false);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('csrf');

    await page.type('#-console-tickets-T-CON-1-first-response-responderId', RESPONDER);
    await Promise.all([page.waitForNavigation(), page.click('button[value=first-response]')]);
    expect(await text(page, '.notice')).toContain('first-response');
    const status = await e.env.client.workflow.getHandle(ticketWorkflowId('T-CON-1')).query(ticketStatus);
    expect(status.firstResponse).toMatchObject({ by: RESPONDER });
    expect(await text(page, '#live dl')).toContain(`by ${RESPONDER}`);
    const assigned = await e.env.client.workflow.getHandle(ticketWorkflowId('T-CON-1')).query(ticketStatus);
    expect(assigned.assigneeId).toBeNull();

    // The reply form sent twice (a double click, a resubmission): one reply, listed on the page.
    const [requestId] = await attrs(page, 'form[action$="/replies"] input[name=requestId]', 'value');
    const reply = { requestId: requestId!, from: 'customer' };
    for (let i = 0; i < 2; i++) {
      // Accepted: a redirect, which the page's fetch sees as an opaque one (status 0).
      const sent = await post(page, '/console/tickets/T-CON-1/replies', reply, true);
      expect(sent.status).toBe(0);
    }
    // Another form's request id (where the workflow would answer the reply's result) is refused.
    const crossed = await post(
      page,
      '/console/tickets/T-CON-1/assign',
      { requestId: requestId!, responderId: RESPONDER },
      true,
    );
    expect([crossed.status, crossed.text.includes('<code>requestId</code>')]).toEqual([400, true]);
    await page.goto(`${api.base}/console/tickets/T-CON-1`);
    const replies = await e.env.client.workflow.getHandle(ticketWorkflowId('T-CON-1')).query(ticketStatus);
    expect(replies.replyCount).toBe(1);
    expect(await text(page, '#live')).toContain('1 reply');
    expect(await texts(page, '#live ol li')).toHaveLength(1);
    await shot(page, 'ticket-agent');
  }, 30_000);

  it('oncall: the outage room with the C9 countdown; acknowledge; the workflow is engaged', async () => {
    const page = await signIn('oncall');
    await page.goto(`${api.base}/console/outages`);
    const card = await text(page, 'section[aria-label="Outage O-CON-1"]');
    // The summary is shown as text, never as markup.
    expect(card).toContain('Sign-in <fails>');
    expect(card).toContain('L3 engagement due (C9)');
    expect(await text(page, '#live table')).toContain('Database upgrade');
    await page.waitForFunction(
      `/^in (0[5-9]|10)m/.test(document.querySelector('#live time.countdown')?.textContent ?? '')`,
    );
    await shot(page, 'outages-oncall');
    await page.type('input[aria-label="responder id (acknowledge outage O-CON-1)"]', RESPONDER);
    await Promise.all([
      page.waitForNavigation(),
      page.click('button[aria-label="acknowledge outage O-CON-1"]'),
    ]);
    const status = await e.env.client.workflow.getHandle(outageWorkflowId('O-CON-1')).query(outageStatus);
    expect(status).toMatchObject({ state: 'engaged', engagedBy: RESPONDER, met: true });
    expect(await text(page, '#live')).toContain(`by ${RESPONDER}`);
    await shot(page, 'outages-oncall-acknowledged');
    // The ticket page offers oncall no ticket actions.
    await page.goto(`${api.base}/console/tickets/T-CON-2`);
    expect(await page.$$('button[name=action]')).toHaveLength(0);
  }, 30_000);

  it('finance: no action buttons, a forged POST refused 403; the Month page: chart, credits, downloads', async () => {
    const page = await signIn('finance');
    expect(await texts(page, 'header nav a')).toEqual(['Queue', 'Outage room', 'Month']);
    await page.goto(`${api.base}/console/outages`);
    expect(await page.$$('button[name=action]')).toHaveLength(0);
    await page.goto(`${api.base}/console/tickets/T-CON-2`);
    expect(await page.$$('button[name=action]')).toHaveLength(0);
    const forged = await post(
      page,
      '/console/tickets/T-CON-2/first-response',
      { responderId: RESPONDER },
      true,
    );
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('the finance role may not call firstResponseTicket');
    const ack = await post(page, '/console/outages/O-CON-1/resolve', { by: RESPONDER }, true);
    expect(ack.status).toBe(403);
    const t2 = await e.env.client.workflow.getHandle(ticketWorkflowId('T-CON-2')).query(ticketStatus);
    expect(t2.firstResponse).toBeNull();
    // The month closed for real (C14, I14): three hours down in initech's region give it a credit.
    await e.ledger.recordOutage(outage('DB-CON-1', '2026-10-14T12:00:00.000Z', '2026-10-14T15:00:00.000Z'));
    expect(
      (await api.call('finance', 'POST', '/v1/credits/runs', { month: MONTH, force: true })).status,
    ).toBe(202);
    await e.waitFor(
      async () => {
        const r = await api.call('finance', 'GET', `/v1/credits/runs/${MONTH}`);
        return r.status === 200 && (r.json as { phase: string }).phase === 'closed';
      },
      'the month closed',
      20_000,
    );
    await page.goto(`${api.base}/console/month`);
    // Default: the month just ended.
    expect(await attrs(page, 'input[name=month]', 'value')).toHaveLength(1);
    await page.goto(`${api.base}/console/month?month=${MONTH}`);
    expect(await text(page, '#live')).toContain('Closed: 1 customer(s), 1 credited');
    expect(await page.$$('#live figure.chart svg')).toHaveLength(1);
    const row = await texts(page, '#live tbody tr td');
    expect(row[0]).toContain('initech');
    expect(row.join(' ')).toMatch(/99\.\d+ %/);
    const [explanation] = await attrs(page, '#live tbody a', 'href');
    expect(explanation).toBe(`/console/months/${MONTH}/explanation?customerId=initech`);
    await shot(page, 'month-finance');
    // The downloads, fetched by the page under its session: a CSV attachment.
    const [creditsCsv] = await attrs(page, 'a[download]', 'href');
    const download = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return {
        status: r.status,
        type: r.headers.get('content-type'),
        disposition: r.headers.get('content-disposition'),
        text: await r.text(),
      };
    }, creditsCsv!);
    expect(download).toMatchObject({
      status: 200,
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="credits-${MONTH}.csv"`,
    });
    const csv = parse<Record<string, string>>(download.text, { columns: true });
    expect(csv).toHaveLength(1);
    expect(csv[0]).toMatchObject({ customer_id: 'initech', month: MONTH, kind: 'credit' });
    expect(Number(csv[0]!.credit_minor)).toBeGreaterThan(0);
    // How it was computed: the explanation's page, under the session (no bearer token).
    const shown = await page.goto(`${api.base}${explanation}`);
    expect(shown?.status()).toBe(200);
    expect(await text(page, 'body')).toContain('initech');
    await shot(page, 'month-explanation-finance');
    const bad = await page.goto(`${api.base}/console/month?month=2026-13`);
    expect(bad?.status()).toBe(400);
    expect(await text(page, '.error')).toContain('month');
    // The monthly report's own page, from its /v1 route.
    await page.goto(`${api.base}/console/months/${MONTH}/report?format=html`);
    expect(await page.title()).toMatch(new RegExp(`^SLA report ${MONTH}`));
    // Its customers link the explanations under the session, as the Month page does.
    expect(await attrs(page, 'a[title="how this credit was computed"]', 'href')).toEqual([explanation]);
    const audit = await page.goto(`${api.base}/console/audit`);
    expect(audit?.status()).toBe(403);
  }, 30_000);

  it('auditor: the audit timeline of an id and its replay; sign-out ends the session; a wrong token is refused', async () => {
    const page = await signIn('auditor');
    await page.goto(`${api.base}/console/audit`);
    await page.type('input[name=workflowId]', ticketWorkflowId('T-CON-1'));
    await Promise.all([page.waitForNavigation(), page.click('main form button')]);
    expect(await text(page, '#live pre')).toContain('T-CON-1');
    // Replay the ticket's history against the current workflow code (C12).
    await Promise.all([page.waitForNavigation(), page.click('main form[method=post] button')]);
    expect(await text(page, '[role=status]')).toContain('Replay: ok');
    expect(await text(page, '#live pre')).toContain('T-CON-1');
    await shot(page, 'audit-auditor');
    await Promise.all([page.waitForNavigation(), page.click('header form button')]);
    expect(new URL(page.url()).pathname).toBe('/console/signin');
    await page.goto(`${api.base}/console/queue`);
    expect(new URL(page.url()).pathname).toBe('/console/signin');

    // A sign-in posted from elsewhere (no sign-in cookie, no csrf field) is refused before the token is read.
    const elsewhere = await fetch(`${api.base}/console/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ROLE_TOKENS.agent, csrf: '' }).toString(),
      redirect: 'manual',
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('set-cookie')).not.toContain('sla_console=');

    await page.type('#token', 'not-a-token');
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(answer?.status()).toBe(401);
    expect(await text(page, '.error')).toContain('token');
    await shot(page, 'signin-refused');
  }, 30_000);
});
