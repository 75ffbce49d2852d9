/**
 * How an auditor reads a billing month (C2, C14; I8–I10, I14) from its history alone, across
 * every run of its continue-as-new chain: the month and whether it was closed before, each batch
 * with each customer's uptime inputs (T, E, D of I9 and the outages and windows behind them, per
 * deployment region), tier and credit (I10) and the ledger entry the batch wrote, the credit
 * notices, each continue-as-new with the progress it carried, the month's close, and the result.
 * And the Schedule's trigger: which month it closes and why then (the grace period of I14), and
 * the month's workflow it started (or found already run).
 */
import type { Activities } from '../activities';
import type { CustomerFigures, RegionUptime } from '../activities/billing';
import { formatMinor } from '../rules/credits';
import { lateRecordSignal } from '../messages/billing';
import type { AuditEvent } from './history';
import { childResult, firstString, signal, type ActivityStep, type Reading } from './interpret';
import { activityEntry, eventEntry, short, type TimelineEntry } from './render';

const MINUTE = 60_000;
const mins = (ms: number) => {
  const m = Math.round((ms / MINUTE) * 100) / 100;
  return m >= 600 && Number.isInteger(m / 60) ? `${m / 60} h` : `${m} min`;
};
const moneyByCurrency = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([currency, minor]) => formatMinor(minor, currency))
    .join(', ') || 'none';

/** One customer's month as the timeline gives it (facts.customers). */
export interface CustomerMonth extends RegionUptime {
  customerId: string;
  region: string;
  currency: string;
  monthlyFeeMinor: number;
  creditPercent: number;
  creditMinor: number;
  /** The entry the batch wrote ({kind, sequence, amountMinor}), null if none was needed, or why none was. */
  written: { kind: string; sequence: number; amountMinor: number } | null | string;
  run: number;
  batch: number;
}

/** "uptime 99.9328 % (T 744 h, E 0 min, D 30 min; outages o-central)": I9's inputs for a region. */
export function uptimeInputs(u: RegionUptime): string {
  const behind = [
    u.outageIds.length ? `outages ${u.outageIds.join(', ')}` : '',
    u.maintenanceIds.length ? `maintenance ${u.maintenanceIds.join(', ')}` : '',
  ].filter(Boolean);
  return `uptime ${u.uptimePercent} % (T ${mins(u.totalMs)}, E ${mins(u.excludedMs)}, D ${mins(u.downtimeMs)}${behind.length ? `; ${behind.join('; ')}` : ''})`;
}

