// Data residency (C12, I13), assignment checks, validated and idempotent messages, manual
// escalation, reopen and a second resolution.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { BusinessCalendar } from '../../src/calendar';
import { InvalidInputError } from '../../src/errors';
import { loadPolicy } from '../../src/policy/load';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { testCustomer } from '../helpers/ledger';
import { newTicket } from '../helpers/tickets';
import { iso, nextWeekdayAt, sameDayAt } from '../helpers/when';
import { scenario } from '../helpers/steps';

const ticket = (
  ticketId: string,
  customerId: string,
  subject: string,
  needsDataAccess: boolean,
  openedAt: number,
) => newTicket(ticketId, { customerId, subject, channel: 'phone', needsDataAccess, openedAt: iso(openedAt) });

const plainCalendar = new BusinessCalendar(loadPolicy().policy);

/**
 * The first Monday after `after`, at a Toronto time, whose Monday to Wednesday have no holiday
 * window of any country: the residency scenarios read their instants off a plain week.
 */
function plainMonday(after: number, time: string): number {
  for (let t = nextWeekdayAt(after, 1, time); ; t = nextWeekdayAt(t, 1, time)) {
    const monday = sameDayAt(t, '00:00');
    if (plainCalendar.holidayWindows(monday - 86_400_000, monday + 3 * 86_400_000).length === 0) return t;
  }
}

