// `sla ticket …` and `sla session …` as support tooling runs them (the built command, a child
// process), against the real dev server with the engine's worker: every command with valid and
// invalid input, --json parsed, and the exit codes 0 ok, 1 refused, 2 bad input, 3 not found,
// 4 unavailable (C6–C8, C10–C13; I5, I6, I11, I12).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { TicketListItem } from '../../src/clients/tickets';
import type { TicketStatus } from '../../src/messages/ticket';
import type { SessionStatus } from '../../src/messages/session';
import { sla as run } from '../helpers/cli';
import { startEngine, type Engine } from '../helpers/engine';
import { scenario } from '../helpers/steps';

const dir = mkdtempSync(join(tmpdir(), 'sla-ticket-cli-'));
const ticket = (id: string, over: Record<string, string> = {}) => {
  const flags: Record<string, string> = {
    '--id': id,
    '--customer': 'acme',
    '--channel': 'email',
    '--subject': 'How do I export my data?',
    '--body': 'How do I export my invoices to CSV?',
    '--requester-name': 'Ada Lovelace',
    '--requester-email': 'ada@acme.example',
    ...over,
  };
  return Object.entries(flags).flat();
};

describe('sla ticket / sla session', () => {
  let e: Engine;
  let env: Record<string, string>;
  beforeAll(async () => {
    e = await startEngine({ server: 'dev' });
    env = e.clientEnv;
  });
  afterAll(async () => e?.stop());

  const sla = (args: string[], input?: string) => run(args, env, input);
  const json = async <T>(args: string[], input?: string): Promise<T> => {
    const r = await sla([...args, '--json'], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  const step = scenario();

  step(
    'open: from flags (JSON), again (text: nothing changed), and from standard input (C10: L1)',
    async () => {
      expect(await json(['ticket', 'open', ...ticket('TK-1')])).toEqual({
        ticketId: 'TK-1',
        workflowId: 'ticket-TK-1',
        created: true,
      });
      const again = await sla(['ticket', 'open', ...ticket('TK-1')]);
      expect(again).toMatchObject({
        code: 0,
        stdout: 'ticket TK-1 is already open (workflow ticket-TK-1); nothing changed\n',
      });
      const fromStdin = await json<{ created: boolean }>(
        ['ticket', 'open', '--from-file', '-', '--customer', 'globex'],
        JSON.stringify({
          ticketId: 'TK-2',
          customerId: 'acme', // the flag wins
          requester: { name: 'Grace Hopper', email: 'grace@globex.example' },
          subject: 'Is your API rate limited?',
          body: 'Our API integration gets 429 answers from the API.',
          channel: 'chat',
          needsDataAccess: false,
        }),
      );
      expect(fromStdin.created).toBe(true);
      const file = join(dir, 'tk3.json');
      writeFileSync(
        file,
        JSON.stringify({
          ticketId: 'TK-3',
          customerId: 'acme',
          requester: { name: 'A', email: 'a@acme.example' },
          subject: 'Best practice for roles?',
          body: 'What is the best practice for roles?',
          channel: 'phone',
          needsDataAccess: false,
        }),
      );
      expect((await sla(['ticket', 'open', '--from-file', file])).stdout).toMatch(
        /^opened ticket TK-3 \(workflow ticket-TK-3\)/,
      );
    },
  );

  step('open: bad input exits 2 naming the flags, and starts nothing', async () => {
    // Independent commands, run side by side: each process spends most of its time starting.
    const [missing, badEmail, badId, badChannel, badOpenedAt, noFile, notJson, notObject] = await Promise.all(
      [
        sla(['ticket', 'open', '--id', 'TK-9']),
        sla(['ticket', 'open', ...ticket('TK-9', { '--requester-email': 'not-an-email' })]),
        sla(['ticket', 'open', ...ticket('TK 9')]),
        sla(['ticket', 'open', ...ticket('TK-9', { '--channel': 'fax' })]),
        sla(['ticket', 'open', ...ticket('TK-9', { '--opened-at': '2026-11-27 10:00' })]),
        sla(['ticket', 'open', '--from-file', join(dir, 'nope.json')]),
        sla(['ticket', 'open', '--from-file', '-'], '{ticket'),
        sla(['ticket', 'open', '--from-file', '-'], '[1]'),
      ],
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--customer: /);
    expect(missing.stderr).toMatch(/--subject: /);
    expect(missing.stderr).toMatch(/--channel: /);
    expect(badEmail).toMatchObject({ code: 2, stderr: 'sla: --requester-email: Invalid email address\n' });
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/^sla: --id: /);
    expect(badChannel.code).toBe(2);
    expect(badOpenedAt).toMatchObject({ code: 2 });
    expect(badOpenedAt.stderr).toMatch(/--opened-at: /);
    expect(noFile).toMatchObject({ code: 2 });
    expect(noFile.stderr).toMatch(/^sla: --from-file: cannot read /);
    expect(notJson).toMatchObject({ code: 2 });
    expect(notJson.stderr).toMatch(/^sla: --from-file: not JSON/);
    expect(notObject).toMatchObject({
      code: 2,
      stderr: 'sla: --from-file: expected one JSON object (the ticket)\n',
    });
    await expect(e.client.ticketStatus('TK-9')).rejects.toThrow(/no ticket TK-9/);
  });

  step('status: text and JSON; an unknown ticket exits 3, a bad id 2', async () => {
    const s = await json<TicketStatus>(['ticket', 'status', 'TK-1']);
    expect(s).toMatchObject({ ticketId: 'TK-1', customerId: 'acme', level: 'L1', status: 'open' });
    expect(Date.parse(s.due)).toBeGreaterThan(Date.parse(s.openedAt));
    const text = await sla(['ticket', 'status', 'TK-1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ticket TK-1 {2}open, SLA (on-track|at-risk|breached)/);
    expect(text.stdout).toMatch(/\n {2}level {7}L1 by rule /);
    expect(await sla(['ticket', 'status', 'TK-unknown'])).toMatchObject({
      code: 3,
      stderr: 'sla: no ticket TK-unknown\n',
    });
    expect((await sla(['ticket', 'status', 'bad id!'])).stderr).toMatch(/^sla: <ticket-id>: /);
  });

  step("audit timeline: the ticket's decisions from its history, through the same facade", async () => {
    const timeline = await json<{ workflowType: string; entries: unknown[] }>([
      'audit',
      'timeline',
      'ticket-TK-1',
    ]);
    expect(timeline.workflowType).toBe('ticketWorkflow');
    expect(timeline.entries.length).toBeGreaterThan(0);
    expect((await sla(['audit', 'timeline', 'ticket-TK-unknown'])).code).toBe(3);
    // Replay by id: the same client call as POST /v1/audit/replay.
    const replay = await sla(['audit', 'replay', '--workflow-id', 'ticket-TK-1', '--json']);
    expect(replay).toMatchObject({ code: 0, stderr: '[1] ✓ ticket-TK-1\n' });
    expect(JSON.parse(replay.stdout)).toMatchObject({
      replayed: 1,
      passed: 1,
      outcomes: [{ workflowId: 'ticket-TK-1', ok: true }],
    });
  });

  step('list: through visibility, filtered by customer, level and state; a bad state exits 2', async () => {
    const mine = await e.waitFor(async () => {
      const items = await json<TicketListItem[]>(['ticket', 'list', '--customer', 'acme', '--open']);
      return items.length >= 2 && items.every((i) => i.due) ? items : undefined;
    }, 'the tickets in the visibility list');
    expect(mine.map((i) => i.ticketId).sort()).toEqual(['TK-1', 'TK-3']);
    expect(mine.every((i) => i.customerId === 'acme' && i.status === 'RUNNING')).toBe(true);
    const l1 = await json<TicketListItem[]>(['ticket', 'list', '--level', 'L1', '--customer', 'acme']);
    expect(l1.map((i) => i.ticketId)).toEqual(['TK-1']);
    const table = await sla(['ticket', 'list', '--customer', 'globex']);
    expect(table.stdout).toMatch(
      /^TICKET\s+CUSTOMER\s+LEVEL\s+STATE\s+CHANNEL\s+ASSIGNEE\s+DUE \(America\/Toronto\)\s+NEXT STEP\s+WORKFLOW\n/,
    );
    expect(table.stdout).toMatch(/\nTK-2\s+globex\s+L3\s/);
    expect(
      (await json<TicketListItem[]>(['ticket', 'list', '--state', 'met', '--customer', 'acme'])).length,
    ).toBe(0);
    expect((await sla(['ticket', 'list', '--state', 'late'])).code).toBe(2);
    expect((await sla(['ticket', 'list', '--due-before', 'tomorrow'])).stderr).toMatch(/--due-before: /);
    expect((await sla(['ticket', 'list', '--limit', '0'])).stderr).toMatch(/--limit: /);
  });

  step(
    'assign: a roster responder; someone else exits 2 naming --responder; an unknown ticket 3; list by assignee and channel',
    async () => {
      expect(await json(['ticket', 'assign', 'TK-1', '--responder', 'agent.toronto'])).toEqual({
        assigneeId: 'agent.toronto',
      });
      const nobody = await sla(['ticket', 'assign', 'TK-1', '--responder', 'nobody']);
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toMatch(/^sla: --responder: /);
      expect((await sla(['ticket', 'assign', 'TK-unknown', '--responder', 'agent.toronto'])).code).toBe(3);
      expect((await sla(['ticket', 'assign', 'TK-1'])).code).toBe(2);
      // The queue's filters: its assignee, its channel (search attributes the workflow publishes).
      const assigned = await e.waitFor(async () => {
        const items = await json<TicketListItem[]>(['ticket', 'list', '--assignee', 'agent.toronto']);
        return items.length ? items : undefined;
      }, 'the assignee in the visibility list');
      expect(assigned.map((i) => [i.ticketId, i.assigneeId])).toEqual([['TK-1', 'agent.toronto']]);
      const channel = assigned[0]!.channel!;
      expect(
        (await json<TicketListItem[]>(['ticket', 'list', '--channel', channel, '--customer', 'acme'])).map(
          (i) => i.ticketId,
        ),
      ).toContain('TK-1');
      expect((await sla(['ticket', 'list', '--assignee', 'not an id'])).stderr).toMatch(/--assignee: /);
      expect((await sla(['ticket', 'list', '--channel', 'fax'])).code).toBe(2);
      const unassigned = await json<TicketListItem[]>([
        'ticket',
        'list',
        '--unassigned',
        '--customer',
        'acme',
      ]);
      expect(unassigned.map((i) => i.ticketId)).not.toContain('TK-1');
      expect(unassigned.every((i) => i.assigneeId === null && i.channel !== null)).toBe(true);
      const both = await sla(['ticket', 'list', '--unassigned', '--assignee', 'agent.toronto']);
      expect([both.code, both.stderr]).toEqual([2, expect.stringMatching(/--unassigned: /)]);
    },
  );

  step(
    'respond: the first response stops the clock; a second is refused (exit 1); a bad --at exits 2',
    async () => {
      expect(
        (await sla(['ticket', 'respond', 'TK-1', '--responder', 'agent.toronto', '--at', 'now'])).stderr,
      ).toMatch(/^sla: --at: /);
      const first = await json<{ met: boolean | null; coverageMinutes: number }>([
        'ticket',
        'respond',
        'TK-1',
        '--responder',
        'agent.toronto',
        '--request-id',
        'resp-1',
      ]);
      expect(typeof first.coverageMinutes).toBe('number');
      // The same request id again is the same message, applied once: the same answer.
      expect(
        await json(['ticket', 'respond', 'TK-1', '--responder', 'agent.toronto', '--request-id', 'resp-1']),
      ).toEqual(first);
      const second = await sla(['ticket', 'respond', 'TK-1', '--responder', 'agent.toronto']);
      expect(second).toMatchObject({ code: 1, stderr: 'sla: a first response is already recorded\n' });
      const s = await json<TicketStatus>(['ticket', 'status', 'TK-1']);
      expect(s.firstResponse).toMatchObject({ by: 'agent.toronto' });
    },
  );

  step('reply, escalate and reclassify (I11); each with a bad value exits 2', async () => {
    expect((await sla(['ticket', 'reply', 'TK-1', '--from', 'customer'])).stdout).toBe(
      'TK-1: 1 reply recorded\n',
    );
    expect((await sla(['ticket', 'reply', 'TK-1', '--from', 'bot'])).code).toBe(2);
    const escalated = await json<{ stepId: string }>([
      'ticket',
      'escalate',
      'TK-3',
      '--by',
      'agent.toronto',
      '--reason',
      'customer blocked',
    ]);
    expect(escalated.stepId).toMatch(/manual/);
    expect((await sla(['ticket', 'escalate', 'TK-3', '--by', 'agent.toronto', '--reason', ''])).code).toBe(2);
    const re = await json<{ level: string; due: string }>([
      'ticket',
      'reclassify',
      'TK-3',
      '--level',
      'L3',
      '--by',
      'lead.toronto',
      '--reason',
      'touches the API',
    ]);
    expect(re.level).toBe('L3');
    expect((await json<TicketStatus>(['ticket', 'status', 'TK-3'])).reclassifications).toHaveLength(1);
    expect(
      (await sla(['ticket', 'reclassify', 'TK-3', '--level', 'L4', '--by', 'x', '--reason', 'y'])).code,
    ).toBe(2);
  });

  step(
    'resolve and reopen: a reopen before resolution is refused (1); resolve again after reopening',
    async () => {
      const early = await sla(['ticket', 'reopen', 'TK-3', '--reason', 'still broken']);
      expect(early).toMatchObject({ code: 1, stderr: 'sla: only a resolved ticket can be reopened\n' });
      expect(await json(['ticket', 'resolve', 'TK-3', '--responder', 'specialist.ottawa'])).toEqual({
        resolution: 1,
      });
      expect((await sla(['ticket', 'reopen', 'TK-3', '--reason', 'still broken'])).stdout).toBe(
        'TK-3 reopened\n',
      );
      expect((await sla(['ticket', 'resolve', 'TK-3', '--responder', 'specialist.ottawa'])).stdout).toBe(
        'TK-3 resolved (resolution 2)\n',
      );
      expect((await sla(['ticket', 'resolve', 'TK-3'])).code).toBe(2);
      expect((await sla(['ticket', 'reopen', 'TK-unknown', '--reason', 'x'])).code).toBe(3);
    },
  );

  // Thirteen `sla` processes one after the other: room for a loaded CI machine.
  step(
    'session start, status, end: valid and invalid input, unknown sessions exit 3',
    async () => {
      const started = await json<{ created: boolean }>([
        'session',
        'start',
        '--id',
        'SE-1',
        '--channel',
        'chat',
        '--responder',
        'agent.toronto',
        '--ticket',
        'TK-1',
      ]);
      expect(started).toEqual({ sessionId: 'SE-1', workflowId: 'session-SE-1', created: true });
      expect(
        (await sla(['session', 'start', '--id', 'SE-1', '--channel', 'chat', '--responder', 'agent.toronto']))
          .stdout,
      ).toMatch(/already running/);
      expect(
        (await sla(['session', 'start', '--id', 'SE-2', '--channel', 'email', '--responder', 'a'])).code,
      ).toBe(2);
      expect(
        (await sla(['session', 'start', '--id', 'SE 2', '--channel', 'chat', '--responder', 'a'])).stderr,
      ).toMatch(/^sla: --id: /);
      const status = await json<SessionStatus>(['session', 'status', 'SE-1']);
      expect(status).toMatchObject({ sessionId: 'SE-1', channel: 'chat', limitMinutes: 15, endedAt: null });
      expect((await sla(['session', 'status', 'SE-1'])).stdout).toMatch(
        /^session SE-1 {2}running {2}\(chat, agent\.toronto\)\n/,
      );
      const ended = await json<{ endedAt: string; minutes: number }>([
        'session',
        'end',
        'SE-1',
        '--request-id',
        'end-1',
      ]);
      expect(ended.minutes).toBeGreaterThanOrEqual(0);
      expect(await json(['session', 'end', 'SE-1', '--request-id', 'end-1'])).toEqual(ended);
      expect((await sla(['session', 'status', 'SE-unknown'])).code).toBe(3);
      expect((await sla(['session', 'end', 'SE-unknown'])).code).toBe(3);
      expect((await sla(['session', 'end', 'bad id!'])).code).toBe(2);
    },
    180_000,
  );

  step(
    'Temporal unreachable: exit 4; the global --address and --namespace win over the environment',
    async () => {
      const down = await sla(['--address', '127.0.0.1:1', 'ticket', 'status', 'TK-1']);
      expect(down.code).toBe(4);
      expect(down.stderr).toMatch(/^sla: cannot reach Temporal at 127\.0\.0\.1:1/);
      expect((await sla(['session', 'status', 'SE-1', '--address', '127.0.0.1:1'])).code).toBe(4);
      const otherNamespace = await sla(['ticket', 'status', 'TK-1', '--namespace', 'no-such-namespace']);
      expect(otherNamespace).toMatchObject({ code: 3, stderr: 'sla: no namespace no-such-namespace\n' });
    },
  );
});
