// A ticket's clock stays stoppable whatever the helpdesk sends (C6–C8): Temporal refuses every
// update of a run past its 2,000th, so the ticket workflow continues as new well before that,
// carrying its state, and the client answers a message that met a run continuing as new. On the
// real dev server, where the limit is enforced as in production.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { historyChain } from '../../src/audit';
import { ticketWorkflowId } from '../../src/messages/ticket';
import { ConflictError } from '../../src/errors';
import { UPDATES_PER_RUN } from '../../src/workflows/run-limits';
import { MANUAL_ESCALATIONS_MAX } from '../../src/workflows/ticket';
import { startEngine, type Engine } from '../helpers/engine';
import { newTicket } from '../helpers/tickets';

const REPLIES = 3_000;
const CONCURRENCY = 10;

/** Every outcome the workflows asked the ledger to write, by ticket id. */
const outcomeWrites = new Map<string, number>();
function counted(built: Activities): Activities {
  return {
    ...built,
    recordTicketOutcome: async (outcome) => {
      outcomeWrites.set(outcome.ticketId, (outcomeWrites.get(outcome.ticketId) ?? 0) + 1);
      return built.recordTicketOutcome(outcome);
    },
  };
}

let e: Engine;
beforeAll(async () => {
  e = await startEngine({ server: 'dev', activities: counted });
});
afterAll(async () => {
  await e?.stop();
});

/** Runs `work(i)` for i in [0, n), `width` at a time; answers in order of i. */
async function pool<R>(n: number, width: number, work: (i: number) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array<R>(n);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) answers[i] = await work(i);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return answers;
}

it(`takes ${REPLIES} replies to one ticket, then its first response and resolution`, async () => {
  const ticketId = 'T-CAN-REPLIES';
  await e.client.openTicket(newTicket(ticketId));
  await e.waitFor(() => e.client.ticketStatus(ticketId), 'the ticket');

  const answers = await pool(REPLIES, CONCURRENCY, (i) =>
    e.client.reply(ticketId, { requestId: `reply-${i}`, from: i % 2 ? 'agent' : 'customer' }),
  );
  // Each reply counted once, across every run: the answers are 1..3000, each once.
  expect(new Set(answers.map((a) => a.replies)).size).toBe(REPLIES);
  expect(Math.max(...answers.map((a) => a.replies))).toBe(REPLIES);
  // A reply retried after the run that took it continued as new gets its first answer.
  expect(await e.client.reply(ticketId, { requestId: `reply-${REPLIES - 1}`, from: 'agent' })).toEqual(
    answers[REPLIES - 1],
  );

  const first = await e.client.recordFirstResponse(ticketId, { requestId: 'first', responderId: 'agent-1' });
  expect(first.coverageMinutes).toBeGreaterThanOrEqual(0);
  expect(await e.client.resolve(ticketId, { requestId: 'resolve', responderId: 'agent-1' })).toEqual({
    resolution: 1,
  });
  const outcome = await e.waitFor(
    async () => (await e.outcomes.ticketOutcomes()).find((o) => o.ticketId === ticketId),
    'the outcome in the ledger',
  );
  expect(outcome).toMatchObject({ resolution: 1, firstResponseAt: expect.any(String) });
  expect(outcomeWrites.get(ticketId)).toBe(1);

  const status = await e.client.ticketStatus(ticketId);
  expect(status).toMatchObject({ status: 'resolved', resolutions: 1 });
  expect(status.firstResponse?.by).toBe('agent-1');

  const handle = e.env.client.workflow.getHandle(ticketWorkflowId(ticketId));
  const runs = await historyChain((runId) =>
    e.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory(),
  );
  expect(runs.length).toBeGreaterThan(1);
  // Each run took its share and handed on: never near Temporal's 2,000 updates of one run (a few
  // messages in flight when a run decides to continue are still answered by it).
  const accepted = runs.map(
    (h) => h.events?.filter((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes).length ?? 0,
  );
  expect(Math.max(...accepted)).toBeLessThanOrEqual(UPDATES_PER_RUN + 10);
  expect(accepted.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REPLIES + 2);
}, 600_000);

// The state a run carries stays bounded: messages that add to it are capped, refused in the
// validator (so nothing reaches history), while a retry of an accepted one keeps its answer.
it(`refuses a manual escalation past ${MANUAL_ESCALATIONS_MAX} before anything is written`, async () => {
  await e.client.openTicket(newTicket('T-CAP', { openedAt: new Date().toISOString() }));
  await e.waitFor(() => e.client.ticketStatus('T-CAP'), 'the ticket');
  const escalate = (n: number) =>
    e.client.escalate('T-CAP', { requestId: `esc-${n}`, by: 'agent.toronto', reason: 'VIP customer' });
  for (let n = 1; n <= MANUAL_ESCALATIONS_MAX; n++)
    expect(await escalate(n)).toEqual({ stepId: `manual-esc-${n}` });
  await expect(escalate(MANUAL_ESCALATIONS_MAX + 1)).rejects.toThrow(ConflictError);
  expect(await escalate(MANUAL_ESCALATIONS_MAX)).toEqual({ stepId: `manual-esc-${MANUAL_ESCALATIONS_MAX}` });
  const history = await e.env.client.workflow.getHandle(ticketWorkflowId('T-CAP')).fetchHistory();
  expect(history.events!.filter((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(
    MANUAL_ESCALATIONS_MAX,
  );
}, 180_000);
