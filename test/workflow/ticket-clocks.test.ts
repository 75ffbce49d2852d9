// L2 across a Canadian holiday with a reclassification (C7, I6, I11), and L3 across a DST change
// (C8, I6): the workflow's deadlines and step instants are the calendar's, and the steps fire.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseDeadline } from '../../src/calendar';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { newTicket } from '../helpers/tickets';
import { iso, minutes, nextDstChange, nextWeekdayHoliday, weekdayBefore } from '../helpers/when';

const ticket = (ticketId: string, subject: string, openedAt: number) =>
  newTicket(ticketId, { customerId: 'globex', subject, channel: 'email', openedAt: iso(openedAt) });

describe('ticket clocks across a holiday and a DST change', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine();
  });
  afterAll(async () => {
    await saveHistory(e.env.client, 'ticket-T-RECLASS', 'ticketWorkflow-reclassified');
    await e?.stop();
  });

  it('L2 opened the weekday before a Canadian holiday is due after it, and breaches on time', async () => {
    const holiday = nextWeekdayHoliday(e.calendar, e.now());
    const opened = weekdayBefore(holiday, '10:00');
    await e.advanceTo(opened);
    await e.client.openTicket(
      ticket('T-L2-HOLIDAY', 'What is the best practice for onboarding volunteers?', opened),
    );
    const status = await e.waitFor(() => e.client.ticketStatus('T-L2-HOLIDAY'), 'the ticket');
    const { due } = responseDeadline(e.calendar, e.policy.policy.levels.L2, opened);
    expect(status).toMatchObject({ level: 'L2', ruleId: 'l2-best-practice', due: iso(due) });
    // The holiday is not a business day: the deadline is on a later date, at the same wall-clock time.
    expect(DateTime.fromMillis(due, { zone: 'America/Toronto' }).toISODate()! > holiday).toBe(true);
    expect(status.holidayWindows.some((h) => h.country === 'CA' && h.date === holiday)).toBe(true);

    await e.advanceTo(due + minutes(1));
    await e.waitFor(
      () => e.smtp.byMessageId('<ticket-T-L2-HOLIDAY.l2-breach-team-lead@sla-engine>').length === 1,
      'the L2 breach email',
    );
    const after = await e.client.ticketStatus('T-L2-HOLIDAY');
    expect(after.state).toBe('breached');
    expect(after.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual([
      ['l2-warn-assignee', after.plan[0]!.fireAt],
      ['l2-breach-team-lead', iso(due)],
    ]);
  });

  it('reclassifying L2 → L1 recomputes the clock from the original opening (I11)', async () => {
    const opened = e.calendar.clockStart(e.now() + minutes(1));
    await e.advanceTo(opened);
    await e.client.openTicket(ticket('T-RECLASS', 'Best practice for shift reminders?', opened));
    await e.waitFor(() => e.client.ticketStatus('T-RECLASS'), 'the ticket');
    await e.advanceTo(e.calendar.addCoverageMs(opened, minutes(5)));
    const result = await e.client.reclassify('T-RECLASS', {
      requestId: 'rc-1',
      level: 'L1',
      by: 'agent.toronto',
      reason: 'a how-to question',
    });
    const l1Due = responseDeadline(e.calendar, e.policy.policy.levels.L1, opened).due;
    expect(result).toEqual({ level: 'L1', due: iso(l1Due), state: 'on-track' });
    const status = await e.client.ticketStatus('T-RECLASS');
    expect(status).toMatchObject({
      level: 'L1',
      ruleId: 'reclassified',
      clockStart: iso(opened),
      reclassifications: [expect.objectContaining({ from: 'L2', to: 'L1', by: 'agent.toronto' })],
    });
    expect(status.plan.map((p) => p.id)).toEqual([
      'l1-warn-assignee',
      'l1-breach-team-lead',
      'l1-breach-manager',
    ]);

    await e.advanceTo(l1Due + minutes(1));
    await e.waitFor(
      () => e.smtp.byMessageId('<ticket-T-RECLASS.l1-breach-team-lead@sla-engine>').length === 1,
      'the L1 breach email',
    );
    expect((await e.client.ticketStatus('T-RECLASS')).state).toBe('breached');
    await e.client.recordFirstResponse('T-RECLASS', { requestId: 'fr-1', responderId: 'agent.toronto' });
  });

  it('L3 across a DST change keeps the wall-clock time, not the elapsed hours', async () => {
    const change = nextDstChange(e.now());
    const opened = weekdayBefore(
      DateTime.fromMillis(change, { zone: 'America/Toronto' }).toISODate()!,
      '10:00',
    );
    await e.advanceTo(opened);
    await e.client.openTicket(ticket('T-L3-DST', 'Our API webhook returns error 500', opened));
    const status = await e.waitFor(() => e.client.ticketStatus('T-L3-DST'), 'the ticket');
    const { due } = responseDeadline(e.calendar, e.policy.policy.levels.L3, opened);
    expect(status).toMatchObject({ level: 'L3', ruleId: 'l3-api', due: iso(due) });
    const local = (t: number) => DateTime.fromMillis(t, { zone: 'America/Toronto' });
    expect(local(due).toFormat('HH:mm')).toBe('10:00');
    // Friday → Tuesday is 96 hours of wall clock; the DST weekend makes it 95 or 97 real hours.
    expect([95, 97]).toContain((due - opened) / 3_600_000);

    await e.advanceTo(due + minutes(1));
    await e.waitFor(
      () =>
        e.pager.triggers().some((p) => p.dedup_key === 'ticket-T-L3-DST:l3-breach-team-lead:lead.toronto'),
      'the L3 breach page',
    );
    expect(
      (await e.client.ticketStatus('T-L3-DST')).stepsFired.find((f) => f.id === 'l3-breach-team-lead')
        ?.plannedAt,
    ).toBe(iso(due));
  });
});
