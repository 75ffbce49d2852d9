// The HTTP API on the real dev server with the engine's worker and a PGlite ledger:
// every route of the table answered with valid input (each route shows a 2xx in the access log)
// and refused with invalid input naming the field; the whole role matrix, generated from the
// table; 401, 403, 404, 405, 409, 413, 415, 429 and 503 as JSON errors; the OpenAPI document.
import { WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_ROUTES } from '../../src/api/routes';
import { API_ROLES } from '../../src/config';
import { parsePolicy } from '../../src/policy';
import { accountingMonth } from '../../src/rules/uptime';
import { billingMonthWorkflowId } from '../../src/messages/billing';
import { issuePaths, startApi, startEngineApi, type TestApi } from '../helpers/api';
import type { Engine } from '../helpers/engine';
import { noLedger, testCustomer } from '../helpers/ledger';
import { newTicket } from '../helpers/tickets';

const SECRET_SUBJECT = 'Payroll export for Jane Q. Secretperson';
const SECRET_EMAIL = 'jane.secret@initech.example';

/** One refused request per route, and the issue paths it must name. */
const INVALID: Record<string, { method: string; path: string; body?: unknown; issues: string[] }> = {
  openTicket: {
    method: 'POST',
    path: '/v1/tickets',
    body: { ...newTicket('T-BAD'), customerId: '', channel: 'fax' },
    issues: ['body.channel', 'body.customerId'],
  },
  classifyTicket: {
    method: 'POST',
    path: '/v1/classify',
    body: { subject: '', body: 'x'.repeat(100_001) },
    issues: ['body.body', 'body.subject'],
  },
  ticketStatus: { method: 'GET', path: '/v1/tickets/bad%20id', issues: ['params.ticketId'] },
  assignTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/assign',
    body: { requestId: 'r' },
    issues: ['body.responderId'],
  },
  firstResponseTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/first-response',
    body: { requestId: 'r', responderId: 'x', at: 'yesterday' },
    issues: ['body.at'],
  },
  replyTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/replies',
    body: { requestId: 'r', from: 'bot' },
    issues: ['body.from'],
  },
  resolveTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/resolve',
    body: {},
    issues: ['body.requestId', 'body.responderId'],
  },
  reopenTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/reopen',
    body: { requestId: 'r', reason: '' },
    issues: ['body.reason'],
  },
  escalateTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/escalate',
    body: { requestId: 'r', by: 7, reason: 'x' },
    issues: ['body.by'],
  },
  reclassifyTicket: {
    method: 'POST',
    path: '/v1/tickets/T-1/reclassify',
    body: { requestId: 'r', level: 'L9', by: 'a', reason: 'b' },
    issues: ['body.level'],
  },
  openSession: {
    method: 'POST',
    path: '/v1/sessions',
    body: { sessionId: 'S', channel: 'email', responderId: 'a' },
    issues: ['body.channel'],
  },
  sessionStatus: { method: 'GET', path: '/v1/sessions/S-1?verbose=1', issues: ['query.verbose'] },
  endSession: { method: 'POST', path: '/v1/sessions/S-1/end', body: [], issues: ['body'] },
  reportOutage: {
    method: 'POST',
    path: '/v1/outages',
    body: { key: 'O-BAD', summary: 'down', regions: ['EU West'] },
    issues: ['body.regions[0]', 'body.source'],
  },
  listOutages: { method: 'GET', path: '/v1/outages?open=yes&limit=0', issues: ['query.limit', 'query.open'] },
  outageStatus: { method: 'GET', path: '/v1/outages/%E0%A4%A', issues: ['params.key'] },
  acknowledgeOutage: {
    method: 'POST',
    path: '/v1/outages/O-1/acknowledge',
    body: { requestId: 'r' },
    issues: ['body.responderId'],
  },
  confirmStart: {
    method: 'POST',
    path: '/v1/outages/O-1/confirm-start',
    body: { requestId: 'r', by: 'a', reason: '' },
    issues: ['body.reason'],
  },
  classifyOutage: {
    method: 'POST',
    path: '/v1/outages/O-1/classify',
    body: { requestId: 'r', classification: 'planned', by: 'a', reason: 'x' },
    issues: ['body.classification'],
  },
  resolveOutage: {
    method: 'POST',
    path: '/v1/outages/O-1/resolve',
    body: { requestId: 'r', by: 'a', end: 'soon' },
    issues: ['body.end'],
  },
  scheduleMaintenance: {
    method: 'POST',
    path: '/v1/maintenance',
    body: {
      maintenanceId: 'M',
      start: '2030-01-02T00:00:00Z',
      end: '2030-01-01T00:00:00Z',
      regions: ['ca-central'],
      description: 'x',
    },
    issues: ['body.end'],
  },
  listMaintenance: { method: 'GET', path: '/v1/maintenance?state=done', issues: ['query.state'] },
  maintenanceStatus: { method: 'GET', path: '/v1/maintenance/-bad', issues: ['params.maintenanceId'] },
  rescheduleMaintenance: {
    method: 'POST',
    path: '/v1/maintenance/M-1/reschedule',
    body: { requestId: 'r' },
    issues: ['body.end', 'body.start'],
  },
  cancelMaintenance: {
    method: 'POST',
    path: '/v1/maintenance/M-1/cancel',
    body: { requestId: 'r', reason: '   ' },
    issues: ['body.reason'],
  },
  startMaintenance: {
    method: 'POST',
    path: '/v1/maintenance/M-1/start',
    body: { requestId: 'r', at: 1 },
    issues: ['body.at'],
  },
  endMaintenance: {
    method: 'POST',
    path: '/v1/maintenance/M-1/end',
    body: { requestId: '' },
    issues: ['body.requestId'],
  },
  listCustomers: { method: 'GET', path: '/v1/customers?at=yesterday', issues: ['query.at'] },
  customerHistory: {
    method: 'GET',
    path: `/v1/customers/${'x'.repeat(201)}/history`,
    issues: ['params.customerId'],
  },
  endContract: {
    method: 'POST',
    path: '/v1/customers/acme/end',
    body: { effective: '2026-02-30' },
    issues: ['body.effective'],
  },
  policyVersions: { method: 'GET', path: '/v1/policy/versions?month=2026-03', issues: ['query.month'] },
  getCustomer: { method: 'GET', path: `/v1/customers/${'x'.repeat(201)}`, issues: ['params.customerId'] },
  importCustomers: {
    method: 'POST',
    path: '/v1/customers',
    body: [testCustomer('ok'), { ...testCustomer('bad'), currency: 'cad', administrators: [] }],
    issues: ['body[1].administrators', 'body[1].currency'],
  },
  uptime: { method: 'GET', path: '/v1/uptime?month=2026-13', issues: ['query.month'] },
  listCredits: { method: 'GET', path: '/v1/credits?month=2026-1', issues: ['query.month'] },
  runCredits: {
    method: 'POST',
    path: '/v1/credits/runs',
    body: { month: '2026-10', batchSize: 0 },
    issues: ['body.batchSize'],
  },
  creditsRunProgress: { method: 'GET', path: '/v1/credits/runs/October', issues: ['params.month'] },
  monthReport: { method: 'GET', path: '/v1/reports/2026-10?format=pdf', issues: ['query.format'] },
  creditExplanation: {
    method: 'GET',
    path: '/v1/credits/2026-13/acme/explanation',
    issues: ['params.month'],
  },
  auditTimeline: { method: 'GET', path: '/v1/audit/ticket-T-1/timeline?runId=42', issues: ['query.runId'] },
  uptimeByRegion: {
    method: 'GET',
    path: '/v1/uptime/regions?month=2026-10&format=svg',
    issues: ['query.format'],
  },
  auditReplay: {
    method: 'POST',
    path: '/v1/audit/replay',
    body: { workflowId: 'ticket T-1' },
    issues: ['body.workflowId'],
  },
};