export function billingMonthReading(): Reading<'billingMonthWorkflow'> {
  let month = '';
  let batchSize: number | undefined;
  let run = 0;
  let batches = 0;
  /** The open outages are absent in runs recorded before the close looked them up. */
  let start: { customers: number; closed: boolean; openOutages?: { outageId: string }[] } | undefined;
  const policyVersions = new Set<string>();
  let timeZone: string | undefined;
  const regions: Record<string, RegionUptime> = {};
  const customers: CustomerMonth[] = [];
  /** Batches whose result carries no per-customer figures (histories whose batches did not record them). */
  let batchesWithoutFigures = 0;
  const notices: { batch: number; sent: number; at: string }[] = [];
  let close: { result: unknown; customers: number; totalCreditMinor: number } | undefined;

  function batchEntries(s: ActivityStep<'closeBillingBatch'>): TimelineEntry[] {
    const a = s.args?.[0];
    const r = s.result;
    const after = a?.after ?? 'the start';
    if (!r || r.through === null)
      return [
        activityEntry(
          s,
          'batch',
          r ? `no customer after ${after}: every customer done` : `batch after ${after}`,
        ),
      ];
    batches += 1;
    const out: TimelineEntry[] = [
      activityEntry(
        s,
        'batch',
        `batch ${batches}: ${r.customers} customer(s) after ${after} through ${r.through}; ${r.written} entr${r.written === 1 ? 'y' : 'ies'} written (${r.adjustments} adjustment(s)), ${r.credited} with money: ${moneyByCurrency(r.creditMinorByCurrency)}`,
        { input: a, result: { ...r, figures: undefined } },
      ),
    ];
    const f = r.figures;
    if (!f) {
      batchesWithoutFigures += 1;
      return out;
    }
    policyVersions.add(f.policyVersion);
    timeZone ??= f.timeZone;
    Object.assign(regions, f.regions);
    const idWidth = Math.max(...f.customers.map((c) => c[0].length));
    const regionWidth = Math.max(...f.customers.map((c) => c[1].length));
    for (const row of f.customers) {
      // Each customer's own figure (I9 per customer, I15), or its region's in older batches.
      const u = row[7] === undefined ? f.regions[row[1]] : f.uptimes?.[row[7]];
      out.push(customerEntry(s, row, u, idWidth, regionWidth));
    }
    return out;
  }

  function customerEntry(
    s: { at: string; eventId: number },
    row: CustomerFigures,
    u: RegionUptime | undefined,
    idWidth: number,
    regionWidth: number,
  ): TimelineEntry {
    const [customerId, region, currency, monthlyFeeMinor, creditPercent, creditMinor, w] = row;
    const written = Array.isArray(w) ? { kind: w[0], sequence: w[1], amountMinor: w[2] } : w;
    const c: CustomerMonth = {
      customerId,
      region,
      currency,
      monthlyFeeMinor,
      creditPercent,
      creditMinor,
      uptimePercent: u?.uptimePercent ?? '?',
      totalMs: u?.totalMs ?? 0,
      excludedMs: u?.excludedMs ?? 0,
      downtimeMs: u?.downtimeMs ?? 0,
      outageIds: u?.outageIds ?? [],
      maintenanceIds: u?.maintenanceIds ?? [],
      written,
      run,
      batch: batches,
    };
    customers.push(c);
    const entry =
      written === null
        ? 'already in the ledger, nothing written'
        : typeof written === 'string'
          ? written
          : `${written.kind} #${written.sequence} written: ${formatMinor(written.amountMinor, currency)}`;
    const summary = `${customerId.padEnd(idWidth)}  ${region.padEnd(regionWidth)}  ${u ? uptimeInputs(u) : 'uptime ?'} → tier ${creditPercent} % of ${formatMinor(monthlyFeeMinor, currency)} = credit ${formatMinor(creditMinor, currency)}; ${entry}`;
    return eventEntry({ at: s.at, id: s.eventId }, 'customer', summary, c);
  }

  return {
    started([input], ev) {
      run += 1;
      month = input.month;
      batchSize = input.batchSize;
      const p = input.progress;
      // A chain read from a later run on still numbers its batches as the month does.
      if (p && batches < p.batches) batches = p.batches;
      const summary = p
        ? `run ${run} continues the month ${input.month} after customer ${p.after ?? '—'}: ${p.done} of ${p.total} done in ${p.batches} batch(es), ${p.written} entries, ${p.noticesSent} notice(s)`
        : (input.pass ?? 1) > 1
          ? `month ${input.month} read again (pass ${input.pass}): late data came while the previous pass was reading; only differences are written (I10)`
          : `month ${input.month} closing, in batches of ${input.batchSize ?? 'the default size'}`;
      return [eventEntry(ev, p ? 'continued' : 'started', summary, input)];
    },

    signals: [
      signal(lateRecordSignal, ([r], ev) => [
        eventEntry(
          ev,
          'late-data',
          `${r?.kind ?? 'a'} record ${r?.id ?? '?'} written for this month after its close began: read again if this pass had begun reading (I10, I14)`,
          r,
        ),
      ]),
    ],

    activities: {
      billingMonthStart(s) {
        const st: typeof start = (start = s.result);
        const open = st?.openOutages?.length
          ? `; ${st.openOutages.length} outage(s) still open, counted to the month's end (I8, I14): ${st.openOutages.map((o) => o.outageId).join(', ')}`
          : '';
        const summary = st
          ? `${st.customers} customer(s) in the ledger; ${st.closed ? 'the month was closed before: a re-run, only late data adjusts it (I10, I14)' : 'first close of the month'}${open}`
          : 'month start';
        return [activityEntry(s, 'month', summary, st)];
      },
      closeBillingBatch: batchEntries,
      sendCreditNotices(s) {
        const sent = s.result?.sent ?? 0;
        notices.push({ batch: batches, sent, at: s.at });
        return [activityEntry(s, 'notices', `credit notices for batch ${batches}: ${sent} email(s) sent`)];
      },
      recordBillingMonthClose(s) {
        const a = s.args?.[0];
        close = {
          result: s.result,
          customers: a?.customers ?? 0,
          totalCreditMinor: a?.totalCreditMinor ?? 0,
        };
        const summary = `month close ${s.result ?? ''}${s.result === 'exists' ? ' (closed by an earlier run, left as it was)' : ''}: ${a?.customers ?? '?'} customer(s), closed at ${short(a?.closedAt)}`;
        return [activityEntry(s, 'ledger-write', summary)];
      },
    },

    continuedAsNew([input], ev) {
      const p = input.progress;
      const summary = `run ${run} continued as new${p ? ` after ${p.batches} batch(es): ${p.done} of ${p.total} customer(s) done, carried to the next run` : ''}`;
      return [eventEntry(ev, 'continued-as-new', summary, p)];
    },

    final: (f) =>
      `final: ${f.month} ${f.phase}, ${f.done} of ${f.total} customer(s) in ${f.batches} batch(es) over ${run} run(s); ${f.written} entries (${f.adjustments} adjustment(s)), ${f.credited} credited: ${moneyByCurrency(f.creditMinorByCurrency)}; ${f.noticesSent} notice(s); month close ${f.monthClose ?? '—'}`,

    facts: (final) => ({
      month,
      batchSize: batchSize ?? null,
      runs: run,
      policyVersions: [...policyVersions],
      ...(timeZone ? { timeZone } : {}),
      alreadyClosed: start?.closed ?? null,
      regions,
      customers,
      ...(batchesWithoutFigures
        ? {
            missingFigures: `${batchesWithoutFigures} batch(es) recorded before batches carried per-customer figures: their customers are counted, not listed`,
          }
        : {}),
      notices,
      monthClose: close ?? null,
      progress: final ?? null,
    }),
  };
}

