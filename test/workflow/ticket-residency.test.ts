// Data residency (C12, I13) with a roster that has no Canada-based L3 responder: a Canada-only L3
// ticket is suspended, with its notice; a reclassification recomputes on the new level's duty
// and lifts it, and another one to L3 suspends a running ticket, with its own notice.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { BusinessCalendar } from '../../src/calendar';
import { loadPolicy } from '../../src/policy/load';
import { loadRoster } from '../../src/roster/load';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { testCustomer } from '../helpers/ledger';
import { scenario } from '../helpers/steps';
import { newTicket } from '../helpers/tickets';
import { iso, nextWeekdayAt, sameDayAt } from '../helpers/when';

const DAY = 86_400_000;
const plainCalendar = new BusinessCalendar(loadPolicy().policy);

/** The first Monday after `after` whose Monday to Wednesday have no holiday window, at a Toronto time. */
function plainMonday(after: number, time: string): number {
  for (let t = nextWeekdayAt(after, 1, time); ; t = nextWeekdayAt(t, 1, time)) {
    const monday = sameDayAt(t, '00:00');
    if (plainCalendar.holidayWindows(monday - DAY, monday + 3 * DAY).length === 0) return t;
  }
}

/** The built-in roster without its one Canada-based L3 agent (the Ottawa specialist). */
const roster = (() => {
  const r = loadRoster(undefined);
  return { ...r, responders: r.responders.filter((x) => x.id !== 'specialist.ottawa') };
})();

const ticket = (ticketId: string, level: 'L2' | 'L3', openedAt: number) =>
  newTicket(ticketId, {
    customerId: 'northwind',
    subject: 'Export of member records',
    level,
    needsDataAccess: true,
    openedAt: iso(openedAt),
  });

describe('data residency without a Canada-based L3 responder (I13)', () => {
  let e: Engine;
  let monday6: number;
  beforeAll(async () => {
    e = await startEngine({
      customers: [testCustomer('northwind', { canadaOnlyDataAccess: true })],
      roster,
    });
    monday6 = plainMonday(e.now(), '06:00');
    await e.advanceTo(monday6);
  });
  afterAll(async () => {
    await saveHistory(e.env.client, 'ticket-T-NO-CA-L3', 'ticketWorkflow-residency-suspension-lifted');
    await saveHistory(
      e.env.client,
      'ticket-T-TO-L3',
      'ticketWorkflow-residency-suspended-by-reclassification',
    );
    await e?.stop();
  });
  const lifted = scenario();
  const suspended = scenario();

  lifted('suspends an L3 ticket: no Canada-based L3 responder within the look-ahead', async () => {
    await e.client.openTicket(ticket('T-NO-CA-L3', 'L3', monday6));
    const status = await e.waitFor(() => e.client.ticketStatus('T-NO-CA-L3'), 'the ticket');
    expect(status).toMatchObject({
      level: 'L3',
      state: 'suspended',
      canadaOnly: true,
      heldUntil: null,
      eligibleDuty: { windows: [] },
      suspendedReason: expect.stringMatching(/no Canada-based L3 responder is on duty within 14 days/),
    });
    await e.waitFor(
      () => e.smtp.byMessageId('<ticket-T-NO-CA-L3.suspended@sla-engine>')[0],
      'the suspension notice',
    );
  });

  lifted('reclassified L2, it runs on the Canada-based L2 duty from the opening (I11, I13)', async () => {
    const answer = await e.client.reclassify('T-NO-CA-L3', {
      requestId: 'rc-1',
      level: 'L2',
      by: 'lead.toronto',
      reason: 'an export question, not an API one',
    });
    // L2: the next business day at the opening's wall-clock time (I6); Toronto's agent is on duty.
    expect(answer).toEqual({ level: 'L2', due: iso(monday6 + DAY), state: 'on-track' });
    expect(await e.client.ticketStatus('T-NO-CA-L3')).toMatchObject({
      suspendedReason: null,
      heldUntil: null,
      eligibleDuty: {
        windows: [{ from: { day: 'monday', time: '05:00' }, to: { day: 'friday', time: '16:00' } }],
      },
    });
  });

  suspended(
    'reclassified L3, a running Canada-only ticket is suspended, and the team lead told',
    async () => {
      const opened = sameDayAt(monday6, '07:00');
      await e.advanceTo(opened);
      await e.client.openTicket(ticket('T-TO-L3', 'L2', opened));
      expect((await e.waitFor(() => e.client.ticketStatus('T-TO-L3'), 'the ticket')).state).toBe('on-track');
      const answer = await e.client.reclassify('T-TO-L3', {
        requestId: 'rc-2',
        level: 'L3',
        by: 'lead.toronto',
        reason: 'it is about the API after all',
      });
      expect(answer.state).toBe('suspended');
      const notice = await e.waitFor(
        () => e.smtp.byMessageId('<ticket-T-TO-L3.suspended-rc-2@sla-engine>')[0],
        'the suspension notice',
      );
      expect(notice.to).toEqual(['lead.toronto@support.example']);
      // Nothing fires after its deadline: suspended, not silently breached.
      await e.advanceTo(Date.parse(answer.due) + 3_600_000);
      const later = await e.client.ticketStatus('T-TO-L3');
      expect(later.state).toBe('suspended');
      expect(later.stepsFired.map((f) => f.id)).toEqual(['suspended-rc-2']);
    },
  );
});
