// The outage webhooks on the real dev server with the engine's worker, a real paging receiver
// and SMTP server (C9, I7): a monitor's generic report and Alertmanager's payload open and join
// outages, the paging provider's acknowledgement engages one (its agent credited by the roster's
// pagingUserId, else by name), Alertmanager's resolution ends one; a bad body is answered 400
// naming the field and starts nothing. Each source proves who it is with its own secret: a
// monitor's and Alertmanager's bearer tokens, PagerDuty's signature of the body (an unsigned,
// missigned or stale acknowledgement changes nothing); another source's credential is refused,
// and webhooks are rate limited like the API. The Alertmanager outage's run becomes a golden
// history (`npm run histories:dev`).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { REPLAY_WINDOW_MS } from '../../src/api/routes/webhooks';
import { createApiServer } from '../../src/api/server';
import { timelineOf } from '../../src/audit';
import { AesGcmCodec } from '../../src/codec';
import { loadConfig } from '../../src/config';
import { NotFoundError } from '../../src/errors';
import { outageWorkflowId } from '../../src/messages/outage';
import { testKeys } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import {
  ALERTMANAGER_TOKEN,
  ALERTS_TOKEN,
  PAGING_SECRETS,
  signPaging,
  WEBHOOK_ENV,
} from '../helpers/webhooks';
import { scenario } from '../helpers/steps';

function alertmanager(status: 'firing' | 'resolved', overrides: Record<string, unknown> = {}) {
  const startsAt = new Date(Date.now() - 90_000).toISOString();
  return {
    version: '4',
    groupKey: '{}/{severity="page"}:{alertname="ApiDown"}',
    status,
    receiver: 'sla-engine',
    groupLabels: { alertname: 'ApiDown' },
    commonLabels: { alertname: 'ApiDown', severity: 'page' },
    commonAnnotations: { summary: 'API down in eu-west' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { alertname: 'ApiDown', region: 'eu-west', instance: 'api-1' },
        annotations: {},
        startsAt,
        endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: 'c2d1f0e9a8b7c6d5',
      },
    ],
    ...overrides,
  };
}

