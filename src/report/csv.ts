/**
 * The engine's CSV downloads for finance and auditors (C2, C14; I9, I10): the ledger's credit
 * entries and a month's outages as counted, from `sla ledger list --csv`, `sla uptime --csv` and
 * the API's format=csv. One writer and one table per download, so the CLI and the API send the
 * same bytes. Money stays in integer minor units with its currency, the only form a sum may be
 * taken of (no formatted amount: "-250.00 CAD" would also read as a formula, below).
 *
 * Written here rather than taken from a library: csv-parse (a dependency, used by the tests to
 * read these back) has a sibling, csv-stringify, but it is not installed, and RFC 4180 output is
 * a dozen lines. Spreadsheets run a cell that starts with = + - @ (or a tab / carriage return)
 * as a formula (OWASP "CSV injection"): such a cell is prefixed with ' so it is shown as text.
 * Ledger text (customer ids, outage ids) is validated, but an id may still start with '-'.
 */
import type { CreditEntry } from '../ledger/types';
import type { MonthUptime } from './uptime';

export type Cell = string | number | boolean | null;

/** Starts a formula in a spreadsheet: shown as text once prefixed with '. */
const FORMULA = /^[=+\-@\t\r]/;

function field(cell: Cell): string {
  if (cell === null) return '';
  let text = String(cell);
  // Numbers are the ledger's own (a negative adjustment is -150): only text can be a formula.
  if (typeof cell === 'string' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header line, then one line per row, every line ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => `${r.map(field).join(',')}\r\n`).join('');
}

/** A CSV download as the API answers it and the CLI prints it. */
export interface CsvFile {
  filename: string;
  text: string;
}

/** The credit entries (credits and adjustments) as `sla ledger list` and GET /v1/credits list them. */
export function creditEntriesCsv(entries: readonly CreditEntry[], filter: { month?: string }): CsvFile {
  return {
    filename: `credits-${filter.month ?? 'all'}.csv`,
    text: toCsv(
      [
        'month',
        'customer_id',
        'kind',
        'sequence',
        'currency',
        'uptime_percent',
        'credit_percent',
        'monthly_fee_minor',
        'credit_minor',
        'total_ms',
        'excluded_ms',
        'downtime_ms',
        'outage_ids',
        'maintenance_ids',
        'policy_version',
        'workflow_id',
        'created_at',
      ],
      entries.map((e) => [
        e.month,
        e.customerId,
        e.kind,
        e.sequence,
        e.currency,
        e.uptimePercent,
        e.creditPercent,
        e.monthlyFeeMinor,
        e.creditMinor,
        e.totalMs,
        e.excludedMs,
        e.downtimeMs,
        e.outageIds.join(' '),
        e.maintenanceIds.join(' '),
        e.policyVersion,
        e.workflowId,
        e.createdAt,
      ]),
    ),
  };
}

/** A month's recorded outages as the uptime counts them (C1, C3, C4; I8, I9): `sla uptime --csv`. */
export function outagesCsv(uptime: MonthUptime): CsvFile {
  return {
    filename: `outages-${uptime.month}${uptime.region ? `-${uptime.region}` : ''}.csv`,
    text: toCsv(
      [
        'outage_id',
        'regions',
        'start',
        'end',
        'classification',
        'counted',
        'ms_in_month',
        'minutes_in_month',
        'policy_version',
      ],
      uptime.outages.map((o) => [
        o.outageId,
        o.regions.join(' '),
        o.start,
        o.end,
        o.classification,
        o.counted,
        o.msInMonth,
        (o.msInMonth / 60_000).toFixed(1),
        o.policyVersion,
      ]),
    ),
  };
}
