/**
 * The monthly SLA report (C14, I14) from what the ledger recorded: the rows `sla report` (through
 * `SlaClient.reports.month`) and GET /v1/reports/{month} build it from, gathered in one place, so that
 * the command's JSON and HTML and the API's are the same document.
 */
import { NotFoundError } from '../errors';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { accountingMonthRange } from '../rules/uptime';
import { buildMonthReport, type MonthReport } from './build';

/** Tickets opened in the month are resolved in it or after: outcomes are read to the end of time. */
const END_OF_OUTCOMES = '9999-12-31T00:00:00Z';

export async function ledgerMonthReport(
  ledger: Pick<
    Ledger,
    'customer' | 'customers' | 'outages' | 'maintenance' | 'creditEntries' | 'monthClose' | 'ticketOutcomes'
  >,
  loaded: LoadedPolicy,
  month: string,
  customerId?: string,
): Promise<MonthReport> {
  const { policy, version } = loaded;
  const zone = policy.month.timeZone;
  const range = accountingMonthRange(month, zone);
  const customers = customerId
    ? [await ledger.customer(customerId)].filter((c) => c !== null)
    : await ledger.customers();
  // An unknown customer is "not found" (exit 3, 404), not an empty report.
  if (customerId && !customers.length) throw new NotFoundError(`no customer ${customerId}`);
  const [outages, maintenance, credits, close, outcomes] = await Promise.all([
    ledger.outages(range),
    ledger.maintenance(range),
    ledger.creditEntries({ month, ...(customerId ? { customerId } : {}) }),
    ledger.monthClose(month),
    // The builder keeps the outcomes of tickets opened in the month.
    ledger.ticketOutcomes({ from: range.from, to: END_OF_OUTCOMES }),
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
    close,
    ...(customerId ? { customerId } : {}),
  });
}
