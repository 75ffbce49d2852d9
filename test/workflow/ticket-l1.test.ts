// An L1 ticket across Friday 16:00 (C6, I5): classification, the 15-coverage-minute clock, the
// warning, the breach to the team lead by email and page, the first response stopping the clock
// and resolving the pages, and the outcome written once.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { responseDeadline } from '../../src/calendar';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';
import { scenario } from '../helpers/steps';

describe('L1 ticket across a Friday 16:00', () => {
  let e: Engine;
  let opened: number;
  let due: number;
  beforeAll(async () => {
    e = await startEngine();
    opened = nextWeekdayAt(e.now(), 5, '15:50');
    due = responseDeadline(e.calendar, e.policy.policy.levels.L1, opened).due;
    await e.advanceTo(opened);
  });
  afterAll(async () => {
    await saveHistory(e.env.client, 'ticket-T-L1-FRIDAY', 'ticketWorkflow-l1-across-friday');
    await e?.stop();
  });

  const id = 'T-L1-FRIDAY';
  const step = scenario();

  step('classifies "Comment puis-je…" as L1 by rule and starts the clock at once', async () => {
    const opening = await e.client.openTicket({
      ticketId: id,
      customerId: 'acme',
      requester: { name: 'Marie Tremblay', email: 'marie@acme.example' },
      subject: 'Comment puis-je exporter la liste des bénévoles ?',
      body: 'Merci !',
      channel: 'chat',
      needsDataAccess: false,
      openedAt: iso(opened),
    });
    expect(opening).toEqual({ workflowId: `ticket-${id}`, created: true });
    const status = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket status');
    expect(status).toMatchObject({
      level: 'L1',
      ruleId: 'l1-how-do-i',
      state: 'on-track',
      clockStart: iso(opened),
      due: iso(due),
      policyVersion: e.policy.version,
    });
    // Friday 15:50 + 10 min, then Monday 05:00 + 5 min.
    expect(new Date(due).getUTCDay()).toBe(1);
    expect(status.plan.map((p) => [p.id, p.fireAt])).toEqual([
      ['l1-warn-assignee', iso(e.calendar.addCoverageMs(opened, minutes(12)))],
      ['l1-breach-team-lead', iso(due)],
      ['l1-breach-manager', iso(due + minutes(30))],
    ]);
  });

  step('opening the same ticket again joins the running workflow', async () => {
    const again = await e.client.openTicket({
      ticketId: id,
      customerId: 'acme',
      requester: { name: 'Marie Tremblay', email: 'marie@acme.example' },
      subject: 'duplicate',
      body: '',
      channel: 'email',
      needsDataAccess: false,
    });
    expect(again).toEqual({ workflowId: `ticket-${id}`, created: false });
  });

  step('fires nothing over the weekend, then warns the on-duty agents at 12 coverage minutes', async () => {
    await e.advanceTo(due - minutes(2));
    const warning = await e.waitFor(
      () => e.smtp.byMessageId(`<ticket-${id}.l1-warn-assignee@sla-engine>`)[0],
      'the warning email',
    );
    expect(warning.to.sort()).toEqual(['agent.london@support.example', 'agent.toronto@support.example']);
    expect(warning.subject).toBe(`[SLA L1] ticket ${id}: at risk`);
    const status = await e.client.ticketStatus(id);
    expect(status.state).toBe('at-risk');
    expect(status.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual([
      ['l1-warn-assignee', status.plan[0]!.fireAt],
    ]);
    // Fired on its durable timer: the workflow's clock at firing is the planned instant, give or
    // take the real seconds the test server's clock runs while a loaded machine handles the task
    // (a polling cron would be minutes off, and it never fires early).
    const lateMs = Date.parse(status.stepsFired[0]!.at) - Date.parse(status.plan[0]!.fireAt);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(30_000);
    expect(e.pager.triggers()).toEqual([]);
  });

  step('at the deadline, marks the breach and emails and pages the team lead', async () => {
    await e.advanceTo(due + minutes(1));
    await e.waitFor(() => e.pager.triggers().length === 1, 'the breach page');
    const [page] = e.pager.triggers();
    expect(page).toMatchObject({
      routing_key: 'routing-lead',
      dedup_key: `ticket-${id}:l1-breach-team-lead:lead.toronto`,
      payload: {
        severity: 'error',
        source: 'sla-engine',
        custom_details: { ticketId: id, level: 'L1', due: iso(due) },
      },
    });
    const mail = await e.waitFor(
      () => e.smtp.byMessageId(`<ticket-${id}.l1-breach-team-lead@sla-engine>`)[0],
      'the breach email',
    );
    expect(mail.to).toEqual(['lead.toronto@support.example']);
    expect((await e.client.ticketStatus(id)).state).toBe('breached');
  });

  step('a first response stops the clock, records 20 coverage minutes and resolves the page', async () => {
    await e.advanceTo(due + minutes(5));
    const response = { requestId: 'r-1', responderId: 'agent.toronto', at: iso(due + minutes(5)) };
    const answer = await e.client.recordFirstResponse(id, response);
    expect(answer).toEqual({ met: false, coverageMinutes: 20, state: 'breached' });
    // The same request again is answered the same, and recorded once.
    expect(await e.client.recordFirstResponse(id, response)).toEqual(answer);
    await e.waitFor(() => e.pager.events.some((ev) => ev.event_action === 'resolve'), 'the page resolution');
    expect(e.pager.events.filter((ev) => ev.event_action === 'resolve').map((ev) => ev.dedup_key)).toEqual([
      `ticket-${id}:l1-breach-team-lead:lead.toronto`,
    ]);

    // The manager step (30 min after breach) never fires once the clock stopped.
    await e.advanceTo(due + minutes(45));
    const status = await e.client.ticketStatus(id);
    expect(status.stepsFired.map((f) => f.id)).toEqual(['l1-warn-assignee', 'l1-breach-team-lead']);
    expect(e.pager.triggers()).toHaveLength(1);
  });

  step('resolving writes the outcome once', async () => {
    expect(await e.client.resolve(id, { requestId: 'r-2', responderId: 'agent.toronto' })).toEqual({
      resolution: 1,
    });
    const outcome = await e.waitFor(
      async () => (await e.outcomes.ticketOutcomes()).find((o) => o.ticketId === id),
      'the outcome',
    );
    expect(outcome).toMatchObject({
      level: 'L1',
      ruleId: 'l1-how-do-i',
      met: false,
      coverageMinutesToFirstResponse: 20,
      slaState: 'breached',
      resolution: 1,
      stepsFired: ['l1-warn-assignee', 'l1-breach-team-lead'],
    });
    expect(outcome).not.toHaveProperty('subject');
    expect(e.smtp.received.every((m) => m.to.length > 0)).toBe(true);
  });
});
