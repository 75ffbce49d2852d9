/**
 * One workflow per planned maintenance window (C1, I9), id `maintenance-<maintenanceId>`. It
 * emails the notice at once to the administrators of every customer in the window's regions,
 * records when the notice really went out and whether that was at least the policy's hours before
 * the start (only then is the window excluded from uptime), follows the window on durable timers
 * at its announced start and end unless the operator says when it really started and ended, and
 * writes the window's record to the ledger once, when it ends or is cancelled.
 *
 * I9 as amended judges a window per customer, by the notices that reached that customer: after
 * each round, every customer's notice (delivered or not, announced or withdrawn) is written to
 * the ledger, and the record carries every round.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MaintenanceNotice } from '../activities/maintenance';
import type { CustomerNotice, MaintenanceRecord } from '../ledger/types';
import {
  cancel,
  ended,
  maintenanceStatus,
  reschedule,
  started,
  type MaintenanceStatus,
  type NoticeDelivery,
  type NoticeResult,
  type NoticeRound,
  type WindowMemo,
} from '../messages/maintenance';
import type { EndMaintenance, ScheduleMaintenance, StartMaintenance } from '../model/maintenance';
// The validators are zod-free (see ../model/maintenance-checks): zod would be ~1 MB per cached workflow.
import { maintenanceChecks } from '../model/maintenance-checks';
import { noticeMessageId, noticeQualification, overrunMs } from '../rules/maintenance';
import { SlaState, SlaWindowStart } from '../search-attributes';
import { DELIVERY, LEDGER_WRITE, LOOKUP } from './activity-options';

/** Policy and audience lookups: local activities, recorded in history as markers. */
const lookups = proxyLocalActivities<Activities>(LOOKUP);
// A notice retried for up to an hour goes out late, and is recorded as late.
const notify = proxyActivities<Activities>(DELIVERY);
const store = proxyActivities<Activities>(LEDGER_WRITE);

/**
 * A window is rescheduled at most this often: each reschedule sends a round of notices to every
 * customer in its regions (C1), and its round is kept in the window's status. A window moved more
 * often than this is better cancelled and scheduled anew.
 */
export const RESCHEDULES_MAX = 20;
/**
 * Messages that repeat an answered request id under another update id are answered at most this
 * often (the clients reuse the request id as the update id, which Temporal answers itself,
 * leaving nothing in history). With every refusal decided in the validators, which write nothing,
 * a window's history holds at most RESCHEDULES_MAX + 3 messages and these repeats: never near
 * Temporal's 2,000 updates of one run.
 */
export const REPEATS_MAX = 100;

/**
 * Notices per activity call: one round reaches up to ~10,000 customers, and a call's input must
 * stay far below Temporal's 2 MB payload limit (a row is ~200 bytes of JSON).
 */
export const NOTICES_PER_CALL = 2_000;

/**
 * A round's notices as ledger rows, one per attempt (I9 as amended): delivered with the instant
 * the mail server accepted it, failed with none; a cancellation's, and a reschedule's to customers
 * it no longer affects, are withdrawals. In the order sent, in calls of at most NOTICES_PER_CALL.
 */
export function roundNotices(maintenanceId: string, round: NoticeRound): CustomerNotice[][] {
  const row = (d: NoticeDelivery, kind: CustomerNotice['kind']): CustomerNotice => ({
    maintenanceId,
    customerId: d.customerId,
    version: round.version,
    kind,
    start: round.start,
    end: round.end,
    sentAt: d.sentAt,
  });
  const announced = round.kind === 'cancelled' ? 'withdrawn' : 'announced';
  const notices = [
    ...round.deliveries.map((d) => row(d, announced)),
    ...round.withdrawals.map((d) => row(d, 'withdrawn')),
  ];
  const calls: CustomerNotice[][] = [];
  for (let at = 0; at < notices.length; at += NOTICES_PER_CALL)
    calls.push(notices.slice(at, at + NOTICES_PER_CALL));
  return calls;
}

/** How far in the future an operator's `at` may be (clocks drift a little). */
const MAX_SKEW_MS = 60_000;

const conflict = (message: string) => ApplicationFailure.nonRetryable(message, 'Conflict');
const invalid = (message: string) => ApplicationFailure.nonRetryable(message, 'Invalid');
const iso = (t: number | string) => new Date(t).toISOString();

/** An operator's instant in the future is refused. */
const futureRefusal = (at: string | undefined) =>
  at && Date.parse(at) > Date.now() + MAX_SKEW_MS ? invalid('at: must not be in the future') : null;
