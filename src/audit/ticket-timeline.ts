/**
 * How an auditor reads a ticket's history (C6–C8, C10–C13): the ticket as opened, the
 * classification and its rule (I11), the clock and deadlines with the holiday windows behind them
 * and the policy version (I5, I6), the routing (I13), each warning and escalation step with its
 * planned and actual instant and whom it reached, every email and page with its outcome, the
 * helpdesk's messages (assignment, first response, reclassification…), state changes and
 * breaches, the outcome written for the ledger, and the final status.
 */
import type { Activities } from '../activities';
import type { EmailMessage } from '../activities/email';
import type { PageEvent } from '../activities/paging';
import type { ClockFacts, Recipient } from '../activities/tickets';
import type { Escalate, Reclassify } from '../model/ticket';
import { assign, escalate, firstResponse, reclassify, reopen, reply, resolve } from '../messages/ticket';
import type { TicketCarry, TicketInput } from '../workflows/ticket';
import { isUpdate, update, type Reading } from './interpret';
import {
  activityEntry,
  emailEntry,
  eventEntry,
  ledgerEntry,
  minutes,
  short,
  type Step,
  type TimelineEntry,
} from './render';

type Opening = Awaited<ReturnType<Activities['openTicketFacts']>>;
type PlanStep = ClockFacts['plan'][number];
interface StepFiring {
  id: string;
  kind: string;
  plannedAt: string | null;
  audience: string;
}

/** A step fired within this much of its plan is that step (the server's clock is not exact). */
const FIRE_SLACK_MS = 5_000;
const planned = (p: PlanStep): StepFiring => ({
  id: p.id,
  kind: p.kind,
  plannedAt: p.fireAt,
  audience: p.audience,
});
const whom = (who: Recipient[]) => (who.length ? who.map((r) => r.id).join(', ') : 'nobody on duty');

/** I13: the Canada-based duty a Canada-only ticket's clock ran on, and where it left the ticket. */
function residencyText(c: ClockFacts): string {
  const r = c.residency;
  if (!r) return '';
  const duty =
    r.duty.windows.map((w) => `${w.from.day} ${w.from.time}–${w.to.day} ${w.to.time}`).join(', ') || 'none';
  const outcome = r.suspendedReason
    ? `; SLA suspended: ${r.suspendedReason}`
    : r.heldUntil
      ? `; held until ${short(r.heldUntil)}`
      : '';
  return `; Canada-only (I13): coverage while a Canada-based ${c.level} responder is on duty (${duty}, ${r.duty.timeZone})${outcome}`;
}