describe('HTTP API', () => {
  let e: Engine;
  let api: TestApi;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ e, api, stop } = await startEngineApi());
  });
  afterAll(async () => {
    await stop?.();
  });

  it('has an invalid case for every route of the table', () => {
    expect(Object.keys(INVALID).sort()).toEqual(ROLE_ROUTES.map((r) => r.id).sort());
  });

  describe('refuses invalid input with 400 naming each field, starting nothing', () => {
    for (const [id, c] of Object.entries(INVALID)) {
      it(id, async () => {
        const role = ROLE_ROUTES.find((r) => r.id === id)!.roles[0]!;
        const res = await api.call(role, c.method, c.path, c.body);
        expect(res.status).toBe(400);
        expect(res.error?.code).toBe('invalid');
        expect(issuePaths(res)).toEqual(c.issues);
      });
    }
  });

  it('the role matrix: each role may call exactly the routes the table gives it (403 otherwise); no token is 401', async () => {
    const seen: string[] = [];
    for (const route of ROLE_ROUTES) {
      const c = INVALID[route.id]!;
      for (const role of API_ROLES) {
        const res = await api.call(role, c.method, c.path, c.body);
        const allowed = route.roles.includes(role);
        // Allowed: the input is judged (400); refused: 403 before the input is read.
        expect({ route: route.id, role, status: res.status }).toEqual({
          route: route.id,
          role,
          status: allowed ? 400 : 403,
        });
        if (!allowed) expect(res.error?.code).toBe('forbidden');
        seen.push(`${route.id}:${role}`);
      }
      const none = await api.call(null, c.method, c.path, c.body);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(none.error?.code).toBe('unauthorized');
      const wrong = await api.call(null, c.method, c.path, c.body, {
        authorization: `Bearer ${'z'.repeat(30)}`,
      });
      expect(wrong.status).toBe(401);
    }
    expect(seen).toHaveLength(ROLE_ROUTES.length * API_ROLES.length);
  });

  /** GET /v1/credits/runs/{month} through `through` until the month's close says closed: its progress. */
  const closedRun = (through: TestApi, month: string, what: string) =>
    e.waitFor(
      async () => {
        const r = await through.call('auditor', 'GET', `/v1/credits/runs/${month}`);
        return r.status === 200 && (r.json as { phase: string }).phase === 'closed' ? r.json : null;
      },
      what,
      60_000,
    );

  const ticket = newTicket('T-API-1', {
    customerId: 'initech',
    requester: { name: 'Jane Q. Secretperson', email: SECRET_EMAIL },
    subject: SECRET_SUBJECT,
    body: 'Please export the payroll of Jane Q. Secretperson',
  });

  it('tickets: open (201, again 200), status, assign, reclassify, escalate, first response, reply, resolve, reopen', async () => {
    expect((await api.call('agent', 'POST', '/v1/tickets', ticket)).status).toBe(201);
    const again = await api.call('agent', 'POST', '/v1/tickets', ticket);
    expect(again).toMatchObject({ status: 200, json: { workflowId: 'ticket-T-API-1', created: false } });
    const status = await e.waitFor(async () => {
      const r = await api.call('auditor', 'GET', '/v1/tickets/T-API-1');
      return r.status === 200 ? r.json : null;
    }, 'the ticket status');
    expect(status).toMatchObject({ level: expect.stringMatching(/^L[123]$/), state: 'on-track' });
    const t = '/v1/tickets/T-API-1';
    const assign = await api.call('agent', 'POST', `${t}/assign`, {
      requestId: 'a-1',
      responderId: 'specialist.ottawa',
    });
    expect(assign).toMatchObject({ status: 200, json: { assigneeId: 'specialist.ottawa' } });
    const reclassify = await api.call('agent', 'POST', `${t}/reclassify`, {
      requestId: 'rc-1',
      level: 'L2',
      by: 'agent.toronto',
      reason: 'blocks payroll',
    });
    expect(reclassify).toMatchObject({ status: 200, json: { level: 'L2' } });
    const escalate = await api.call('agent', 'POST', `${t}/escalate`, {
      requestId: 'e-1',
      by: 'agent.toronto',
      reason: 'VIP',
    });
    expect(escalate).toMatchObject({ status: 200, json: { stepId: 'manual-e-1' } });
    const first = await api.call('agent', 'POST', `${t}/first-response`, {
      requestId: 'f-1',
      responderId: 'specialist.ottawa',
    });
    expect(first).toMatchObject({ status: 200, json: { met: true } });
    const reply = await api.call('agent', 'POST', `${t}/replies`, { requestId: 'rp-1', from: 'customer' });
    expect(reply).toMatchObject({ status: 200, json: { replies: 1 } });
    const resolve = await api.call('agent', 'POST', `${t}/resolve`, {
      requestId: 'rs-1',
      responderId: 'specialist.ottawa',
    });
    expect(resolve).toMatchObject({ status: 200, json: { resolution: 1 } });
    const reopen = await api.call('agent', 'POST', `${t}/reopen`, {
      requestId: 'ro-1',
      reason: 'still failing',
    });
    expect(reopen).toMatchObject({ status: 200, json: { status: 'open' } });
    // A repeated request id is applied once and answers the first result.
    expect(
      (await api.call('agent', 'POST', `${t}/replies`, { requestId: 'rp-1', from: 'customer' })).json,
    ).toEqual({
      replies: 1,
    });
  });

  it("classify: the policy's level, rule and phrase for a ticket's text, nothing opened (C10, I11)", async () => {
    const res = await api.call('agent', 'POST', '/v1/classify', {
      subject: 'Comment puis-je désactiver les webhooks ?',
      body: '',
    });
    expect(res).toMatchObject({ status: 200, json: { level: 'L3', ruleId: 'l3-api', phrase: 'webhook' } });
    const none = await api.call('agent', 'POST', '/v1/classify', { subject: 'Thanks', body: 'All good' });
    expect(none).toMatchObject({ status: 200, json: { level: 'L2', ruleId: 'default' } });
  });

  it('maps the typed errors: unknown ticket 404, an update the workflow refuses 400, opened in the future 400', async () => {
    const missing = await api.call('agent', 'GET', '/v1/tickets/T-NOPE');
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    const nobody = await api.call('agent', 'POST', '/v1/tickets/T-API-1/assign', {
      requestId: 'a-9',
      responderId: 'nobody',
    });
    expect(nobody.status).toBe(400);
    expect(nobody.error?.code).toBe('invalid');
    const future = await api.call('agent', 'POST', '/v1/tickets', {
      ...newTicket('T-FUTURE'),
      openedAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.error?.issues).toEqual([{ path: 'body.openedAt', message: 'must not be in the future' }]);
  });

  it('sessions: open, status, end', async () => {
    const open = await api.call('agent', 'POST', '/v1/sessions', {
      sessionId: 'S-API-1',
      ticketId: 'T-API-1',
      channel: 'phone',
      responderId: 'agent.toronto',
    });
    expect(open).toMatchObject({ status: 201, json: { workflowId: 'session-S-API-1' } });
    const status = await e.waitFor(async () => {
      const r = await api.call('oncall', 'GET', '/v1/sessions/S-API-1');
      return r.status === 200 ? r.json : null;
    }, 'the session status');
    // The session as opened, under the engine's policy, still running.
    const { session } = e.policy.policy;
    expect(status).toMatchObject({
      sessionId: 'S-API-1',
      channel: 'phone',
      responderId: 'agent.toronto',
      limitMinutes: session.enabled ? session.limitMinutes : null,
      policyVersion: e.policy.version,
      endedAt: null,
    });
    const end = await api.call('agent', 'POST', '/v1/sessions/S-API-1/end', { requestId: 'end-1' });
    expect(end).toMatchObject({ status: 200, json: { minutes: expect.any(Number) } });
  });

  it('outages: report (201), list, status, acknowledge, classify, resolve; a message to a resolved one is 409', async () => {
    const report = { key: 'O-API-1', summary: 'Sign-in fails', regions: ['ca-central'], source: 'api-test' };
    expect((await api.call('oncall', 'POST', '/v1/outages', report)).status).toBe(201);
    const list = await api.call('agent', 'GET', '/v1/outages?open=true&limit=10');
    expect(list.status).toBe(200);
    expect(await api.call('finance', 'GET', '/v1/outages/O-API-1')).toMatchObject({
      status: 200,
      json: { key: 'O-API-1', state: 'open' },
    });
    const o = '/v1/outages/O-API-1';
    const ack = await api.call('oncall', 'POST', `${o}/acknowledge`, {
      requestId: 'ack-1',
      responderId: 'specialist.ottawa',
    });
    expect(ack.status).toBe(200);
    const classify = await api.call('oncall', 'POST', `${o}/classify`, {
      requestId: 'cl-1',
      classification: 'external',
      by: 'specialist.ottawa',
      reason: 'upstream DNS provider',
    });
    expect(classify.status).toBe(200);
    const resolve = await api.call('oncall', 'POST', `${o}/resolve`, {
      requestId: 'rs-1',
      by: 'specialist.ottawa',
    });
    expect(resolve.status).toBe(200);
    await e.waitFor(
      async () => ((await api.call('oncall', 'GET', o)).json as { state: string }).state === 'resolved',
      'resolved',
    );
    const late = await e.waitFor(async () => {
      const r = await api.call('oncall', 'POST', `${o}/classify`, {
        requestId: 'cl-2',
        classification: 'partial',
        by: 'specialist.ottawa',
        reason: 'late',
      });
      return r.status === 409 ? r : null;
    }, 'the outage workflow to end');
    expect(late.error?.code).toBe('conflict');
  });

  it('outages: a webhook report started long before its receipt counts from receipt until an on-call confirms its start (I7)', async () => {
    const claimed = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await e.outages.reportOutage(
      {
        key: 'O-API-2',
        summary: 'Checkout fails',
        regions: ['ca-central'],
        source: 'monitor',
        startedAt: claimed,
      },
      { via: 'webhook' },
    );
    const o = '/v1/outages/O-API-2';
    const before = await e.waitFor(async () => {
      const r = await api.call('oncall', 'GET', o);
      return r.status === 200 ? (r.json as { detectedAt: string; claimedStart: string | null }) : null;
    }, 'the outage status');
    expect(before.claimedStart).toBe(claimed);
    expect(before.detectedAt).not.toBe(claimed);
    const confirm = await api.call('oncall', 'POST', `${o}/confirm-start`, {
      requestId: 'cs-1',
      by: 'specialist.ottawa',
      reason: "the monitor's graph shows errors from then",
    });
    expect(confirm.status).toBe(200);
    expect(await api.call('agent', 'POST', `${o}/confirm-start`, { by: 'a', reason: 'b' })).toMatchObject({
      status: 403,
    });
    const after = (await api.call('oncall', 'GET', o)).json as {
      detectedAt: string;
      startConfirmed: boolean;
    };
    expect(after).toMatchObject({ detectedAt: claimed, startConfirmed: true });
  });

  it('maintenance: schedule (201), list, status, reschedule, start, end; another scheduled and cancelled', async () => {
    const day = 86_400_000;
    const at = (ms: number) => new Date(Math.floor((Date.now() + ms) / 60_000) * 60_000).toISOString();
    const window = {
      maintenanceId: 'M-API-1',
      start: at(2 * day),
      end: at(2 * day + 3_600_000),
      regions: ['ca-central'],
      description: 'DB upgrade',
    };
    expect((await api.call('oncall', 'POST', '/v1/maintenance', window)).status).toBe(201);
    expect((await api.call('oncall', 'POST', '/v1/maintenance', window)).status).toBe(200);
    const m = '/v1/maintenance/M-API-1';
    await e.waitFor(async () => (await api.call('agent', 'GET', m)).status === 200, 'the window');
    const list = await e.waitFor(async () => {
      const r = await api.call(
        'auditor',
        'GET',
        `/v1/maintenance?state=scheduled&from=${encodeURIComponent(at(0))}`,
      );
      const windows = r.json as { maintenanceId: string }[];
      return r.status === 200 && windows.length ? windows : null;
    }, 'the list');
    expect(list[0]).toMatchObject({ maintenanceId: 'M-API-1' });
    const moved = await api.call('oncall', 'POST', `${m}/reschedule`, {
      requestId: 'mv-1',
      start: at(3 * day),
      end: at(3 * day + 3_600_000),
    });
    expect(moved.status).toBe(200);
    expect((await api.call('oncall', 'POST', `${m}/start`, { requestId: 'st-1' })).status).toBe(200);
    expect((await api.call('oncall', 'POST', `${m}/end`, { requestId: 'en-1' })).status).toBe(200);
    const other = { ...window, maintenanceId: 'M-API-2' };
    expect((await api.call('oncall', 'POST', '/v1/maintenance', other)).status).toBe(201);
    const cancel = await api.call('oncall', 'POST', '/v1/maintenance/M-API-2/cancel', {
      requestId: 'c-1',
      reason: 'not needed',
    });
    expect(cancel.status).toBe(200);
  });

  it('customers: import (all or none), list, one; a duplicate id names both rows and writes nothing', async () => {
    const rows = [testCustomer('globex'), testCustomer('hooli', { currency: 'GBP', region: 'uk-south' })];
    // Under contract since 2020 (I15): the month closed below is one of theirs.
    const imported = await api.call('finance', 'POST', '/v1/customers?effective=2020-01-01', rows);
    expect(imported).toMatchObject({ status: 200, json: { rows: 2, inserted: 2 } });
    const dup = await api.call('finance', 'POST', '/v1/customers', [
      testCustomer('umbrella'),
      testCustomer('umbrella'),
    ]);
    expect(dup.status).toBe(400);
    expect(dup.error?.issues?.[0]?.path).toBe('body[1].customerId');
    expect(await e.ledger.customer('umbrella')).toBeNull();
    // PostgreSQL text cannot hold NUL: refused naming the field (the fuzz found it answered 500).
    const nul = await api.call('finance', 'POST', '/v1/customers', [
      testCustomer('acme', { name: 'Acme\u0000' }),
    ]);
    expect(nul).toMatchObject({
      status: 400,
      error: { issues: [{ path: 'body[0].name', message: 'must not contain NUL characters' }] },
    });
    expect((await api.call('auditor', 'GET', '/v1/customers/%00')).status).toBe(400);
    const list = await api.call('agent', 'GET', '/v1/customers');
    expect((list.json as { customerId: string }[]).map((c) => c.customerId).sort()).toEqual([
      'globex',
      'hooli',
      'initech',
    ]);
    expect(await api.call('auditor', 'GET', '/v1/customers/hooli')).toMatchObject({
      status: 200,
      json: { currency: 'GBP' },
    });
    expect((await api.call('auditor', 'GET', '/v1/customers/nobody')).status).toBe(404);
  });

  it('customers: terms in force (I15): import from an effective day, history, list at, end, policy versions', async () => {
    const zone = e.policy.policy.month.timeZone;
    const first = DateTime.now().setZone(zone).startOf('month');
    const day = first.toFormat('yyyy-MM-dd');
    const ids = (res: { json: unknown }) => (res.json as { customerId: string }[]).map((c) => c.customerId);
    const imported = await api.call('finance', 'POST', `/v1/customers?effective=${day}`, [
      testCustomer('soylent'),
    ]);
    expect(imported).toMatchObject({
      status: 200,
      json: { inserted: 1, effectiveAt: first.toUTC().toISO() },
    });
    // Other terms at that very instant: refused, naming where `effective` came in.
    const clash = await api.call('finance', 'POST', `/v1/customers?effective=${day}`, [
      testCustomer('soylent', { region: 'eu-west' }),
    ]);
    expect(clash).toMatchObject({
      status: 409,
      error: { code: 'conflict', issues: [{ path: 'query.effective' }] },
    });
    const dayBefore = first.minus({ days: 1 }).toFormat('yyyy-MM-dd');
    expect(ids(await api.call('agent', 'GET', `/v1/customers?at=${dayBefore}`))).not.toContain('soylent');
    expect(ids(await api.call('agent', 'GET', `/v1/customers?at=${day}`))).toContain('soylent');
    expect(await api.call('auditor', 'GET', '/v1/customers/soylent/history')).toMatchObject({
      status: 200,
      json: [{ customerId: 'soylent', effectiveAt: first.toUTC().toISO(), terms: { region: 'ca-central' } }],
    });
    expect((await api.call('auditor', 'GET', '/v1/customers/nobody/history')).status).toBe(404);
    // Between its start and now: the engine's clock here is the time-skipping server's.
    const endAt = new Date((first.toMillis() + Date.now()) / 2).toISOString();
    const end = await api.call('finance', 'POST', '/v1/customers/soylent/end', { effective: endAt });
    expect(end).toMatchObject({
      status: 200,
      json: { customerId: 'soylent', effectiveAt: endAt, result: 'written' },
    });
    expect((await api.call('auditor', 'GET', '/v1/customers/soylent')).status).toBe(404);
    expect((await api.call('finance', 'POST', '/v1/customers/nobody/end', {})).status).toBe(404);
    const versions = await api.call('auditor', 'GET', '/v1/policy/versions');
    expect(versions.status).toBe(200);
    expect((versions.json as { version: string }[]).map((v) => v.version)).toContain(e.policy.version);
  });

  it('money: uptime, a month closed by a credits run (202, then its progress), credits, the report as JSON and HTML', async () => {
    const zone = e.policy.policy.month.timeZone;
    const month = DateTime.now().setZone(zone).minus({ months: 2 }).toFormat('yyyy-MM');
    const current = DateTime.now().setZone(zone).toFormat('yyyy-MM');
    const uptime = await api.call('oncall', 'GET', `/v1/uptime?month=${month}&region=ca-central`);
    expect(uptime).toMatchObject({
      status: 200,
      json: { month, region: 'ca-central', uptimePercent: expect.any(String) },
    });
    const byRegion = await api.call('finance', 'GET', `/v1/uptime/regions?month=${month}`);
    expect(byRegion).toMatchObject({ status: 200, json: { month, regions: expect.any(Array) } });
    const notEnded = await api.call('finance', 'POST', '/v1/credits/runs', { month: current });
    expect(notEnded.status).toBe(400);
    expect(notEnded.error?.issues?.[0]?.path).toBe('body.month');
    const run = await api.call('finance', 'POST', '/v1/credits/runs', { month, batchSize: 2 });
    expect(run).toMatchObject({ status: 202, json: { workflowId: `billing-month-${month}` } });
    const progress = await closedRun(api, month, 'the month close');
    expect(progress).toMatchObject({ month, total: 3, done: 3 });
    expect((await api.call('auditor', 'GET', '/v1/credits/runs/1999-01')).status).toBe(404);
    const credits = await api.call('finance', 'GET', `/v1/credits?month=${month}&customerId=initech`);
    expect(credits).toMatchObject({ status: 200, json: [{ customerId: 'initech', month, creditMinor: 0 }] });
    const report = await api.call('auditor', 'GET', `/v1/reports/${month}`);
    expect(report).toMatchObject({
      status: 200,
      json: { month, closed: { workflowId: `billing-month-${month}` } },
    });
    const html = await api.call('finance', 'GET', `/v1/reports/${month}?format=html&customerId=initech`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toMatch(/^<!doctype html>/i);
    // Each customer links to the explanation of its credit (I10, I15).
    expect(html.text).toContain(`/v1/credits/${month}/initech/explanation?format=html`);
    expect((await api.call('finance', 'GET', `/v1/reports/${month}?customerId=nobody`)).status).toBe(404);
    const explained = await api.call('auditor', 'GET', `/v1/credits/${month}/hooli/explanation`);
    expect(explained).toMatchObject({
      status: 200,
      json: { month, customerId: 'hooli', policy: { ofTheMonth: true }, outstandingMinor: 0 },
    });
    expect((explained.json as { entries: unknown[] }).entries).toHaveLength(1);
    const page = await api.call('finance', 'GET', `/v1/credits/${month}/hooli/explanation?format=html`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Uptime and credit (I9, I10)');
    expect((await api.call('finance', 'GET', `/v1/credits/${month}/nobody/explanation`)).status).toBe(404);
  });

  it('I14: POST /v1/credits/runs inside the grace period is refused (400 at body.month, when it ends, `force: true`) and starts nothing; with force it starts (202)', async () => {
    // An API whose policy keeps 70 days of grace: last month is inside it whatever day the test runs.
    const graceHours = 70 * 24;
    const { policy } = e.policy;
    const longGrace = parsePolicy(
      { ...policy, month: { ...policy.month, closeGraceHours: graceHours } },
      'test: 70 days of close grace',
    );
    const graced = await startApi({
      client: e.env.client,
      policy: longGrace,
      ledger: e.ledger,
      address: e.env.address,
      namespace: e.env.namespace,
      taskQueue: e.taskQueue,
    });
    try {
      const zone = policy.month.timeZone;
      const month = DateTime.now().setZone(zone).minus({ months: 1 }).toFormat('yyyy-MM');
      const graceEnd = new Date(accountingMonth(month, zone).end + graceHours * 3_600_000).toISOString();
      const refused = await graced.call('finance', 'POST', '/v1/credits/runs', { month, force: false });
      expect(refused.status).toBe(400);
      expect(refused.error?.issues).toHaveLength(1);
      const issue = refused.error!.issues![0]!;
      expect(issue.path).toBe('body.month');
      expect(issue.message).toContain(`${month} is in its close grace period until ${graceEnd}`);
      expect(issue.message).toContain('`force: true` closes it now');
      // Nothing started for the refused request: no workflow (read from persistence, not the
      // lagging visibility store) and no close in the ledger.
      const handle = e.env.client.workflow.getHandle(billingMonthWorkflowId(month));
      await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect(await e.ledger.monthClose(month)).toBeNull();

      const forced = await graced.call('finance', 'POST', '/v1/credits/runs', { month, force: true });
      expect(forced).toMatchObject({
        status: 202,
        json: { month, workflowId: billingMonthWorkflowId(month) },
      });
      const progress = await closedRun(graced, month, 'the forced month close');
      expect(progress).toMatchObject({ month, phase: 'closed' });
      expect(await e.ledger.monthClose(month)).toMatchObject({ workflowId: billingMonthWorkflowId(month) });
    } finally {
      await graced.close();
    }
  });

  it("audit: the ticket's decision timeline from its history, decrypted", async () => {
    const res = await api.call('auditor', 'GET', '/v1/audit/ticket-T-API-1/timeline');
    expect(res).toMatchObject({
      status: 200,
      json: { workflowType: 'ticketWorkflow', workflowId: 'ticket-T-API-1' },
    });
    expect((res.json as { entries: unknown[] }).entries.length).toBeGreaterThan(3);
    expect((await api.call('auditor', 'GET', '/v1/audit/ticket-T-NOPE/timeline')).status).toBe(404);
    const replay = await api.call('auditor', 'POST', '/v1/audit/replay', { workflowId: 'ticket-T-API-1' });
    expect(replay).toMatchObject({ status: 200, json: { workflowId: 'ticket-T-API-1', ok: true } });
  });

  it('every route of the table has answered a valid request with a 2xx', () => {
    const ok = new Set(api.logs.filter((l) => l.status >= 200 && l.status < 300).map((l) => l.route));
    expect(ROLE_ROUTES.map((r) => r.id).filter((id) => !ok.has(id))).toEqual([]);
  });

  it('logs name the route, status and role only: no ticket text, requester or path values', () => {
    const text = JSON.stringify(api.logs);
    expect(api.logs.length).toBeGreaterThan(100);
    for (const secret of [SECRET_SUBJECT, SECRET_EMAIL, 'Secretperson', 'T-API-1', 'initech'])
      expect(text).not.toContain(secret);
  });

  it('405 with Allow, 404 for an unknown route, 415 for another content type, 400 for broken JSON', async () => {
    const get = await api.call('agent', 'GET', '/v1/sessions');
    expect(get).toMatchObject({ status: 405, json: { error: { code: 'method_not_allowed' } } });
    expect(get.headers.get('allow')).toBe('POST');
    expect(await api.call('agent', 'GET', '/v1/nothing')).toMatchObject({
      status: 404,
      json: { error: { code: 'not_found' } },
    });
    const text = await api.call('agent', 'POST', '/v1/tickets', 'ticketId=1', {
      'content-type': 'text/plain',
    });
    expect(text).toMatchObject({ status: 415, json: { error: { code: 'unsupported_media_type' } } });
    const broken = await api.call('agent', 'POST', '/v1/tickets', '{"ticketId":');
    expect(broken).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid', issues: [{ path: 'body' }] } },
    });
  });

  it('413 for a body over the limit, declared or streamed, and nothing is started', async () => {
    const huge = { ...newTicket('T-HUGE'), body: 'x'.repeat(600 * 1024) };
    const res = await api.call('agent', 'POST', '/v1/tickets', huge);
    expect(res).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${api.base}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: 'Bearer agent-token-0123456789abcdef', 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect((await api.call('agent', 'GET', '/v1/tickets/T-HUGE')).status).toBe(404);
  });

  it('GET /openapi.json needs no token and documents every route with its roles', async () => {
    const res = await api.call(null, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROLE_ROUTES)
      expect(doc.paths[r.path]?.[r.method.toLowerCase()]).toMatchObject({
        operationId: r.id,
        'x-roles': [...r.roles],
      });
  });
});

describe('HTTP API limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const { loadPolicy } = await import('../../src/policy');
    // No Temporal and no ledger needed: the limiter answers before either is reached.
    api = await startApi({
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      policy: loadPolicy({}),
      ledger: noLedger(),
      address: '127.0.0.1:1',
      taskQueue: 'unused',
      env: { SLA_API_RATE: '0.5', SLA_API_BURST: '3' },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('429 with Retry-After past the burst, per token; other tokens keep their own bucket', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.call('finance', 'GET', '/v1/customers?x=1')).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const limited = await api.call('finance', 'GET', '/v1/customers');
    expect(limited.error?.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api.call('auditor', 'GET', '/v1/customers?x=1')).status).toBe(400);
  });

  it('unauthenticated callers are limited per address (guessing tokens is slow)', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await api.call(null, 'GET', '/v1/customers', undefined, { authorization: `Bearer guess-${i}` }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('503 unavailable when the ledger cannot be opened', async () => {
    const res = await api.call('oncall', 'GET', '/v1/customers');
    expect(res).toMatchObject({ status: 503, json: { error: { code: 'unavailable' } } });
  });
});
