/**
 * One workflow per outage (C3, C4, C9; I7, I9), id `outage-<key>`: every report of the same
 * incident joins it (update-with-start). At once it pages the Level 3 primary on duty and emails
 * the status audience; the policy's chain (secondary, engineering manager, …) fires on durable
 * timers from detection and repeats until a Level 3 responder acknowledges. The acknowledgement
 * records the engagement and whether C9 was met, and resolves every page the outage raised.
 * Classification may change while it runs, each change kept with who, when and why. The
 * resolution writes the OutageRecord to the ledger once, and the workflow ends.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OutageFacts } from '../activities/outages';
import type { Recipient } from '../activities/tickets';
import {
  acknowledgeOutage,
  classifyOutage,
  confirmOutageStart,
  outageStatus,
  reportOutage,
  resolveOutage,
  type AcknowledgeAnswer,
  type ClassifyAnswer,
  type ConfirmStartAnswer,
  type OutageStatus,
  type OutageStepFired,
  type ResolveAnswer,
} from '../messages/outage';
import type { AcknowledgeOutage, ClassifyOutage, ReceivedReport } from '../model/outage';
// The validators are zod-free (see ../model/outage-checks): zod would be ~1 MB per cached workflow.
import { outageChecks, REGIONS_MAX } from '../model/outage-checks';
import { outageRecordOf } from '../model/outage-record';
import {
  acknowledgementInstant,
  countedStart,
  dueOccurrences,
  engagementDue,
  engagementMet,
  stepOccurrence,
} from '../rules/outage-plan';
import { SlaDueAt, SlaKind, SlaPhase, SlaState } from '../search-attributes';
import { LEDGER_WRITE, LOOKUP } from './activity-options';
import { runIsFull, UPDATES_PER_RUN } from './run-limits';

/** Policy and roster lookups: local activities, recorded in history as markers. */
const lookups = proxyLocalActivities<Activities>(LOOKUP);
const store = proxyActivities<Activities>(LEDGER_WRITE);
/** A page that cannot get through within a few minutes is recorded as failed; the chain goes on. */
const notify = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
  },
});

/**
 * Request ids (with their first answers) carried into the next run, newest last: a retried
 * message gets its first answer, and a retried report is not counted twice, across a continue-as-
 * new. Retries come within seconds or minutes; 1,000 covers the run that just ended and the one
 * before it at UPDATES_PER_RUN, and is at most ~350 KB of the next run's input (limit 2 MB; docs/limits.md).
 */
export const CARRIED_REQUEST_IDS = 1000;

/**
 * Changes of classification one outage takes (classify messages, and reports that add regions):
 * each change copies the regions into classificationHistory, which the status query, the next
 * run's input and the ledger record all carry. Refused past it in the validator (nothing is
 * written to history), as the ticket caps its reclassifications.
 */
export const CLASSIFICATION_CHANGES_MAX = 100;

/**
 * Steps, pages and emails the status lists, each the newest: at the default policy an outage
 * nobody acknowledges fires four steps (three pages, an email) every 25 minutes, ~150 KB of
 * status a day, which would pass Temporal's 2 MB payload limit in about two weeks. 200 of each
 * is ~21 hours of the chain, ~140 KB; the history (and the audit) keeps every one.
 */
export const STATUS_KEPT = 200;

/** What one run hands the next when it continues as new. */
export interface OutageCarry {
  status: OutageStatus;
  /** Pages triggered and not yet resolved: dedup key → routing key. */
  openPages: [string, string][];
  /** The chain's next occurrence, and the instant it counts from (epoch ms). */
  next: number;
  chainFrom: number;
  ackVerdict: boolean | null;
  facts: OutageFacts;
  results: [string, unknown][];
}

/** The workflow's second argument: absent when a report starts it. */
export interface OutageRun {
  /** Tests lower it to record a continue-as-new with a handful of reports. */
  updatesPerRun?: number;
  carried?: OutageCarry;
}

/** Patches (workflow code changes that runs recorded before them replay without). */
const BACKDATED_REPORTS = 'backdated-reports';
const CONTINUE_AS_NEW = 'continue-as-new';

