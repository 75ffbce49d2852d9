/**
 * The monthly SLA report (C14, I14) as data, built from ledger rows by a pure function: per
 * customer and overall — uptime, downtime and excluded minutes, incidents (I9), credits (I10, from
 * the credit entries: what was actually credited, adjustments included), L1 mean first response
 * in coverage minutes (C6, I5) and L2/L3 on-time rates (C7, C8). The JSON of `sla report --json`
 * and the input of the HTML renderer.
 *
 * Choices: uptime is recomputed from the records as they are now, so late outage data shows even
 * before its adjustment is written; the credit columns are the ledger's. The overall uptime counts
 * every record whatever its regions (the service as a whole). Support figures (I14): each ticket
 * opened in the month once, open ones at `ticketsAsOf`, suspended ones apart (./support.ts).
 */
import type {
  CreditEntry,
  CustomerNotice,
  CustomerTermsInRange,
  MaintenanceRecord,
  MonthClose,
  OutageRecord,
} from '../ledger/types';
import type { TicketOutcome } from '../ledger/types';
import type { CreditTier } from '../rules/credits';
import { customerMonth, regionUptimeInput } from '../rules/customer-month';
import { byCustomer, termsPeriods } from '../rules/ledger-inputs';
import { supportFigures, ticketsOnce, type RunningTicket, type SupportFigures } from './support';
import {
  accountingMonth,
  dailyUptime,
  monthUptime,
  type DayUptime,
  type Incident,
  type MonthUptime,
} from '../rules/uptime';

export interface ReportInput {
  month: string;
  /** The month's policy (I15): policy.month.timeZone (I8), maintenanceNoticeHours (C1), credit tiers. */
  zone: string;
  noticeHours: number;
  tiers: readonly CreditTier[];
  policyVersion: string;
  /** The customers in force for some part of the month, with their versions (I15). */
  customers: CustomerTermsInRange[];
  /** Their notices of the month's windows (I9 as amended). */
  notices: CustomerNotice[];
  outages: OutageRecord[];
  maintenance: MaintenanceRecord[];
  credits: CreditEntry[];
  outcomes: TicketOutcome[];
  /** Ticket workflows still running (I14), each with its coverage minutes so far if still unanswered. */
  running: RunningTicket[];
  /** The instant open tickets are judged at (I14): the close's, or the report's when not closed. */
  ticketsAsOf: string;
  close: MonthClose | null;
  /** Only this customer (its region's figures and its own). */
  customerId?: string;
}

export interface ReportIncident {
  start: string;
  end: string;
  downtimeMinutes: number;
  outageIds: string[];
  maintenanceIds: string[];
}

export interface UptimeFigures {
  uptimePercent: string;
  totalMinutes: number;
  downtimeMinutes: number;
  excludedMinutes: number;
  incidents: ReportIncident[];
}

export type { OnTime, SupportFigures, TicketLine } from './support';

export interface CustomerCredit {
  /** Sum of the month's entries (credit and adjustments), in minor units. */
  creditMinor: number;
  currency: string;
  creditPercent: number;
  entries: number;
  adjustments: number;
}

export interface CustomerReport extends UptimeFigures {
  customerId: string;
  name: string;
  region: string;
  /** null when no entry exists yet (the month is not closed for this customer). */
  credit: CustomerCredit | null;
  support: SupportFigures;
}

export interface RegionReport extends UptimeFigures {
  region: string;
  customers: number;
  daily: DayUptime[];
}

export interface MonthReport {
  month: string;
  zone: string;
  start: string;
  end: string;
  policyVersion: string;
  /** The instant the open tickets of the support figures were judged at (I14). */
  ticketsAsOf: string;
  closed: {
    closedAt: string;
    workflowId: string;
    /**
     * Outages still running at the close, counted in its credits from detection to the month's
     * end (I8, I14); null for a close recorded before they were counted (migration 4).
     */
    openOutages: number | null;
    /** Which those were; null for a close recorded before the ids were kept (migration 5). */
    openOutageIds: string[] | null;
  } | null;
  overall: UptimeFigures & {
    customers: number;
    creditedCustomers: number;
    creditMinorByCurrency: Record<string, number>;
    support: SupportFigures;
    daily: DayUptime[];
  };
  regions: RegionReport[];
  customers: CustomerReport[];
}

const minutes = (ms: number) => Math.round(ms / 600) / 100;
const iso = (t: number) => new Date(t).toISOString();

function figures(u: MonthUptime): UptimeFigures & { start: number; end: number } {
  return {
    start: u.start,
    end: u.end,
    uptimePercent: u.uptimePercent,
    totalMinutes: minutes(u.totalMs),
    downtimeMinutes: minutes(u.downtimeMs),
    excludedMinutes: minutes(u.excludedMs),
    incidents: u.incidents.map((i: Incident) => ({
      start: iso(i.start),
      end: iso(i.end),
      downtimeMinutes: minutes(i.downtimeMs),
      outageIds: i.outageIds,
      maintenanceIds: i.maintenanceIds,
    })),
  };
}

