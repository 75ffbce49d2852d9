/**
 * The monthly SLA report (C14, I14) from what the ledger recorded and, for the tickets still open,
 * what Temporal answers (I14: open tickets count and are listed): the rows `sla report` (through
 * `SlaClient.reports.month`) and GET /v1/reports/{month} build it from, gathered in one place, so
 * that the command's JSON and HTML and the API's are the same document. Temporal unreachable, the
 * report is unavailable (exit 4, 503) rather than support figures that silently leave out the
 * open tickets.
 */
import type { Client } from '@temporalio/client';
import { BusinessCalendar } from '../calendar';
import { NotFoundError } from '../errors';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { accountingMonthRange } from '../rules/uptime';
import { buildMonthReport, type MonthReport } from './build';
import { runningTickets } from './open-tickets';

/** Tickets opened in the month are resolved in it or after: outcomes are read to the end of time. */
const END_OF_OUTCOMES = '9999-12-31T00:00:00Z';

export async function ledgerMonthReport(
  ledger: Pick<
    Ledger,
    'customer' | 'customers' | 'outages' | 'maintenance' | 'creditEntries' | 'monthClose' | 'ticketOutcomes'
  >,
  temporal: Client,
  loaded: LoadedPolicy,
  query: { month: string; customerId?: string; now: number },
): Promise<MonthReport> {
  const { month, customerId } = query;
  const { policy, version } = loaded;
  const zone = policy.month.timeZone;
  const range = accountingMonthRange(month, zone);
  const customers = customerId
    ? [await ledger.customer(customerId)].filter((c) => c !== null)
    : await ledger.customers();
  // An unknown customer is "not found" (exit 3, 404), not an empty report.
  if (customerId && !customers.length) throw new NotFoundError(`no customer ${customerId}`);
  const close = await ledger.monthClose(month);
  // I14: open tickets are judged at the close once the month is closed, else at the report's instant.
  const ticketsAsOf = new Date(
    close ? Math.min(query.now, Date.parse(close.closedAt)) : query.now,
  ).toISOString();
  const [outages, maintenance, credits, outcomes, running] = await Promise.all([
    ledger.outages(range),
    ledger.maintenance(range),
    ledger.creditEntries({ month, ...(customerId ? { customerId } : {}) }),
    // The builder keeps the outcomes of tickets opened in the month.
    ledger.ticketOutcomes({ from: range.from, to: END_OF_OUTCOMES }),
    runningTickets(temporal, new BusinessCalendar(policy), range, ticketsAsOf),
  ]);
  return buildMonthReport({
    month,
    zone,
    noticeHours: policy.maintenanceNoticeHours,
    policyVersion: version,
    customers,
    outages,
    maintenance,
    credits,
    outcomes,
    running,
    ticketsAsOf,
    close,
    ...(customerId ? { customerId } : {}),
  });
}
