// A ticket that continues as new (C6–C8): a small threshold injected at the start makes each run
// hand on after three messages, so that one scenario crosses two continues-as-new. The new runs
// keep the ticket's facts as decided (no new lookup of its clock), fire its steps at their planned
// instants, answer a message retried across the boundary with its first answer, and write the
// outcome once. Its runs are the golden histories `ticketWorkflow-continue-as-new*.json`.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { historyChain, timelineOf } from '../../src/audit';
import { AesGcmCodec } from '../../src/codec';
import { ticketWorkflowId } from '../../src/messages/ticket';
import type { TicketInput } from '../../src/workflows/ticket';
import { testKeys } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistoryChain } from '../helpers/histories';
import { newTicket } from '../helpers/tickets';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';
import { scenario } from '../helpers/steps';

const id = 'T-CAN';
const workflowId = ticketWorkflowId(id);

describe('a ticket continuing as new', () => {
  let e: Engine;
  let opened: number;
  let firstRunId: string;
  const chain = () =>
    historyChain((runId) => e.env.client.workflow.getHandle(workflowId, runId).fetchHistory());
  const runs = async () => (await chain()).length;
  const step = scenario();

  beforeAll(async () => {
    e = await startEngine();
    opened = nextWeekdayAt(e.now(), 2, '10:00');
    await e.advanceTo(opened);
  });
  afterAll(async () => {
    if (firstRunId)
      await saveHistoryChain(e.env.client, workflowId, firstRunId, 'ticketWorkflow-continue-as-new');
    await e?.stop();
  });

  step('hands its state to a new run after its third message, and answers a retry there', async () => {
    const input: TicketInput = {
      ...newTicket(id, { customerId: 'acme', subject: 'Comment puis-je exporter la liste ?' }),
      openedAt: iso(opened),
      updatesPerRun: 3,
    };
    // As the client starts it, with the threshold no client can send (its schema strips it).
    const handle = await e.env.client.workflow.start('ticketWorkflow', {
      taskQueue: e.taskQueue,
      workflowId,
      args: [input],
      workflowTaskTimeout: '1 hour',
    });
    firstRunId = handle.firstExecutionRunId;
    const opening = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket');
    expect(opening).toMatchObject({ level: 'L1', state: 'on-track' });

    for (const n of [1, 2, 3])
      expect(await e.client.reply(id, { requestId: `r-${n}`, from: 'customer' })).toEqual({ replies: n });
    await e.waitFor(async () => (await runs()) === 2, 'the second run');
    // The retried third reply is answered by the new run as the first answered it.
    expect(await e.client.reply(id, { requestId: 'r-3', from: 'customer' })).toEqual({ replies: 3 });
    expect(await e.client.reply(id, { requestId: 'r-4', from: 'agent' })).toEqual({ replies: 4 });
    // The facts as decided: no second opening lookup, the same deadlines; the replies of both runs.
    const { replies, replyCount, ...facts } = await e.client.ticketStatus(id);
    expect(facts).toEqual({ ...opening, replies: undefined, replyCount: undefined });
    expect([replyCount, replies.map((r) => r.from)]).toEqual([
      4,
      ['customer', 'customer', 'customer', 'agent'],
    ]);
    const second = await chain();
    expect(JSON.stringify(second.at(-1)!.events)).not.toContain('openTicketFacts');
  });

  step('fires the warning at its planned instant in the new run', async () => {
    const { plan } = await e.client.ticketStatus(id);
    const warning = plan.find((p) => p.kind === 'warning')!;
    await e.advanceTo(Date.parse(warning.fireAt) + minutes(1));
    const status = await e.waitFor(async () => {
      const s = await e.client.ticketStatus(id);
      return s.stepsFired.length ? s : undefined;
    }, 'the warning');
    expect(status.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual([[warning.id, warning.fireAt]]);
    // On the timer armed for the planned instant (the test server fires it within milliseconds).
    const late = Date.parse(status.stepsFired[0]!.at) - Date.parse(warning.fireAt);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
    expect(status.state).toBe('at-risk');
  });

  step('stops the clock, resolves, writes the outcome once, and ends after the reopen window', async () => {
    const first = await e.client.recordFirstResponse(id, { requestId: 'f-1', responderId: 'agent.toronto' });
    expect(first).toMatchObject({ met: true, state: 'met' });
    await e.waitFor(async () => (await runs()) === 3, 'the third run');
    expect(await e.client.resolve(id, { requestId: 'res-1', responderId: 'agent.toronto' })).toEqual({
      resolution: 1,
    });
    const outcome = await e.waitFor(
      async () => (await e.outcomes.ticketOutcomes()).find((o) => o.ticketId === id),
      'the outcome',
    );
    expect(outcome).toMatchObject({ met: true, stepsFired: ['l1-warn-assignee'] });
    const handle = e.env.client.workflow.getHandle(workflowId);
    await e.advanceTo(Date.parse(outcome.resolvedAt) + 15 * 24 * 3_600_000);
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'resolved', resolutions: 1, state: 'met' });
    expect((await e.outcomes.ticketOutcomes()).filter((o) => o.ticketId === id)).toHaveLength(1);
  });

  step('reads as one timeline across its runs (`sla audit timeline`)', async () => {
    const t = await timelineOf(await chain(), [new AesGcmCodec(testKeys())], workflowId);
    expect(t.runs.map((r) => r.status)).toEqual(['continued-as-new', 'continued-as-new', 'completed']);
    const kinds = t.entries.map((x) => x.kind);
    expect(kinds.filter((k) => k === 'opened')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'resumed')).toHaveLength(2);
    expect(t.entries.some((x) => x.summary.includes('l1-warn-assignee'))).toBe(true);
    expect(kinds).toContain('ledger-write');
  });
});
