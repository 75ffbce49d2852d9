/**
 * The support figures of the monthly report (C6–C8, I5, I6, I13, I14): over the tickets opened in
 * the month, each ticket once whatever its reopenings, from what is known of it at the report's
 * instant — its running workflow's status when it still runs, else the outcome of its last
 * resolution (a reopen never clears the first response, so a later outcome repeats it; only a
 * first response given after a reopen, or a reclassification between resolutions, makes the
 * later outcome differ, and then it is the later one that is true of the ticket).
 *
 * - L1 mean: coverage minutes from clock start to the first response; a ticket still open
 *   without one counts its minutes so far and is listed as open.
 * - L2/L3 rate: first response by the deadline. Open without one and past the deadline: late
 *   (in the rate, listed as open); not yet due: listed as pending, outside the rate. Resolved
 *   without any first response: late.
 * - Suspended (I13): listed apart, in no figure.
 */
import type { TicketOutcome } from '../ledger/types';
import type { Level, TicketClock } from '../model/level';
import type { SlaState } from '../model/ticket';
import { localTime } from './local-time';

/** What the report needs of a ticket, from its status (running) or its latest outcome. */
export interface TicketFacts extends TicketClock {
  ticketId: string;
  status: 'open' | 'resolved';
  state: SlaState;
  suspendedReason: string | null;
  firstResponse: { at: string; coverageMinutes: number; met: boolean } | null;
}

/** A running ticket workflow's facts and, still without a first response, its coverage minutes so far. */
export interface RunningTicket extends TicketFacts {
  coverageMinutesSoFar: number | null;
}

/** A ticket the report lists (open, pending or suspended), for a support lead to act on. */
export interface TicketLine {
  ticketId: string;
  customerId: string;
  level: Level;
  openedAt: string;
  clockStart: string;
  due: string;
  firstResponseAt: string | null;
  /** The first response's coverage minutes, or (none yet, ticket open) the minutes so far (I5). */
  coverageMinutes: number | null;
  /**
   * open: L1 without a first response (counted so far); late: L2/L3 past its deadline without
   * one (counted late); pending: not yet due (outside the rate); suspended: I13, in no figure.
   */
  state: 'open' | 'late' | 'pending' | 'suspended';
  /** Whether the ticket is open or resolved at the report's instant. */
  status: 'open' | 'resolved';
  suspendedReason: string | null;
}

export interface OnTime {
  measured: number;
  onTime: number;
  /** Percentage with one decimal, or null when nothing was measured. */
  ratePercent: string | null;
}

export interface SupportFigures {
  l1: { measured: number; meanFirstResponseCoverageMinutes: number | null };
  l2: OnTime;
  l3: OnTime;
  /** Without a first response at the report's instant and counted: L1 so far, L2/L3 late. */
  open: TicketLine[];
  /** L2/L3 without a first response, not yet due: outside the rate. */
  pending: TicketLine[];
  /** SLA suspended (I13): in no figure. */
  suspended: TicketLine[];
}

/** The ticket as its outcome row recorded it at that resolution. */
function outcomeFacts(o: TicketOutcome): TicketFacts {
  return {
    ticketId: o.ticketId,
    customerId: o.customerId,
    level: o.level,
    ruleId: o.ruleId,
    policyVersion: o.policyVersion,
    openedAt: o.openedAt,
    clockStart: o.clockStart,
    due: o.due,
    status: 'resolved',
    state: o.slaState as SlaState,
    suspendedReason: o.suspendedReason,
    firstResponse:
      o.firstResponseAt === null || o.coverageMinutesToFirstResponse === null
        ? null
        : { at: o.firstResponseAt, coverageMinutes: o.coverageMinutesToFirstResponse, met: o.met === true },
  };
}

/**
 * Each ticket once: its running workflow's facts, else its latest resolution's outcome. The
 * outcomes are those of the wanted tickets (opened in the month); so are the running ones.
 */