/** An operator's instant: defaults to now, never in the future. */
const operatorTime = (at: string | undefined): string => {
  const refused = futureRefusal(at);
  if (refused) throw refused;
  return iso(at ? Date.parse(at) : Date.now());
};

export async function maintenanceWorkflow(input: ScheduleMaintenance): Promise<MaintenanceStatus> {
  const workflowId = workflowInfo().workflowId;
  // Decided once, at the start: a window whose history has no marker of this patch keeps no rows
  // and no rounds for its whole life (the close reads its record instead, I9 as amended).
  const perCustomer = patched('notices-per-customer');
  const rules = await lookups.maintenanceRules();
  const s: MaintenanceStatus = {
    maintenanceId: input.maintenanceId,
    workflowId,
    description: input.description,
    start: iso(input.start),
    end: iso(input.end),
    regions: [...input.regions],
    version: 1,
    state: 'scheduled',
    noticeHours: rules.noticeHours,
    policyVersion: rules.policyVersion,
    announcedAt: null,
    qualifies: false,
    qualification: 'the notice has not gone out yet',
    noticeLeadMinutes: null,
    notices: [],
    startedAt: null,
    actualStart: null,
    actualEnd: null,
    endedAt: null,
    overrunMs: 0,
    cancellation: null,
    record: null,
  };

  let changed = false;
  let roundsInFlight = 0;
  /** Customers holding a notice of this window that nothing has withdrawn yet. */
  const informed = new Set<string>();
  const results = new Map<string, unknown>();
  let repeats = 0;
  let reschedules = 0;

  const publish = () => {
    upsertSearchAttributes([
      { key: SlaState, value: s.state },
      { key: SlaWindowStart, value: new Date(s.start) },
    ]);
    // What `sla maintenance list` shows without querying every window (no addresses, no text).
    upsertMemo({
      window: {
        start: s.start,
        end: s.end,
        regions: s.regions,
        version: s.version,
        qualifies: s.qualifies,
      } satisfies WindowMemo,
    });
    changed = true;
  };

  /** Runs a message once per request id; a duplicate gets the first answer. */
  const once = async <R>(requestId: string, apply: () => Promise<R> | R): Promise<R> => {
    if (results.has(requestId)) {
      repeats++;
      return results.get(requestId) as R;
    }
    const result = await apply();
    results.set(requestId, result);
    changed = true;
    return result;
  };

  /** One message per customer, each its own activity: a retry resends only what failed. */
  async function send(
    round: NoticeRound,
    customerIds: string[],
    kind: MaintenanceNotice['kind'],
    reason?: string,
  ): Promise<NoticeDelivery[]> {
    const deliveries = await Promise.all(
      customerIds.map(async (customerId): Promise<NoticeDelivery> => {
        const messageId = noticeMessageId(workflowId, round.version, customerId);
        try {
          const sent = await notify.sendMaintenanceNotice({
            messageId,
            customerId,
            kind,
            maintenanceId: s.maintenanceId,
            version: round.version,
            start: round.start,
            end: round.end,
            regions: round.regions,
            description: s.description,
            ...(reason ? { reason } : {}),
          });
          if (kind === 'cancelled') informed.delete(customerId);
          else informed.add(customerId);
          return {
            customerId,
            messageId,
            ok: true,
            sentAt: sent.sentAt,
            recipients: sent.recipients,
            detail: 'sent',
          };
        } catch (err) {
          log.error('maintenance notice failed', { maintenanceId: s.maintenanceId, customerId, kind });
          const detail = String((err as Error).cause ?? err);
          return { customerId, messageId, ok: false, sentAt: null, recipients: 0, detail };
        }
      }),
    );
    changed = true;
    return deliveries;
  }

  /** Every attempt of the round, written once by (maintenance, customer, version). */
  async function recordNotices(round: NoticeRound): Promise<void> {
    if (!perCustomer) return;
    await Promise.all(
      roundNotices(s.maintenanceId, round).map((notices) => store.recordMaintenanceNotices({ notices })),
    );
  }

  /**
   * Sends the notice of the window as it now stands (and withdraws it from customers a reschedule
   * no longer affects), then judges it (C1). A round superseded meanwhile by a later version
   * does not overwrite that version's judgement.
   */
  async function announce(kind: 'scheduled' | 'rescheduled'): Promise<NoticeResult> {
    roundsInFlight++;
    try {
      const round: NoticeRound = {
        version: s.version,
        kind,
        start: s.start,
        end: s.end,
        regions: [...s.regions],
        requestedAt: iso(Date.now()),
        sentAt: null,
        deliveries: [],
        withdrawals: [],
        done: false,
      };
      s.notices.push(round);
      const audience = await lookups.maintenanceAudience({ regions: round.regions });
      const dropped = [...informed].filter((c) => !audience.includes(c)).sort();
      const [deliveries, withdrawals] = await Promise.all([
        send(round, audience, kind),
        send(round, dropped, 'cancelled', `the rescheduled window no longer affects your region`),
      ]);
      round.deliveries = deliveries;
      round.withdrawals = withdrawals;
      await recordNotices(round);
      const times = deliveries.filter((d) => d.sentAt).map((d) => Date.parse(d.sentAt!));
      round.sentAt = times.length ? iso(Math.max(...times)) : null;
      round.done = true;
      const q = noticeQualification({
        noticeAt: round.sentAt ? Date.parse(round.sentAt) : null,
        start: Date.parse(round.start),
        noticeHours: s.noticeHours,
        affected: deliveries.length,
        failed: deliveries.filter((d) => !d.ok).length,
      });
      if (round.version === s.version) {
        s.announcedAt = round.sentAt;
        s.qualifies = q.qualifies;
        s.qualification = q.reason;
        s.noticeLeadMinutes = q.leadMinutes;
        publish();
      }
      log.info('maintenance notice judged', {
        maintenanceId: s.maintenanceId,
        version: round.version,
        qualifies: q.qualifies,
        leadMinutes: q.leadMinutes,
      });
      return {
        version: round.version,
        announcedAt: round.sentAt,
        qualifies: q.qualifies,
        qualification: q.reason,
      };
    } finally {
      roundsInFlight--;
      changed = true;
    }
  }

  /**
   * Waits until no notice round is in flight, so that a reschedule or cancel acts on a settled
   * picture of who holds a notice. A loop: two messages released together must not both go on.
   */
  const settled = async () => {
    while (roundsInFlight > 0) await condition(() => roundsInFlight === 0);
  };

  setHandler(maintenanceStatus, () => s);

  /**
   * A validator that checks the message's fields, then refuses, before anything is written to
   * history, what the handler would refuse: no message, however often sent, fills the history.
   * A repeated request id is let through to its first answer (up to REPEATS_MAX).
   */
  const admit =
    <M extends { requestId: string }>(check: (m: unknown) => void, refusal: (m: M) => Error | null) =>
    (m: M) => {
      check(m);
      if (results.has(m.requestId)) {
        if (repeats >= REPEATS_MAX)
          throw conflict(`this window has answered ${REPEATS_MAX} repeated messages; no more are taken`);
        return;
      }
      const refused = refusal(m);
      if (refused) throw refused;
    };

  const notScheduled = (what: string) =>
    s.state !== 'scheduled'
      ? conflict(`the window is ${s.state}: only a window not yet started can be ${what}`)
      : null;
  const closed = () =>
    s.state === 'completed' || s.state === 'cancelled' ? conflict(`the window is ${s.state}`) : null;
  const startRefusal = (m: StartMaintenance) =>
    closed() ??
    (s.actualStart ? conflict(`the window is already recorded as started at ${s.actualStart}`) : null) ??
    futureRefusal(m.at);
  const notStartedYet = () =>
    s.state === 'scheduled'
      ? conflict('the window has not started: record `started` first, or cancel it')
      : null;
  const endRefusal = (m: EndMaintenance) =>
    closed() ??
    notStartedYet() ??
    futureRefusal(m.at) ??
    (m.at && Date.parse(m.at) < Date.parse(s.startedAt!)
      ? invalid(`at: must not be before the window started (${s.startedAt})`)
      : null);

  setHandler(
    reschedule,
    (m) =>
      once(m.requestId, async () => {
        reschedules++;
        await settled();
        const refused = notScheduled('rescheduled');
        if (refused) throw refused;
        s.start = iso(m.start);
        s.end = iso(m.end);
        if (m.regions) s.regions = [...m.regions];
        if (m.description) s.description = m.description;
        s.version += 1;
        s.announcedAt = null;
        s.qualifies = false;
        s.qualification = 'the notice of the new window has not gone out yet';
        s.noticeLeadMinutes = null;
        publish();
        return announce('rescheduled');
      }),
    {
      validator: admit(maintenanceChecks.reschedule, () =>
        reschedules >= RESCHEDULES_MAX
          ? conflict(`a window is rescheduled at most ${RESCHEDULES_MAX} times: cancel it and schedule anew`)
          : notScheduled('rescheduled'),
      ),
    },
  );

  setHandler(
    cancel,
    (m) =>
      once(m.requestId, async () => {
        await settled();
        const refused = notScheduled('cancelled');
        if (refused) throw refused;
        s.state = 'cancelled';
        s.version += 1;
        s.cancellation = { at: iso(Date.now()), reason: m.reason };
        // Nothing happens, so nothing is excluded from uptime.
        s.qualifies = false;
        s.qualification = 'cancelled: no window to exclude';
        publish();
        roundsInFlight++;
        try {
          const round: NoticeRound = {
            version: s.version,
            kind: 'cancelled',
            start: s.start,
            end: s.end,
            regions: [...s.regions],
            requestedAt: s.cancellation.at,
            sentAt: null,
            deliveries: [],
            withdrawals: [],
            done: false,
          };
          s.notices.push(round);
          round.deliveries = await send(round, [...informed].sort(), 'cancelled', m.reason);
          await recordNotices(round);
          const times = round.deliveries.filter((d) => d.sentAt).map((d) => Date.parse(d.sentAt!));
          round.sentAt = times.length ? iso(Math.max(...times)) : null;
          round.done = true;
          return { version: round.version, notified: round.deliveries.filter((d) => d.ok).length };
        } finally {
          roundsInFlight--;
          changed = true;
        }
      }),
    { validator: admit(maintenanceChecks.cancel, () => notScheduled('cancelled')) },
  );

  setHandler(
    started,
    (m) =>
      once(m.requestId, () => {
        const refused = startRefusal(m);
        if (refused) throw refused;
        const at = operatorTime(m.at);
        s.actualStart = at;
        s.startedAt = at;
        s.state = Date.now() >= Date.parse(s.end) ? 'overrunning' : 'in-progress';
        publish();
        return { state: s.state, startedAt: at };
      }),
    { validator: admit(maintenanceChecks.start, startRefusal) },
  );

  setHandler(
    ended,
    (m) =>
      once(m.requestId, () => {
        const refused = closed() ?? notStartedYet();
        if (refused) throw refused;
        const at = operatorTime(m.at);
        if (Date.parse(at) < Date.parse(s.startedAt!))
          throw invalid(`at: must not be before the window started (${s.startedAt})`);
        s.actualEnd = at;
        s.endedAt = at;
        s.overrunMs = overrunMs(Date.parse(s.end), Date.parse(at));
        s.state = 'completed';
        publish();
        return { endedAt: at, overrunMs: s.overrunMs };
      }),
    { validator: admit(maintenanceChecks.end, endRefusal) },
  );

  publish();
  await announce('scheduled');

  // The window on durable timers: its announced start, then its announced end.
  while (s.state !== 'completed' && s.state !== 'cancelled') {
    changed = false;
    const nextAt =
      s.state === 'scheduled'
        ? Date.parse(s.start)
        : s.state === 'in-progress'
          ? Date.parse(s.end)
          : Infinity;
    // Overrunning: only the operator knows when the work is over.
    const woken =
      nextAt === Infinity
        ? await condition(() => changed)
        : await condition(() => changed, Math.max(0, nextAt - Date.now()));
    if (woken) continue;
    if (s.state === 'scheduled' && Date.now() >= Date.parse(s.start)) {
      // Nobody said otherwise: it started as announced.
      s.state = 'in-progress';
      s.startedAt = s.start;
      publish();
    } else if (s.state === 'in-progress' && Date.now() >= Date.parse(s.end)) {
      if (s.actualStart === null) {
        // Nobody said it started: it ran as announced.
        s.state = 'completed';
        s.endedAt = s.end;
      } else {
        s.state = 'overrunning';
        log.warn('maintenance overrunning its announced end', { maintenanceId: s.maintenanceId, end: s.end });
      }
      publish();
    }
  }

  // The record needs the final notice and every message answered.
  await condition(() => roundsInFlight === 0 && allHandlersFinished());
  const record: MaintenanceRecord = {
    maintenanceId: s.maintenanceId,
    start: s.start,
    end: s.end,
    regions: s.regions,
    announcedAt: s.announcedAt,
    qualifies: s.qualifies,
    actualStart: s.actualStart,
    actualEnd: s.actualEnd,
    status: s.state === 'cancelled' ? 'cancelled' : 'completed',
    policyVersion: s.policyVersion,
    workflowId,
    ...(perCustomer
      ? {
          rounds: s.notices.map((r) => ({
            version: r.version,
            kind: r.kind,
            start: r.start,
            end: r.end,
            regions: r.regions,
            publishedAt: r.requestedAt,
          })),
        }
      : {}),
  };
  s.record = await store.recordMaintenance(record);
  log.info('maintenance recorded', {
    maintenanceId: s.maintenanceId,
    status: record.status,
    record: s.record,
  });
  return s;
}
