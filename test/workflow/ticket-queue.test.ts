// What the queue reads of a ticket without asking its workflow: its channel, its assignee and when
// its next escalation step fires, published as search attributes as they change (C6, C11), and the
// replies its status lists; at the breach, the page before the email.
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
    await saveHistory(e.env.client, `ticket-${id}`, 'ticketWorkflow-queue-step-timer-fresh-task');
    await e?.stop();
  });

  /** A ticket's fired step once both its deliveries (the page and the email) are recorded. */
  const bothDeliveries = (ticketId: string, stepId: string) =>
    e.waitFor(async () => {
      const step = (await e.client.ticketStatus(ticketId)).stepsFired.find((f) => f.id === stepId);
      return step?.deliveries.length === 2 ? step : undefined;
    }, 'both deliveries recorded');

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

  step(
    'at the breach, pages the team lead, then emails, in one activity: its next step is the manager',
    async () => {
      const { plan } = await e.client.ticketStatus(id);
      await e.advanceTo(Date.parse(plan[1]!.fireAt) + minutes(1));
      const seen = await published({ nextStepAt: plan[2]!.fireAt, state: 'breached' });
      expect(seen.assignee).toBe('agent.toronto');
      const email = await e.waitFor(
        () => e.smtp.byMessageId(`<ticket-${id}.${plan[1]!.id}@sla-engine>`)[0],
        'the breach email',
      );
      expect(email.to).toEqual(['lead.toronto@support.example']);
      expect(e.pager.triggers().map((p) => p.dedup_key)).toEqual([
        `ticket-${id}:${plan[1]!.id}:lead.toronto`,
      ]);
      // One activity per step, the page ahead of the email in it (the herd's pages go first):
      // the warning's and the breach's, no activity per channel.
      const { events } = await e.env.client.workflow.getHandle(`ticket-${id}`).fetchHistory();
      const scheduled = (events ?? [])
        .map((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter((name) => name !== undefined && name !== null);
      expect(scheduled).toEqual(['deliverStep', 'deliverStep']);
    },
  );

  step('has no next step once the first response stops its clock, and keeps its assignee', async () => {
    expect(
      await e.client.recordFirstResponse(id, { requestId: 'f-1', responderId: 'agent.toronto' }),
    ).toMatchObject({ met: false });
    // Responded after the deadline: breached for good (C6), the clock stopped all the same.
    const seen = await published({
      state: 'breached',
      assignee: 'agent.toronto',
      channel: 'phone',
      nextStepAt: undefined,
    });
    expect(seen.nextStepAt).toBeUndefined();
    expect(await e.client.resolve(id, { requestId: 'res-1', responderId: 'agent.toronto' })).toEqual({
      resolution: 1,
    });
  });

  step(
    'with the pager down, the breach email leaves all the same, once, and the page alone is retried until it lands',
    async () => {
      const other = 'T-QUEUE-PAGER-DOWN';
      e.pager.fail(10_000, 503);
      try {
        await e.client.openTicket({ ...newTicket(other), openedAt: iso(e.now()) });
        const { plan } = await e.waitFor(() => e.client.ticketStatus(other), 'the ticket');
        const breach = plan.find((p) => p.kind === 'breach')!;
        await e.advanceTo(Date.parse(breach.fireAt) + minutes(1));
        const messageId = `<ticket-${other}.${breach.id}@sla-engine>`;
        const email = await e.waitFor(
          () => e.smtp.byMessageId(messageId)[0],
          'the breach email while the page is retried',
        );
        expect(email.to).toEqual(['lead.toronto@support.example']);
        const pages = () => e.pager.triggers().filter((p) => p.dedup_key.startsWith(`ticket-${other}:`));
        expect(pages()).toEqual([]);

        e.pager.fail(0, 503);
        await e.advanceTo(e.now() + minutes(10));
        await e.waitFor(() => pages().length === 1, 'the page, once the pager answers');
        const fired = await bothDeliveries(other, breach.id);
        expect(fired.deliveries.map((d) => [d.channel, d.ok]).sort()).toEqual([
          ['email', true],
          ['page', true],
        ]);
        expect(e.smtp.byMessageId(messageId)).toHaveLength(1);
        // Answered: no later step of this ticket pages while the next one runs.
        await e.client.recordFirstResponse(other, { requestId: 'f-1', responderId: 'agent.toronto' });
      } finally {
        e.pager.fail(0, 503);
      }
    },
  );
  step(
    'a page the paging service refuses (4xx) is recorded as failed and not sent again; the email goes',
    async () => {
      const refused = 'T-QUEUE-PAGE-REFUSED';
      await e.client.openTicket({ ...newTicket(refused), openedAt: iso(e.now()) });
      const { plan } = await e.waitFor(() => e.client.ticketStatus(refused), 'the ticket');
      const breach = plan.find((p) => p.kind === 'breach')!;
      await e.advanceTo(Date.parse(breach.fireAt) - minutes(1));
      e.pager.fail(1, 400);
      try {
        await e.advanceTo(Date.parse(breach.fireAt) + minutes(1));
        const fired = await bothDeliveries(refused, breach.id);
        expect(fired.deliveries.map((d) => [d.channel, d.ok]).sort()).toEqual([
          ['email', true],
          ['page', false],
        ]);
        expect(fired.deliveries.find((d) => d.channel === 'page')!.detail).toMatch(/answered 400/);
        await e.advanceTo(e.now() + minutes(10));
        expect(e.pager.triggers().filter((p) => p.dedup_key.startsWith(`ticket-${refused}:`))).toEqual([]);
        expect(e.smtp.byMessageId(`<ticket-${refused}.${breach.id}@sla-engine>`)).toHaveLength(1);
      } finally {
        e.pager.fail(0, 503);
      }
    },
  );
});
