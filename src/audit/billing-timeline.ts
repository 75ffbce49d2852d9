/**
 * How an auditor reads a billing month (C2, C14; I8–I10, I14) from its history alone, across
 * every run of its continue-as-new chain: the month and whether it was closed before, each batch
 * with each customer's uptime inputs (T, E, D of I9 and the outages and windows behind them, per
 * deployment region), tier and credit (I10) and the ledger entry the batch wrote, the credit
 * notices, each continue-as-new with the progress it carried, the month's close, and the result.
 * And the Schedule's trigger: which month it closes and why then (the grace period of I14), and
 * the month's workflow it started (or found already run).
 */
import type {
  BillingBatchInput,
  BillingBatchResult,
  CustomerFigures,
  RegionUptime,
} from '../activities/billing';
import { formatMinor } from '../rules/credits';
import type { BillingMonthInput, BillingProgress, BillingScheduleResult } from '../messages/billing';
import { activityEntry, type Interpreter, type TimelineEntry } from './timeline';

const short = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '—');
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

export function billingMonthInterpreter(): Interpreter {
  let month = '';
  let batchSize: number | undefined;
  let run = 0;
  let batches = 0;
  let start: { customers: number; closed: boolean; openOutages?: { outageId: string }[] } | undefined;
  const policyVersions = new Set<string>();
  let timeZone: string | undefined;
  const regions: Record<string, RegionUptime> = {};
  const customers: CustomerMonth[] = [];
  /** Batches whose result carries no per-customer figures (histories whose batches did not record them). */
  let batchesWithoutFigures = 0;
  const notices: { batch: number; sent: number; at: string }[] = [];
  let close: { result: unknown; customers: number; totalCreditMinor: number } | undefined;
  let final: BillingProgress | undefined;

  function batchEntries(s: Parameters<NonNullable<Interpreter['activity']>>[0]): TimelineEntry[] {
    const a = s.args?.[0] as BillingBatchInput | undefined;
    const r = s.result as BillingBatchResult | undefined;
    if (!r || r.through === null)
      return [
        activityEntry(
          s,
          'batch',
          r
            ? `no customer after ${a?.after ?? 'the start'}: every customer done`
            : `batch after ${a?.after ?? 'the start'}`,
        ),
      ];
    batches += 1;
    const out: TimelineEntry[] = [
      activityEntry(
        s,
        'batch',
        `batch ${batches}: ${r.customers} customer(s) after ${a?.after ?? 'the start'} through ${r.through}; ${r.written} entr${r.written === 1 ? 'y' : 'ies'} written (${r.adjustments} adjustment(s)), ${r.credited} with money: ${moneyByCurrency(r.creditMinorByCurrency)}`,
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
    for (const row of f.customers) out.push(customerEntry(s, row, f.regions[row[1]], idWidth, regionWidth));
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
    return {
      at: s.at,
      eventId: s.eventId,
      kind: 'customer',
      summary: `${customerId.padEnd(idWidth)}  ${region.padEnd(regionWidth)}  ${u ? uptimeInputs(u) : 'uptime ?'} → tier ${creditPercent} % of ${formatMinor(monthlyFeeMinor, currency)} = credit ${formatMinor(creditMinor, currency)}; ${entry}`,
      detail: c,
    };
  }

  return {
    started(args, ev) {
      const input = args[0] as BillingMonthInput;
      run += 1;
      month = input.month;
      batchSize = input.batchSize;
      const p = input.progress;
      // A chain read from a later run on still numbers its batches as the month does.
      if (p && batches < p.batches) batches = p.batches;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: p ? 'continued' : 'started',
          summary: p
            ? `run ${run} continues the month ${input.month} after customer ${p.after ?? '—'}: ${p.done} of ${p.total} done in ${p.batches} batch(es), ${p.written} entries, ${p.noticesSent} notice(s)`
            : (input.pass ?? 1) > 1
              ? `month ${input.month} read again (pass ${input.pass}): late data came while the previous pass was reading; only differences are written (I10)`
              : `month ${input.month} closing, in batches of ${input.batchSize ?? 'the default size'}`,
          detail: input,
        },
      ];
    },

    event(ev) {
      if (ev.type !== 'WorkflowExecutionSignaled' || ev.signalName !== 'lateRecord') return [];
      const r = ev.args?.[0] as { kind?: string; id?: string } | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'late-data',
          summary: `${r?.kind ?? 'a'} record ${r?.id ?? '?'} written for this month after its close began: read again if this pass had begun reading (I10, I14)`,
          detail: r,
        },
      ];
    },

    activity(s) {
      switch (s.name) {
        case 'billingMonthStart':
          start = s.result as typeof start;
          return [
            activityEntry(
              s,
              'month',
              start
                ? `${start.customers} customer(s) in the ledger; ${start.closed ? 'the month was closed before: a re-run, only late data adjusts it (I10, I14)' : 'first close of the month'}${start.openOutages?.length ? `; ${start.openOutages.length} outage(s) still open, counted to the month's end (I8, I14): ${start.openOutages.map((o) => o.outageId).join(', ')}` : ''}`
                : 'month start',
              start,
            ),
          ];
        case 'closeBillingBatch':
          return batchEntries(s);
        case 'sendCreditNotices': {
          const sent = (s.result as { sent: number } | undefined)?.sent ?? 0;
          notices.push({ batch: batches, sent, at: s.at });
          return [activityEntry(s, 'notices', `credit notices for batch ${batches}: ${sent} email(s) sent`)];
        }
        case 'recordBillingMonthClose': {
          const a = s.args?.[0] as
            { customers: number; totalCreditMinor: number; closedAt: string } | undefined;
          close = {
            result: s.result,
            customers: a?.customers ?? 0,
            totalCreditMinor: a?.totalCreditMinor ?? 0,
          };
          return [
            activityEntry(
              s,
              'ledger-write',
              `month close ${typeof s.result === 'string' ? s.result : ''}${s.result === 'exists' ? ' (closed by an earlier run, left as it was)' : ''}: ${a?.customers ?? '?'} customer(s), closed at ${short(a?.closedAt)}`,
            ),
          ];
        }
        default:
          return [activityEntry(s, s.name, `activity ${s.name}`)];
      }
    },

    closed(ev, result) {
      if (ev.type === 'WorkflowExecutionContinuedAsNew') {
        const p = (ev.args?.[0] as BillingMonthInput | undefined)?.progress;
        return [
          {
            at: ev.at,
            eventId: ev.id,
            kind: 'continued-as-new',
            summary: `run ${run} continued as new${p ? ` after ${p.batches} batch(es): ${p.done} of ${p.total} customer(s) done, carried to the next run` : ''}`,
            detail: p,
          },
        ];
      }
      final = result as BillingProgress | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary: final
            ? `final: ${final.month} ${final.phase}, ${final.done} of ${final.total} customer(s) in ${final.batches} batch(es) over ${run} run(s); ${final.written} entries (${final.adjustments} adjustment(s)), ${final.credited} credited: ${moneyByCurrency(final.creditMinorByCurrency)}; ${final.noticesSent} notice(s); month close ${final.monthClose ?? '—'}`
            : `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },

    facts: () => ({
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

/** The Schedule's trigger: which month, why then, and the month's workflow it started. */
export function billingScheduleInterpreter(): Interpreter {
  let toClose:
    | { month: string; closeAt: string; timeZone?: string; graceHours?: number; policyVersion?: string }
    | undefined;
  let child:
    { workflowId: string; runId: string | null; started: boolean | null; cause?: string } | undefined;
  let final: BillingScheduleResult | undefined;
  /** A start refused because a run of the month existed: a timer after it is the wait to retry. */
  let refused = false;
  return {
    started(_args, ev) {
      const at = ev.searchAttributes?.TemporalScheduledStartTime;
      // Search attributes decode as lists (one ISO instant here).
      const scheduled = (Array.isArray(at) ? (at as unknown[])[0] : at) as string | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'triggered',
          summary: scheduled
            ? `started by the month-close Schedule, action due ${short(scheduled)}`
            : 'started by hand (no Schedule instant: the start time decides the month)',
        },
      ];
    },
    event(ev) {
      switch (ev.type) {
        case 'TimerStarted':
          if (refused)
            return [
              {
                at: ev.at,
                eventId: ev.id,
                kind: 'grace',
                summary: `a close of the month is still running: the trigger starts its own after it, asking again at ${short(ev.timerFiresAt)}`,
              },
            ];
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'grace',
              summary: `waiting out the grace period until ${short(ev.timerFiresAt)} (I14: outages open at month end get time to end and be recorded)`,
            },
          ];
        case 'TimerFired':
          if (refused) return [{ at: ev.at, eventId: ev.id, kind: 'grace', summary: 'asking again' }];
          return [{ at: ev.at, eventId: ev.id, kind: 'grace', summary: 'grace period over' }];
        case 'StartChildWorkflowExecutionInitiated':
          child = { workflowId: ev.child?.workflowId ?? '', runId: null, started: null };
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'start-month',
              summary: `starting ${ev.child?.workflowId} (${ev.child?.workflowType}) with ${JSON.stringify(ev.args?.[0] ?? {})}`,
            },
          ];
        case 'StartChildWorkflowExecutionFailed':
          if (child) Object.assign(child, { started: false, cause: ev.child?.cause });
          refused = ev.child?.cause === 'workflow_already_exists';
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'start-month',
              // Triggers recorded before the Schedule's close always ran (patch
              // schedule-close-always-runs) stopped here; later ones wait for the running close.
              summary: `${ev.child?.workflowId} not started: ${refused ? 'a run of the month exists (still running; or, for triggers before the Schedule always closed, already run and not failed)' : (ev.child?.cause ?? 'refused')}`,
            },
          ];
        case 'ChildWorkflowExecutionStarted':
          if (child) Object.assign(child, { started: true, runId: ev.child?.runId ?? null });
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'start-month',
              summary: `${ev.child?.workflowId} started (run ${ev.child?.runId})`,
            },
          ];
        case 'ChildWorkflowExecutionCompleted': {
          const p = ev.result as BillingProgress | undefined;
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'month-closed',
              summary: `${ev.child?.workflowId} finished${p ? `: ${p.done} customer(s), ${p.credited} credited (${moneyByCurrency(p.creditMinorByCurrency)}), month close ${p.monthClose}` : ''} — its own timeline has each customer`,
            },
          ];
        }
        case 'ChildWorkflowExecutionFailed':
        case 'ChildWorkflowExecutionTerminated':
        case 'ChildWorkflowExecutionTimedOut':
        case 'ChildWorkflowExecutionCanceled':
          return [
            {
              at: ev.at,
              eventId: ev.id,
              kind: 'month-closed',
              summary: `${ev.child?.workflowId} did not finish: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
              outcome: 'failed',
            },
          ];
        default:
          return [];
      }
    },
    activity(s) {
      if (s.name !== 'billingMonthToClose') return [activityEntry(s, s.name, `activity ${s.name}`)];
      toClose = s.result as typeof toClose;
      return [
        activityEntry(
          s,
          'month',
          toClose
            ? `closes ${toClose.month}, the month before the trigger${toClose.timeZone ? ` in ${toClose.timeZone}` : ''}, from ${short(toClose.closeAt)}${toClose.graceHours !== undefined ? ` (its end + ${toClose.graceHours} h grace, I14; policy ${toClose.policyVersion})` : ' (its end + the grace period, I14)'}`
            : 'month to close',
          toClose,
        ),
      ];
    },
    closed(ev, result) {
      final = result as BillingScheduleResult | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary: final
            ? `final: ${final.month} ${final.started ? `closed by ${child?.workflowId ?? 'its workflow'}` : 'not started again (already run)'}`
            : `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },
    facts: () => ({
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