/** How far ahead of the workflow's clock a given instant may be (other machines' clocks drift). */
const CLOCK_SKEW_MS = 60_000;
const iso = (t: number) => new Date(t).toISOString();

export async function outageWorkflow(first: ReceivedReport, run: OutageRun = {}): Promise<OutageStatus> {
  const workflowId = workflowInfo().workflowId;
  const { carried } = run;
  const s = carried?.status ?? openingStatus(first, workflowId);
  /** The counted start (I7), epoch ms: s.detectedAt. */
  let detectedAt = Date.parse(s.detectedAt);
  /** Pages triggered and not yet resolved, by dedup key → routing key. */
  const openPages = new Map<string, string>(carried?.openPages);
  const results = new Map<string, unknown>(carried?.results);
  let changed = false;
  let resolveReason = '';
  /** The C9 verdict an acknowledgement fixed: the resolution does not redo it. */
  let ackVerdict: boolean | null = carried?.ackVerdict ?? null;
  /** Messages handled by this run (continue-as-new after UPDATES_PER_RUN). */
  let handled = 0;
  const updatesPerRun = Math.min(run.updatesPerRun ?? UPDATES_PER_RUN, UPDATES_PER_RUN);
  if (carried) s.run += 1;

  const publish = () => {
    upsertSearchAttributes([
      { key: SlaKind, value: 'outage' },
      { key: SlaPhase, value: s.state },
      { key: SlaState, value: s.engagement },
      ...(s.engagementDue ? [{ key: SlaDueAt, value: new Date(s.engagementDue) }] : []),
    ]);
    changed = true;
  };

  /** Runs a message once per request id; a duplicate gets the first answer. */
  const once = async <R>(requestId: string, apply: () => Promise<R> | R): Promise<R> => {
    handled++;
    if (results.has(requestId)) return results.get(requestId) as R;
    const result = await apply();
    results.set(requestId, result);
    changed = true;
    return result;
  };

  const conflict = (message: string) => ApplicationFailure.nonRetryable(message, 'Conflict');
  const invalid = (field: string, why: string) =>
    ApplicationFailure.nonRetryable(`${field}: ${why}`, 'Invalid');
  const changesFull = () =>
    conflict(`outage ${s.key} takes at most ${CLASSIFICATION_CHANGES_MAX} classification changes`);
  const checkInstant = (field: string, at: string) => {
    const t = Date.parse(at);
    if (t < detectedAt || t > Date.now() + CLOCK_SKEW_MS)
      throw invalid(field, `must be between the detection (${s.detectedAt}) and now`);
    return t;
  };

  // Handlers first: the report that starts the workflow arrives with it (update-with-start).
  setHandler(outageStatus, () => s);

  setHandler(
    reportOutage,
    (m) => {
      handled++;
      if (s.state === 'resolved')
        return {
          outageId: s.outageId,
          workflowId,
          created: false,
          state: s.state,
          reports: s.reports,
          message: `outage ${s.key} is already resolved (ended ${s.end}); nothing new was started`,
        };
      const created = m.reportId === first.reportId;
      // A repeat never moves the counted start (I7): it is counted, and may add regions.
      if (!results.has(`report:${m.reportId}`)) {
        results.set(`report:${m.reportId}`, true);
        s.reports += 1;
        s.lastReportAt = m.receivedAt;
        const added = m.regions.filter((r) => !s.regions.includes(r));
        if (added.length) {
          s.regions = [...s.regions, ...added].sort();
          s.classificationHistory.push({
            at: m.receivedAt,
            by: m.source,
            classification: s.classification,
            regions: s.regions,
            reason: `a further report added region(s) ${added.join(', ')}`,
          });
        }
        changed = true;
      }
      return {
        outageId: s.outageId,
        workflowId,
        created,
        state: s.state,
        reports: s.reports,
        message: created ? `outage ${s.key} opened` : `joined the open outage ${s.key}`,
      };
    },
    {
      // The union of regions is capped like one report's (REGIONS_MAX), and a report that adds
      // regions is a classification change: refused here, a report leaves nothing in history.
      validator: (m: ReceivedReport) => {
        outageChecks.report(m);
        if (s.state === 'resolved' || results.has(`report:${m.reportId}`)) return;
        const added = m.regions.filter((r) => !s.regions.includes(r));
        if (added.length === 0) return;
        if (s.regions.length + added.length > REGIONS_MAX)
          throw invalid(
            'regions',
            `outage ${s.key} already has ${s.regions.length} region(s); it takes at most ${REGIONS_MAX} in all`,
          );
        if (s.classificationHistory.length - 1 >= CLASSIFICATION_CHANGES_MAX) throw changesFull();
      },
    },
  );

  const facts = carried?.facts ?? (await lookups.outageFacts());
  // I7: a webhook's start further back than the policy allows is a claim until confirmed. Runs
  // recorded before it (no `via` on their reports) counted every startedAt.
  if (!carried && first.via === 'webhook' && patched(BACKDATED_REPORTS)) {
    const counted = countedStart(first, facts.backdateLimitMinutes ?? 0);
    if (counted.claimedStart !== null) {
      detectedAt = counted.start;
      s.detectedAt = iso(detectedAt);
      s.claimedStart = iso(counted.claimedStart);
      s.startConfirmed = false;
      s.classificationHistory[0] = {
        ...s.classificationHistory[0]!,
        at: s.detectedAt,
        reason: `reported by ${first.source} through a webhook claiming a start at ${s.claimedStart}, more than ${facts.backdateLimitMinutes} min before its receipt: counted from the receipt until an on-call confirms the claim (I7); unexpected until classified otherwise (C9)`,
      };
    }
  }
  /** The chain pages from the start the engine opened the outage with, whatever is confirmed later. */
  const chainFrom = carried?.chainFrom ?? detectedAt;
  let due = engagementDue(detectedAt, facts.engagementMinutes);
  if (!carried) {
    s.policyVersion = facts.policyVersion;
    s.engagementDue = iso(due);
    log.info('outage opened', { outageId: s.outageId, detectedAt: s.detectedAt, due: s.engagementDue });
  }
  publish();

  /** Appends to a list of the status, dropping its oldest past STATUS_KEPT (counted in s.dropped). */
  function keepLast<T>(kind: keyof NonNullable<OutageStatus['dropped']>, list: T[], item: T) {
    list.push(item);
    if (list.length <= STATUS_KEPT) return;
    list.shift();
    s.dropped ??= { steps: 0, pages: 0, emails: 0 };
    s.dropped[kind] += 1;
  }

  async function deliver(n: number) {
    const occ = stepOccurrence(facts.steps, facts.repeatMinutes, chainFrom, n);
    const fired: OutageStepFired = {
      id: occ.id,
      stepId: occ.stepId,
      round: occ.round,
      audience: occ.audience,
      plannedAt: iso(occ.at),
      at: iso(Date.now()),
      reason: occ.reason,
      deliveries: [],
    };
    keepLast('steps', s.stepsFired, fired);
    const recipients: Recipient[] = await lookups.resolveAudience({
      audience: occ.audience,
      level: 'L3',
      canadaOnly: false,
      assigneeId: null,
      at: fired.at,
    });
    // An acknowledgement or the end arrived while the roster answered: page nobody any more.
    if (s.state !== 'open') return;
    if (recipients.length === 0)
      fired.deliveries.push({
        channel: occ.channels[0]!,
        to: occ.audience,
        ok: false,
        detail: `nobody in the roster for ${occ.audience} is on duty`,
      });
    const failed = (channel: 'email' | 'page', to: string, err: unknown) => {
      fired.deliveries.push({ channel, to, ok: false, detail: String((err as Error).cause ?? err) });
      log.error('outage delivery failed', { outageId: s.outageId, step: occ.id, channel });
    };
    const sends: Promise<void>[] = [];
    if (occ.channels.includes('email') && recipients.length) {
      const messageId = `<${workflowId}.${occ.id}@sla-engine>`;
      sends.push(
        notify
          .sendEmail({
            messageId,
            to: recipients.map((r) => r.email),
            subject: `[SLA outage] ${s.key}: ${s.summary}`,
            text: [
              `Outage ${s.key} (${s.classification}), regions ${s.regions.join(', ')}.`,
              `Detected ${s.detectedAt}; Level 3 engagement due ${s.engagementDue} (C9).`,
              `Step ${occ.id}: ${occ.reason}.`,
            ].join('\n'),
          })
          .then(
            () => {
              keepLast('emails', s.emails, { messageId, audience: occ.audience, at: iso(Date.now()) });
              fired.deliveries.push({ channel: 'email', to: occ.audience, ok: true, detail: messageId });
            },
            (err: unknown) => failed('email', occ.audience, err),
          ),
      );
    }
    if (occ.channels.includes('page')) {
      for (const r of recipients) {
        const dedupKey = `${workflowId}:${occ.id}:${r.id}`;
        sends.push(
          notify
            .sendPage({
              routingKey: r.pagingKey,
              action: 'trigger',
              dedupKey,
              severity: 'critical',
              summary: `Outage ${s.key}: ${s.summary} (engagement due ${s.engagementDue})`,
              source: 'sla-engine',
              customDetails: {
                outageId: s.outageId,
                regions: s.regions.join(','),
                engagementDue: s.engagementDue,
                step: occ.id,
              },
            })
            .then(
              () => {
                openPages.set(dedupKey, r.pagingKey);
                keepLast('pages', s.pages, {
                  dedupKey,
                  responderId: r.id,
                  triggeredAt: iso(Date.now()),
                  resolvedAt: null,
                });
                fired.deliveries.push({ channel: 'page', to: r.id, ok: true, detail: dedupKey });
              },
              (err: unknown) => failed('page', r.id, err),
            ),
        );
      }
    }
    await Promise.all(sends);
    changed = true;
  }

  /**
   * Engagement or the end stops the paging: every page raised is resolved. The map is emptied
   * before the first await, so concurrent callers resolve nothing twice, and no trigger follows
   * (the chain only fires while nobody is engaged and the outage is open).
   */
  async function resolvePages() {
    const pages = [...openPages];
    openPages.clear();
    await Promise.all(
      pages.map(async ([dedupKey, routingKey]) => {
        await notify.sendPage({ routingKey, action: 'resolve', dedupKey });
        const page = s.pages.find((p) => p.dedupKey === dedupKey);
        if (page) page.resolvedAt = iso(Date.now());
      }),
    );
  }

  setHandler(
    acknowledgeOutage,
    (m) =>
      once(m.requestId, async (): Promise<AcknowledgeAnswer> => {
        if (s.state === 'resolved') throw conflict(`outage ${s.key} is already resolved`);
        // C9 is judged on when the engine received the acknowledgement, not on the time it
        // states (one sent at 27 min claiming 9 would turn a breach into met). Runs recorded
        // without the patch judged the stated time: they replay as they ran.
        if (!patched('ack-received-time')) return acknowledgeAsStated(m);
        const receivedAt = Date.now();
        const claimed = m.at === undefined ? null : checkInstant('at', m.at);
        const at = acknowledgementInstant(receivedAt, claimed);
        // No patch() for agentId and the match: the roster check is the same local activity with
        // one more argument and one more result field, and the status is workflow state. Replay
        // compares commands (their types and ids), not activity arguments or results, nor state:
        // every run recorded before replays as it ran, with agentMatch absent from its marker.
        const who = await checkResponder({
          responderId: m.responderId,
          ...(m.agent ? { agent: m.agent } : {}),
          ...(m.agentId ? { agentId: m.agentId } : {}),
        });
        if (s.engagedAt === null) {
          s.engagedAt = iso(at);
          s.engagedBy = who.responderId;
          s.ackReceivedAt = iso(receivedAt);
          s.ackClaimedAt = claimed === null ? null : iso(claimed);
          s.ackAgent = m.agent ?? null;
          s.ackAgentId = m.agentId ?? null;
          s.ackAgentMatch = who.agentMatch ?? null;
          s.engagementMinutes = (at - detectedAt) / 60_000;
          // A breach already recorded stays one, whatever time the acknowledgement states.
          s.met = s.engagement !== 'breached' && engagementMet({ due, engagedAt: at, endedAt: null });
          ackVerdict = s.met;
          s.engagement = s.met ? 'met' : 'breached';
          s.state = 'engaged';
          log.info('outage engaged', { outageId: s.outageId, met: s.met });
          publish();
          await resolvePages();
          return { ...engagement(), alreadyEngaged: false };
        }
        return { ...engagement(), alreadyEngaged: true };
      }),
    { validator: outageChecks.acknowledge },
  );

  function engagement(): Omit<AcknowledgeAnswer, 'alreadyEngaged'> {
    return {
      engagedAt: s.engagedAt!,
      engagedBy: s.engagedBy!,
      met: s.met!,
      engagementMinutes: s.engagementMinutes!,
      // An engagement recorded without the `ack-received-time` patch has no receipt of its own.
      ...(s.ackReceivedAt ? { receivedAt: s.ackReceivedAt } : {}),
      claimedAt: s.ackClaimedAt,
      agent: s.ackAgent,
      agentId: s.ackAgentId,
      agentMatch: s.ackAgentMatch,
    };
  }

  async function checkResponder(input: { responderId: string; agent?: string; agentId?: string }) {
    try {
      return await lookups.checkOutageResponder(input);
    } catch (err) {
      // The roster's refusal is the update's answer, not an activity's failure.
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
      throw err;
    }
  }

  /** The acknowledgement of runs recorded without the `ack-received-time` patch: the stated time judged C9. */
  async function acknowledgeAsStated(m: AcknowledgeOutage): Promise<AcknowledgeAnswer> {
    const at = checkInstant('at', m.at ?? iso(Date.now()));
    await checkResponder({ responderId: m.responderId });
    if (s.engagedAt === null) {
      s.engagedAt = iso(at);
      s.engagedBy = m.responderId;
      s.engagementMinutes = (at - detectedAt) / 60_000;
      s.met = engagementMet({ due, engagedAt: at, endedAt: null });
      s.engagement = s.met ? 'met' : 'breached';
      s.state = 'engaged';
      log.info('outage engaged', { outageId: s.outageId, met: s.met });
      publish();
      await resolvePages();
      return {
        engagedAt: s.engagedAt,
        engagedBy: s.engagedBy,
        met: s.met,
        engagementMinutes: s.engagementMinutes,
        alreadyEngaged: false,
      };
    }
    return {
      engagedAt: s.engagedAt,
      engagedBy: s.engagedBy!,
      met: s.met!,
      engagementMinutes: s.engagementMinutes!,
      alreadyEngaged: true,
    };
  }

  setHandler(
    classifyOutage,
    (m) =>
      once(m.requestId, (): ClassifyAnswer => {
        if (s.state === 'resolved') throw conflict(`outage ${s.key} is already resolved`);
        s.classification = m.classification;
        if (m.regions) s.regions = m.regions;
        s.classificationHistory.push({
          at: iso(Date.now()),
          by: m.by,
          classification: m.classification,
          regions: s.regions,
          reason: m.reason,
        });
        return {
          classification: s.classification,
          regions: s.regions,
          changes: s.classificationHistory.length - 1,
        };
      }),
    {
      validator: (m: ClassifyOutage) => {
        outageChecks.classify(m);
        if (!results.has(m.requestId) && s.classificationHistory.length - 1 >= CLASSIFICATION_CHANGES_MAX)
          throw changesFull();
      },
    },
  );

  setHandler(
    resolveOutage,
    (m) =>
      once(m.requestId, (): ResolveAnswer => {
        if (s.state === 'resolved') throw conflict(`outage ${s.key} is already resolved (ended ${s.end})`);
        const end = checkInstant('end', m.end ?? iso(Date.now()));
        // An outage ends after its counted start: ending at it would count nothing (I9). Runs
        // recorded before this check accepted it: they replay as they ran.
        if (m.end !== undefined && end <= detectedAt && patched(BACKDATED_REPORTS))
          throw invalid('end', `must be after the counted start (${s.detectedAt})`);
        s.end = iso(end);
        s.resolvedBy = m.by;
        s.state = 'resolved';
        resolveReason = m.reason ?? '';
        s.met =
          ackVerdict ??
          engagementMet({ due, engagedAt: s.engagedAt ? Date.parse(s.engagedAt) : null, endedAt: end });
        s.engagement = s.met ? 'met' : 'breached';
        publish();
        return { outageId: s.outageId, end: s.end, met: s.met };
      }),
    { validator: outageChecks.resolve },
  );

  setHandler(
    confirmOutageStart,
    (m) =>
      once(m.requestId, (): ConfirmStartAnswer => {
        if (s.state === 'resolved')
          throw conflict(`outage ${s.key} is already resolved; its record counts from ${s.detectedAt}`);
        if (s.claimedStart === null)
          throw conflict(`outage ${s.key} has no claimed start to confirm: it counts from ${s.detectedAt}`);
        if (s.startConfirmed) return { ...startAnswer(), alreadyConfirmed: true };
        confirmStartAt(Date.parse(s.claimedStart));
        s.classificationHistory.push({
          at: iso(Date.now()),
          by: m.by,
          classification: s.classification,
          regions: s.regions,
          reason: `start confirmed at ${s.claimedStart} as the webhook claimed (I7): ${m.reason}`,
        });
        log.info('outage start confirmed', { outageId: s.outageId, detectedAt: s.detectedAt });
        publish();
        return { ...startAnswer(), alreadyConfirmed: false };
      }),
    { validator: outageChecks.confirmStart },
  );

  /**
   * I7: C9's 10 minutes run from detection, now the confirmed start, in wall-clock time. What
   * depends on it is judged again: an engagement already recorded meets C9 only if it came by
   * the new due instant; with nobody engaged, a due instant already past is a breach at once
   * (the engine could not page before it heard, but the system was down unattended that long).
   * The chain keeps paging from when the engine opened the outage: it sent what it sent.
   */
  function confirmStartAt(start: number) {
    detectedAt = start;
    s.detectedAt = iso(start);
    s.startConfirmed = true;
    due = engagementDue(start, facts.engagementMinutes);
    s.engagementDue = iso(due);
    if (s.engagedAt !== null) {
      const at = Date.parse(s.engagedAt);
      s.engagementMinutes = (at - start) / 60_000;
      s.met = engagementMet({ due, engagedAt: at, endedAt: null });
      ackVerdict = s.met;
      s.engagement = s.met ? 'met' : 'breached';
    } else if (Date.now() >= due) {
      s.engagement = 'breached';
      s.met = false;
    }
  }

  function startAnswer(): Omit<ConfirmStartAnswer, 'alreadyConfirmed'> {
    return { detectedAt: s.detectedAt, engagementDue: s.engagementDue, engagement: s.engagement, met: s.met };
  }

  /** Whether this run has handled its share of messages (or its history grew large). */
  const continueWanted = () => runIsFull(handled, updatesPerRun);

  /**
   * Continues as new with the outage's state once every handler has finished; returns instead
   * when the outage was resolved meanwhile (this run then writes the record). Pages keep their
   * dedup keys (the workflow id and the step), timers are absolute instants from chainFrom and
   * the due instant, and the run's recent request ids carry over, so the next run repeats nothing.
   */
  async function continueAsNewUnlessResolved(): Promise<void> {
    await condition(allHandlersFinished);
    if (s.state === 'resolved') return;
    log.info('outage continues as new', { outageId: s.outageId, run: s.run, handled });
    await continueAsNew<typeof outageWorkflow>(first, {
      ...(run.updatesPerRun === undefined ? {} : { updatesPerRun: run.updatesPerRun }),
      carried: {
        status: s,
        openPages: [...openPages],
        next,
        chainFrom,
        ackVerdict,
        facts,
        results: [...results].slice(-CARRIED_REQUEST_IDS),
      },
    });
  }

  // The chain: sleep until the next step or the engagement due instant, or until a message.
  let next = carried?.next ?? 0;
  while (s.state === 'open') {
    // Checked without awaiting when not due, so that runs recorded before replay unchanged.
    if (continueWanted() && patched(CONTINUE_AS_NEW)) {
      await continueAsNewUnlessResolved();
      continue;
    }
    const nextAt = stepOccurrence(facts.steps, facts.repeatMinutes, chainFrom, next).at;
    const breachMark = s.engagement === 'on-track' ? due : Infinity;
    changed = false;
    const wakeAt = Math.min(nextAt, breachMark);
    if (wakeAt > Date.now() && (await condition(() => changed, wakeAt - Date.now()))) continue;
    if (s.state !== 'open') break;
    if (s.engagement === 'on-track' && Date.now() >= due) {
      s.engagement = 'breached';
      s.met = false;
      log.warn('outage engagement breached', { outageId: s.outageId, due: s.engagementDue });
      publish();
    }
    // Every step due by now fires together: the first page waits for nothing else.
    const firing = dueOccurrences(facts.steps, facts.repeatMinutes, chainFrom, next, Date.now());
    next = firing.next;
    await Promise.all(firing.due.map(deliver));
  }

  if (s.state === 'engaged') {
    // Pages a step raised while the acknowledgement was being recorded are resolved too.
    await resolvePages();
    // Reports keep coming while engaged: each wakes the run to see whether to continue as new.
    while (s.state === 'engaged') {
      if (continueWanted() && patched(CONTINUE_AS_NEW)) await continueAsNewUnlessResolved();
      changed = false;
      await condition(() => changed || s.state === 'resolved');
    }
  }
  // Acknowledged or not, the outage is over: nothing stays paging.
  await resolvePages();
  s.recorded = await store.recordOutage(outageRecordOf(s, s.end!));
  const messageId = `<${workflowId}.resolved@sla-engine>`;
  const audience = await lookups.resolveAudience({
    audience: 'status-audience',
    level: 'L3',
    canadaOnly: false,
    assigneeId: null,
    at: iso(Date.now()),
  });
  if (audience.length) {
    try {
      await notify.sendEmail({
        messageId,
        to: audience.map((r) => r.email),
        subject: `[SLA outage] ${s.key} resolved`,
        text: [
          `Outage ${s.key} (${s.classification}), regions ${s.regions.join(', ')}: ${s.detectedAt} → ${s.end}.`,
          s.engagedAt
            ? `Level 3 engaged at ${s.engagedAt} by ${s.engagedBy} (C9 ${s.met ? 'met' : 'breached'}).`
            : `No Level 3 acknowledgement (C9 ${s.met ? 'met: it ended before engagement was due' : 'breached'}).`,
          resolveReason,
        ]
          .filter(Boolean)
          .join('\n'),
      });
      s.emails.push({ messageId, audience: 'status-audience', at: iso(Date.now()) });
    } catch (err) {
      log.error('outage resolution email failed', { outageId: s.outageId, error: String(err) });
    }
  }
  await condition(allHandlersFinished);
  return s;
}

