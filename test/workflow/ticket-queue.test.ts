// What the queue reads of a ticket without asking its workflow: its channel, its assignee and when
// its next escalation step fires, published as search attributes as they change (C6, C11), and the
// replies its status lists.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SlaAssignee, SlaChannel, SlaNextStepAt, SlaState } from '../../src/search-attributes';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { scenario } from '../helpers/steps';
import { newTicket } from '../helpers/tickets';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';

describe('a ticket in the queue', () => {
  let e: Engine;
  const id = 'T-QUEUE';
  const step = scenario();
  beforeAll(async () => {
    e = await startEngine();
    await e.advanceTo(nextWeekdayAt(e.now(), 2, '10:00'));
  });
  afterAll(async () => {
    await saveHistory(e.env.client, `ticket-${id}`, 'ticketWorkflow-queue-attributes');
    await e?.stop();
  });

  /** The queue's attributes, once they are as expected. */
  const published = (expected: Record<string, unknown>) =>
    e.waitFor(
      async () => {
        const attributes = (await e.env.client.workflow.getHandle(`ticket-${id}`).describe())
          .typedSearchAttributes;
        const seen = {
          channel: attributes.get(SlaChannel),
          assignee: attributes.get(SlaAssignee),
          nextStepAt: attributes.get(SlaNextStepAt)?.toISOString(),
          state: attributes.get(SlaState),
        };
        return JSON.stringify(seen) === JSON.stringify({ ...seen, ...expected }) ? seen : undefined;
      },
      `search attributes ${JSON.stringify(expected)}`,
    );

  step('publishes its channel and its first step at the opening, unassigned', async () => {
    await e.client.openTicket({ ...newTicket(id, { channel: 'phone' }), openedAt: iso(e.now()) });
    const { plan } = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket');
    const seen = await published({ channel: 'phone', nextStepAt: plan[0]!.fireAt, state: 'on-track' });
    expect(seen.assignee).toBeUndefined();
  });

  step('publishes its assignee when assigned, and lists the replies', async () => {
    await e.client.assign(id, { requestId: 'a-1', responderId: 'agent.toronto' });
    await published({ assignee: 'agent.toronto' });
    await e.client.reply(id, { requestId: 'r-1', from: 'customer' });
    await e.client.reply(id, { requestId: 'r-2', from: 'agent' });
    // A retried reply is the first one: listed once.
    await e.client.reply(id, { requestId: 'r-2', from: 'agent' });
    const { replies, replyCount } = await e.client.ticketStatus(id);
    expect([replyCount, replies.map((r) => r.from)]).toEqual([2, ['customer', 'agent']]);
  });

  step('moves its next step on when one fires', async () => {
    const { plan } = await e.client.ticketStatus(id);
    await e.advanceTo(Date.parse(plan[0]!.fireAt) + minutes(1));
    const seen = await published({ nextStepAt: plan[1]!.fireAt, state: 'at-risk' });
    expect(seen.nextStepAt).not.toBe(plan[0]!.fireAt);
  });

  step('has no next step once the first response stops its clock, and keeps its assignee', async () => {
    await e.client.recordFirstResponse(id, { requestId: 'f-1', responderId: 'agent.toronto' });
    const seen = await published({ state: 'met', assignee: 'agent.toronto', channel: 'phone' });
    expect(seen.nextStepAt).toBeUndefined();
    expect(await e.client.resolve(id, { requestId: 'res-1', responderId: 'agent.toronto' })).toEqual({
      resolution: 1,
    });
  });
});
