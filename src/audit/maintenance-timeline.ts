/**
 * How an auditor reads a planned maintenance window's history (C1, I9): the window as scheduled,
 * the notice rule and its policy version, each notice round (who it went to, each message with
 * the instant it was accepted), whether the round qualified the window for exclusion with the
 * 24-hour reason, reschedules and cancellation with the withdrawals they sent, the window's real
 * start and end (or its timers when nobody said), the overrun counted as downtime, each round's
 * notices written to the ledger per customer (I9 as amended: what the close judges each customer
 * by), the record written to the ledger, and the final status.
 *
 * The first round's judgement is no update's answer (the workflow judges it alone): it is
 * recomputed with the workflow's own rule (noticeQualification) from the recorded deliveries; a
 * reschedule's judgement is its recorded answer.
 */
import type { MaintenanceNotice } from '../activities/maintenance';
import type { MaintenanceRecord } from '../ledger/types';
import type { ScheduleMaintenance } from '../model/maintenance';
import { noticeQualification } from '../rules/maintenance';
import { cancel, ended, reschedule, started } from '../messages/maintenance';
import { isUpdate, update, type ActivityStep, type Reading } from './interpret';
import { activityEntry, eventEntry, ledgerEntry, short, type TimelineEntry } from './render';

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

const round = (version: number, kind: Round['kind'], audience: string[] | null): Round => ({
  version,
  kind,
  start: null,
  end: null,
  regions: [],
  audience,
  deliveries: [],
  sentAt: null,
  qualifies: null,
  qualification: null,
});