/** The status of a new outage, from the report that opened it (I7: detection from its startedAt). */
function openingStatus(first: ReceivedReport, workflowId: string): OutageStatus {
  const detectedAt = iso(Date.parse(first.startedAt ?? first.receivedAt));
  return {
    outageId: first.key,
    key: first.key,
    workflowId,
    summary: first.summary,
    source: first.source,
    state: 'open',
    detectedAt,
    claimedStart: null,
    startConfirmed: null,
    reports: 0,
    lastReportAt: first.receivedAt,
    engagementDue: '',
    engagement: 'on-track',
    engagedAt: null,
    engagedBy: null,
    ackReceivedAt: null,
    ackClaimedAt: null,
    ackAgent: null,
    ackAgentId: null,
    ackAgentMatch: null,
    engagementMinutes: null,
    met: null,
    classification: 'unexpected',
    regions: first.regions,
    classificationHistory: [
      {
        at: detectedAt,
        by: first.source,
        classification: 'unexpected',
        regions: first.regions,
        reason: `reported by ${first.source}; unexpected until classified otherwise (C9)`,
      },
    ],
    stepsFired: [],
    pages: [],
    emails: [],
    end: null,
    resolvedBy: null,
    recorded: null,
    policyVersion: '',
    run: 1,
  };
}