type MonthToClose = Partial<Awaited<ReturnType<Activities['billingMonthToClose']>>> & {
  month: string;
  closeAt: string;
};

/** The Schedule's trigger: which month, why then, and the month's workflow it started. */
export function billingScheduleReading(): Reading<'billingScheduleWorkflow'> {
  /** The zone, grace and policy are absent in triggers recorded before the activity said them. */
  let toClose: MonthToClose | undefined;
  let child:
    { workflowId: string; runId: string | null; started: boolean | null; cause?: string } | undefined;
  /** A start refused because a run of the month existed: a timer after it is the wait to retry. */
  let refused = false;
  const grace = (ev: { at: string; id: number }, summary: string) => [eventEntry(ev, 'grace', summary)];
  const startMonth = (ev: { at: string; id: number }, summary: string) => [
    eventEntry(ev, 'start-month', summary),
  ];
  const notFinished = (ev: AuditEvent): TimelineEntry[] => [
    {
      ...eventEntry(
        ev,
        'month-closed',
        `${ev.child?.workflowId} did not finish: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
      ),
      outcome: 'failed',
    },
  ];
  return {
    started(_args, ev) {
      // Search attributes decode as lists (one ISO instant here).
      const scheduled = firstString(ev.searchAttributes?.TemporalScheduledStartTime);
      const summary = scheduled
        ? `started by the month-close Schedule, action due ${short(scheduled)}`
        : 'started by hand (no Schedule instant: the start time decides the month)';
      return [eventEntry(ev, 'triggered', summary)];
    },
    events: {
      TimerStarted: (ev) =>
        grace(
          ev,
          refused
            ? `a close of the month is still running: the trigger starts its own after it, asking again at ${short(ev.timerFiresAt)}`
            : `waiting out the grace period until ${short(ev.timerFiresAt)} (I14: outages open at month end get time to end and be recorded)`,
        ),
      TimerFired: (ev) => grace(ev, refused ? 'asking again' : 'grace period over'),
      StartChildWorkflowExecutionInitiated(ev) {
        child = { workflowId: ev.child?.workflowId ?? '', runId: null, started: null };
        return startMonth(
          ev,
          `starting ${ev.child?.workflowId} (${ev.child?.workflowType}) with ${JSON.stringify(ev.args?.[0] ?? {})}`,
        );
      },
      StartChildWorkflowExecutionFailed(ev) {
        if (child) Object.assign(child, { started: false, cause: ev.child?.cause });
        refused = ev.child?.cause === 'workflow_already_exists';
        // Triggers recorded before the Schedule's close always ran (patch
        // schedule-close-always-runs) stopped here; later ones wait for the running close.
        return startMonth(
          ev,
          `${ev.child?.workflowId} not started: ${refused ? 'a run of the month exists (still running; or, for triggers before the Schedule always closed, already run and not failed)' : (ev.child?.cause ?? 'refused')}`,
        );
      },
      ChildWorkflowExecutionStarted(ev) {
        if (child) Object.assign(child, { started: true, runId: ev.child?.runId ?? null });
        return startMonth(ev, `${ev.child?.workflowId} started (run ${ev.child?.runId})`);
      },
      ChildWorkflowExecutionCompleted(ev) {
        const p = childResult(ev, 'billingMonthWorkflow');
        const summary = `${ev.child?.workflowId} finished${p ? `: ${p.done} customer(s), ${p.credited} credited (${moneyByCurrency(p.creditMinorByCurrency)}), month close ${p.monthClose}` : ''} — its own timeline has each customer`;
        return [eventEntry(ev, 'month-closed', summary)];
      },
      ChildWorkflowExecutionFailed: notFinished,
      ChildWorkflowExecutionTerminated: notFinished,
      ChildWorkflowExecutionTimedOut: notFinished,
      ChildWorkflowExecutionCanceled: notFinished,
    },
    activities: {
      billingMonthToClose(s) {
        const t: MonthToClose | undefined = (toClose = s.result);
        const summary = t
          ? `closes ${t.month}, the month before the trigger${t.timeZone ? ` in ${t.timeZone}` : ''}, from ${short(t.closeAt)}${t.graceHours !== undefined ? ` (its end + ${t.graceHours} h grace, I14; policy ${t.policyVersion})` : ' (its end + the grace period, I14)'}`
          : 'month to close';
        return [activityEntry(s, 'month', summary, t)];
      },
    },
    final: (f) =>
      `final: ${f.month} ${f.started ? `closed by ${child?.workflowId ?? 'its workflow'}` : 'not started again (already run)'}`,
    facts: (final) => ({
      month: toClose?.month ?? null,
      closeAt: toClose?.closeAt ?? null,
      graceHours: toClose?.graceHours ?? null,
      policyVersions: toClose?.policyVersion ? [toClose.policyVersion] : [],
      ...(toClose?.timeZone ? { timeZone: toClose.timeZone } : {}),
      child: child ?? null,
      started: final?.started ?? null,
    }),
  };
}
