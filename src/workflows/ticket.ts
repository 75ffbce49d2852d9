/**
 * One workflow per support ticket (C6–C8, C10–C13; I5, I6, I11, I13). It classifies the ticket,
 * takes its response clock and escalation plan from the calendar through activities (so each
 * deadline and the facts behind it are in history), fires each step at its exact instant on a
 * durable timer, and takes the helpdesk's messages as validated, idempotent updates.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import type { EmailMessage } from '../activities/email';
import type { PageEvent } from '../activities/paging';
import type { Recipient } from '../activities/tickets';
import {
  assign,
  escalate,
  firstResponse,
  reclassify,
  reopen,
  reply,
  resolve,
  ticketStatus,
  type FiredStep,
  type PlannedStep,
  type TicketStatus,
} from '../messages/ticket';
// The validators are zod-free (see ../model/message-checks): zod would be ~1 MB per cached workflow.
import { messageChecks } from '../model/message-checks';
import type { OpenTicket } from '../model/ticket';
import {
  SlaAssignee,
  SlaChannel,
  SlaCustomer,
  SlaDueAt,
  SlaLevel,
  SlaNextStepAt,
  SlaState as SlaStateKey,
} from '../search-attributes';
import { DELIVER_ONCE, DELIVERY, LEDGER_WRITE, LOOKUP } from './activity-options';
import { runIsFull, UPDATES_PER_RUN } from './run-limits';

/**
 * Facts (classification, clocks, routing, audiences, coverage minutes) are quick lookups in the
 * policy, calendar and roster: local activities, recorded in history as markers without a
 * round trip through the server. Side effects (email, pages, the outcome) are real activities.
 */
const lookups = proxyLocalActivities<Activities>(LOOKUP);
const store = proxyActivities<Activities>(LEDGER_WRITE);
// A delivery that still fails after about an hour is recorded as failed in its step.
const notify = proxyActivities<Activities>(DELIVERY);
// A step's pages and email tried once together; what fails goes back to `notify`, one by one.
const notifyOnce = proxyActivities<Activities>(DELIVER_ONCE);

const REOPEN_WINDOW_MS = 14 * 24 * 3_600_000;

/**
 * How many of the latest request ids (with their answers) a run hands to the next. A message
 * retried across the continue-as-new is one whose call straddled it: at most the updates Temporal
 * lets be in flight at once (10 by default, `maxInFlightUpdates`) plus the client's retries of
 * calls answered just before; 100 covers that tenfold for a few kilobytes of input.
 */
export const RECENT_REQUESTS = 100;
/** The latest replies a ticket's status lists (their count is whole): the state stays bounded. */
export const REPLIES_KEPT = 50;
/**
 * Messages that add to the ticket's state (a fired step with its deliveries, a reclassification)
 * are refused past these, before anything is written: the state a run carries stays bounded.
 * Twenty manual escalations page the team lead twenty times; ten reclassifications exceed any
 * real ticket's three levels many times over.
 */
export const MANUAL_ESCALATIONS_MAX = 20;
export const RECLASSIFICATIONS_MAX = 10;

/** What a run hands the next when it continues as new: every fact already decided, as decided. */
export interface TicketCarry {
  status: TicketStatus;
  /** The reply count: a status from a run before replies were listed has no `replyCount`. */
  replies: number;
  resolvedAt: string;
  /** The resolution whose outcome the ledger holds (0: none yet), and until when a reopen is taken. */
  outcomeRecorded: number;
  reopenUntil: number | null;
  openPages: [string, string][];
  resolvedPages: string[];
  resolvedAhead: [string, { query: unknown; recipients: Recipient[] }][];
  /** The latest request ids and their answers (at most RECENT_REQUESTS). */
  recent: [string, unknown][];
}

export type TicketInput = OpenTicket & {
  openedAt: string;
  /** Set by the run this one continues. */
  carry?: TicketCarry;
  /** Tests only (the time-skipping golden history): continue sooner, never later. */
  updatesPerRun?: number;
};

