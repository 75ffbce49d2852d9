/**
 * How an auditor reads a planned maintenance window's history (C1, I9): the window as scheduled,
 * the notice rule and its policy version, each notice round (who it went to, each message with
 * the instant it was accepted), whether the round qualified the window for exclusion with the
 * 24-hour reason, reschedules and cancellation with the withdrawals they sent, the window's real
 * start and end (or its timers when nobody said), the overrun counted as downtime, the record
 * written to the ledger, and the final status.
 *
 * The first round's judgement is no update's answer (the workflow judges it alone): it is
 * recomputed with the workflow's own rule (noticeQualification) from the recorded deliveries; a
 * reschedule's judgement is its recorded answer.
 */
import type { MaintenanceNotice, NoticeSent } from '../activities/maintenance';
import type { MaintenanceRecord } from '../ledger/types';
import type {
  CancelMaintenance,
  EndMaintenance,
  RescheduleMaintenance,
  ScheduleMaintenance,
} from '../model/maintenance';
import { noticeQualification } from '../rules/maintenance';
import type { MaintenanceStatus, NoticeResult } from '../messages/maintenance';
import {
  activityEntry,
  updateEntry,
  type ActivityStep,
  type Interpreter,
  type TimelineEntry,
} from './timeline';

const short = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '—');
const hm = (ms: number) =>
  `${Math.floor(ms / 3_600_000)} h ${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')} min`;

interface Round {
  version: number;
  kind: 'scheduled' | 'rescheduled' | 'cancelled';
  start: string | null;
  end: string | null;
  regions: string[];
  /** Customers the round announced to (null for a cancellation: whoever held a notice). */
  audience: string[] | null;
  deliveries: {
    customerId: string;
    kind: MaintenanceNotice['kind'];
    ok: boolean;
    sentAt: string | null;
    detail: string;
  }[];
  sentAt: string | null;
  qualifies: boolean | null;
  qualification: string | null;
}