export function ticketsOnce(outcomes: TicketOutcome[], running: RunningTicket[]): RunningTicket[] {
  const latest = new Map<string, TicketOutcome>();
  for (const o of outcomes) {
    const seen = latest.get(o.ticketId);
    if (!seen || o.resolution > seen.resolution) latest.set(o.ticketId, o);
  }
  const tickets = new Map<string, RunningTicket>(
    [...latest.values()].map((o) => [o.ticketId, { ...outcomeFacts(o), coverageMinutesSoFar: null }]),
  );
  for (const r of running) tickets.set(r.ticketId, r);
  return [...tickets.values()].sort(
    (a, b) => a.openedAt.localeCompare(b.openedAt) || a.ticketId.localeCompare(b.ticketId),
  );
}

const hundredths = (m: number | null) => (m === null ? null : Math.round(m * 100) / 100);

const line = (t: RunningTicket, state: TicketLine['state']): TicketLine => ({
  ticketId: t.ticketId,
  customerId: t.customerId,
  level: t.level,
  openedAt: t.openedAt,
  clockStart: t.clockStart,
  due: t.due,
  firstResponseAt: t.firstResponse?.at ?? null,
  coverageMinutes: hundredths(t.firstResponse?.coverageMinutes ?? t.coverageMinutesSoFar),
  state,
  status: t.status,
  suspendedReason: t.suspendedReason,
});

function rate(measured: number, onTime: number): OnTime {
  return {
    measured,
    onTime,
    ratePercent: measured ? (Math.round((1000 * onTime) / measured) / 10).toFixed(1) : null,
  };
}

/** The figures over `tickets` (each once, see ticketsOnce), at the instant `asOf` (ISO). */
export function supportFigures(tickets: RunningTicket[], asOf: string): SupportFigures {
  const at = Date.parse(asOf);
  const open: TicketLine[] = [];
  const pending: TicketLine[] = [];
  const suspended: TicketLine[] = [];
  const l1: number[] = [];
  const counts = { L2: { measured: 0, onTime: 0 }, L3: { measured: 0, onTime: 0 } };
  for (const t of tickets) {
    if (t.state === 'suspended') {
      suspended.push(line(t, 'suspended'));
      continue;
    }
    const waiting = t.firstResponse === null && t.status === 'open';
    if (t.level === 'L1') {
      if (t.firstResponse) l1.push(t.firstResponse.coverageMinutes);
      else if (waiting && t.coverageMinutesSoFar !== null) {
        l1.push(t.coverageMinutesSoFar);
        open.push(line(t, 'open'));
      }
      // Resolved without any first response: no minutes to a response to count (as recorded).
      continue;
    }
    if (waiting && at <= Date.parse(t.due)) {
      pending.push(line(t, 'pending'));
      continue;
    }
    const c = counts[t.level];
    c.measured++;
    if (t.firstResponse?.met) c.onTime++;
    if (waiting) open.push(line(t, 'late'));
  }
  const sum = l1.reduce((s, m) => s + m, 0);
  return {
    l1: {
      measured: l1.length,
      meanFirstResponseCoverageMinutes: l1.length ? Math.round((100 * sum) / l1.length) / 100 : null,
    },
    l2: rate(counts.L2.measured, counts.L2.onTime),
    l3: rate(counts.L3.measured, counts.L3.onTime),
    open,
    pending,
    suspended,
  };
}

/** What each listed state means to the person reading the table. */
const MEANING: Record<TicketLine['state'], string> = {
  open: 'no first response: minutes so far in the L1 mean',
  late: 'past due, no first response: late in the rate',
  pending: 'not yet due: outside the rate',
  suspended: 'SLA suspended (I13): in no figure',
};

/**
 * The open, pending and suspended tickets as the text and the page list them, instants in the
 * month's zone (I8; the deadlines of I6 are Toronto wall-clock times, the abbreviation says which
 * offset); none: no rows.
 */
export function ticketTable(s: SupportFigures, zone: string): { head: string[]; rows: string[][] } {
  const at = (iso: string) => localTime(iso, zone);
  return {
    head: ['ticket', 'customer', 'level', 'state', 'opened', 'due', 'cov. min', 'why'],
    rows: [...s.open, ...s.pending, ...s.suspended].map((t) => [
      t.ticketId,
      t.customerId,
      t.level,
      t.state,
      at(t.openedAt),
      at(t.due),
      t.coverageMinutes === null ? '—' : String(t.coverageMinutes),
      t.suspendedReason ?? MEANING[t.state],
    ]),
  };
}