describe('outage webhooks', () => {
  let e: Engine;
  let base: string;
  const closers: (() => Promise<void>)[] = [];
  /** An API server on the engine with these settings besides its own: its base URL. */
  const serve = async (env: Record<string, string>) => {
    const config = loadConfig({
      ...e.clientEnv,
      ...env,
    });
    const server = createApiServer({ config, policy: e.policy, client: e.env.client, ledger: e.ledger });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  beforeAll(async () => {
    e = await startEngine({ server: 'dev' });
    base = await serve(WEBHOOK_ENV);
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await e?.stop();
  });

  /** Each source's own credential: its bearer token, or PagerDuty's signature of the body. */
  const credential = (path: string, raw: string): Record<string, string> =>
    path === '/webhooks/paging'
      ? { 'x-pagerduty-signature': signPaging(raw, PAGING_SECRETS[0]!) }
      : { authorization: `Bearer ${path === '/webhooks/alerts' ? ALERTS_TOKEN : ALERTMANAGER_TOKEN}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}, at = base) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return fetch(`${at}${path}`, {
      method: 'POST',
      headers: { ...credential(path, raw), 'content-type': 'application/json', ...headers },
      body: raw,
    });
  };

  /** The paging provider's acknowledgement of a page (PagerDuty V3 webhook), stamped now. */
  const ackEvent = (dedupKey: string, id: string, agent: unknown, occurredAt = new Date()) => ({
    event: {
      id,
      event_type: 'incident.acknowledged',
      occurred_at: occurredAt.toISOString(),
      agent,
      data: { incident_key: dedupKey },
    },
  });
  const pagingAck = (dedupKey: string, id: string, agent: unknown) =>
    post('/webhooks/paging', ackEvent(dedupKey, id, agent));
  /** The dedup key of the page an outage's first step sends its L3 primary (the built-in roster's). */
  const primaryPage = (key: string) => `outage-${key}:outage-primary:oncall.toronto`;
  /** Waits until that page went out: its dedup key. */
  const primaryPaged = async (key: string, what = 'the page') => {
    const dedupKey = primaryPage(key);
    await e.waitFor(() => e.pager.triggers().some((t) => t.dedup_key === dedupKey), what);
    return dedupKey;
  };
  /** An outage opened by the generic webhook, once its L3 primary was paged: that page's key. */
  const openedAndPaged = async (key: string, summary: string) => {
    expect(
      (await post('/webhooks/alerts', { key, summary, regions: ['ca-central'], source: 'uptime-robot' }))
        .status,
    ).toBe(201);
    return primaryPaged(key);
  };
  const auditOf = async (key: string) =>
    timelineOf(
      await e.env.client.workflow.getHandle(outageWorkflowId(key)).fetchHistory(),
      [new AesGcmCodec(testKeys())],
      outageWorkflowId(key),
    );
  const step = scenario();

  step('refuses a request without the bearer token, or with a wrong one, and starts nothing', async () => {
    const report = { key: 'WH-NOAUTH', summary: 'down', regions: ['eu-west'], source: 'monitor' };
    const none = await fetch(`${base}/webhooks/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toEqual({
      error: { code: 'unauthorized', message: 'a valid bearer token (SLA_ALERTS_TOKEN) is required' },
    });
    const wrong = await post('/webhooks/alerts', report, { authorization: 'Bearer not-the-token-at-all!!' });
    expect(wrong.status).toBe(401);
    await expect(e.outages.outageStatus('WH-NOAUTH')).rejects.toBeInstanceOf(NotFoundError);
  });

  step("a source's credential is refused on another source's webhook", async () => {
    const report = { key: 'WH-CROSS', summary: 'down', regions: ['eu-west'], source: 'monitor' };
    const alerts = { authorization: `Bearer ${ALERTS_TOKEN}` };
    expect((await post('/webhooks/alertmanager', alertmanager('firing'), alerts)).status).toBe(401);
    const ack = ackEvent(primaryPage('WH-CROSS'), 'evt-cross', null);
    const onPaging = await post('/webhooks/paging', ack, { ...alerts, 'x-pagerduty-signature': '' });
    expect(onPaging.status).toBe(401);
    expect(onPaging.headers.get('www-authenticate')).toBeNull();
    const alertmanagers = { authorization: `Bearer ${ALERTMANAGER_TOKEN}` };
    expect((await post('/webhooks/alerts', report, alertmanagers)).status).toBe(401);
    // A signing secret is no bearer token either.
    const secret = { authorization: `Bearer ${PAGING_SECRETS[0]}` };
    expect((await post('/webhooks/alerts', report, secret)).status).toBe(401);
    await expect(e.outages.outageStatus('WH-CROSS')).rejects.toBeInstanceOf(NotFoundError);
  });

  step('each webhook whose secret is unset answers 503 naming the setting', async () => {
    const off = await serve({});
    for (const [path, setting] of [
      ['/webhooks/alerts', 'SLA_ALERTS_TOKEN'],
      ['/webhooks/alertmanager', 'SLA_ALERTMANAGER_TOKEN'],
      ['/webhooks/paging', 'SLA_PAGING_SIGNING_SECRETS'],
    ] as const) {
      const res = await post(path, {}, {}, off);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: { code: 'unavailable', message: `this webhook is off: ${setting} is not set` },
      });
    }
  });

  step(
    'webhooks are rate limited like the API: per source credential, and per address without one',
    async () => {
      // One request a burst, refilled every 1000 s: the second is over the rate.
      const limited = await serve({ ...WEBHOOK_ENV, SLA_API_RATE: '0.001', SLA_API_BURST: '1' });
      const statuses = async (headers: Record<string, string>) => {
        const answers = [];
        for (let i = 0; i < 2; i++) answers.push(await post('/webhooks/alerts', {}, headers, limited));
        return answers;
      };
      const [first, over] = await statuses({});
      expect(first!.status).toBe(400);
      expect(over!.status).toBe(429);
      expect(Number(over!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await over!.json()).toEqual({ error: { code: 'rate_limited', message: 'too many requests' } });
      // Another source's credential has its own bucket; unauthenticated attempts share the address's.
      const signed = { event: { id: 'x' } };
      expect((await post('/webhooks/paging', signed, {}, limited)).status).toBe(400);
      const [guess, guessOver] = await statuses({ authorization: 'Bearer a-guessed-token-0123456789' });
      expect(guess!.status).toBe(401);
      expect(guessOver!.status).toBe(429);
      const unsigned = await post('/webhooks/paging', signed, { 'x-pagerduty-signature': 'v1=00' }, limited);
      expect(unsigned.status).toBe(429);
      expect(Number(unsigned.headers.get('retry-after'))).toBeGreaterThan(0);
    },
  );

  step(
    'an acknowledgement not signed by PagerDuty, or stale, changes nothing: the outage still pages',
    async () => {
      const dedupKey = await openedAndPaged('WH-FORGE', 'Checkout fails');
      const forged = JSON.stringify(ackEvent(dedupKey, 'evt-forged', { id: 'PFORGED', summary: 'Intruder' }));
      const other = JSON.stringify(ackEvent(dedupKey, 'evt-other', null));
      const attempts: Record<string, string>[] = [
        { 'x-pagerduty-signature': '' },
        { 'x-pagerduty-signature': signPaging(forged, 'a-guessed-secret-0123456789') },
        { 'x-pagerduty-signature': signPaging(other, PAGING_SECRETS[0]!) },
        { 'x-pagerduty-signature': 'v1=zz, v2=abc,,v1' },
      ];
      for (const headers of attempts) {
        const res = await post('/webhooks/paging', forged, headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBeNull();
        expect(await res.json()).toEqual({
          error: { code: 'unauthorized', message: 'a valid X-PagerDuty-Signature is required' },
        });
      }
      // Genuinely signed, but sent again ten minutes on: outside the replay window.
      const old = ackEvent(dedupKey, 'evt-old', null, new Date(Date.now() - 2 * REPLAY_WINDOW_MS));
      const replayed = await post('/webhooks/paging', old);
      expect(replayed.status).toBe(400);
      expect(await replayed.json()).toMatchObject({
        error: { code: 'invalid', issues: [{ path: 'body.event.occurred_at' }] },
      });
      const status = await e.outages.outageStatus('WH-FORGE');
      expect(status.state).toBe('open');
      expect(status.engagedBy).toBeNull();

      // Signed under the older secret, still configured while PagerDuty rotates: accepted.
      const rotated = JSON.stringify(ackEvent(dedupKey, 'evt-rotated', null));
      const signature = `v1=${'0'.repeat(64)},${signPaging(rotated, PAGING_SECRETS[1]!)}`;
      const accepted = await post('/webhooks/paging', rotated, { 'x-pagerduty-signature': signature });
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toMatchObject({ outageId: 'WH-FORGE', engagedBy: 'oncall.toronto' });
      expect((await e.outages.outageStatus('WH-FORGE')).state).toBe('engaged');
    },
  );

  step(
    'a generic report opens an outage (201), a repeat joins it (200), and the primary is paged',
    async () => {
      const report = {
        key: 'WH-1',
        summary: 'Sign-in fails',
        regions: ['ca-central'],
        source: 'uptime-robot',
      };
      const first = await post('/webhooks/alerts', report);
      expect(first.status).toBe(201);
      expect(await first.json()).toMatchObject({ outageId: 'WH-1', created: true, state: 'open' });
      const again = await post('/webhooks/alerts', report);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ outageId: 'WH-1', created: false, reports: 2 });
      await primaryPaged('WH-1');
    },
  );

  step('a bad body is answered 400 naming each field, and starts nothing', async () => {
    const res = await post('/webhooks/alerts', { key: 'WH-BAD', summary: '', regions: ['EU West'] });
    expect(res.status).toBe(400);
    // The API's error shape: the code, and each field named under the part it came in.
    const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid');
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'body.regions[0]',
      'body.source',
      'body.summary',
    ]);
    await expect(e.outages.outageStatus('WH-BAD')).rejects.toBeInstanceOf(NotFoundError);

    expect((await post('/webhooks/alerts', '{"key":')).status).toBe(400);
    expect((await post('/webhooks/alerts', 'key=x', { 'content-type': 'text/plain' })).status).toBe(415);
    const huge = await post('/webhooks/alerts', { key: 'WH-HUGE', summary: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    const bad = await post(
      '/webhooks/alertmanager',
      alertmanager('firing', { alerts: [{ status: 'firing' }] }),
    );
    expect(bad.status).toBe(400);
    const badAnswer = (await bad.json()) as { error: { issues: { path: string }[] } };
    expect(badAnswer.error.issues.map((i) => i.path)).toContain('body.alerts[0].labels');
  });

  step(
    'a firing notification without a firing alert is refused naming body.status, and starts nothing',
    async () => {
      const resolvedAlert = alertmanager('resolved').alerts[0]!;
      const crafted = alertmanager('firing', { groupKey: 'crafted', alerts: [resolvedAlert] });
      const res = await post('/webhooks/alertmanager', crafted);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(error.issues.map((i) => i.path)).toEqual(['body.status']);
    },
  );

  step(
    'a resolution ending before the counted start of a backdated firing is refused naming its endsAt; the outage stays open',
    async () => {
      const hour = 3_600_000;
      const firing = alertmanager('firing', { groupKey: 'backdated-end' });
      const alert = { ...firing.alerts[0]!, startsAt: new Date(Date.now() - hour).toISOString() };
      const opened = await post('/webhooks/alertmanager', { ...firing, alerts: [alert] });
      expect(opened.status).toBe(201);
      const { outageId } = (await opened.json()) as { outageId: string };
      const ended = { ...alert, status: 'resolved', endsAt: new Date(Date.now() - hour / 2).toISOString() };
      const res = await post('/webhooks/alertmanager', { ...firing, status: 'resolved', alerts: [ended] });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(error.issues.map((i) => i.path)).toEqual(['body.alerts[0].endsAt']);
      expect((await e.outages.outageStatus(outageId)).state).toBe('open');
    },
  );

  step(
    'an Alertmanager group of 1,000 realistic alerts (max_alerts) is accepted, one more refused naming alerts',
    async () => {
      const firing = alertmanager('firing', { groupKey: 'thousand' });
      const realistic = (i: number) => ({
        ...firing.alerts[0]!,
        labels: {
          alertname: 'KubeApiServerDown',
          severity: 'page',
          region: 'ca-central',
          namespace: 'payments-prod',
          pod: `api-server-7d9f8c6b5d-${String(i).padStart(5, '0')}`,
          instance: `10.42.${i % 256}.203:8443`,
          job: 'kubernetes-apiservers',
          cluster: 'prod-ca-central-1',
        },
        annotations: {
          summary: 'API server in ca-central is not answering',
          description: `The API server pod api-server-7d9f8c6b5d-${i} has failed its health check for 5 minutes.`,
          runbook_url: 'https://runbooks.example.com/kube/apiserver-down',
        },
        startsAt: new Date(Date.now() - 60_000).toISOString().replace('Z', '123456Z'),
        generatorURL:
          'http://prometheus-0.monitoring.svc:9090/graph?g0.expr=up%7Bjob%3D%22kubernetes-apiservers%22%7D+%3D%3D+0&g0.tab=1',
        fingerprint: `c2d1f0e9a8b7${String(i).padStart(4, '0')}`,
      });
      const alerts = Array.from({ length: 1000 }, (_, i) => realistic(i));
      expect(JSON.stringify(alerts).length).toBeGreaterThan(700_000);
      expect((await post('/webhooks/alertmanager', { ...firing, alerts })).status).toBe(201);
      const over = await post('/webhooks/alertmanager', { ...firing, alerts: [...alerts, realistic(1000)] });
      expect(over.status).toBe(400);
      const { error } = (await over.json()) as { error: { issues: { path: string }[] } };
      expect(error.issues.map((i) => i.path)).toEqual(['body.alerts']);
    },
  );

  let amKey = '';
  step("Alertmanager's firing group opens one outage, detected when its first alert started", async () => {
    const payload = alertmanager('firing');
    const res = await post('/webhooks/alertmanager', payload);
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { outageId: string; created: boolean };
    amKey = answer.outageId;
    expect(amKey).toMatch(/^am-[0-9a-f]{24}$/);
    // Alertmanager repeats the notification: the same group, the same outage.
    const repeat = await post('/webhooks/alertmanager', payload);
    expect(await repeat.json()).toMatchObject({ outageId: amKey, created: false });
    const status = await e.outages.outageStatus(amKey);
    expect(status).toMatchObject({
      summary: 'API down in eu-west',
      regions: ['eu-west'],
      detectedAt: payload.alerts[0]!.startsAt,
      source: 'alertmanager',
    });
  });

  step("the paging provider's acknowledgement engages the outage, once per event", async () => {
    const dedupKey = await primaryPaged(amKey);
    // The on-call primary was paged; Sydney, on the same provider, acknowledged it. The provider stamped it
    // 20 s before it reached us (C9: its own time counts within a minute of the receipt).
    const occurredAt = new Date(Date.now() - 20_000).toISOString();
    const event = {
      event: {
        id: '01DEN4HPBQAAAG05V5QQYBRZMF',
        event_type: 'incident.acknowledged',
        resource_type: 'incident',
        occurred_at: occurredAt,
        agent: { id: 'PLH1HKV', type: 'user_reference', summary: 'Sydney L3 specialist' },
        data: { id: 'PGR0VU2', type: 'incident', incident_key: dedupKey, status: 'acknowledged' },
      },
    };
    const res = await post('/webhooks/paging', event);
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { receivedAt: string };
    expect(ack).toMatchObject({
      outageId: amKey,
      engagedBy: 'specialist.sydney',
      // Sydney's user id is not in the roster: credited by the name; the id is kept beside it.
      agent: 'Sydney L3 specialist',
      agentId: 'PLH1HKV',
      agentMatch: 'name',
      engagedAt: occurredAt,
      claimedAt: occurredAt,
      met: true,
      alreadyEngaged: false,
    });
    expect(Date.parse(ack.receivedAt)).toBeGreaterThanOrEqual(Date.parse(occurredAt) + 20_000);
    // The provider redelivers: the same answer, applied once.
    expect(await (await post('/webhooks/paging', event)).json()).toEqual(ack);
    await e.waitFor(
      () => e.pager.events.some((ev) => ev.event_action === 'resolve' && ev.dedup_key === dedupKey),
      'the page resolved',
    );

    const other = await post('/webhooks/paging', {
      event: { ...event.event, event_type: 'incident.resolved' },
    });
    expect(other.status).toBe(202);
    const ticketPage = await post('/webhooks/paging', {
      event: {
        ...event.event,
        id: 'x2',
        data: { incident_key: 'ticket-T-1:l1-breach-team-lead:lead.toronto' },
      },
    });
    expect(await ticketPage.json()).toEqual({ ignored: 'the incident is not an outage page' });
    const bad = await post('/webhooks/paging', { event: { id: 'x3', event_type: 'incident.acknowledged' } });
    expect(bad.status).toBe(400);
  });

  step(
    'the paging webhook credits who acknowledged: not Level 3, refused naming agent; unknown to the roster, recorded beside the paged responder',
    async () => {
      const ack = (id: string, agent: unknown) => pagingAck(primaryPage('WH-1'), id, agent);
      const agentL2 = await ack('evt-l2', {
        id: 'PAG1',
        type: 'user_reference',
        summary: 'Toronto support agent',
      });
      expect(agentL2.status).toBe(400);
      expect(await agentL2.json()).toMatchObject({
        error: {
          code: 'invalid',
          issues: [
            {
              path: 'body.event.agent',
              message: expect.stringMatching(/agent\.toronto is not a Level 3 responder/),
            },
          ],
        },
      });
      expect((await e.outages.outageStatus('WH-1')).state).toBe('open');
      const stranger = await ack('evt-x', {
        id: 'PZZZZZZ',
        type: 'user_reference',
        summary: 'Night operator',
      });
      expect(stranger.status).toBe(200);
      expect(await stranger.json()).toMatchObject({
        outageId: 'WH-1',
        engagedBy: 'oncall.toronto',
        agent: 'Night operator',
        alreadyEngaged: false,
      });
      expect(await e.outages.outageStatus('WH-1')).toMatchObject({
        state: 'engaged',
        ackAgent: 'Night operator',
        ackAgentId: 'PZZZZZZ',
        ackAgentMatch: 'unknown',
      });
      // A user id no roster could hold (here with spaces) is left out, not a refusal of the
      // provider's acknowledgement; the first acknowledgement stands.
      const oddId = await ack('evt-odd', {
        id: 'user with spaces',
        type: 'user_reference',
        summary: 'Day operator',
      });
      expect(oddId.status).toBe(200);
      expect(await oddId.json()).toMatchObject({ alreadyEngaged: true, agent: 'Night operator' });
      // The audit says why the agent was not credited.
      const audit = await auditOf('WH-1');
      expect(audit.entries.filter((x) => x.kind === 'acknowledgement').map((x) => x.summary)).toEqual([
        expect.stringMatching(
          /^acknowledged by oncall\.toronto \(agent Toronto support agent, paging user PAG1\) .* rejected: agent: agent\.toronto is not a Level 3/,
        ),
        expect.stringMatching(
          /^acknowledged by oncall\.toronto \(agent Night operator, paging user PZZZZZZ\)/,
        ),
        expect.stringMatching(
          /^acknowledged by oncall\.toronto \(agent Day operator\) at \S+ → already engaged/,
        ),
      ]);
      expect(audit.entries.filter((x) => x.kind === 'roster-check').map((x) => x.summary)).toEqual([
        "the acknowledging agent is not in the roster: recorded as given, the acknowledgement is the paged responder's",
        "the acknowledging agent is not in the roster: recorded as given, the acknowledgement is the paged responder's",
      ]);
    },
  );

  step(
    "the paging webhook credits the agent by the roster's pagingUserId, even under another display name",
    async () => {
      const dedupKey = await openedAndPaged('WH-UID', 'Exports fail');
      // The on-call primary was paged; the Ottawa specialist (pagingUserId P4OTW3N in the built-in
      // roster) acknowledged under a display name the roster does not have, here Sydney's.
      const res = await pagingAck(dedupKey, 'evt-uid', {
        id: 'P4OTW3N',
        type: 'user_reference',
        summary: 'Sydney L3 specialist',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        outageId: 'WH-UID',
        engagedBy: 'specialist.ottawa',
        agent: 'Sydney L3 specialist',
        agentId: 'P4OTW3N',
        agentMatch: 'pagingUserId',
        met: true,
        alreadyEngaged: false,
      });
      expect(await e.outages.outageStatus('WH-UID')).toMatchObject({
        state: 'engaged',
        engagedBy: 'specialist.ottawa',
        ackAgent: 'Sydney L3 specialist',
        ackAgentId: 'P4OTW3N',
        ackAgentMatch: 'pagingUserId',
      });
    },
  );

  step(
    'an agent whose name and id fit two responders credits neither: the paged responder engages, the audit names both',
    async () => {
      const dedupKey = await openedAndPaged('WH-AMB', 'Search slow');
      // A user id nobody holds as pagingUserId, which is Ottawa's roster id, under Sydney's name.
      const res = await pagingAck(dedupKey, 'evt-amb', {
        id: 'specialist.ottawa',
        type: 'user_reference',
        summary: 'Sydney L3 specialist',
      });
      expect(res.status).toBe(200);
      const ambiguous = { ambiguous: ['specialist.ottawa', 'specialist.sydney'] };
      expect(await res.json()).toMatchObject({ engagedBy: 'oncall.toronto', agentMatch: ambiguous });
      expect(await e.outages.outageStatus('WH-AMB')).toMatchObject({
        engagedBy: 'oncall.toronto',
        ackAgent: 'Sydney L3 specialist',
        ackAgentId: 'specialist.ottawa',
        ackAgentMatch: ambiguous,
      });
      const audit = await auditOf('WH-AMB');
      expect(audit.entries.find((x) => x.kind === 'acknowledgement')?.summary).toMatch(
        /^acknowledged by oncall\.toronto \(agent Sydney L3 specialist, paging user specialist\.ottawa\)/,
      );
      expect(audit.entries.filter((x) => x.kind === 'roster-check').map((x) => x.summary)).toEqual([
        "the acknowledging agent fits several responders (specialist.ottawa, specialist.sydney): none credited, the acknowledgement is the paged responder's",
      ]);
    },
  );

  step(
    'an Alertmanager resolved alert ending at its start is refused naming its endsAt; the outage stays open',
    async () => {
      const payload = alertmanager('resolved');
      const alert = payload.alerts[0]!;
      const instant = alertmanager('resolved', { alerts: [alert, { ...alert, endsAt: alert.startsAt }] });
      const res = await post('/webhooks/alertmanager', instant);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: {
          code: 'invalid',
          issues: [
            { path: 'body.alerts[1].endsAt', message: 'a resolved alert must end after its startsAt' },
          ],
        },
      });
      expect((await e.outages.outageStatus(amKey)).state).toBe('engaged');
    },
  );

  let firstResolved: ReturnType<typeof alertmanager> | undefined;
  step("Alertmanager's resolved notification ends the outage and writes its record once", async () => {
    const payload = alertmanager('resolved');
    firstResolved = payload;
    const res = await post('/webhooks/alertmanager', payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outageId: amKey, state: 'resolved', met: true });
    const record = await e.waitFor(
      async () =>
        (
          await e.ledger.outages({
            from: payload.alerts[0]!.startsAt,
            to: new Date(Date.now() + 60_000).toISOString(),
          })
        ).find((o) => o.outageId === amKey),
      'the record',
    );
    expect(record).toMatchObject({
      end: payload.alerts[0]!.endsAt,
      engagedBy: 'specialist.sydney',
      engagementMet: true,
    });
    // A repeated resolved notification changes nothing.
    const again = await post('/webhooks/alertmanager', payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ state: 'resolved' });

    // The run, reported by webhook, paged, acknowledged through the paging webhook and resolved,
    // is the outage's dev-server golden history (`npm run histories:dev`).
    expect(await e.env.client.workflow.getHandle(outageWorkflowId(amKey)).result()).toMatchObject({
      state: 'resolved',
      engagedBy: 'specialist.sydney',
      ackAgent: 'Sydney L3 specialist',
      ackAgentId: 'PLH1HKV',
      ackAgentMatch: 'name',
      met: true,
    });
    await saveHistory(
      e.env.client,
      outageWorkflowId(amKey),
      'outageWorkflow-dev-webhooks-paged-acked-resolved',
    );
  });

  // C9, I7: the same group key firing again after its outage was resolved is a new
  // incident, and an on-call engineer is paged for it.
  step(
    'the same Alertmanager group firing again after it was resolved opens a new outage and pages; a retried delivery joins it',
    async () => {
      const firstFiring = alertmanager('firing', {
        alerts: [{ ...alertmanager('firing').alerts[0]!, startsAt: firstResolved!.alerts[0]!.startsAt }],
      });
      const startsAt = new Date().toISOString();
      const refire = alertmanager('firing', { alerts: [{ ...alertmanager('firing').alerts[0]!, startsAt }] });
      const res = await post('/webhooks/alertmanager', refire);
      expect(res.status).toBe(201);
      const repeat = `${amKey}.2`;
      expect(await res.json()).toMatchObject({
        outageId: repeat,
        workflowId: `outage-${repeat}`,
        created: true,
        state: 'open',
        repeatOf: amKey,
        message: expect.stringMatching(
          new RegExp(`^outage ${amKey} was resolved .*: opened the new outage ${repeat}$`),
        ),
      });
      const pageKey = await primaryPaged(repeat, 'the page of the repeat');
      expect((await e.outages.outageStatus(repeat)).detectedAt).toBe(startsAt);

      // Alertmanager retries the same delivery: it joins the repeat, it opens no third outage.
      const retried = await post('/webhooks/alertmanager', refire);
      expect(retried.status).toBe(200);
      expect(await retried.json()).toMatchObject({
        outageId: repeat,
        created: false,
        reports: 2,
        repeatOf: amKey,
      });
      // A late redelivery of the first firing belongs to the resolved outage: nothing new.
      const stale = await post('/webhooks/alertmanager', firstFiring);
      expect(stale.status).toBe(200);
      expect(await stale.json()).toMatchObject({ outageId: amKey, created: false, state: 'resolved' });
      await expect(e.outages.outageStatus(`${amKey}.3`)).rejects.toBeInstanceOf(NotFoundError);
      expect(e.pager.triggers().filter((t) => t.dedup_key === pageKey)).toHaveLength(1);

      // The first outage's resolved notification, redelivered, ends nothing; the repeat's own does.
      const old = await post('/webhooks/alertmanager', firstResolved);
      expect(old.status).toBe(200);
      expect(await old.json()).toMatchObject({ outageId: amKey, state: 'resolved' });
      expect((await e.outages.outageStatus(repeat)).state).toBe('open');
      const ended = alertmanager('resolved', {
        alerts: [{ ...alertmanager('resolved').alerts[0]!, startsAt, endsAt: new Date().toISOString() }],
      });
      const resolved = await post('/webhooks/alertmanager', ended);
      expect(resolved.status).toBe(200);
      expect(await resolved.json()).toMatchObject({
        outageId: repeat,
        state: 'resolved',
        end: ended.alerts[0]!.endsAt,
      });
    },
  );

  step(
    'a generic report of a resolved key: with startedAt after the end, a new outage; without it, 400 naming startedAt',
    async () => {
      const report = {
        key: 'WH-AGAIN',
        summary: 'Sign-in fails',
        regions: ['ca-central'],
        source: 'uptime-robot',
      };
      expect((await post('/webhooks/alerts', report)).status).toBe(201);
      const end = new Date().toISOString();
      await e.outages.resolveOutage('WH-AGAIN', { requestId: 'r1', by: 'uptime-robot', end });

      const unsure = await post('/webhooks/alerts', report);
      expect(unsure.status).toBe(400);
      expect(await unsure.json()).toEqual({
        error: {
          code: 'invalid',
          message: 'invalid input',
          issues: [
            {
              path: 'body.startedAt',
              message: expect.stringMatching(/^outage WH-AGAIN is already resolved/),
            },
          ],
        },
      });
      const again = { ...report, startedAt: new Date().toISOString() };
      const opened = await post('/webhooks/alerts', again);
      expect(opened.status).toBe(201);
      expect(await opened.json()).toMatchObject({
        outageId: 'WH-AGAIN.2',
        created: true,
        repeatOf: 'WH-AGAIN',
      });
      const joined = await post('/webhooks/alerts', again);
      expect(joined.status).toBe(200);
      expect(await joined.json()).toMatchObject({ outageId: 'WH-AGAIN.2', created: false, reports: 2 });
      await primaryPaged('WH-AGAIN.2', 'the page of the repeat');
    },
  );
});