export function maintenanceReading(): Reading<'maintenanceWorkflow'> {
  let input: ScheduleMaintenance | undefined;
  /** The zone is absent in runs recorded before the rule carried it. */
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

  /** C1 on the round's recorded deliveries, once every customer of its audience has an answer. */
  function judge(round: Round, at: string, eventId: number): TimelineEntry[] {
    if (round.audience === null || round.qualifies !== null || !rules) return [];
    const announced = round.deliveries.filter((d) => d.kind !== 'cancelled');
    if (announced.length < round.audience.length) return [];
    const times = announced.flatMap((d) => (d.sentAt ? [Date.parse(d.sentAt)] : []));
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
      eventEntry(
        { at, id: eventId },
        'qualification',
        `notice v${round.version} ${q.qualifies ? 'qualifies' : 'does not qualify'} the window for exclusion: ${q.reason}${round.sentAt ? `; last message accepted ${short(round.sentAt)}` : ''}`,
        {
          version: round.version,
          ...q,
          sentAt: round.sentAt,
          start: round.start,
          noticeHours: rules.noticeHours,
        },
      ),
    ];
  }

  function notice(s: ActivityStep<'sendMaintenanceNotice'>): TimelineEntry[] {
    const n = s.args?.[0];
    if (!n) return [activityEntry(s, 'notice', 'notice')];
    // A cancellation's round has no audience lookup: it goes to whoever holds a notice.
    const r = rounds.get(n.version) ?? round(n.version, n.kind, null);
    rounds.set(n.version, r);
    if (n.kind !== 'cancelled' || r.kind === 'cancelled')
      Object.assign(r, { start: n.start, end: n.end, regions: n.regions });
    const sent = s.result;
    r.deliveries.push({
      customerId: n.customerId,
      kind: n.kind,
      ok: !s.failure,
      sentAt: sent?.sentAt ?? null,
      detail: s.failure ? s.failure.message : 'sent',
    });
    const what =
      n.kind === 'cancelled'
        ? r.kind === 'cancelled'
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
    return [entry, ...judge(r, s.at, s.eventId)];
  }

  return {
    started([i], ev) {
      input = i;
      const summary = `maintenance ${i.maintenanceId} scheduled: ${short(i.start)} → ${short(i.end)} in ${i.regions.join(', ')}`;
      return [
        eventEntry(ev, 'scheduled', summary, {
          maintenanceId: i.maintenanceId,
          start: i.start,
          end: i.end,
          regions: i.regions,
        }),
      ];
    },

    activities: {
      maintenanceRules(s) {
        const r: typeof rules = (rules = s.result);
        const summary = r
          ? `C1: a window is excluded from uptime only if every affected customer was told at least ${r.noticeHours} h before it starts (policy ${r.policyVersion})`
          : 'notice rule';
        return [activityEntry(s, 'rules', summary, r)];
      },
      maintenanceAudience(s) {
        const audience = s.result ?? [];
        announces += 1;
        const version = announces;
        const r = round(version, version === 1 ? 'scheduled' : 'rescheduled', audience);
        rounds.set(version, r);
        return [
          activityEntry(
            s,
            'audience',
            `notice v${version}: ${audience.length} customer(s) in the window's regions: ${audience.join(', ') || 'none'}`,
            { version, audience },
          ),
          ...judge(r, s.at, s.eventId),
        ];
      },
      sendMaintenanceNotice: notice,
      recordMaintenanceNotices(s) {
        const rows = s.args?.[0]?.notices ?? [];
        const reached = rows.filter((n) => n.sentAt !== null).length;
        const withdrawn = rows.filter((n) => n.kind === 'withdrawn').length;
        const versions = [...new Set(rows.map((n) => `v${n.version}`))].join(', ');
        const summary = `notices ${versions} recorded for ${rows.length} customer(s): ${reached} reached, ${rows.length - reached} failed${withdrawn ? ` (${withdrawn} withdrawal(s))` : ''}${s.result ? `; ${s.result.written} written, ${s.result.existing} already there` : ''}`;
        return [
          ledgerEntry(s, summary, {
            notices: rows.map((n) => ({
              customerId: n.customerId,
              version: n.version,
              kind: n.kind,
              sentAt: n.sentAt,
            })),
          }),
        ];
      },
      recordMaintenance(s) {
        const r = s.args?.[0];
        record = { record: r, result: s.result };
        const summary = r
          ? `window record ${s.result ?? ''}: ${r.status}, ${short(r.start)} → ${short(r.end)}, announced ${short(r.announcedAt)}, qualifies ${r.qualifies ? 'yes' : 'no'}${r.actualStart ? `, started ${short(r.actualStart)}` : ''}${r.actualEnd ? `, ended ${short(r.actualEnd)}` : ''}${r.rounds ? `, ${r.rounds.length} round(s) of notices` : ''}`
          : 'window record';
        return [ledgerEntry(s, summary, { record: r })];
      },
    },

    accepted(u) {
      if (isUpdate(u, started)) operatorStarting = true;
    },

    updates: [
      update(reschedule, 'reschedule', ({ args: [m], result: r }) => {
        const rescheduled = r && rounds.get(r.version);
        if (rescheduled) {
          // The workflow's own verdict stands (the recomputed one agrees; it is the record).
          rescheduled.qualifies = r.qualifies;
          rescheduled.qualification = r.qualification;
        }
        return `rescheduled to ${short(m.start)} → ${short(m.end)}${m.regions ? ` in ${m.regions.join(', ')}` : ''}${r ? ` → notice v${r.version}, qualifies ${r.qualifies ? 'yes' : 'no'}: ${r.qualification}` : ''}`;
      }),
      update(
        cancel,
        'cancellation',
        ({ args: [m], result: r }) =>
          `cancelled: ${m.reason}${r ? ` → v${r.version}, ${r.notified} customer(s) told; nothing excluded from uptime` : ''}`,
      ),
      update(started, 'started', ({ result: r }) => {
        operatorStarting = false;
        if (r) operatorStarted = true;
        return `operator: started${r ? ` at ${short(r.startedAt)} (${r.state})` : ''}`;
      }),
      update(
        ended,
        'ended',
        ({ args: [m], result: r }) =>
          `operator: ended${r ? ` at ${short(r.endedAt)}${r.overrunMs > 0 ? `, ${hm(r.overrunMs)} past the announced end: counted as downtime (I9)` : ', within the announced window'}` : m.at ? ` at ${short(m.at)}` : ''}`,
      ),
    ],

    searchAttributes(_changed, ev, next) {
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
      return summary ? [eventEntry(ev, 'state', summary, { from, to: next })] : [];
    },

    final: (f) =>
      `final: ${f.state}, ${short(f.start)} → ${short(f.end)}, notice v${f.version}, qualifies ${f.qualifies ? 'yes' : 'no'} (${f.qualification})${f.overrunMs > 0 ? `, overrun ${hm(f.overrunMs)}` : ''}; record ${f.record ?? 'not written'}`,

    facts: (final) => ({
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
