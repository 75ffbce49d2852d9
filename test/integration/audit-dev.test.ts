// Audit on the real dev server, in real time (C12): real runs of a ticket, a maintenance
// window and a session whose histories become golden histories (`npm run histories:dev` writes
// them to test/histories/),
// their decision timelines read back from history alone, and the proof that with the codec on no
// ticket subject, body, requester name or email is stored in plaintext — as
// `temporal workflow show --output json` prints the history — while `sla audit timeline` with the
// key, and the CLI through the codec endpoint, show them. A fast policy (coverage around the
// clock, no holidays, L1 due in 1 coverage minute, sessions limited to 2 minutes) and a roster
// on duty all week make the run take about two minutes on any day.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineOf, type Timeline } from '../../src/audit';
import { createApiServer } from '../../src/api/server';
import { AesGcmCodec } from '../../src/codec';
import { loadConfig } from '../../src/config';
import { parsePolicy } from '../../src/policy';
import { loadRoster } from '../../src/roster/load';
import { devServerExecutable } from '../../src/temporal-servers';
import { sla } from '../helpers/cli';
import { TEST_CODEC_KEYS, testKeys } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { fastPolicy, WARN_THEN_BREACH_STEPS } from '../helpers/fast-policy';
import { saveHistory } from '../helpers/histories';
import { testCustomer } from '../helpers/ledger';
import { newTicket } from '../helpers/tickets';
import { scenario } from '../helpers/steps';

const policy = {
  ...fastPolicy(WARN_THEN_BREACH_STEPS),
  session: { enabled: true, limitMinutes: 2, warningBeforeMinutes: 1 },
};
const roster = loadRoster(undefined);
const allWeek = [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] as const;
const rosterAllWeek = { ...roster, responders: roster.responders.map((r) => ({ ...r, duty: [...allWeek] })) };

/** Personal data and ticket text that must never be stored in plaintext. */
const SECRET = {
  name: 'Zoë Quimby-Hartwell',
  email: 'zoe.quimby@private-mail.example',
  subject: 'How do I export the payroll of Quimby Holdings?',
  body: 'Our accountant Ferdinand Oyelaran-Brisbois needs the file by Friday.',
};
const TICKET = 'DEV-L1';
const SESSION = 'DEV-S1';
const WINDOW = 'DEV-M1';
/** The maintenance window's audience: one customer in its region, one elsewhere. */
const CUSTOMERS = [
  testCustomer('northwind', { region: 'ca-east', administrators: ['it@northwind.example'] }),
  testCustomer('contoso', { region: 'eu-west' }),
];
const cli = () => {
  const exe = devServerExecutable();
  if (exe.type !== 'existing-path') throw new Error('run scripts/provision-servers.sh first');
  return exe.path;
};