export function buildMonthReport(input: ReportInput): MonthReport {
  const base = {
    month: input.month,
    zone: input.zone,
    noticeHours: input.noticeHours,
    outages: input.outages,
    maintenance: input.maintenance,
  };
  const everyone = regionUptimeInput(base);
  const overall = figures(monthUptime(everyone));
  const inMonth = (t: string) => {
    const at = Date.parse(t);
    return at >= overall.start && at < overall.end;
  };
  const month = accountingMonth(input.month, input.zone);
  const noticesOf = byCustomer(input.notices);
  // Each customer's own month (I9 per customer, I15), as the close computes it; named by the
  // last terms in force in the month.
  const customers = input.customers
    .filter((c) => !input.customerId || c.customerId === input.customerId)
    .flatMap(({ customerId, versions }) => {
      const computed = customerMonth({
        ...base,
        tiers: input.tiers,
        customerId,
        versions,
        notices: noticesOf.get(customerId) ?? [],
      });
      const last = termsPeriods(versions, month).pop();
      return computed && last
        ? [{ customerId, name: last.version.terms.name, region: last.region, uptime: computed.uptime }]
        : [];
    });
  // I14: each ticket opened in the month once, whatever its reopenings.
  const tickets = ticketsOnce(
    input.outcomes.filter((o) => inMonth(o.openedAt)),
    input.running.filter((t) => inMonth(t.openedAt)),
  );
  const support = (rows: typeof tickets) => supportFigures(rows, input.ticketsAsOf);
  const ticketsOf = byCustomer(tickets);
  const entries = byCustomer(input.credits.filter((e) => e.month === input.month));

  const regionNames = [...new Set(customers.map((c) => c.region))].sort();
  const regions = new Map(
    regionNames.map((region) => {
      const regionInput = regionUptimeInput({ ...base, region });
      const f = figures(monthUptime(regionInput));
      const { start: _s, end: _e, ...rest } = f;
      return [
        region,
        {
          region,
          customers: customers.filter((c) => c.region === region).length,
          ...rest,
          daily: dailyUptime(regionInput),
        } satisfies RegionReport,
      ];
    }),
  );

  const creditMinorByCurrency: Record<string, number> = {};
  let creditedCustomers = 0;
  const customerReports = customers.map((c): CustomerReport => {
    const { start: _s, end: _e, ...uptime } = figures(c.uptime);
    const mine = entries.get(c.customerId) ?? [];
    let credit: CustomerCredit | null = null;
    if (mine.length) {
      const creditMinor = mine.reduce((s, e) => s + e.creditMinor, 0);
      const last = mine[mine.length - 1]!;
      credit = {
        creditMinor,
        currency: last.currency,
        creditPercent: last.creditPercent,
        entries: mine.length,
        adjustments: mine.filter((e) => e.kind === 'adjustment').length,
      };
      if (creditMinor !== 0) {
        creditedCustomers++;
        creditMinorByCurrency[last.currency] = (creditMinorByCurrency[last.currency] ?? 0) + creditMinor;
      }
    }
    return {
      customerId: c.customerId,
      name: c.name,
      region: c.region,
      ...uptime,
      credit,
      support: support(ticketsOf.get(c.customerId) ?? []),
    };
  });

  const { start, end, ...overallFigures } = overall;
  const wanted = new Set(customers.map((c) => c.customerId));
  return {
    month: input.month,
    zone: input.zone,
    start: iso(start),
    end: iso(end),
    policyVersion: input.policyVersion,
    ticketsAsOf: input.ticketsAsOf,
    closed: input.close
      ? {
          closedAt: input.close.closedAt,
          workflowId: input.close.workflowId,
          openOutages: input.close.openOutages ?? null,
          openOutageIds: input.close.openOutageIds ?? null,
        }
      : null,
    overall: {
      ...overallFigures,
      customers: customers.length,
      creditedCustomers,
      creditMinorByCurrency,
      support: support(input.customerId ? tickets.filter((t) => wanted.has(t.customerId)) : tickets),
      daily: dailyUptime(everyone),
    },
    regions: [...regions.values()],
    customers: customerReports,
  };
}

/**
 * What the text and the page add after the close's time: the outages still open then, so that
 * finance knows the credits counted them to the month's end (I8, I14) while the uptime above,
 * recomputed from the ledger's records, shows each only once it has ended and been recorded.
 * Nothing for none, nor for an old close that did not count them (null).
 */
export function openAtCloseNote(closed: MonthReport['closed']): string {
  const n = closed?.openOutages;
  if (!n) return '';
  const ids = closed.openOutageIds?.length ? ` (${closed.openOutageIds.join(', ')})` : '';
  return `, ${n} ${n === 1 ? 'outage' : 'outages'} still open then${ids}, counted to the month's end`;
}

/**
 * An incident's records as the text and the page list them: an outage that was still open at the
 * close is marked, since the close credited it to the month's end whatever its record says.
 */
export function incidentRecords(i: ReportIncident, closed: MonthReport['closed']): string[] {
  const open = new Set(closed?.openOutageIds ?? []);
  return [...i.outageIds.map((id) => (open.has(id) ? `${id} (open at the close)` : id)), ...i.maintenanceIds];
}
