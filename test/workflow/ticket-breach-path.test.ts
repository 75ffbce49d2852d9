// The breach→page path (C6–C8): a step that pages has its audience resolved before it is
// due — for its planned instant, recorded in history — so that the breach's workflow task
// schedules the page at once (no roster lookup in between), the page and then the email in one
// activity; the audit timeline still shows the step firing at its instant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineOf } from '../../src/audit';
import { decodeHistory, type AuditEvent } from '../../src/audit/history';
import { AesGcmCodec } from '../../src/codec';
import { testKeys } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { newTicket } from '../helpers/tickets';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';

const codecs = [new AesGcmCodec(testKeys())];

describe('breach→page path (C6–C8)', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine();
  });
  afterAll(async () => {
    await e?.stop();
  });

  const events = async (ticketId: string): Promise<AuditEvent[]> => {
    const history = await e.env.client.workflow.getHandle(`ticket-${ticketId}`).fetchHistory();
    return (await decodeHistory(history, codecs)).events;
  };
  const audienceLookups = (evs: AuditEvent[]) =>
    evs.filter((x) => x.localActivity && x.activityType === 'resolveAudience');

  it('L1 (C6, I5): the team lead is looked up before the breach; at the breach the page goes first, with no lookup in between', async () => {
    const id = 'T-PATH-L1';
    const opened = nextWeekdayAt(e.now(), 2, '10:00');
    await e.advanceTo(opened);
    await e.client.openTicket(newTicket(id, { customerId: 'acme', channel: 'chat', openedAt: iso(opened) }));
    const status = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket');
    const breachStep = status.plan.find((p) => p.id === 'l1-breach-team-lead')!;
    const due = Date.parse(status.due);
    expect(breachStep.fireAt).toBe(status.due);

    // After the warning and before the breach: the warning's own lookup, then the breach's.
    await e.advanceTo(due - minutes(1));
    await e.waitFor(
      async () => audienceLookups(await events(id)).length === 2,
      'the lookup of the breach audience',
    );
    const [warningLookup, ahead] = audienceLookups(await events(id));
    expect(Date.parse(warningLookup!.at)).toBeLessThan(Date.parse(ahead!.at));
    expect(Date.parse(ahead!.at)).toBeLessThan(due);
    expect(ahead!.result).toEqual([expect.objectContaining({ id: 'lead.toronto' })]);
    expect(e.pager.triggers()).toEqual([]);

    await e.advanceTo(due + minutes(1));
    await e.waitFor(() => e.pager.triggers().length === 1, 'the breach page');
    expect(e.pager.triggers()[0]).toMatchObject({
      routing_key: 'routing-lead',
      dedup_key: `ticket-${id}:l1-breach-team-lead:lead.toronto`,
    });
    const mail = await e.waitFor(
      () => e.smtp.byMessageId(`<ticket-${id}.l1-breach-team-lead@sla-engine>`)[0],
      'the breach email',
    );
    expect(mail.to).toEqual(['lead.toronto@support.example']);

    // The breach's workflow task: timer fired, the state marked breached, then straight to the
    // step's one delivery activity (the page, then the email).
    const evs = await events(id);
    // (The warning before it emailed the assignee through the same activity, with no page.)
    const delivery = evs.findIndex(
      (x) =>
        x.type === 'ActivityTaskScheduled' &&
        x.activityType === 'deliverStep' &&
        (x.args?.[0] as { pages: unknown[] }).pages.length > 0,
    );
    const timerFired =
      delivery - 1 - [...evs.slice(0, delivery)].reverse().findIndex((x) => x.type === 'TimerFired');
    const between = evs.slice(timerFired + 1, delivery).map((x) => x.type);
    expect(between).toEqual([
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      // The state (breached) and the queue's next step (the manager's): one visibility write.
      'UpsertWorkflowSearchAttributes',
    ]);
    expect(evs[delivery]!.args).toEqual([
      {
        pages: [expect.objectContaining({ dedupKey: `ticket-${id}:l1-breach-team-lead:lead.toronto` })],
        email: expect.objectContaining({ messageId: `<ticket-${id}.l1-breach-team-lead@sla-engine>` }),
        mode: 'once',
      },
    ]);
    // In a herd, no page waits behind another ticket's email activity, nor any head-start timer:
    // the breach's task starts no timer, and once the delivery is done its task schedules nothing.
    const next = (i: number, type: string) => evs.findIndex((x, j) => j > i && x.type === type);
    const breachTask = evs.slice(delivery + 1, next(delivery, 'WorkflowTaskScheduled'));
    expect(breachTask.filter((x) => x.type === 'TimerStarted')).toEqual([]);
    const done = next(delivery, 'ActivityTaskCompleted');
    const afterDone = evs.slice(done + 1).map((x) => x.type);
    expect(afterDone).not.toContain('ActivityTaskScheduled');
    expect(audienceLookups(evs)).toHaveLength(2);
    // The breach's timer, armed after the lookup ahead, is armed in a task with no lookup in it:
    // a timer runs from its task's completion, so a lookup there would make the breach fire late.
    const types = evs.map((x) => x.type);
    const armed = types.slice(0, timerFired).lastIndexOf('TimerStarted');
    const armingTask = types.slice(0, armed).lastIndexOf('WorkflowTaskCompleted');
    expect(evs.slice(armingTask, armed).filter((x) => x.localActivity)).toEqual([]);

    const fired = (await e.client.ticketStatus(id)).stepsFired.find((f) => f.id === 'l1-breach-team-lead')!;
    expect(fired.plannedAt).toBe(status.due);
    expect(fired.deliveries.map((d) => [d.channel, d.to, d.ok]).sort()).toEqual([
      ['email', 'team-lead', true],
      ['page', 'lead.toronto', true],
    ]);

    // The auditor reads the lookup ahead, then the step firing at the breach with its recipient.
    const timeline = await timelineOf(
      await e.env.client.workflow.getHandle(`ticket-${id}`).fetchHistory(),
      codecs,
    );
    const audience = timeline.entries.find((x) => x.kind === 'audience')!;
    expect(audience.summary).toBe(
      `audience of l1-breach-team-lead (planned ${status.due.replace('.000Z', 'Z')}) resolved ahead: team-lead: lead.toronto`,
    );
    const escalation = timeline.entries.find((x) => x.kind === 'escalation')!;
    expect(escalation.summary).toMatch(
      /^breach l1-breach-team-lead \(planned .*\) to team-lead: lead\.toronto$/,
    );
    expect(Date.parse(escalation.at)).toBeGreaterThanOrEqual(due);
    expect(timeline.facts).toMatchObject({
      stepsFired: [
        expect.objectContaining({ id: 'l1-warn-assignee', kind: 'warning' }),
        expect.objectContaining({ id: 'l1-breach-team-lead', kind: 'breach' }),
      ],
    });
    await e.client.recordFirstResponse(id, { requestId: 'fr-1', responderId: 'agent.toronto' });
  });

  it('L2 (C7, I6): on a business-day clock the audience is looked up within 10 minutes of the breach, not at the warning hours before', async () => {
    const id = 'T-PATH-L2';
    const opened = nextWeekdayAt(e.now(), 2, '10:00');
    await e.advanceTo(opened);
    await e.client.openTicket(
      newTicket(id, {
        customerId: 'acme',
        channel: 'email',
        subject: 'Our export job fails with an error',
        level: 'L2',
        openedAt: iso(opened),
      }),
    );
    const status = await e.waitFor(() => e.client.ticketStatus(id), 'the ticket');
    const due = Date.parse(status.due);
    const warnAt = Date.parse(status.plan.find((p) => p.kind === 'warning')!.fireAt);
    expect(due - warnAt).toBeGreaterThan(minutes(60));

    await e.advanceTo(due + minutes(1));
    await e.waitFor(
      () => e.pager.triggers().some((t) => t.dedup_key.startsWith(`ticket-${id}:`)),
      'the page',
    );
    const [warningLookup, ahead] = audienceLookups(await events(id));
    expect(Date.parse(warningLookup!.at)).toBeLessThan(due - minutes(60));
    expect(Date.parse(ahead!.at)).toBeGreaterThanOrEqual(due - minutes(10));
    expect(Date.parse(ahead!.at)).toBeLessThan(due);
    await e.client.recordFirstResponse(id, { requestId: 'fr-1', responderId: 'specialist.ottawa' });
  });
});
