/**
 * How an auditor reads a ticket's history (C6–C8, C10–C13): the ticket as opened, the
 * classification and its rule (I11), the clock and deadlines with the holiday windows behind them
 * and the policy version (I5, I6), the routing (I13), each warning and escalation step with its
 * planned and actual instant and whom it reached, every email and page with its outcome, the
 * helpdesk's messages (assignment, first response, reclassification…), state changes and
 * breaches, the outcome written for the ledger, and the final status.
 */
import type { ClockFacts, Recipient } from '../activities/tickets';
import type { EmailMessage } from '../activities/email';
import type { PageEvent } from '../activities/paging';
import type { TicketOutcome } from '../activities/outcomes';
import type { OpenTicket } from '../model/ticket';
import type { TicketStatus } from '../messages/ticket';
import type { TicketCarry, TicketInput } from '../workflows/ticket';
import type { Classification } from '../rules/classify';
import {
  activityEntry,
  updateEntry,
  type ActivityStep,
  type Interpreter,
  type TimelineEntry,
} from './timeline';

type Plan = ClockFacts['plan'];

/** A step fired within this much of its plan is that step (the server's clock is not exact). */
const FIRE_SLACK_MS = 5_000;

const minutes = (m: unknown) => (typeof m === 'number' ? String(Math.round(m * 100) / 100) : '?');
const short = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '—');