export function ticketReading(): Reading<'ticketWorkflow'> {
  let ticket: TicketInput | undefined;
  let classification: (Opening['classification'] & { policyVersion: string }) | undefined;
  let clock: ClockFacts | undefined;
  let routing: Opening['route'] | undefined;
  const policyVersions = new Set<string>();
  const fired = new Set<string>();
  const stepsFired: { id: string; kind: string; plannedAt: string | null; at: string }[] = [];
  /** Steps whose audience was looked up before they were due (C6–C8 paging): who, by step id. */
  const resolvedAhead = new Map<string, Recipient[]>();
  const escalations: Escalate[] = []; // manual escalations accepted, not answered yet
  let suspensionNoticed = false;
  /** Reclassifications accepted, not answered yet: one may suspend the SLA (I13) and notify. */
  const reclassifying: Reclassify[] = [];
  /** The step id of a suspension notice a reclassification's clock calls for. */
  let suspensionDue: string | undefined;
  let state = 'on-track';

  /** Which step a roster lookup for an audience belongs to. */
  function stepAt(at: string): StepFiring {
    const manual = escalations[0];
    if (manual)
      return {
        id: `manual-${manual.requestId}`,
        kind: 'manual escalation',
        plannedAt: null,
        audience: 'team-lead',
      };
    if (routing?.suspendedReason && !suspensionNoticed) {
      suspensionNoticed = true;
      return { id: 'suspended', kind: 'suspension notice', plannedAt: null, audience: 'team-lead' };
    }
    if (suspensionDue) {
      const id = suspensionDue;
      suspensionDue = undefined;
      return { id, kind: 'suspension notice', plannedAt: null, audience: 'team-lead' };
    }
    const step = (clock?.plan ?? []).find(
      (p) => !fired.has(p.id) && Date.parse(p.fireAt) <= Date.parse(at) + FIRE_SLACK_MS,
    );
    return step
      ? planned(step)
      : { id: '(unplanned)', kind: 'escalation', plannedAt: null, audience: '(unknown)' };
  }

  /** A step firing: to whom, at its planned and actual instants. */
  function stepEntry(s: Step, at: string, step: StepFiring, who: Recipient[]): TimelineEntry {
    fired.add(step.id);
    stepsFired.push({ id: step.id, kind: step.kind, plannedAt: step.plannedAt, at });
    const when = step.plannedAt ? ` (planned ${short(step.plannedAt)})` : '';
    return {
      ...activityEntry(
        s,
        step.kind === 'breach' ? 'escalation' : step.kind,
        `${step.kind} ${step.id}${when} to ${step.audience}: ${whom(who)}`,
        { step, recipients: who.map((r) => r.id) },
      ),
      at,
    };
  }

  /** The first delivery of a step resolved ahead is its firing, when that delivery was scheduled. */
  function firedAhead(s: Step, isOf: (stepId: string) => boolean): TimelineEntry[] {
    const step = (clock?.plan ?? []).find((p) => resolvedAhead.has(p.id) && !fired.has(p.id) && isOf(p.id));
    const who = step && resolvedAhead.get(step.id);
    if (!step || !who) return [];
    resolvedAhead.delete(step.id);
    return [stepEntry(s, s.scheduledAt, planned(step), who)];
  }

  /** The clock and plan in force from now on, with the holiday windows behind them (I5, I6). */
  function clockEntry(s: Step, c: ClockFacts): TimelineEntry {
    clock = c;
    fired.clear(); // a reclassified ticket follows its new plan
    resolvedAhead.clear();
    policyVersions.add(c.policyVersion);
    const holidays = c.holidayWindows.length
      ? `; holiday windows: ${c.holidayWindows.map((w) => `${w.country} ${w.name} ${w.date}`).join(', ')}`
      : '';
    const plan = c.plan.map((p) => `${p.id} at ${short(p.fireAt)}`).join(', ') || 'none';
    const summary = `${c.level} clock starts ${short(c.clockStart)}, first response due ${short(c.due)} (policy ${c.policyVersion}); plan: ${plan}${holidays}${residencyText(c)}`;
    return activityEntry(s, 'deadline', summary, c);
  }

  /**
   * A run that continues the ticket (continue-as-new) starts from the state the previous run
   * handed on; read alone (`--run-id`), that state is where its timeline starts.
   */
  function resumed(carry: TicketCarry, ev: { at: string; id: number }): TimelineEntry {
    const c = carry.status;
    if (!clock) {
      const { policyVersion, level, clockStart, due, holidayWindows, plan } = c;
      clock = { policyVersion, level, clockStart, due, holidayWindows, plan };
      policyVersions.add(c.policyVersion);
      for (const f of c.stepsFired) {
        fired.add(f.id);
        stepsFired.push({ id: f.id, kind: f.kind, plannedAt: f.plannedAt, at: f.at });
      }
      state = c.state;
    }
    const steps = c.stepsFired.map((f) => f.id).join(', ') || 'none';
    const summary = `ticket ${c.ticketId} resumed from the previous run: ${c.status}, SLA ${c.state}, due ${short(c.due)}, ${carry.replies} replies, steps fired: ${steps}`;
    return eventEntry(ev, 'resumed', summary, carry);
  }

  const isPageOf = (p: PageEvent | undefined, stepId: string) =>
    p?.action === 'trigger' && p.dedupKey.includes(`:${stepId}:`);
  const isEmailOf = (m: EmailMessage | undefined, stepId: string) =>
    m?.messageId.endsWith(`.${stepId}@sla-engine>`) === true;
  const pageEntry = (s: Step<[PageEvent]>) => {
    const p = s.args?.[0];
    return activityEntry(
      s,
      'page',
      `page ${p?.action ?? ''} ${p?.dedupKey ?? ''}${p?.severity ? ` (${p.severity})` : ''}`,
      { ...p, result: s.result, failure: s.failure },
    );
  };
  const at = (when: string | undefined) => (when ? ` at ${short(when)}` : '');
  return {
    started([input], ev) {
      if (input.carry) return [resumed(input.carry, ev)];
      ticket = input;
      const given = input.level ? ` (level ${input.level} given by an agent)` : '';
      const summary = `ticket ${input.ticketId} opened ${short(input.openedAt)} by ${input.requester.name} <${input.requester.email}> for customer ${input.customerId} on ${input.channel}${given}${input.needsDataAccess ? ', needs data access' : ''}: "${input.subject}"`;
      return [eventEntry(ev, 'opened', summary, input)];
    },

    activities: {
      openTicketFacts(s) {
        // The opening decides classification, clock and routing in one lookup (one marker):
        // the auditor still sees each as its own entry, all three at that marker's event.
        const o = s.result;
        if (!o)
          return [
            activityEntry(s, 'classification', 'classification'),
            activityEntry(s, 'deadline', 'clock'),
            activityEntry(s, 'routing', 'routing'),
          ];
        // The classification's policy version is the clock's: both come from the same lookup.
        const c = { ...o.classification, policyVersion: o.clock.policyVersion };
        classification = c;
        policyVersions.add(c.policyVersion);
        const r = (routing = o.route);
        return [
          activityEntry(
            s,
            'classification',
            `classified ${c.level} by rule ${c.ruleId}${c.phrase ? ` (matched "${c.phrase}")` : ''}, policy ${c.policyVersion}`,
            c,
          ),
          clockEntry(s, o.clock),
          activityEntry(
            s,
            'routing',
            r.suspendedReason
              ? `SLA suspended: ${r.suspendedReason}`
              : `routed${r.canadaOnly ? ' to Canada-based staff only (I13)' : ''}: ${r.responderIds.length} responder(s) on duty${o.clock.residency?.heldUntil ? `; held until ${short(o.clock.residency.heldUntil)}, when a Canada-based ${c.level} responder comes on duty` : ''}`,
            r,
          ),
        ];
      },
      // A reclassification (I11) recomputes the clock alone.
      computeTicketClock(s) {
        if (!s.result) return [activityEntry(s, 'deadline', 'clock')];
        // The new level's duty may leave no Canada-based responder (I13): its notice follows.
        const reason = s.result.residency?.suspendedReason;
        const request = reclassifying[0];
        if (reason && routing && !routing.suspendedReason && request)
          suspensionDue = `suspended-${request.requestId}`;
        if (routing && s.result.residency) routing = { ...routing, suspendedReason: reason ?? null };
        return [clockEntry(s, s.result)];
      },
      resolveAudience(s) {
        const who = s.result ?? [];
        const step = stepAt(s.at);
        // No step due yet: the audience of the next step, one that pages, looked up before it is
        // due for its planned instant (C6–C8); that step fires when its deliveries are scheduled.
        const upcoming =
          step.id === '(unplanned)' ? (clock?.plan ?? []).find((p) => !fired.has(p.id)) : undefined;
        if (!upcoming?.channels.includes('page')) return [stepEntry(s, s.at, step, who)];
        resolvedAhead.set(upcoming.id, who);
        const summary = `audience of ${upcoming.id} (planned ${short(upcoming.fireAt)}) resolved ahead: ${upcoming.audience}: ${whom(who)}`;
        return [activityEntry(s, 'audience', summary, { step: upcoming, recipients: who.map((r) => r.id) })];
      },
      sendEmail: (s) => [...firedAhead(s, (id) => isEmailOf(s.args?.[0], id)), emailEntry(s)],
      sendPage: (s) => [...firedAhead(s, (id) => isPageOf(s.args?.[0], id)), pageEntry(s)],
      // A step's pages and email in one activity: an entry for each, with its own outcome.
      deliverStep(s) {
        const d = s.args?.[0];
        if (!d) return [activityEntry(s, 'delivery', 'deliveries')];
        // Outcomes come in the order given: the pages, then the email. A failed one says whether
        // the workflow retries it on its own or took it as refused.
        const of = (i: number) => {
          if (s.failure || !s.result) return { result: undefined, failure: s.failure };
          const o = s.result[i];
          if (o?.ok) return { result: o, failure: undefined };
          const message = o
            ? `${o.detail}${o.retryable ? ' (retried on its own)' : ' (refused)'}`
            : 'no outcome reported (retried on its own)';
          return { result: undefined, failure: { message } };
        };
        const retried = (e: TimelineEntry) =>
          d.mode === 'retry' ? { ...e, summary: `retry: ${e.summary}` } : e;
        return [
          ...firedAhead(
            s,
            (id) => d.pages.some((p) => isPageOf(p, id)) || isEmailOf(d.email ?? undefined, id),
          ),
          ...d.pages.map((p, i) => retried(pageEntry({ ...s, args: [p], ...of(i) }))),
          ...(d.email ? [retried(emailEntry({ ...s, args: [d.email], ...of(d.pages.length) }))] : []),
        ];
      },
      recordTicketOutcome(s) {
        const o = s.args?.[0];
        if (o) policyVersions.add(o.policyVersion);
        const coverage = o?.coverageMinutesToFirstResponse;
        const summary = `outcome of resolution ${o?.resolution ?? '?'} ${s.result ?? ''}: ${o?.level ?? ''}, state ${o?.slaState ?? ''}${coverage !== null && coverage !== undefined ? `, ${minutes(coverage)} coverage minutes to first response` : ''}`;
        return [ledgerEntry(s, summary, { outcome: o })];
      },
      measureResponse(s) {
        if (s.result) policyVersions.add(s.result.policyVersion);
        const text = `first response after ${minutes(s.result?.coverageMinutes)} coverage minutes`;
        return [activityEntry(s, 'measure', text, s.result)];
      },
      checkAssignee: (s) => [activityEntry(s, 'roster-check', 'assignee checked against the roster (I13)')],
    },

    accepted(u) {
      if (isUpdate(u, escalate)) escalations.push(u.args[0]);
      if (isUpdate(u, reclassify)) reclassifying.push(u.args[0]);
    },

    updates: [
      update(firstResponse, 'acknowledgement', ({ args: [a], result: r, failure }) => {
        const verdict = r?.met === null ? 'SLA suspended' : r?.met ? 'met' : 'breached';
        return `first response by ${a.responderId}${at(a.at)}${failure ? '' : ` → ${verdict}, ${minutes(r?.coverageMinutes)} coverage minutes`}`;
      }),
      update(assign, 'assignment', ({ args: [a] }) => `assigned to ${a.responderId}`),
      update(reply, 'reply', ({ args: [a] }) => `reply from the ${a.from}`),
      update(resolve, 'resolution', ({ args: [a] }) => `resolved by ${a.responderId}${at(a.at)}`),
      update(reopen, 'reopen', ({ args: [a] }) => `reopened: ${a.reason}`),
      update(escalate, 'escalation-request', ({ args: [a] }) => {
        const i = escalations.indexOf(a);
        if (i >= 0) escalations.splice(i, 1);
        return `manual escalation requested by ${a.by}: ${a.reason}`;
      }),
      update(reclassify, 'reclassification', ({ args: [a], result: r, failure }) => {
        const i = reclassifying.indexOf(a);
        if (i >= 0) reclassifying.splice(i, 1);
        return `reclassified to ${a.level} by ${a.by}: ${a.reason}${failure ? '' : ` → due ${short(r?.due)}, state ${String(r?.state)}`}`;
      }),
    ],

    searchAttributes(_changed, ev, next) {
      if (!next || next === state) return [];
      const from = state;
      state = next;
      return next === 'breached'
        ? [
            eventEntry(ev, 'breach', `response deadline breached (due ${short(clock?.due)})`, {
              from,
              to: next,
            }),
          ]
        : [eventEntry(ev, 'state', `state ${from} → ${next}`, { from, to: next })];
    },

    final: (f) =>
      `final: ${f.level} (rule ${f.ruleId}), state ${f.state}, ${f.status}, first response ${f.firstResponse ? `${short(f.firstResponse.at)} (${minutes(f.firstResponse.coverageMinutes)} coverage minutes)` : 'none'}, ${f.stepsFired.length} step(s) fired, ${f.resolutions} resolution(s)`,

    facts: (final) => ({
      ticket: ticket && {
        ticketId: ticket.ticketId,
        customerId: ticket.customerId,
        channel: ticket.channel,
        requester: ticket.requester,
        subject: ticket.subject,
        needsDataAccess: ticket.needsDataAccess,
        openedAt: ticket.openedAt,
      },
      classification,
      policyVersions: [...policyVersions],
      clock: clock && {
        level: clock.level,
        clockStart: clock.clockStart,
        due: clock.due,
        plan: clock.plan,
        holidayWindows: clock.holidayWindows,
      },
      routing,
      stepsFired,
      state: final?.state ?? state,
    }),
  };
}