/**
 * How long a step's pages go alone before its email follows. In a herd (every weekend L1 ticket
 * breaching at Monday 05:15) the pages are then not queued behind other tickets' emails; a pager
 * that is down or slow holds the email back no longer than this.
 */
const PAGES_HEAD_START_MS = 30_000;

/**
 * Breach→page (C6–C8, target p99 ≤ 1 s): a step that pages has its audience resolved before it is due,
 * at most this long before, so that its firing schedules the pages at once instead of first
 * asking the roster. Ten minutes keeps the answer close to the step (a roster edited and
 * deployed in between is seen) for one extra timer on the long L2/L3 clocks only.
 */
const AUDIENCE_AHEAD_MS = 10 * 60_000;

/**
 * I13: where a Canada-only ticket's facts put it — suspended when no Canada-based responder of its
 * level is on duty within the look-ahead, held until one is, else on its clock like any ticket.
 */
const residencyState = (
  suspendedReason: string | null,
  heldUntil: string | null,
): Extract<TicketStatus['state'], 'suspended' | 'held' | 'on-track'> =>
  suspendedReason ? 'suspended' : heldUntil && Date.now() < Date.parse(heldUntil) ? 'held' : 'on-track';

/** The first run's facts: classification, clock and routing, in one lookup (its task is shorter). */
async function openTicket(input: TicketInput): Promise<TicketStatus> {
  const { classification, route, clock } = await lookups.openTicketFacts({
    subject: input.subject,
    body: input.body,
    level: input.level,
    customerId: input.customerId,
    needsDataAccess: input.needsDataAccess,
    opened: input.openedAt,
    at: new Date().toISOString(),
  });
  return {
    ticketId: input.ticketId,
    customerId: input.customerId,
    channel: input.channel,
    level: classification.level,
    ruleId: classification.ruleId,
    policyVersion: clock.policyVersion,
    openedAt: input.openedAt,
    clockStart: clock.clockStart,
    due: clock.due,
    // A history recorded before I13's eligible coverage has no residency facts: held never.
    state: residencyState(route.suspendedReason, clock.residency?.heldUntil ?? null),
    status: 'open',
    assigneeId: null,
    canadaOnly: route.canadaOnly,
    heldUntil: clock.residency?.heldUntil ?? null,
    eligibleDuty: clock.residency?.duty ?? null,
    suspendedReason: route.suspendedReason,
    firstResponse: null,
    plan: clock.plan,
    holidayWindows: clock.holidayWindows,
    stepsFired: [],
    reclassifications: [],
    resolutions: 0,
    replies: [],
    replyCount: 0,
  };
}