export function ticketInterpreter(): Interpreter {
  let ticket: (OpenTicket & { openedAt: string }) | undefined;
  let classification: (Classification & { policyVersion: string }) | undefined;
  let clock: ClockFacts | undefined;
  let routing: { canadaOnly: boolean; responderIds: string[]; suspendedReason: string | null } | undefined;
  const policyVersions = new Set<string>();
  const fired = new Set<string>();
  const stepsFired: { id: string; kind: string; plannedAt: string | null; at: string }[] = [];
  /** Steps whose audience was looked up before they were due (C6–C8 paging): who, by step id. */
  const resolvedAhead = new Map<string, Recipient[]>();
  const open: { name: string; args: unknown }[] = []; // messages accepted, not answered yet
  let suspensionNoticed = false;
  let state = 'on-track';
  let final: TicketStatus | undefined;

  /** Which step a roster lookup for an audience belongs to. */
  function stepAt(at: string): { id: string; kind: string; plannedAt: string | null; audience: string } {
    const manual = open.find((m) => m.name === 'escalate');
    if (manual) {
      const m = manual.args as { requestId: string; by: string; reason: string };
      return {
        id: `manual-${m.requestId}`,
        kind: 'manual escalation',
        plannedAt: null,
        audience: 'team-lead',
      };
    }
    if (routing?.suspendedReason && !suspensionNoticed) {
      suspensionNoticed = true;
      return { id: 'suspended', kind: 'suspension notice', plannedAt: null, audience: 'team-lead' };
    }
    const step = (clock?.plan ?? []).find(
      (p: Plan[number]) => !fired.has(p.id) && Date.parse(p.fireAt) <= Date.parse(at) + FIRE_SLACK_MS,
    );
    if (step) return { id: step.id, kind: step.kind, plannedAt: step.fireAt, audience: step.audience };
    return { id: '(unplanned)', kind: 'escalation', plannedAt: null, audience: '(unknown)' };
  }

  /** A step firing: to whom, at its planned and actual instants. */
  function stepEntry(s: ActivityStep, at: string, step: ReturnType<typeof stepAt>, who: Recipient[]) {
    fired.add(step.id);
    stepsFired.push({ id: step.id, kind: step.kind, plannedAt: step.plannedAt, at });
    return {
      ...activityEntry(
        s,
        step.kind === 'breach' ? 'escalation' : step.kind,
        `${step.kind} ${step.id}${step.plannedAt ? ` (planned ${short(step.plannedAt)})` : ''} to ${step.audience}: ${who.length ? who.map((r) => r.id).join(', ') : 'nobody on duty'}`,
        { step, recipients: who.map((r) => r.id) },
      ),
      at,
    };
  }

  /** The first delivery of a step resolved ahead is its firing, when that delivery was scheduled. */
  function firedAhead(s: ActivityStep, isOf: (stepId: string) => boolean): TimelineEntry[] {
    const step = (clock?.plan ?? []).find((p) => resolvedAhead.has(p.id) && !fired.has(p.id) && isOf(p.id));
    if (!step) return [];
    const who = resolvedAhead.get(step.id)!;
    resolvedAhead.delete(step.id);
    return [
      stepEntry(
        s,
        s.scheduledAt,
        { id: step.id, kind: step.kind, plannedAt: step.fireAt, audience: step.audience },
        who,
      ),
    ];
  }

  /** The clock and plan in force from now on, with the holiday windows behind them (I5, I6). */
  function clockEntry(s: ActivityStep, c: ClockFacts): TimelineEntry {
    clock = c;
    fired.clear(); // a reclassified ticket follows its new plan
    resolvedAhead.clear();
    policyVersions.add(c.policyVersion);
    const holidays = c.holidayWindows.length
      ? `; holiday windows: ${c.holidayWindows.map((w) => `${w.country} ${w.name} ${w.date}`).join(', ')}`
      : '';
    return activityEntry(
      s,
      'deadline',
      `${c.level} clock starts ${short(c.clockStart)}, first response due ${short(c.due)} (policy ${c.policyVersion}); plan: ${c.plan.map((p) => `${p.id} at ${short(p.fireAt)}`).join(', ') || 'none'}${holidays}`,
      c,
    );
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
    return {
      at: ev.at,
      eventId: ev.id,
      kind: 'resumed',
      summary: `ticket ${c.ticketId} resumed from the previous run: ${c.status}, SLA ${c.state}, due ${short(c.due)}, ${carry.replies} replies, steps fired: ${c.stepsFired.map((f) => f.id).join(', ') || 'none'}`,
      detail: carry,
    };
  }

  return {
    started(args, ev) {
      const input = args[0] as TicketInput;
      if (input.carry) return [resumed(input.carry, ev)];
      ticket = input;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'opened',
          summary: `ticket ${ticket.ticketId} opened ${short(ticket.openedAt)} by ${ticket.requester.name} <${ticket.requester.email}> for customer ${ticket.customerId} on ${ticket.channel}${ticket.level ? ` (level ${ticket.level} given by an agent)` : ''}${ticket.needsDataAccess ? ', needs data access' : ''}: "${ticket.subject}"`,
          detail: ticket,
        },
      ];
    },

    activity(s) {
      switch (s.name) {
        case 'openTicketFacts': {
          // The opening decides classification, clock and routing in one lookup (one marker):
          // the auditor still sees each as its own entry, all three at that marker's event.
          const o = s.result as
            | { classification: Classification; clock: ClockFacts; route: NonNullable<typeof routing> }
            | undefined;
          if (!o)
            return [
              activityEntry(s, 'classification', 'classification'),
              activityEntry(s, 'deadline', 'clock'),
              activityEntry(s, 'routing', 'routing'),
            ];
          // The classification's policy version is the clock's: both come from the same lookup.
          classification = { ...o.classification, policyVersion: o.clock.policyVersion };
          policyVersions.add(classification.policyVersion);
          routing = o.route;
          return [
            activityEntry(
              s,
              'classification',
              `classified ${classification.level} by rule ${classification.ruleId}${classification.phrase ? ` (matched "${classification.phrase}")` : ''}, policy ${classification.policyVersion}`,
              classification,
            ),
            clockEntry(s, o.clock),
            activityEntry(
              s,
              'routing',
              routing.suspendedReason
                ? `SLA suspended: ${routing.suspendedReason}`
                : `routed${routing.canadaOnly ? ' to Canada-based staff only (I13)' : ''}: ${routing.responderIds.length} responder(s) on duty`,
              routing,
            ),
          ];
        }
        case 'computeTicketClock': {
          // A reclassification (I11) recomputes the clock alone.
          const c = s.result as ClockFacts | undefined;
          return [c ? clockEntry(s, c) : activityEntry(s, 'deadline', 'clock')];
        }
        case 'resolveAudience': {
          const who = (s.result as Recipient[] | undefined) ?? [];
          const step = stepAt(s.at);
          // No step due yet: the audience of the next step, one that pages, looked up before it is
          // due for its planned instant (C6–C8); that step fires when its deliveries are scheduled.
          const upcoming =
            step.id === '(unplanned)' ? (clock?.plan ?? []).find((p) => !fired.has(p.id)) : undefined;
          if (upcoming?.channels.includes('page')) {
            resolvedAhead.set(upcoming.id, who);
            return [
              activityEntry(
                s,
                'audience',
                `audience of ${upcoming.id} (planned ${short(upcoming.fireAt)}) resolved ahead: ${upcoming.audience}: ${who.length ? who.map((r) => r.id).join(', ') : 'nobody on duty'}`,
                { step: upcoming, recipients: who.map((r) => r.id) },
              ),
            ];
          }
          return [stepEntry(s, s.at, step, who)];
        }
        case 'sendEmail': {
          const m = s.args?.[0] as EmailMessage | undefined;
          return [
            ...firedAhead(s, (id) => m?.messageId.endsWith(`.${id}@sla-engine>`) === true),
            activityEntry(
              s,
              'email',
              `email ${m?.messageId ?? ''} to ${m?.to.length ?? 0} recipient(s): "${m?.subject ?? ''}"`,
              {
                messageId: m?.messageId,
                to: m?.to,
                subject: m?.subject,
                result: s.result,
                failure: s.failure,
              },
            ),
          ];
        }
        case 'sendPage': {
          const p = s.args?.[0] as PageEvent | undefined;
          return [
            ...firedAhead(s, (id) => p?.action === 'trigger' && p.dedupKey.includes(`:${id}:`)),
            activityEntry(
              s,
              'page',
              `page ${p?.action ?? ''} ${p?.dedupKey ?? ''}${p?.severity ? ` (${p.severity})` : ''}`,
              { ...p, result: s.result, failure: s.failure },
            ),
          ];
        }
        case 'recordTicketOutcome': {
          const o = s.args?.[0] as TicketOutcome | undefined;
          if (o) policyVersions.add(o.policyVersion);
          return [
            activityEntry(
              s,
              'ledger-write',
              `outcome of resolution ${o?.resolution ?? '?'} ${typeof s.result === 'string' ? s.result : ''}: ${o?.level ?? ''}, state ${o?.slaState ?? ''}${o?.coverageMinutesToFirstResponse !== null && o?.coverageMinutesToFirstResponse !== undefined ? `, ${minutes(o.coverageMinutesToFirstResponse)} coverage minutes to first response` : ''}`,
              { outcome: o, result: s.result, failure: s.failure },
            ),
          ];
        }
        case 'measureResponse': {
          const r = s.result as { coverageMinutes: number; policyVersion: string } | undefined;
          if (r) policyVersions.add(r.policyVersion);
          return [
            activityEntry(
              s,
              'measure',
              `first response after ${minutes(r?.coverageMinutes)} coverage minutes`,
              r,
            ),
          ];
        }
        case 'checkAssignee':
          return [activityEntry(s, 'roster-check', 'assignee checked against the roster (I13)')];
        default:
          return [activityEntry(s, s.name, `activity ${s.name}`)];
      }
    },

    accepted(u) {
      open.push({ name: u.name, args: u.args[0] });
    },

    update(u) {
      const i = open.findIndex((m) => m.name === u.name && m.args === u.args[0]);
      if (i >= 0) open.splice(i, 1);
      const a = (u.args[0] ?? {}) as Record<string, string | undefined>;
      const r = (u.result ?? {}) as Record<string, unknown>;
      const answer = (text: string) => (u.at === null ? `${text} (not answered yet)` : text);
      switch (u.name) {
        case 'firstResponse':
          return [
            updateEntry(
              u,
              answer(
                `first response by ${a.responderId}${a.at ? ` at ${short(a.at)}` : ''}${u.failure ? '' : ` → ${r.met === null ? 'SLA suspended' : r.met ? 'met' : 'breached'}, ${minutes(r.coverageMinutes)} coverage minutes`}`,
              ),
              'acknowledgement',
            ),
          ];
        case 'assign':
          return [updateEntry(u, answer(`assigned to ${a.responderId}`), 'assignment')];
        case 'reply':
          return [updateEntry(u, answer(`reply from the ${a.from}`), 'reply')];
        case 'resolve':
          return [
            updateEntry(
              u,
              answer(`resolved by ${a.responderId}${a.at ? ` at ${short(a.at)}` : ''}`),
              'resolution',
            ),
          ];
        case 'reopen':
          return [updateEntry(u, answer(`reopened: ${a.reason}`), 'reopen')];
        case 'escalate':
          return [
            updateEntry(
              u,
              answer(`manual escalation requested by ${a.by}: ${a.reason}`),
              'escalation-request',
            ),
          ];
        case 'reclassify':
          return [
            updateEntry(
              u,
              answer(
                `reclassified to ${a.level} by ${a.by}: ${a.reason}${u.failure ? '' : ` → due ${short(r.due as string)}, state ${String(r.state)}`}`,
              ),
              'reclassification',
            ),
          ];
        default:
          return [updateEntry(u, answer(`message ${u.name}`))];
      }
    },

    searchAttributes(changed, ev) {
      const out: TimelineEntry[] = [];
      const next = changed.SlaState as string | undefined;
      if (next && next !== state) {
        out.push({
          at: ev.at,
          eventId: ev.id,
          kind: next === 'breached' ? 'breach' : 'state',
          summary:
            next === 'breached'
              ? `response deadline breached (due ${short(clock?.due)})`
              : `state ${state} → ${next}`,
          detail: { from: state, to: next },
        });
        state = next;
      }
      return out;
    },

    closed(ev, result) {
      final = result as TicketStatus | undefined;
      const summary = final
        ? `final: ${final.level} (rule ${final.ruleId}), state ${final.state}, ${final.status}, first response ${final.firstResponse ? `${short(final.firstResponse.at)} (${minutes(final.firstResponse.coverageMinutes)} coverage minutes)` : 'none'}, ${final.stepsFired.length} step(s) fired, ${final.resolutions} resolution(s)`
        : `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },

    facts: () => ({
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
