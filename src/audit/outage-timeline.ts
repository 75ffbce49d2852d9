/**
 * How an auditor reads an outage's history (C3, C4, C9; I7, I9): the first report and detection,
 * the engagement target and the chain from the policy with its version, each step of the chain
 * with its planned and actual instant and whom it reached, every page and email with its outcome,
 * every further report, acknowledgement (by whom, met or breached), change of classification with
 * who and why, the breach, the resolution, the record written to the ledger, and the final status.
 * A webhook's backdated start shows as a claim, and its confirmation with who and why (I7); a run
 * that continues a previous one (continue-as-new) starts from the state that run carried.
 *
 * Which chain step a roster lookup belongs to is not in its marker (local activities record their
 * answer only): it is recomputed with the workflow's own rule (dueOccurrences) at the instant the
 * workflow saw, the start of its workflow task — the same arithmetic on the same recorded facts.
 */
import type { OutageFacts } from '../activities/outages';
import type { OutageRecord } from '../ledger/types';
import type { ReceivedReport } from '../model/outage';
import {
  countedStart,
  dueOccurrences,
  engagementDue,
  stepOccurrence,
  type StepOccurrence,
} from '../rules/outage-plan';
import {
  acknowledgeOutage,
  classifyOutage,
  confirmOutageStart,
  reportOutage,
  resolveOutage,
  type OutageStatus,
} from '../messages/outage';
import type { OutageCarry } from '../workflows/outage';
import { update, type Reading } from './interpret';
import { activityEntry, emailEntry, eventEntry, ledgerEntry, minutes, short } from './render';

const iso = (t: number) => new Date(t).toISOString();

interface PageTrail {
  dedupKey: string;
  step: string;
  responderId: string;
  triggeredAt: string | null;
  resolvedAt: string | null;
  failure?: string;
}

/** `<workflowId>:<step occurrence>:<responder>` (src/workflows/outage.ts). */
function pageParts(dedupKey: string) {
  const parts = dedupKey.split(':');
  return { step: parts[parts.length - 2] ?? '?', responderId: parts[parts.length - 1] ?? '?' };
}