describe('ticket messages and data residency', () => {
  let e: Engine;
  let monday6: number;
  beforeAll(async () => {
    e = await startEngine({ customers: [testCustomer('northwind', { canadaOnlyDataAccess: true })] });
    // Monday 06:00 Toronto: the Canada-based L3 specialist starts at 08:00; Sydney is on duty.
    monday6 = plainMonday(e.now(), '06:00');
    await e.advanceTo(monday6);
  });
  afterAll(async () => {
    await saveHistory(e.env.client, 'ticket-T-RESIDENCY', 'ticketWorkflow-residency-held');
    await saveHistory(e.env.client, 'ticket-T-OPEN', 'ticketWorkflow-escalate-reopen');
    await e?.stop();
  });
  /** T-RESIDENCY, then T-OPEN: each ticket's steps build on each other. */
  const residency = scenario();
  const open = scenario();

  residency(
    'holds a Canada-only ticket until a Canada-based responder of its level is on duty, then runs its clock (I13)',
    async () => {
      await e.client.openTicket(
        ticket('T-RESIDENCY', 'northwind', 'Data protection request: export personal data', true, monday6),
      );
      const status = await e.waitFor(() => e.client.ticketStatus('T-RESIDENCY'), 'the ticket');
      const eight = iso(sameDayAt(monday6, '08:00'));
      expect(status).toMatchObject({
        level: 'L3',
        ruleId: 'l3-data-protection',
        state: 'held',
        canadaOnly: true,
        heldUntil: eight,
        clockStart: eight,
        suspendedReason: null,
        // The roster's duty in force at the opening, recorded with the clock.
        eligibleDuty: {
          timeZone: 'America/Toronto',
          windows: [{ from: { day: 'monday', time: '08:00' }, to: { day: 'friday', time: '16:00' } }],
        },
      });
      // L3: two business days at the clock start's wall-clock time (I6), inside the duty.
      expect(status.due).toBe(iso(sameDayAt(monday6 + 2 * 86_400_000, '08:00')));

      await e.advanceTo(sameDayAt(monday6, '08:01'));
      const running = await e.waitFor(async () => {
        const s = await e.client.ticketStatus('T-RESIDENCY');
        return s.state === 'on-track' ? s : undefined;
      }, 'the clock running at 08:00');
      expect(running.stepsFired).toEqual([]);
    },
  );

  residency(
    'refuses to assign it to someone outside Canada, and accepts a Canada-based responder',
    async () => {
      await expect(
        e.client.assign('T-RESIDENCY', { requestId: 'a-1', responderId: 'specialist.sydney' }),
      ).rejects.toThrow(/not based in Canada/);
      await expect(
        e.client.assign('T-RESIDENCY', { requestId: 'a-2', responderId: 'nobody' }),
      ).rejects.toThrow(/not in the roster/);
      expect(
        await e.client.assign('T-RESIDENCY', { requestId: 'a-3', responderId: 'specialist.ottawa' }),
      ).toEqual({ assigneeId: 'specialist.ottawa' });
    },
  );

  residency('its first response counts coverage with the Canada-based duty alone (I5, I13)', async () => {
    await e.advanceTo(sameDayAt(monday6, '08:30'));
    const answer = await e.client.recordFirstResponse('T-RESIDENCY', {
      requestId: 'f-1',
      responderId: 'specialist.ottawa',
      at: iso(sameDayAt(monday6, '08:30')),
    });
    // 06:00–08:00 was plain coverage but no Canada-based L3 responder's: only 08:00–08:30 counts.
    expect(answer).toMatchObject({ met: true, state: 'met', coverageMinutes: 30 });
  });

  open('routes the same question normally when the customer is not restricted', async () => {
    const now = e.now();
    await e.client.openTicket(ticket('T-OPEN', 'acme', 'Data protection request', true, now));
    expect(await e.waitFor(() => e.client.ticketStatus('T-OPEN'), 'the ticket')).toMatchObject({
      state: 'on-track',
      canadaOnly: false,
      suspendedReason: null,
    });
  });

  open('rejects a bad message naming the field, in the client and in the workflow validator', async () => {
    await expect(e.client.recordFirstResponse('T-OPEN', { requestId: 'x' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(e.client.recordFirstResponse('T-OPEN', { requestId: 'x' })).rejects.toThrow(/responderId/);
    // Straight to the workflow, around the client: its validator refuses before anything is recorded.
    const handle = e.env.client.workflow.getHandle('ticket-T-OPEN');
    await expect(
      handle.executeUpdate('reclassify', { args: [{ requestId: 'y', level: 'L9', by: 'a', reason: 'b' }] }),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^level: /) },
    });
    const history = await handle.fetchHistory();
    expect(JSON.stringify(history.events)).not.toContain('"L9"');
  });

  open('a manual escalation pages and emails the team lead once, however often it is sent', async () => {
    const first = await e.client.escalate('T-OPEN', {
      requestId: 'esc-1',
      by: 'agent.toronto',
      reason: 'VIP customer',
    });
    const again = await e.client.escalate('T-OPEN', {
      requestId: 'esc-1',
      by: 'agent.toronto',
      reason: 'VIP customer',
    });
    expect(again).toEqual(first);
    expect(first).toEqual({ stepId: 'manual-esc-1' });
    await e.waitFor(
      () => e.smtp.byMessageId('<ticket-T-OPEN.manual-esc-1@sla-engine>').length === 1,
      'the escalation email',
    );
    expect(
      e.pager.triggers().filter((p) => p.dedup_key === 'ticket-T-OPEN:manual-esc-1:lead.toronto'),
    ).toHaveLength(1);
  });

  open(
    'resolve, reopen and resolve again write two outcomes; a resolved ticket cannot be resolved twice',
    async () => {
      await e.client.recordFirstResponse('T-OPEN', { requestId: 'f-2', responderId: 'specialist.ottawa' });
      expect(
        await e.client.resolve('T-OPEN', { requestId: 'res-1', responderId: 'specialist.ottawa' }),
      ).toEqual({ resolution: 1 });
      await expect(
        e.client.resolve('T-OPEN', { requestId: 'res-2', responderId: 'specialist.ottawa' }),
      ).rejects.toThrow(/already resolved/);
      await e.waitFor(
        async () => (await e.outcomes.ticketOutcomes()).some((o) => o.ticketId === 'T-OPEN'),
        'the first outcome',
      );
      expect(await e.client.reopen('T-OPEN', { requestId: 'ro-1', reason: 'customer wrote back' })).toEqual({
        status: 'open',
      });
      expect(
        await e.client.resolve('T-OPEN', { requestId: 'res-3', responderId: 'specialist.ottawa' }),
      ).toEqual({ resolution: 2 });
      const outcomes = await e.waitFor(async () => {
        const all = (await e.outcomes.ticketOutcomes()).filter((o) => o.ticketId === 'T-OPEN');
        return all.length === 2 ? all : undefined;
      }, 'the second outcome');
      expect(outcomes.map((o) => o.resolution)).toEqual([1, 2]);
      // The page raised by the manual escalation was resolved when the ticket was answered.
      expect(e.pager.events.filter((p) => p.event_action === 'resolve').map((p) => p.dedup_key)).toContain(
        'ticket-T-OPEN:manual-esc-1:lead.toronto',
      );
    },
  );
});
