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
import type { Recipient } from '../activities/tickets';
import type { EmailMessage } from '../activities/email';
import type { OutageFacts } from '../activities/outages';
import type { PageEvent } from '../activities/paging';
import type { OutageRecord } from '../ledger/types';
import type {
  AcknowledgeOutage,
  ClassifyOutage,
  ConfirmStart,
  ReceivedReport,
  ResolveOutage,
} from '../model/outage';
import type { AgentVerdict } from '../rules/agent';
import {
  countedStart,
  dueOccurrences,
  engagementDue,
  stepOccurrence,
  type StepOccurrence,
} from '../rules/outage-plan';
import type { AcknowledgeAnswer, ConfirmStartAnswer, OutageStatus } from '../messages/outage';
import type { OutageRun } from '../workflows/outage';
import { activityEntry, updateEntry, type Interpreter, type TimelineEntry } from './timeline';

const short = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '—');
const iso = (t: number) => new Date(t).toISOString();
const minutes = (m: number) => String(Math.round(m * 100) / 100);

interface PageTrail {
  dedupKey: string;
  step: string;
  responderId: string;
  triggeredAt: string | null;
  resolvedAt: string | null;
  failure?: string;
}

export function outageInterpreter(): Interpreter {
  let first: ReceivedReport | undefined;
  let detectedAt = 0;
  /** Where the chain counts from: detection as the outage opened (a confirmed claim moves only detection). */
  let chainFrom = 0;
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
  const classifications: {
    at: string;
    by: string;
    classification: string;
    regions: string[];
    reason: string;
  }[] = [];
  let record: { result: unknown; record: OutageRecord | undefined } | undefined;
  let state = 'on-track';
  let final: OutageStatus | undefined;

  /** The chain step a roster lookup at the workflow's `now` answered (the workflow's own rule). */
  function nextStep(now: number): StepOccurrence | undefined {
    const steps = facts?.steps;
    if (!steps?.length || facts?.repeatMinutes === undefined) return undefined;
    if (!pending.length) {
      const firing = dueOccurrences(steps, facts.repeatMinutes, chainFrom, next, now);
      next = firing.next;
      pending.push(...firing.due.map((n) => stepOccurrence(steps, facts!.repeatMinutes!, chainFrom, n)));
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
  function resumed(
    carried: NonNullable<OutageRun['carried']>,
    ev: { at: string; id: number },
  ): TimelineEntry {
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
    return {
      at: ev.at,
      eventId: ev.id,
      kind: 'resumed',
      summary: `outage ${s.key} continues (run ${s.run + 1}): ${s.state}, detected ${short(s.detectedAt)}, ${s.reports} report(s), C9 ${s.engagement}, ${carried.openPages.length} page(s) open`,
      detail: carried,
    };
  }

  /** `<workflowId>:<step occurrence>:<responder>` (src/workflows/outage.ts). */
  const pageParts = (dedupKey: string) => {
    const parts = dedupKey.split(':');
    return { step: parts[parts.length - 2] ?? '?', responderId: parts[parts.length - 1] ?? '?' };
  };

  return {
    event(ev) {
      if (ev.type === 'WorkflowTaskStarted') workflowNow = Date.parse(ev.at);
      return [];
    },

    started(args, ev) {
      first = args[0] as ReceivedReport;
      const carried = (args[1] as OutageRun | undefined)?.carried;
      if (carried) return [resumed(carried, ev)];
      detectedAt = Date.parse(first.startedAt ?? first.receivedAt);
      chainFrom = detectedAt;
      classifications.push({
        at: iso(detectedAt),
        by: first.source,
        classification: 'unexpected',
        regions: first.regions,
        reason: 'reported; unexpected until classified otherwise (C9)',
      });
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'detected',
          summary: `outage ${first.key} reported by ${first.source} for ${first.regions.join(', ')}: detected ${short(iso(detectedAt))} (${first.startedAt ? "the monitor's start" : 'when the report arrived'}, I7); "${first.summary}"`,
          detail: { ...first, detectedAt: iso(detectedAt) },
        },
      ];
    },

    activity(s) {
      switch (s.name) {
        case 'outageFacts': {
          facts = s.result as Partial<OutageFacts> | undefined;
          if (!facts?.steps || facts.engagementMinutes === undefined)
            return [activityEntry(s, 'rules', 'engagement target and chain')];
          const claim = backdated(facts.backdateLimitMinutes);
          due = engagementDue(detectedAt, facts.engagementMinutes);
          const chain = facts.steps
            .map((st) => `${st.id} +${st.afterMinutes} min → ${st.audience} (${st.channels.join('+')})`)
            .join(', ');
          return [
            activityEntry(
              s,
              'rules',
              `C9: Level 3 engaged within ${facts.engagementMinutes} min of detection, 24/7 (I7) → due ${short(iso(due))}; chain ${chain}, again every ${facts.repeatMinutes} min until acknowledged (policy ${facts.policyVersion})`,
              { ...facts, engagementDue: iso(due) },
            ),
            ...(claim ? [activityEntry(s, 'claimed-start', claim)] : []),
          ];
        }
        case 'resolveAudience': {
          const who = ((s.result as Recipient[] | undefined) ?? []).map((r) => r.id);
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
          return [
            activityEntry(
              s,
              'escalation',
              `step ${step.id} (planned ${short(iso(step.at))}: ${step.reason}) to ${step.audience}: ${who.join(', ') || 'nobody on duty'}`,
              { step: { ...step, at: iso(step.at) }, recipients: who },
            ),
          ];
        }
        case 'sendPage': {
          const p = s.args?.[0] as PageEvent | undefined;
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
          return [
            activityEntry(
              s,
              'page',
              `page ${step} → ${responderId}${p?.severity ? ` (${p.severity})` : ''}, dedup key ${key}`,
              { ...p, result: s.result, failure: s.failure },
            ),
          ];
        }
        case 'sendEmail': {
          const m = s.args?.[0] as EmailMessage | undefined;
          emails.push({ messageId: m?.messageId ?? '', at: s.at, ok: !s.failure });
          return [
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
        case 'checkOutageResponder': {
          // The acknowledgement's own entry says the verdict; a refusal is its answer. What it
          // cannot say is why an agent the provider named was not credited: the match says it
          // (recorded since pagingUserId; earlier runs have none).
          const match = (s.result as { agentMatch?: AgentVerdict } | undefined)?.agentMatch;
          if (match === undefined || (typeof match === 'string' && match !== 'unknown')) return [];
          return [
            activityEntry(
              s,
              'roster-check',
              typeof match === 'object'
                ? `the acknowledging agent fits several responders (${match.ambiguous.join(', ')}): none credited, the acknowledgement is the paged responder's`
                : "the acknowledging agent is not in the roster: recorded as given, the acknowledgement is the paged responder's",
            ),
          ];
        }
        case 'recordOutage': {
          recorded = true;
          const r = s.args?.[0] as OutageRecord | undefined;
          record = { result: s.result, record: r };
          return [
            activityEntry(
              s,
              'ledger-write',
              r
                ? `outage record ${typeof s.result === 'string' ? s.result : ''}: ${r.classification}, ${r.regions.join(', ')}, ${short(r.start)} → ${short(r.end)}, engaged ${r.engagedAt ? `${short(r.engagedAt)} by ${r.engagedBy}` : 'never'}, C9 ${r.engagementMet ? 'met' : 'breached'} (I9 counts it only if unexpected)`
                : 'outage record',
              { record: r, result: s.result, failure: s.failure },
            ),
          ];
        }
        default:
          return [activityEntry(s, s.name, `activity ${s.name}`)];
      }
    },

    update(u) {
      const answer = (text: string) => (u.at === null ? `${text} (not answered yet)` : text);
      switch (u.name) {
        case 'report': {
          const m = u.args[0] as ReceivedReport;
          const r = (u.result ?? {}) as { created?: boolean; reports?: number; message?: string };
          return [
            updateEntry(
              u,
              answer(
                `report from ${m.source} for ${m.regions.join(', ')}${u.failure ? '' : ` → ${r.message ?? ''} (${r.reports ?? '?'} report(s))`}`,
              ),
              'report',
            ),
          ];
        }
        case 'acknowledge': {
          const m = u.args[0] as AcknowledgeOutage;
          const r = u.result as AcknowledgeAnswer | undefined;
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
              : ` → engaged at ${short(r.engagedAt)}${r.engagedBy !== m.responderId ? ` by ${r.engagedBy}` : ''}, ${minutes(r.engagementMinutes)} min after detection: C9 ${r.met ? 'met' : `breached (due ${short(due === null ? null : iso(due))})`}`;
          return [updateEntry(u, answer(`acknowledged by ${by}${when}${verdict}`), 'acknowledgement')];
        }
        case 'classify': {
          const m = u.args[0] as ClassifyOutage;
          const r = u.result as { classification: string; regions: string[] } | undefined;
          if (r)
            classifications.push({
              at: u.acceptedAt,
              by: m.by,
              classification: r.classification,
              regions: r.regions,
              reason: m.reason,
            });
          const counted =
            m.classification === 'unexpected' ? 'counted as downtime' : 'recorded, not counted (C3/C4)';
          return [
            updateEntry(
              u,
              answer(
                `classified ${m.classification}${r ? ` for ${r.regions.join(', ')}` : ''} by ${m.by}: ${m.reason} — ${counted}`,
              ),
              'classification',
            ),
          ];
        }
        case 'confirmStart': {
          const m = u.args[0] as ConfirmStart;
          const r = u.result as ConfirmStartAnswer | undefined;
          if (r && !r.alreadyConfirmed) {
            detectedAt = Date.parse(r.detectedAt);
            due = Date.parse(r.engagementDue);
            const current = classifications.at(-1);
            classifications.push({
              at: u.acceptedAt,
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
          return [
            updateEntry(
              u,
              answer(`claimed start confirmed by ${m.by}: ${m.reason}${outcome}`),
              'start-confirmed',
            ),
          ];
        }
        case 'resolve': {
          const m = u.args[0] as ResolveOutage;
          const r = u.result as { end: string; met: boolean } | undefined;
          return [
            updateEntry(
              u,
              answer(
                `resolved by ${m.by}${r ? `: ended ${short(r.end)}, C9 ${r.met ? 'met' : 'breached'}` : ''}${m.reason ? ` (${m.reason})` : ''}`,
              ),
              'resolution',
            ),
          ];
        }
        default:
          return [updateEntry(u, answer(`message ${u.name}`))];
      }
    },

    searchAttributes(changed, ev) {
      const out: TimelineEntry[] = [];
      const nextState = changed.SlaState as string | undefined;
      if (nextState && nextState !== state) {
        if (nextState === 'breached')
          out.push({
            at: ev.at,
            eventId: ev.id,
            kind: 'breach',
            summary: engaged
              ? `C9 breached: engaged after the due instant ${short(due === null ? null : iso(due))}`
              : `C9 breached: nobody at Level 3 acknowledged by ${short(due === null ? null : iso(due))}`,
            detail: { from: state, to: nextState },
          });
        state = nextState;
      }
      return out;
    },

    closed(ev, result) {
      final = result as OutageStatus | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary: final
            ? `final: ${final.classification}, ${final.regions.join(', ')}, ${short(final.detectedAt)} → ${short(final.end)}; C9 ${final.met ? 'met' : 'breached'}${final.engagedAt ? `, engaged ${short(final.engagedAt)} by ${final.engagedBy}` : ', never engaged'}; ${final.stepsFired.length + (final.dropped?.steps ?? 0)} step(s), ${final.pages.length + (final.dropped?.pages ?? 0)} page(s), ${final.reports} report(s); record ${final.recorded ?? 'not written'}`
            : `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },

    facts: () => ({
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