describe('audit on the dev server (real time, codec on)', () => {
  let e: Engine;
  const codecs = [new AesGcmCodec(testKeys())];
  const timelineFor = async (workflowId: string): Promise<Timeline> =>
    timelineOf(await e.env.client.workflow.getHandle(workflowId).fetchHistory(), codecs, workflowId);

  beforeAll(async () => {
    e = await startEngine({
      server: 'dev',
      policy: parsePolicy(policy, 'audit policy'),
      roster: rosterAllWeek,
      customers: CUSTOMERS,
    });
    // The session runs beside the ticket: its 2-minute limit passes while the ticket breaches.
    await e.client.openSession({ sessionId: SESSION, channel: 'chat', responderId: 'agent.toronto' });
  });
  afterAll(async () => e?.stop());

  /** The ticket, then the proofs read its stored history. */
  const step = scenario();

  step(
    'a ticket run for real: warning, breach, page and email, acknowledgement, outcome — all in its timeline',
    async () => {
      const { workflowId } = await e.client.openTicket(
        newTicket(TICKET, {
          customerId: 'acme',
          requester: { name: SECRET.name, email: SECRET.email },
          subject: SECRET.subject,
          body: SECRET.body,
        }),
      );
      await e.client.assign(TICKET, { requestId: 'assign-1', responderId: 'agent.toronto' });
      await e.waitFor(
        async () =>
          (await e.client.ticketStatus(TICKET)).stepsFired.some(
            (s) => s.id === 'l1-breach-team-lead' && s.deliveries.length === 2,
          ),
        'the breach step',
        120_000,
      );
      await e.client.recordFirstResponse(TICKET, { requestId: 'fr-1', responderId: 'agent.toronto' });
      await e.client.resolve(TICKET, { requestId: 'res-1', responderId: 'agent.toronto' });
      await expect(
        e.client.resolve(TICKET, { requestId: 'res-2', responderId: 'agent.toronto' }),
      ).rejects.toThrow(/already resolved/);
      await e.waitFor(async () => (await e.outcomes.ticketOutcomes()).length === 1, 'the outcome');

      await saveHistory(e.env.client, workflowId, 'ticketWorkflow-dev-l1-breach');
      const t = await timelineFor(workflowId);
      const kinds = t.entries.map((x) => x.kind);
      for (const k of [
        'opened',
        'classification',
        'deadline',
        'routing',
        'assignment',
        'warning',
        'email',
        'breach',
        'escalation',
        'page',
        'acknowledgement',
        'measure',
        'resolution',
        'ledger-write',
      ])
        expect(kinds, k).toContain(k);
      expect(t.facts).toMatchObject({
        ticket: { subject: SECRET.subject, requester: { name: SECRET.name, email: SECRET.email } },
        classification: { level: 'L1', ruleId: expect.any(String) },
        policyVersions: [e.policy.version],
        stepsFired: [
          expect.objectContaining({ id: 'l1-warn-assignee', kind: 'warning' }),
          expect.objectContaining({ id: 'l1-breach-team-lead', kind: 'breach' }),
        ],
        state: 'breached',
      });
      const pages = t.entries.filter((x) => x.kind === 'page').map((x) => x.summary);
      expect(pages).toEqual([
        `page trigger ticket-${TICKET}:l1-breach-team-lead:lead.toronto (error)`,
        `page resolve ticket-${TICKET}:l1-breach-team-lead:lead.toronto`,
      ]);
      expect(t.entries.find((x) => x.kind === 'resolution' && x.outcome === 'rejected')?.summary).toMatch(
        /rejected: the ticket is already resolved/,
      );
      // In history order, each entry at its instant.
      expect(t.entries.map((x) => x.eventId)).toEqual(
        [...t.entries.map((x) => x.eventId)].sort((a, b) => a - b),
      );
    },
    180_000,
  );

  describe('proof: no personal data or ticket text in plaintext in the stored history (C12)', () => {
    // Asynchronous: the codec endpoint answering the CLI runs in this very process.
    const temporal = async (...args: string[]) => {
      const { stdout, stderr } = await promisify(execFile)(cli(), [...args, '--address', e.env.address], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(stderr).toBe('');
      return stdout;
    };
    const show = (workflowId: string, ...extra: string[]) =>
      temporal('workflow', 'show', '--workflow-id', workflowId, '--output', 'json', ...extra);
    /** The text and every base64 string in it decoded: plaintext must not hide behind an encoding. */
    const everyReading = (text: string) =>
      [
        text,
        ...[...text.matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)].map((m) =>
          Buffer.from(m[1]!, 'base64').toString('utf8'),
        ),
      ].join('\n');

    step('`temporal workflow show --output json` holds none of them, in any encoding', async () => {
      const stored = everyReading(await show(`ticket-${TICKET}`));
      expect(stored).toContain('binary/encrypted'); // it is the history, encrypted
      for (const [what, secret] of Object.entries(SECRET)) expect(stored, what).not.toContain(secret);
      // Nor any telling fragment of them (a name split, an email's domain, a word of the body).
      for (const fragment of ['Quimby', 'Hartwell', 'private-mail', 'payroll', 'Oyelaran', 'accountant'])
        expect(stored, fragment).not.toContain(fragment);
    });

    step('search attributes and workflow ids carry no personal data', async () => {
      const listed = everyReading(
        await temporal('workflow', 'list', '--query', `WorkflowId = 'ticket-${TICKET}'`, '--output', 'json'),
      );
      expect(listed).toContain(`ticket-${TICKET}`);
      expect(listed).toContain('SlaState');
      for (const secret of Object.values(SECRET)) expect(listed).not.toContain(secret);
    });

    step(
      '`sla audit timeline` with the key shows them; without the right key it refuses, naming the key id',
      async () => {
        const env = { TEMPORAL_ADDRESS: e.env.address, SLA_CODEC_KEYS: TEST_CODEC_KEYS };
        const readable = await sla(['audit', 'timeline', `ticket-${TICKET}`], env);
        expect(readable.stderr).toBe('');
        expect(readable.code).toBe(0);
        for (const secret of [SECRET.name, SECRET.email, SECRET.subject])
          expect(readable.stdout).toContain(secret);
        const json = await sla(['audit', 'timeline', `ticket-${TICKET}`, '--json'], env);
        expect((JSON.parse(json.stdout) as Timeline).entries[0]!.detail).toMatchObject({ body: SECRET.body });

        const wrong = await sla(['audit', 'timeline', `ticket-${TICKET}`], {
          ...env,
          SLA_CODEC_KEYS: 'other:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        });
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toMatch(/key "test-2", which is not in SLA_CODEC_KEYS/);
        expect(wrong.stderr).not.toContain(SECRET.subject);
      },
    );

    step("the Temporal CLI decodes through the API's codec endpoint for a token holder", async () => {
      const config = loadConfig({
        TEMPORAL_ADDRESS: e.env.address,
        SLA_CODEC_KEYS: TEST_CODEC_KEYS,
        SLA_CODEC_TOKEN: 'cli-auditor-token-0123',
      });
      const server: Server = createApiServer({
        config,
        policy: e.policy,
        client: e.env.client,
        ledger: e.ledger,
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codec`;
      try {
        const decoded = everyReading(
          await show(
            `ticket-${TICKET}`,
            '--codec-endpoint',
            endpoint,
            '--codec-auth',
            'Bearer cli-auditor-token-0123',
          ),
        );
        expect(decoded).toContain(SECRET.subject);
        expect(decoded).toContain(SECRET.email);
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  });

  it('a maintenance window run for real (C1, I9): notice too late to qualify, the operator’s start and end, the record', async () => {
    // Announced to start in seconds: far less than the policy's notice (24 h), so the window
    // does not qualify for exclusion — the decision the history records. The operator's start and
    // end messages drive it, not its timers, so no wait.
    const now = Date.now();
    const { workflowId } = await e.maintenance.scheduleMaintenance({
      maintenanceId: WINDOW,
      start: new Date(now + 20_000).toISOString(),
      end: new Date(now + 30 * 60_000).toISOString(),
      regions: ['ca-east'],
      description: 'Certificate rotation on the edge proxies.',
    });
    const noticed = await e.waitFor(async () => {
      const s = await e.maintenance.maintenanceStatus(WINDOW);
      return s.notices[0]?.done ? s : undefined;
    }, 'the notice');
    expect(noticed).toMatchObject({ qualifies: false, noticeHours: 24 });
    expect(
      e.smtp.received.filter((m) => m.messageId.startsWith(`<maintenance-${WINDOW}.`)).map((m) => m.to),
    ).toEqual([['it@northwind.example']]);

    await e.maintenance.startMaintenance(WINDOW, { requestId: 'start-1' });
    const ended = await e.maintenance.endMaintenance(WINDOW, { requestId: 'end-1' });
    expect(ended.overrunMs).toBe(0);
    expect(await e.env.client.workflow.getHandle(workflowId).result()).toMatchObject({
      state: 'completed',
      qualifies: false,
      record: 'written',
    });
    const [record] = (
      await e.ledger.maintenance({
        from: new Date(now - 60_000).toISOString(),
        to: new Date(now + 3_600_000).toISOString(),
      })
    ).filter((r) => r.maintenanceId === WINDOW);
    expect(record).toMatchObject({ regions: ['ca-east'], qualifies: false });

    await saveHistory(e.env.client, workflowId, 'maintenanceWorkflow-dev-operator-unqualified');
    const t = await timelineFor(workflowId);
    expect(t.status).toBe('completed');
    expect(t.entries.find((x) => x.kind === 'qualification')?.summary).toMatch(
      /^notice v1 does not qualify the window for exclusion: .*less than the 24 h 00 min required \(C1\)/,
    );
    expect(t.entries.filter((x) => x.kind === 'started' || x.kind === 'ended').map((x) => x.outcome)).toEqual(
      ['ok', 'ok'],
    );
    expect(t.entries.find((x) => x.kind === 'ended')?.summary).toMatch(/within the announced window$/);
    // Started by the operator before its announced start: no timer moved it.
    expect(t.entries.filter((x) => x.kind === 'state')).toEqual([]);
    expect(t.entries.map((x) => x.kind)).toContain('ledger-write');
  }, 60_000);

  // Last: the session's 2-minute limit is this file's long pole; the ticket's proofs above run
  // while it passes.
  it('a session run for real: warning and wrap-up at their instants, then the end', async () => {
    const id = `session-${SESSION}`;
    await e.waitFor(
      async () => (await e.client.sessionStatus(SESSION)).notices.length === 2,
      'the wrap-up',
      150_000,
    );
    await e.client.endSession(SESSION, 'end-1');
    await e.env.client.workflow.getHandle(id).result();
    await saveHistory(e.env.client, id, 'sessionWorkflow-dev-over-limit');
    const t = await timelineFor(id);
    expect(t.status).toBe('completed');
    expect(t.entries.map((x) => x.kind)).toEqual(['opened', 'rules', 'warning', 'wrap-up', 'ended', 'final']);
    const [warning, wrapUp] = t.entries.filter((x) => x.kind === 'warning' || x.kind === 'wrap-up');
    expect(Date.parse(wrapUp!.at) - Date.parse(t.startedAt)).toBeGreaterThanOrEqual(120_000);
    expect(Date.parse(warning!.at) - Date.parse(t.startedAt)).toBeGreaterThanOrEqual(60_000);
  }, 180_000);
});