export function maintenanceInterpreter(): Interpreter {
  let input: ScheduleMaintenance | undefined;
  let rules: { noticeHours: number; policyVersion: string; timeZone?: string } | undefined;
  const rounds = new Map<number, Round>();
  let announces = 0;
  let state = 'scheduled';
  let operatorStarted = false;
  // The operator's `started` changes SlaState inside its handler: history records that change
  // between the message's acceptance and its answer, so the answer comes too late to say who
  // moved the window (a dev-server run showed it: an early start read as "started as announced").
  let operatorStarting = false;
  let record: { record: MaintenanceRecord | undefined; result: unknown } | undefined;
  let final: MaintenanceStatus | undefined;

  /** C1 on the round's recorded deliveries, once every customer of its audience has an answer. */
  function judge(round: Round, at: string, eventId: number): TimelineEntry[] {
    if (round.audience === null || round.qualifies !== null || !rules) return [];
    const announced = round.deliveries.filter((d) => d.kind !== 'cancelled');
    if (announced.length < round.audience.length) return [];
    const times = announced.filter((d) => d.sentAt).map((d) => Date.parse(d.sentAt!));
    round.sentAt = times.length ? new Date(Math.max(...times)).toISOString() : null;
    const q = noticeQualification({
      noticeAt: round.sentAt ? Date.parse(round.sentAt) : null,
      start: Date.parse(round.start ?? input?.start ?? ''),
      noticeHours: rules.noticeHours,
      affected: round.audience.length,
      failed: announced.filter((d) => !d.ok).length,
    });
    round.qualifies = q.qualifies;
    round.qualification = q.reason;
    return [
      {
        at,
        eventId,
        kind: 'qualification',
        summary: `notice v${round.version} ${q.qualifies ? 'qualifies' : 'does not qualify'} the window for exclusion: ${q.reason}${round.sentAt ? `; last message accepted ${short(round.sentAt)}` : ''}`,
        detail: {
          version: round.version,
          ...q,
          sentAt: round.sentAt,
          start: round.start,
          noticeHours: rules.noticeHours,
        },
      },
    ];
  }

  function notice(s: ActivityStep): TimelineEntry[] {
    const n = s.args?.[0] as MaintenanceNotice | undefined;
    if (!n) return [activityEntry(s, 'notice', 'notice')];
    let round = rounds.get(n.version);
    if (!round) {
      // A cancellation's round has no audience lookup: it goes to whoever holds a notice.
      round = {
        version: n.version,
        kind: n.kind,
        start: n.start,
        end: n.end,
        regions: n.regions,
        audience: null,
        deliveries: [],
        sentAt: null,
        qualifies: null,
        qualification: null,
      };
      rounds.set(n.version, round);
    }
    if (n.kind !== 'cancelled' || round.kind === 'cancelled') {
      round.start = n.start;
      round.end = n.end;
      round.regions = n.regions;
    }
    const sent = s.result as NoticeSent | undefined;
    round.deliveries.push({
      customerId: n.customerId,
      kind: n.kind,
      ok: !s.failure,
      sentAt: sent?.sentAt ?? null,
      detail: s.failure ? s.failure.message : 'sent',
    });
    const what =
      n.kind === 'cancelled'
        ? round.kind === 'cancelled'
          ? 'cancellation'
          : 'withdrawal (no longer affected)'
        : `${n.kind} notice`;
    const entry = activityEntry(
      s,
      n.kind === 'cancelled' ? 'withdrawal' : 'notice',
      `${what} v${n.version} to ${n.customerId}${sent ? ` (${sent.recipients} administrator(s)), accepted ${short(sent.sentAt)}` : ''}: ${short(n.start)} → ${short(n.end)}, ${n.regions.join(', ')}`,
      {
        messageId: n.messageId,
        customerId: n.customerId,
        kind: n.kind,
        version: n.version,
        result: s.result,
        failure: s.failure,
      },
    );
    return [entry, ...judge(round, s.at, s.eventId)];
  }

  return {
    started(args, ev) {
      input = args[0] as ScheduleMaintenance;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'scheduled',
          summary: `maintenance ${input.maintenanceId} scheduled: ${short(input.start)} → ${short(input.end)} in ${input.regions.join(', ')}`,
          detail: {
            maintenanceId: input.maintenanceId,
            start: input.start,
            end: input.end,
            regions: input.regions,
          },
        },
      ];
    },

    activity(s) {
      switch (s.name) {
        case 'maintenanceRules':
          rules = s.result as typeof rules;
          return [
            activityEntry(
              s,
              'rules',
              rules
                ? `C1: a window is excluded from uptime only if every affected customer was told at least ${rules.noticeHours} h before it starts (policy ${rules.policyVersion})`
                : 'notice rule',
              rules,
            ),
          ];
        case 'maintenanceAudience': {
          const audience = (s.result as string[] | undefined) ?? [];
          announces += 1;
          const version = announces;
          const round: Round = {
            version,
            kind: version === 1 ? 'scheduled' : 'rescheduled',
            start: null,
            end: null,
            regions: [],
            audience,
            deliveries: [],
            sentAt: null,
            qualifies: null,
            qualification: null,
          };
          rounds.set(version, round);
          return [
            activityEntry(
              s,
              'audience',
              `notice v${version}: ${audience.length} customer(s) in the window's regions: ${audience.join(', ') || 'none'}`,
              { version, audience },
            ),
            ...judge(round, s.at, s.eventId),
          ];
        }
        case 'sendMaintenanceNotice':
          return notice(s);
        case 'recordMaintenance': {
          const r = s.args?.[0] as MaintenanceRecord | undefined;
          record = { record: r, result: s.result };
          return [
            activityEntry(
              s,
              'ledger-write',
              r
                ? `window record ${typeof s.result === 'string' ? s.result : ''}: ${r.status}, ${short(r.start)} → ${short(r.end)}, announced ${short(r.announcedAt)}, qualifies ${r.qualifies ? 'yes' : 'no'}${r.actualStart ? `, started ${short(r.actualStart)}` : ''}${r.actualEnd ? `, ended ${short(r.actualEnd)}` : ''}`
                : 'window record',
              { record: r, result: s.result, failure: s.failure },
            ),
          ];
        }
        default:
          return [activityEntry(s, s.name, `activity ${s.name}`)];
      }
    },

    accepted(u) {
      if (u.name === 'started') operatorStarting = true;
    },

    update(u) {
      const answer = (text: string) => (u.at === null ? `${text} (not answered yet)` : text);
      switch (u.name) {
        case 'reschedule': {
          const m = u.args[0] as RescheduleMaintenance;
          const r = u.result as NoticeResult | undefined;
          const round = r ? rounds.get(r.version) : undefined;
          if (round && r) {
            // The workflow's own verdict stands (the recomputed one agrees; it is the record).
            round.qualifies = r.qualifies;
            round.qualification = r.qualification;
          }
          return [
            updateEntry(
              u,
              answer(
                `rescheduled to ${short(m.start)} → ${short(m.end)}${m.regions ? ` in ${m.regions.join(', ')}` : ''}${r ? ` → notice v${r.version}, qualifies ${r.qualifies ? 'yes' : 'no'}: ${r.qualification}` : ''}`,
              ),
              'reschedule',
            ),
          ];
        }
        case 'cancel': {
          const m = u.args[0] as CancelMaintenance;
          const r = u.result as { version: number; notified: number } | undefined;
          return [
            updateEntry(
              u,
              answer(
                `cancelled: ${m.reason}${r ? ` → v${r.version}, ${r.notified} customer(s) told; nothing excluded from uptime` : ''}`,
              ),
              'cancellation',
            ),
          ];
        }
        case 'started': {
          const r = u.result as { startedAt: string; state: string } | undefined;
          operatorStarting = false;
          if (r) operatorStarted = true;
          return [
            updateEntry(
              u,
              answer(`operator: started${r ? ` at ${short(r.startedAt)} (${r.state})` : ''}`),
              'started',
            ),
          ];
        }
        case 'ended': {
          const m = u.args[0] as EndMaintenance;
          const r = u.result as { endedAt: string; overrunMs: number } | undefined;
          return [
            updateEntry(
              u,
              answer(
                `operator: ended${r ? ` at ${short(r.endedAt)}${r.overrunMs > 0 ? `, ${hm(r.overrunMs)} past the announced end: counted as downtime (I9)` : ', within the announced window'}` : m.at ? ` at ${short(m.at)}` : ''}`,
              ),
              'ended',
            ),
          ];
        }
        default:
          return [updateEntry(u, answer(`message ${u.name}`))];
      }
    },

    searchAttributes(changed, ev) {
      const next = changed.SlaState as string | undefined;
      if (!next || next === state) return [];
      const from = state;
      state = next;
      // Operator messages and cancellation say their own; the timers' moves are told here.
      const told: Record<string, string> = {
        'scheduled→in-progress':
          operatorStarted || operatorStarting
            ? ''
            : 'the announced start passed: the window started as announced',
        'in-progress→overrunning':
          'the announced end passed with the work not over: overrunning (I9: counted as downtime)',
        'in-progress→completed': operatorStarted
          ? ''
          : 'the announced end passed: the window ran as announced',
      };
      const summary = told[`${from}→${next}`];
      return summary
        ? [{ at: ev.at, eventId: ev.id, kind: 'state', summary, detail: { from, to: next } }]
        : [];
    },

    closed(ev, result) {
      final = result as MaintenanceStatus | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary: final
            ? `final: ${final.state}, ${short(final.start)} → ${short(final.end)}, notice v${final.version}, qualifies ${final.qualifies ? 'yes' : 'no'} (${final.qualification})${final.overrunMs > 0 ? `, overrun ${hm(final.overrunMs)}` : ''}; record ${final.record ?? 'not written'}`
            : `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },

    facts: () => ({
      maintenance: input && {
        maintenanceId: input.maintenanceId,
        scheduled: { start: input.start, end: input.end, regions: input.regions },
      },
      policyVersions: rules ? [rules.policyVersion] : [],
      ...(rules?.timeZone ? { timeZone: rules.timeZone } : {}),
      noticeHours: rules?.noticeHours ?? null,
      notices: [...rounds.values()],
      qualifies: final?.qualifies ?? null,
      qualification: final?.qualification ?? null,
      window: final && {
        start: final.start,
        end: final.end,
        startedAt: final.startedAt,
        endedAt: final.endedAt,
        overrunMs: final.overrunMs,
      },
      record: record?.record ?? null,
      recorded: record?.result ?? null,
      state: final?.state ?? state,
    }),
  };
}
