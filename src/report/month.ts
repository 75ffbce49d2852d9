/**
 * The monthly SLA report (C14, I14) from what the ledger recorded and, for the tickets still open,
 * what Temporal answers (I14: open tickets count and are listed): the rows `sla report` (through
 * `SlaClient.reports.month`) and GET /v1/reports/{month} build it from, gathered in one place, so
 * that the command's JSON and HTML and the API's are the same document. Temporal unreachable, the
 * report is unavailable (exit 4, 503) rather than support figures that silently leave out the
 * open tickets.
 */
import type { Client } from '@temporalio/client';
import { NotFoundError } from '../errors';
import { monthPolicies } from '../ledger/month-policy';
import type { CustomerTermsInRange, Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { accountingMonthRange } from '../rules/uptime';
import { buildMonthReport, type MonthReport } from './build';
import { runningTickets } from './open-tickets';

/** Tickets opened in the month are resolved in it or after: outcomes are read to the end of time. */
const END_OF_OUTCOMES = '9999-12-31T00:00:00Z';

/** Customers read per statement while gathering a month's terms. */
const TERMS_PAGE = 5_000;

type ReportLedger = Pick<
  Ledger,
  | 'customerHistory'
  | 'customerTermsPage'
  | 'outages'
  | 'maintenance'
  | 'maintenanceNotices'
  | 'creditEntries'
  | 'monthClose'
  | 'ticketOutcomes'
  | 'monthPolicy'
  | 'policyVersion'
  | 'recordPolicyVersion'
  | 'recordMonthPolicy'
>;

/** The customers in force for some part of the month (I15), with their versions, in id order. */
async function termsOfMonth(
  ledger: ReportLedger,
  range: { from: string; to: string },
  customerId: string | undefined,
): Promise<CustomerTermsInRange[]> {
  if (customerId) {
    const versions = await ledger.customerHistory(customerId);
    // An unknown customer is "not found" (exit 3, 404), not an empty report.
    if (!versions.length) throw new NotFoundError(`no customer ${customerId}`);
    return [{ customerId, versions }];
  }
  const all: CustomerTermsInRange[] = [];
  for (let after: string | null = null; ;) {
    const page = await ledger.customerTermsPage({ after, limit: TERMS_PAGE, range });
    all.push(...page);
    if (page.length < TERMS_PAGE) return all;
    after = page[page.length - 1]!.customerId;
  }
}

export async function ledgerMonthReport(
  ledger: ReportLedger,
  temporal: Client,
  current: LoadedPolicy,
  query: { month: string; customerId?: string; now: number },
): Promise<MonthReport> {
  const { month, customerId } = query;
  // The month is read with the policy that judged it (I15), or today's before any close.
  const loaded = (await monthPolicies(ledger, () => current).recorded(month))?.loaded ?? current;
  const { policy, version } = loaded;
  const zone = policy.month.timeZone;
  const range = accountingMonthRange(month, zone);
  const customers = await termsOfMonth(ledger, range, customerId);
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
    runningTickets(temporal, policy, range, ticketsAsOf),
  ]);
  const notices = maintenance.length
    ? await ledger.maintenanceNotices({
        maintenanceIds: maintenance.map((m) => m.maintenanceId),
        ...(customerId ? { customerId } : {}),
      })
    : [];
  return buildMonthReport({
    month,
    zone,
    noticeHours: policy.maintenanceNoticeHours,
    tiers: policy.uptime.creditTiers,
    notices,
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