export async function ticketWorkflow(input: TicketInput): Promise<TicketStatus> {
  const workflowId = workflowInfo().workflowId;
  const carried = input.carry;
  // A ticket whose history lacks this marker (golden histories, running workflows) replays its
  // recorded commands: the audience looked up at the step's firing, the email scheduled first.
  // Asked before the first await: after the opening's local activity, a workflow task the
  // activity outlasted is split, the marker lands in the second one, and a replay from scratch
  // (a new worker) answers the question in the first one — without the marker, so `false`.
  const audienceAhead = patched('page-audience-ahead');
  // Likewise: a ticket whose history lacks this marker never continues as new (it replays as recorded).
  const continues = patched('ticket-continue-as-new');
  // Likewise: a ticket whose history lacks this marker reclassifies with the plain clock and
  // keeps a suspension for good, as recorded (I13 before eligible coverage).
  const eligibleCoverage = patched('residency-eligible-coverage');
  // Likewise: a ticket whose history lacks this marker publishes no channel, assignee or next step.
  const queueAttributes = patched('ticket-queue-attributes');
  // Likewise: a ticket whose history lacks this marker sends a step's email beside its pages.
  const pagesFirst = patched('step-pages-before-email');
  // Likewise: a ticket whose history lacks this marker publishes its state and its queue's
  // attributes in two upserts at its opening and at a step's firing (two visibility writes).
  const oneUpsert = patched('ticket-one-upsert');
  // Likewise: a ticket whose history lacks this marker sends a step's pages and email in an
  // activity each, the email once the pages are in or after their head start.
  const oneDelivery = patched('step-one-delivery');
  // Likewise: a ticket whose history lacks this marker arms a step's timer in the task of a lookup.
  const freshArm = patched('step-timer-fresh-task');
  const updatesPerRun = Math.min(input.updatesPerRun ?? UPDATES_PER_RUN, UPDATES_PER_RUN);
  // A status carried from a run before I13's eligible coverage lacks its two fields, one from a
  // run before replies were listed its two (its count is the carried one).
  const s: TicketStatus = carried
    ? {
        ...carried.status,
        heldUntil: carried.status.heldUntil ?? null,
        eligibleDuty: carried.status.eligibleDuty ?? null,
        replies: carried.status.replies ?? [],
        replyCount: carried.status.replyCount ?? carried.replies,
      }
    : await openTicket(input);
  if (!carried)
    log.info('ticket opened', {
      ticketId: s.ticketId,
      level: s.level,
      ruleId: s.ruleId,
      due: s.due,
      policyVersion: s.policyVersion,
    });

  /** Pages triggered and not yet resolved, by dedup key; a resolved key is never triggered again. */
  const openPages = new Map<string, string>(carried?.openPages);
  const resolvedPages = new Set<string>(carried?.resolvedPages);
  const results = new Map<string, unknown>(carried?.recent);
  let changed = false;
  /**
   * A lookup (a local activity) ran in this workflow task: the task's clock is still its start,
   * but a timer armed now runs from the task's completion, a lookup's time later, so a step near
   * at hand would fire that much late. The opening's lookup counts.
   */
  let clockBehind = !carried;
  let resolvedAt = carried?.resolvedAt ?? '';
  let outcomeRecorded = carried?.outcomeRecorded ?? 0;
  let reopenUntil = carried?.reopenUntil ?? null;
  /** Messages handled by this run: past updatesPerRun, the run continues as new. */
  let handled = 0;
  const continueDue = () => continues && runIsFull(handled, updatesPerRun);
  /** What the queue filters and counts down by, as last published (JSON, to compare). */
  let queuePublished = '';
  /** The queue's attributes when they changed since last published, else none. */
  const queueChanges = (): SearchAttributeUpdatePair[] => {
    if (!queueAttributes) return [];
    const values = { channel: s.channel, assignee: s.assigneeId, nextStepAt: pendingStep()?.fireAt ?? null };
    const json = JSON.stringify(values);
    if (json === queuePublished) return [];
    queuePublished = json;
    // null removes an attribute: unassigned, or no step left to fire.
    return [
      { key: SlaChannel, value: values.channel },
      { key: SlaAssignee, value: values.assignee },
      { key: SlaNextStepAt, value: values.nextStepAt ? new Date(values.nextStepAt) : null },
    ];
  };
  /** The state's attributes; with `queue`, the queue's too when they changed (one upsert, one write). */
  const publish = (queue = false) => {
    upsertSearchAttributes([
      { key: SlaCustomer, value: s.customerId },
      { key: SlaLevel, value: s.level },
      { key: SlaStateKey, value: s.state },
      { key: SlaDueAt, value: new Date(s.due) },
      ...(queue ? queueChanges() : []),
    ]);
    changed = true;
  };
  const publishQueue = () => {
    const changes = queueChanges();
    if (changes.length) upsertSearchAttributes(changes);
  };
  if (!oneUpsert) publish();

  /** Runs a message once per request id; a duplicate gets the first answer. */
  const once = async <R>(requestId: string, apply: () => Promise<R> | R): Promise<R> => {
    handled++;
    if (results.has(requestId)) return results.get(requestId) as R;
    const result = await apply();
    results.set(requestId, result);
    changed = true;
    return result;
  };

  const clockRunning = () => s.firstResponse === null && s.status === 'open';
  /** The plan's first step not yet fired, while the clock runs and the SLA counts. */
  const pendingStep = (): PlannedStep | undefined => {
    if (!clockRunning() || s.state === 'suspended') return undefined;
    const firedIds = new Set(s.stepsFired.map((f) => f.id));
    return s.plan.find((p) => !firedIds.has(p.id));
  };

  /** What a step's audience is asked with; an answer resolved ahead serves only the same question. */
  const audienceQuery = (audience: string, at: string) => ({
    audience,
    level: s.level,
    canadaOnly: s.canadaOnly,
    assigneeId: s.assigneeId,
    at,
  });
  type AudienceQuery = ReturnType<typeof audienceQuery>;
  const sameQuery = (a: AudienceQuery, b: AudienceQuery) =>
    a.audience === b.audience &&
    a.level === b.level &&
    a.canadaOnly === b.canadaOnly &&
    a.assigneeId === b.assigneeId &&
    a.at === b.at;
  /** Audiences resolved ahead, by step id: who is on duty at the step's planned instant. */
  const resolvedAhead = new Map<string, { query: AudienceQuery; recipients: Recipient[] }>(
    carried?.resolvedAhead as [string, { query: AudienceQuery; recipients: Recipient[] }][] | undefined,
  );
  const aheadFor = (step: PlannedStep) => {
    const known = resolvedAhead.get(step.id);
    return known && sameQuery(known.query, audienceQuery(step.audience, step.fireAt)) ? known : undefined;
  };

  async function deliver(
    stepId: string,
    kind: FiredStep['kind'],
    plannedAt: string | null,
    reason: string,
    audience: string,
    channels: ('email' | 'page')[],
    ahead?: Recipient[],
    stateChanged = false,
  ) {
    const fired: FiredStep = {
      id: stepId,
      kind,
      plannedAt,
      at: new Date().toISOString(),
      reason,
      deliveries: [],
    };
    s.stepsFired.push(fired);
    // The queue counts down to the step after this one while this one is delivered; a state the
    // firing changed (breached, at risk) goes in the same upsert.
    if (stateChanged) publish(true);
    else if (pagesFirst) publishQueue();
    // A local activity: the roster answer is recorded in history without a round trip.
    const recipients: Recipient[] =
      ahead ?? (await lookups.resolveAudience(audienceQuery(audience, fired.at)));
    if (recipients.length === 0) {
      fired.deliveries.push({
        channel: channels[0]!,
        to: audience,
        ok: false,
        detail: `nobody in the roster for ${audience} is on duty`,
      });
    }
    const failed = (channel: 'email' | 'page', to: string, err: unknown) => {
      fired.deliveries.push({ channel, to, ok: false, detail: String((err as Error).cause ?? err) });
      log.error('escalation delivery failed', { ticketId: s.ticketId, stepId, channel });
    };
    // Every channel and recipient at once: the slowest delivery sets the step's latency.
    const sends: Promise<void>[] = [];
    // Built when it is sent: the state it quotes may change while the pages are delivered.
    const emailNow = (): EmailMessage | null =>
      channels.includes('email') && recipients.length
        ? {
            messageId: `<${workflowId}.${stepId}@sla-engine>`,
            to: recipients.map((r) => r.email),
            subject: `[SLA ${s.level}] ticket ${s.ticketId}: ${kind === 'warning' ? 'at risk' : kind === 'suspension' ? 'SLA suspended' : 'escalation'}`,
            text: [
              `Ticket ${s.ticketId} (customer ${s.customerId}, ${s.level}, rule ${s.ruleId})`,
              `Step: ${stepId} — ${reason}`,
              `Clock started ${s.clockStart}; first response due ${s.due}.`,
              s.suspendedReason ? `SLA suspended: ${s.suspendedReason}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
          }
        : null;
    const emailSent = (messageId: string) =>
      void fired.deliveries.push({ channel: 'email', to: audience, ok: true, detail: messageId });
    // One trigger per paged responder not already resolved, with its fixed dedup key.
    const pages: { to: Recipient; event: PageEvent }[] = (channels.includes('page') ? recipients : [])
      .map((r) => ({ r, dedupKey: `${workflowId}:${stepId}:${r.id}` }))
      .filter(({ dedupKey }) => !resolvedPages.has(dedupKey))
      .map(({ r, dedupKey }) => ({
        to: r,
        event: {
          routingKey: r.pagingKey,
          action: 'trigger',
          dedupKey,
          severity: kind === 'warning' ? 'warning' : 'error',
          summary: `SLA ${s.level} ticket ${s.ticketId} for ${s.customerId}: ${reason}`,
          source: 'sla-engine',
          customDetails: { ticketId: s.ticketId, level: s.level, due: s.due, step: stepId },
        },
      }));
    const paged = ({ to, event }: (typeof pages)[number]) => {
      openPages.set(event.dedupKey, to.pagingKey);
      fired.deliveries.push({ channel: 'page', to: to.id, ok: true, detail: event.dedupKey });
    };
    const sendEmail = () => {
      const email = emailNow();
      if (!email) return;
      sends.push(
        notify.sendEmail(email).then(
          () => emailSent(email.messageId),
          (err: unknown) => failed('email', audience, err),
        ),
      );
    };
    const sendPages = () => {
      for (const page of pages)
        sends.push(
          notify.sendPage(page.event).then(
            () => paged(page),
            (err: unknown) => failed('page', page.to.id, err),
          ),
        );
    };
    // Pages first: a breach's page is what the on-call waits for.
    if (pagesFirst && oneDelivery) {
      const email = emailNow();
      // Both in one activity, the pages ahead of the email; each delivery that failed and can
      // still succeed is retried on its own, so the others are not sent twice.
      const outcomes =
        pages.length || email
          ? await deliverOnce(
              pages.map((p) => p.event),
              email,
            )
          : [];
      const retry = (one: { pages: PageEvent[]; email: EmailMessage | null }, done: () => void, to: string) =>
        sends.push(
          notify
            .deliverStep({ ...one, mode: 'retry' })
            .then(done, (err: unknown) => failed(one.email ? 'email' : 'page', to, err)),
        );
      // Outcomes come in the order given, pages then the email: matched by place, not by key, as
      // a replay under another workflow id (the golden histories') derives other keys.
      for (const [i, page] of pages.entries()) {
        const outcome = outcomes?.[i];
        if (outcome?.ok) paged(page);
        else if (outcome && !outcome.retryable) failed('page', page.to.id, outcome.detail);
        else retry({ pages: [page.event], email: null }, () => paged(page), page.to.id);
      }
      if (email) {
        const outcome = outcomes?.[pages.length];
        if (outcome?.ok) emailSent(email.messageId);
        else if (outcome && !outcome.retryable) failed('email', audience, outcome.detail);
        else retry({ pages: [], email }, () => emailSent(email.messageId), audience);
      }
    } else if (pagesFirst) {
      // The email follows once the pages are delivered, or after their head start.
      sendPages();
      if (sends.length) await headStart(Promise.all(sends));
      sendEmail();
    } else if (audienceAhead) {
      sendPages();
      sendEmail();
    } else {
      sendEmail();
      sendPages();
    }
    await Promise.all(sends);
    changed = true;
  }

  /**
   * A step's deliveries tried once in one activity: each one's outcome, or undefined when the
   * attempt itself was lost (a worker gone past the start-to-close), and every delivery is retried.
   */
  async function deliverOnce(pages: PageEvent[], email: EmailMessage | null) {
    try {
      return await notifyOnce.deliverStep({ pages, email, mode: 'once' });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('step deliveries lost; each is retried', { ticketId: s.ticketId, cause: String(err.cause) });
      return undefined;
    }
  }

  /** Waits for `pages`, at most PAGES_HEAD_START_MS (a timer, cancelled when they end first). */
  async function headStart(pages: Promise<unknown>) {
    const scope = new CancellationScope();
    const timer = scope.run(() => sleep(PAGES_HEAD_START_MS)).catch(() => undefined);
    await Promise.race([pages, timer]);
    scope.cancel();
  }

  /** The response clock stopped or the ticket ended: every page it raised is resolved. */
  async function resolvePages() {
    // Taken from the map before the first await, so that a concurrent call resolves nothing twice.
    const pages = [...openPages];
    openPages.clear();
    for (const [dedupKey, routingKey] of pages) {
      resolvedPages.add(dedupKey);
      await notify.sendPage({ routingKey, action: 'resolve', dedupKey });
    }
  }

  setHandler(ticketStatus, () => s);

  const manualEscalations = () => s.stepsFired.filter((f) => f.kind === 'manual').length;
  /**
   * A validator that also refuses a new message past `max` of its kind (a repeated request id
   * still gets its first answer): refused in the validator, it leaves nothing in history.
   */
  const capped =
    (check: (m: unknown) => void, kind: string, max: number, count: () => number) =>
    (m: { requestId: string }) => {
      check(m);
      if (!results.has(m.requestId) && count() >= max)
        throw ApplicationFailure.nonRetryable(`a ticket takes at most ${max} ${kind} messages`, 'Conflict');
    };

  setHandler(
    assign,
    (m) =>
      once(m.requestId, async () => {
        try {
          await lookups.checkAssignee({
            responderId: m.responderId,
            level: s.level,
            canadaOnly: s.canadaOnly,
          });
        } catch (err) {
          // The roster's refusal is the update's answer, not an activity's failure.
          if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
          throw err;
        }
        s.assigneeId = m.responderId;
        return { assigneeId: m.responderId };
      }),
    { validator: messageChecks.assign },
  );

  setHandler(
    firstResponse,
    (m) =>
      once(m.requestId, async () => {
        if (s.firstResponse)
          throw ApplicationFailure.nonRetryable('a first response is already recorded', 'Conflict');
        const at = m.at ?? new Date().toISOString();
        if (Date.parse(at) > Date.now() + 60_000 || Date.parse(at) < Date.parse(s.openedAt)) {
          throw ApplicationFailure.nonRetryable(
            'at: a first response cannot be before the opening or in the future',
            'Invalid',
          );
        }
        const measured = await lookups.measureResponse({
          clockStart: s.clockStart,
          at,
          ...(s.eligibleDuty && { eligibleDuty: s.eligibleDuty }),
        });
        const met = Date.parse(at) <= Date.parse(s.due);
        s.firstResponse = { at, by: m.responderId, coverageMinutes: measured.coverageMinutes, met };
        if (s.state !== 'suspended') s.state = met ? 'met' : 'breached';
        publish();
        await resolvePages();
        return {
          met: s.state === 'suspended' ? null : met,
          coverageMinutes: measured.coverageMinutes,
          state: s.state,
        };
      }),
    { validator: messageChecks.firstResponse },
  );

  setHandler(
    reply,
    (m) =>
      once(m.requestId, () => {
        s.replies = [...s.replies, { at: m.at ?? new Date().toISOString(), from: m.from }].slice(
          -REPLIES_KEPT,
        );
        return { replies: ++s.replyCount };
      }),
    { validator: messageChecks.reply },
  );

  setHandler(
    resolve,
    (m) =>
      once(m.requestId, () => {
        if (s.status === 'resolved')
          throw ApplicationFailure.nonRetryable('the ticket is already resolved', 'Conflict');
        s.status = 'resolved';
        s.resolutions += 1;
        resolvedAt = m.at ?? new Date().toISOString();
        return { resolution: s.resolutions };
      }),
    { validator: messageChecks.resolve },
  );

  setHandler(
    reopen,
    (m) =>
      once(m.requestId, () => {
        if (s.status !== 'resolved')
          throw ApplicationFailure.nonRetryable('only a resolved ticket can be reopened', 'Conflict');
        s.status = 'open';
        return { status: 'open' as const };
      }),
    { validator: messageChecks.reopen },
  );

  setHandler(
    escalate,
    (m) =>
      once(m.requestId, async () => {
        if (s.status === 'resolved')
          throw ApplicationFailure.nonRetryable('the ticket is resolved', 'Conflict');
        const stepId = `manual-${m.requestId}`;
        await deliver(stepId, 'manual', null, `manual escalation by ${m.by}: ${m.reason}`, 'team-lead', [
          'email',
          'page',
        ]);
        return { stepId };
      }),
    { validator: capped(messageChecks.escalate, 'escalate', MANUAL_ESCALATIONS_MAX, manualEscalations) },
  );

  setHandler(
    reclassify,
    (m) =>
      once(m.requestId, async () => {
        if (m.level === s.level) return { level: s.level, due: s.due, state: s.state };
        // I11: the new level's clock runs from the original opening; I13: on the duty of the
        // new level in the roster in force now.
        const clock = await lookups.computeTicketClock({
          level: m.level,
          opened: s.openedAt,
          notBefore: new Date().toISOString(),
          ...(eligibleCoverage && { canadaOnly: s.canadaOnly }),
        });
        s.reclassifications.push({
          at: new Date().toISOString(),
          from: s.level,
          to: m.level,
          by: m.by,
          reason: m.reason,
        });
        s.level = m.level;
        s.ruleId = 'reclassified';
        s.policyVersion = clock.policyVersion;
        s.clockStart = clock.clockStart;
        s.due = clock.due;
        s.plan = clock.plan;
        s.holidayWindows = clock.holidayWindows;
        const wasSuspended = s.state === 'suspended';
        if (clock.residency) {
          s.heldUntil = clock.residency.heldUntil;
          s.eligibleDuty = clock.residency.duty;
          s.suspendedReason = clock.residency.suspendedReason;
          s.state = residencyState(s.suspendedReason, s.heldUntil);
        }
        if (s.state !== 'suspended') {
          if (s.firstResponse) {
            s.firstResponse.met = Date.parse(s.firstResponse.at) <= Date.parse(s.due);
            s.state = s.firstResponse.met ? 'met' : 'breached';
          } else if (Date.now() >= Date.parse(s.due)) s.state = 'breached';
          else if (s.state !== 'held') s.state = 'on-track';
        }
        publish();
        // Suspended by the new level's duty: the team lead hears of it, as at an opening.
        if (s.state === 'suspended' && !wasSuspended)
          await deliver(`suspended-${m.requestId}`, 'suspension', null, s.suspendedReason!, 'team-lead', [
            'email',
          ]);
        return { level: s.level, due: s.due, state: s.state };
      }),
    {
      validator: capped(
        messageChecks.reclassify,
        'reclassify',
        RECLASSIFICATIONS_MAX,
        () => s.reclassifications.length,
      ),
    },
  );

  // Published once every handler is set: the queue's attributes need the plan's next step.
  if (oneUpsert) publish(true);
  if (s.suspendedReason && !carried) {
    await deliver('suspended', 'suspension', null, s.suspendedReason, 'team-lead', ['email']);
  }

  // The clock: sleep until the next thing due, or until a message changes the picture.
  for (;;) {
    if (continueDue()) {
      // Every message taken is answered first: nothing in flight is lost with this run.
      await condition(allHandlersFinished);
      const carry: TicketCarry = {
        status: s,
        replies: s.replyCount,
        resolvedAt,
        outcomeRecorded,
        reopenUntil,
        openPages: [...openPages],
        resolvedPages: [...resolvedPages],
        resolvedAhead: [...resolvedAhead],
        recent: [...results].slice(-RECENT_REQUESTS),
      };
      log.info('ticket continues as new', { ticketId: s.ticketId, handled });
      return continueAsNew<typeof ticketWorkflow>({ ...input, carry });
    }
    publishQueue();
    if (s.status === 'resolved' && outcomeRecorded < s.resolutions) {
      await resolvePages();
      await store.recordTicketOutcome({
        ticketId: s.ticketId,
        resolution: s.resolutions,
        customerId: s.customerId,
        level: s.level,
        ruleId: s.ruleId,
        policyVersion: s.policyVersion,
        openedAt: s.openedAt,
        clockStart: s.clockStart,
        due: s.due,
        firstResponseAt: s.firstResponse?.at ?? null,
        coverageMinutesToFirstResponse: s.firstResponse?.coverageMinutes ?? null,
        met: s.state === 'suspended' ? null : (s.firstResponse?.met ?? false),
        slaState: s.state,
        suspendedReason: s.suspendedReason,
        resolvedAt,
        stepsFired: s.stepsFired.map((f) => f.id),
      });
      outcomeRecorded = s.resolutions;
      reopenUntil = Date.now() + REOPEN_WINDOW_MS;
      changed = false;
    }
    if (s.status === 'resolved') {
      // Stay reachable for a reopen until a fixed instant (the same in every run), then finish.
      const woken = await condition(
        () => (changed && s.status === 'open') || continueDue(),
        Math.max(0, reopenUntil! - Date.now()),
      );
      if (!woken) break;
      continue;
    }

    const breachAt = Date.parse(s.due);
    // I13: a held ticket's clock starts when a Canada-based responder comes on duty.
    const heldAt = s.state === 'held' && s.heldUntil ? Date.parse(s.heldUntil) : Infinity;
    const pendingBreachMark = clockRunning() && s.state !== 'suspended' && s.state !== 'breached';
    const nextStep = pendingStep();
    let nextAt = Math.min(
      nextStep ? Date.parse(nextStep.fireAt) : Infinity,
      pendingBreachMark ? breachAt : Infinity,
      heldAt,
    );
    if (audienceAhead && nextStep?.channels.includes('page') && !aheadFor(nextStep)) {
      // Resolved now, in the task that arms the step's timer, or on a wake-up shortly before it.
      const aheadAt = Date.parse(nextStep.fireAt) - AUDIENCE_AHEAD_MS;
      if (Date.now() >= aheadAt) {
        const query = audienceQuery(nextStep.audience, nextStep.fireAt);

        resolvedAhead.set(nextStep.id, { query, recipients: await lookups.resolveAudience(query) });
        clockBehind = true;
        // A message may have come in during the lookup: look at the picture again.
        continue;
      }
      nextAt = Math.min(nextAt, aheadAt);
    }

    // A response that arrived while a step was paging: resolve what that step raised.
    if (!clockRunning() && openPages.size) await resolvePages();

    // A message taken during that await changed the picture the wait below no longer wakes for.
    // (Added with the pages' head start: a run without that marker replays without this upsert.)
    if (pagesFirst) publishQueue();
    changed = false;
    // A message that changed nothing (a refused one) still counts toward continuing as new.
    const wake = () => changed || continueDue();
    if (nextAt === Infinity) {
      await condition(wake);
      continue;
    }
    if (freshArm && clockBehind && nextAt > Date.now() && nextAt - Date.now() <= AUDIENCE_AHEAD_MS) {
      // A step near at hand is armed from a fresh task (a 1 ms timer away), so that it fires at
      // its instant (C6–C8), not the lookup's time after it.
      clockBehind = false;
      await sleep(1);
      continue;
    }
    clockBehind = false;
    const woken = await condition(wake, Math.max(0, nextAt - Date.now()));
    if (woken) continue;

    const fires = nextStep && Date.now() >= Date.parse(nextStep.fireAt) && clockRunning();
    /** A state changed by this wake-up, published with the firing step's queue when one fires. */
    let statePending = false;
    const stateChange = () => {
      if (oneUpsert && fires) statePending = true;
      else publish();
    };
    if (s.state === 'held' && Date.now() >= heldAt) {
      s.state = 'on-track';
      log.info('Canada-based responder on duty: the clock runs', { ticketId: s.ticketId, level: s.level });
      stateChange();
    }
    if (pendingBreachMark && Date.now() >= breachAt) {
      s.state = 'breached';
      log.warn('response deadline breached', { ticketId: s.ticketId, level: s.level, due: s.due });
      stateChange();
    }
    if (nextStep && fires) {
      if (nextStep.kind === 'warning' && s.state === 'on-track') {
        s.state = 'at-risk';
        stateChange();
      }
      await deliver(
        nextStep.id,
        nextStep.kind,
        nextStep.fireAt,
        nextStep.reason,
        nextStep.audience,
        nextStep.channels,
        aheadFor(nextStep)?.recipients,
        statePending,
      );
    }
  }

  await condition(allHandlersFinished);
  return s;
}