export function outageReading(): Reading<'outageWorkflow'> {
  let first: ReceivedReport | undefined;
  let detectedAt = 0;
  /** Where the chain counts from: detection as the outage opened (a confirmed claim moves only detection). */
  let chainFrom = 0;
  /** Partial: runs recorded before a fact was looked up have none of it. */
  let facts: Partial<OutageFacts> | undefined;
  let due: number | null = null;
  /** The workflow's clock: the start of the workflow task being read (what Date.now() was). */
  let workflowNow = 0;
  let next = 0;
  const pending: StepOccurrence[] = [];
  let recorded = false;
  let engaged: {
    at: string;
    by: string;
    met: boolean;
    minutes: number;
    receivedAt: string | null;
    claimedAt: string | null;
  } | null = null;
  const stepsFired: { id: string; audience: string; plannedAt: string; at: string; recipients: string[] }[] =
    [];
  const pages = new Map<string, PageTrail>();
  const emails: { messageId: string; at: string; ok: boolean }[] = [];
  const classifications: OutageStatus['classificationHistory'] = [];
  let record: { result: unknown; record: OutageRecord | undefined } | undefined;
  let state = 'on-track';
  const dueAt = () => short(due === null ? null : iso(due));

  /** The chain step a roster lookup at the workflow's `now` answered (the workflow's own rule). */
  function nextStep(now: number): StepOccurrence | undefined {
    const steps = facts?.steps;
    const repeat = facts?.repeatMinutes;
    if (!steps?.length || repeat === undefined) return undefined;
    if (!pending.length) {
      const firing = dueOccurrences(steps, repeat, chainFrom, next, now);
      next = firing.next;
      pending.push(...firing.due.map((n) => stepOccurrence(steps, repeat, chainFrom, n)));
    }
    return pending.shift();
  }

  /**
   * The workflow's rule for a webhook's start (rules/outage-plan: countedStart) on the recorded
   * limit: a claim moves detection to the receipt. Runs recorded before the limit was looked up
   * counted every start (their facts have no limit).
   */
  function backdated(limit: number | undefined): string | null {
    if (!first || limit === undefined || first.via !== 'webhook') return null;
    const counted = countedStart(first, limit);
    if (counted.claimedStart === null) return null;
    detectedAt = counted.start;
    chainFrom = detectedAt;
    classifications[0] = { ...classifications[0]!, at: iso(detectedAt) };
    return `the webhook claimed a start at ${short(iso(counted.claimedStart))}, more than ${limit} min before its receipt: detected at the receipt ${short(iso(detectedAt))} until an on-call confirms the claim (I7)`;
  }

  /** A run continued from the previous one: the state it carried. */
  function resumed(carried: OutageCarry, ev: { at: string; id: number }) {
    const s = carried.status;
    detectedAt = Date.parse(s.detectedAt);
    chainFrom = carried.chainFrom;
    next = carried.next;
    facts = carried.facts;
    due = Date.parse(s.engagementDue);
    state = s.engagement;
    classifications.push(...s.classificationHistory);
    if (s.engagedAt)
      engaged = {
        at: s.engagedAt,
        by: s.engagedBy ?? '',
        met: s.met ?? false,
        minutes: s.engagementMinutes ?? 0,
        receivedAt: s.ackReceivedAt,
        claimedAt: s.ackClaimedAt,
      };
    const summary = `outage ${s.key} continues (run ${s.run + 1}): ${s.state}, detected ${short(s.detectedAt)}, ${s.reports} report(s), C9 ${s.engagement}, ${carried.openPages.length} page(s) open`;
    return eventEntry(ev, 'resumed', summary, carried);
  }

  return {
    events: {
      WorkflowTaskStarted(ev) {
        workflowNow = Date.parse(ev.at);
        return [];
      },
    },

    started([report, run], ev) {
      first = report;
      if (run?.carried) return [resumed(run.carried, ev)];
      detectedAt = Date.parse(report.startedAt ?? report.receivedAt);
      chainFrom = detectedAt;
      classifications.push({
        at: iso(detectedAt),
        by: report.source,
        classification: 'unexpected',
        regions: report.regions,
        reason: 'reported; unexpected until classified otherwise (C9)',
      });
      const from = report.startedAt ? "the monitor's start" : 'when the report arrived';
      const summary = `outage ${report.key} reported by ${report.source} for ${report.regions.join(', ')}: detected ${short(iso(detectedAt))} (${from}, I7); "${report.summary}"`;
      return [eventEntry(ev, 'detected', summary, { ...report, detectedAt: iso(detectedAt) })];
    },

    activities: {
      outageFacts(s) {
        const f: Partial<OutageFacts> | undefined = (facts = s.result);
        if (!f?.steps || f.engagementMinutes === undefined)
          return [activityEntry(s, 'rules', 'engagement target and chain')];
        const claim = backdated(f.backdateLimitMinutes);
        due = engagementDue(detectedAt, f.engagementMinutes);
        const chain = f.steps
          .map((st) => `${st.id} +${st.afterMinutes} min → ${st.audience} (${st.channels.join('+')})`)
          .join(', ');
        return [
          activityEntry(
            s,
            'rules',
            `C9: Level 3 engaged within ${f.engagementMinutes} min of detection, 24/7 (I7) → due ${short(iso(due))}; chain ${chain}, again every ${f.repeatMinutes} min until acknowledged (policy ${f.policyVersion})`,
            { ...f, engagementDue: iso(due) },
          ),
          ...(claim ? [activityEntry(s, 'claimed-start', claim)] : []),
        ];
      },
      resolveAudience(s) {
        const who = (s.result ?? []).map((r) => r.id);
        if (recorded)
          return [
            activityEntry(
              s,
              'resolution notice',
              `resolution notice to status-audience: ${who.join(', ') || 'nobody'}`,
              {
                recipients: who,
              },
            ),
          ];
        const step = nextStep(workflowNow || Date.parse(s.at));
        if (!step)
          return [activityEntry(s, 'escalation', `roster lookup: ${who.join(', ') || 'nobody on duty'}`)];
        stepsFired.push({
          id: step.id,
          audience: step.audience,
          plannedAt: iso(step.at),
          at: s.at,
          recipients: who,
        });
        const summary = `step ${step.id} (planned ${short(iso(step.at))}: ${step.reason}) to ${step.audience}: ${who.join(', ') || 'nobody on duty'}`;
        return [
          activityEntry(s, 'escalation', summary, { step: { ...step, at: iso(step.at) }, recipients: who }),
        ];
      },
      sendPage(s) {
        const p = s.args?.[0];
        const key = p?.dedupKey ?? '';
        const { step, responderId } = pageParts(key);
        const trail = pages.get(key) ?? {
          dedupKey: key,
          step,
          responderId,
          triggeredAt: null,
          resolvedAt: null,
        };
        pages.set(key, trail);
        if (p?.action === 'resolve') {
          if (!s.failure) trail.resolvedAt = s.at;
          return [activityEntry(s, 'page-resolve', `page of ${step} to ${responderId} resolved (${key})`)];
        }
        if (s.failure) trail.failure = s.failure.message;
        else trail.triggeredAt = s.at;
        const summary = `page ${step} → ${responderId}${p?.severity ? ` (${p.severity})` : ''}, dedup key ${key}`;
        return [activityEntry(s, 'page', summary, { ...p, result: s.result, failure: s.failure })];
      },
      sendEmail(s) {
        emails.push({ messageId: s.args?.[0].messageId ?? '', at: s.at, ok: !s.failure });
        return [emailEntry(s)];
      },
      checkOutageResponder(s) {
        // The acknowledgement's own entry says the verdict; a refusal is its answer. What it
        // cannot say is why an agent the provider named was not credited: the match says it
        // (recorded since pagingUserId; earlier runs have none).
        const match = s.result?.agentMatch;
        if (match === undefined || (typeof match === 'string' && match !== 'unknown')) return [];
        const summary =
          typeof match === 'object'
            ? `the acknowledging agent fits several responders (${match.ambiguous.join(', ')}): none credited, the acknowledgement is the paged responder's`
            : "the acknowledging agent is not in the roster: recorded as given, the acknowledgement is the paged responder's";
        return [activityEntry(s, 'roster-check', summary)];
      },
      recordOutage(s) {
        recorded = true;
        const r = s.args?.[0];
        record = { result: s.result, record: r };
        const summary = r
          ? `outage record ${s.result ?? ''}: ${r.classification}, ${r.regions.join(', ')}, ${short(r.start)} → ${short(r.end)}, engaged ${r.engagedAt ? `${short(r.engagedAt)} by ${r.engagedBy}` : 'never'}, C9 ${r.engagementMet ? 'met' : 'breached'} (I9 counts it only if unexpected)`
          : 'outage record';
        return [ledgerEntry(s, summary, { record: r })];
      },
    },

    updates: [
      update(
        reportOutage,
        'report',
        ({ args: [m], result: r, failure }) =>
          `report from ${m.source} for ${m.regions.join(', ')}${failure ? '' : ` → ${r?.message ?? ''} (${r?.reports ?? '?'} report(s))`}`,
      ),
      update(acknowledgeOutage, 'acknowledgement', ({ args: [m], result: r }) => {
        if (r && !r.alreadyEngaged)
          engaged = {
            at: r.engagedAt,
            by: r.engagedBy,
            met: r.met,
            minutes: r.engagementMinutes,
            receivedAt: r.receivedAt ?? null,
            claimedAt: r.claimedAt ?? null,
          };
        // C9 (I7) is judged on the receipt; the time the acknowledgement stated is shown
        // beside it, with whether it counted (at most a minute before the receipt).
        const when =
          r?.receivedAt && !r.alreadyEngaged
            ? `, received ${short(r.receivedAt)}${m.at ? `, stating ${short(m.at)}${Date.parse(m.at) === Date.parse(r.engagedAt) ? '' : ' (not counted: C9 takes the receipt)'}` : ''}`
            : m.at
              ? ` at ${short(m.at)}`
              : '';
        const agent = [m.agent, m.agentId && `paging user ${m.agentId}`].filter(Boolean).join(', ');
        const by = `${m.responderId}${agent ? ` (agent ${agent})` : ''}`;
        const verdict = !r
          ? ''
          : r.alreadyEngaged
            ? ` → already engaged by ${r.engagedBy} at ${short(r.engagedAt)}: the first acknowledgement stands`
            : ` → engaged at ${short(r.engagedAt)}${r.engagedBy !== m.responderId ? ` by ${r.engagedBy}` : ''}, ${minutes(r.engagementMinutes)} min after detection: C9 ${r.met ? 'met' : `breached (due ${dueAt()})`}`;
        return `acknowledged by ${by}${when}${verdict}`;
      }),
      update(classifyOutage, 'classification', ({ args: [m], result: r, acceptedAt }) => {
        if (r)
          classifications.push({
            at: acceptedAt,
            by: m.by,
            classification: r.classification,
            regions: r.regions,
            reason: m.reason,
          });
        const counted =
          m.classification === 'unexpected' ? 'counted as downtime' : 'recorded, not counted (C3/C4)';
        return `classified ${m.classification}${r ? ` for ${r.regions.join(', ')}` : ''} by ${m.by}: ${m.reason} — ${counted}`;
      }),
      update(confirmOutageStart, 'start-confirmed', ({ args: [m], result: r, acceptedAt }) => {
        if (r && !r.alreadyConfirmed) {
          detectedAt = Date.parse(r.detectedAt);
          due = Date.parse(r.engagementDue);
          const current = classifications.at(-1);
          classifications.push({
            at: acceptedAt,
            by: m.by,
            classification: current?.classification ?? 'unexpected',
            regions: current?.regions ?? [],
            reason: `start confirmed at ${r.detectedAt} as the webhook claimed (I7): ${m.reason}`,
          });
        }
        const outcome = !r
          ? ''
          : r.alreadyConfirmed
            ? ` → already confirmed: counts from ${short(r.detectedAt)}`
            : ` → counts from ${short(r.detectedAt)}, engagement due ${short(r.engagementDue)}: C9 ${r.engagement}`;
        return `claimed start confirmed by ${m.by}: ${m.reason}${outcome}`;
      }),
      update(
        resolveOutage,
        'resolution',
        ({ args: [m], result: r }) =>
          `resolved by ${m.by}${r ? `: ended ${short(r.end)}, C9 ${r.met ? 'met' : 'breached'}` : ''}${m.reason ? ` (${m.reason})` : ''}`,
      ),
    ],

    searchAttributes(_changed, ev, nextState) {
      if (!nextState || nextState === state) return [];
      const from = state;
      state = nextState;
      if (nextState !== 'breached') return [];
      const summary = engaged
        ? `C9 breached: engaged after the due instant ${dueAt()}`
        : `C9 breached: nobody at Level 3 acknowledged by ${dueAt()}`;
      return [eventEntry(ev, 'breach', summary, { from, to: nextState })];
    },

    final: (f) =>
      `final: ${f.classification}, ${f.regions.join(', ')}, ${short(f.detectedAt)} → ${short(f.end)}; C9 ${f.met ? 'met' : 'breached'}${f.engagedAt ? `, engaged ${short(f.engagedAt)} by ${f.engagedBy}` : ', never engaged'}; ${f.stepsFired.length + (f.dropped?.steps ?? 0)} step(s), ${f.pages.length + (f.dropped?.pages ?? 0)} page(s), ${f.reports} report(s); record ${f.recorded ?? 'not written'}`,

    facts: (final) => ({
      outage: first && {
        key: first.key,
        summary: first.summary,
        source: first.source,
        regions: first.regions,
        detectedAt: iso(detectedAt),
      },
      policyVersions: facts?.policyVersion ? [facts.policyVersion] : [],
      ...(facts?.timeZone ? { timeZone: facts.timeZone } : {}),
      engagement: {
        minutes: facts?.engagementMinutes ?? null,
        due: due === null ? null : iso(due),
        engagedAt: engaged?.at ?? null,
        engagedBy: engaged?.by ?? null,
        ackReceivedAt: engaged?.receivedAt ?? null,
        ackClaimedAt: engaged?.claimedAt ?? null,
        minutesToEngage: engaged?.minutes ?? null,
        met: final?.met ?? engaged?.met ?? null,
      },
      classificationHistory: classifications,
      stepsFired,
      pages: [...pages.values()],
      emails,
      record: record?.record ?? null,
      recorded: record?.result ?? null,
      state: final?.state ?? null,
    }),
  };
}
