// Failure drills with SMTP: refusing then recovering (the email arrives once), and refusing for
// good (the step shows the failure, the chain goes on). The worker-kill drill runs on the dev
// server (test/integration/worker-kill.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../helpers/engine';
import { newTicket } from '../helpers/tickets';
import { iso, minutes } from '../helpers/when';

const ticket = (ticketId: string, openedAt: number) => newTicket(ticketId, { openedAt: iso(openedAt) });

describe('SMTP failures', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine();
  });
  afterAll(async () => e?.stop());

  it('4xx twice, then accepted: the warning arrives exactly once', async () => {
    const opened = e.calendar.clockStart(e.now() + minutes(1));
    await e.advanceTo(opened);
    await e.client.openTicket(ticket('T-SMTP-4XX', opened));
    const status = await e.waitFor(() => e.client.ticketStatus('T-SMTP-4XX'), 'the ticket');
    e.smtp.refuse(2, 451);
    await e.advanceTo(Date.parse(status.plan[0]!.fireAt) + 1000);
    await e.waitFor(
      () => e.smtp.byMessageId('<ticket-T-SMTP-4XX.l1-warn-assignee@sla-engine>').length > 0,
      'the warning after retries',
      30_000,
    );
    expect(e.smtp.refused).toEqual([451, 451]);
    expect(e.smtp.byMessageId('<ticket-T-SMTP-4XX.l1-warn-assignee@sla-engine>')).toHaveLength(1);
    const fired = await e.waitFor(
      async () => (await e.client.ticketStatus('T-SMTP-4XX')).stepsFired.find((f) => f.deliveries.length > 0),
      'the recorded delivery',
    );
    expect(fired.deliveries).toEqual([expect.objectContaining({ channel: 'email', ok: true })]);
    await e.client.recordFirstResponse('T-SMTP-4XX', { requestId: 'fr', responderId: 'agent.toronto' });
  });

  it('5xx: the step records the refusal visibly and the chain goes on', async () => {
    const opened = e.calendar.clockStart(e.now() + minutes(1));
    await e.advanceTo(opened);
    await e.client.openTicket(ticket('T-SMTP-5XX', opened));
    const status = await e.waitFor(() => e.client.ticketStatus('T-SMTP-5XX'), 'the ticket');
    e.smtp.refused.length = 0;
    e.smtp.refuse(1, 550);
    await e.advanceTo(Date.parse(status.due) + 1000);
    const after = await e.waitFor(async () => {
      const s = await e.client.ticketStatus('T-SMTP-5XX');
      return s.stepsFired.length === 2 && s.stepsFired[1]!.deliveries.length === 2 ? s : undefined;
    }, 'both steps');
    expect(e.smtp.refused).toEqual([550]);
    expect(after.stepsFired[0]!.deliveries).toEqual([
      expect.objectContaining({ channel: 'email', ok: false, detail: expect.stringMatching(/SMTP 550/) }),
    ]);
    expect(after.stepsFired[1]!.deliveries.every((d) => d.ok)).toBe(true);
  });
});
