/**
 * `sla report --month YYYY-MM [--customer C] [--json] [--html out.html]`: the monthly SLA report
 * (C14, I14) from the ledger — a pure builder over its rows (src/report/build.ts) and a
 * self-contained HTML page (src/report/html.ts).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { loadPolicy } from '../policy/load';
import { buildMonthReport, type MonthReport } from '../report/build';
import { renderReportHtml } from '../report/html';
import { accountingMonth } from '../rules/uptime';
import { parseOptions, printJson, printTable, UsageError } from './io';
import { formatMinor, withLedger } from './ledger';

const ReportOptions = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month "YYYY-MM"'),
  customer: z.string().min(1).max(200).optional(),
  json: z.boolean().optional(),
  html: z.string().min(1).optional(),
});

export function reportCommand(): Command {
  return new Command('report')
    .description('The monthly SLA report: uptime, incidents, credits, support figures (C14, I14)')
    .requiredOption('--month <YYYY-MM>', 'calendar month in the policy month time zone')
    .option('--customer <id>', 'one customer only')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'write a self-contained HTML page with charts')
    .addHelpText('after', '\nExample:\n  sla report --month 2026-10 --html report-2026-10.html')
    .action(async (raw: unknown) => {
      const opts = parseOptions(ReportOptions, raw);
      const loaded = loadPolicy();
      const { timeZone } = loaded.policy.month;
      const { start, end } = accountingMonth(opts.month, timeZone);
      const range = { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
      const report = await withLedger(async (ledger) => {
        const customers = opts.customer
          ? [await ledger.customer(opts.customer)].filter((c) => c !== null)
          : await ledger.customers();
        if (opts.customer && !customers.length)
          throw new UsageError(`--customer: no customer ${opts.customer}`);
        const [outages, maintenance, credits, close, outcomes] = await Promise.all([
          ledger.outages(range),
          ledger.maintenance(range),
          ledger.creditEntries({
            month: opts.month,
            ...(opts.customer ? { customerId: opts.customer } : {}),
          }),
          ledger.monthClose(opts.month),
          // Tickets opened in the month are resolved in it or after: the builder keeps those.
          ledger.ticketOutcomes({ from: range.from, to: '9999-12-31T00:00:00Z' }),
        ]);
        return buildMonthReport({
          month: opts.month,
          zone: timeZone,
          noticeHours: loaded.policy.maintenanceNoticeHours,
          policyVersion: loaded.version,
          customers,
          outages,
          maintenance,
          credits,
          outcomes,
          close,
          ...(opts.customer ? { customerId: opts.customer } : {}),
        });
      });
      if (opts.html) {
        writeFileSync(opts.html, renderReportHtml(report));
        if (!opts.json) process.stderr.write(`report written to ${opts.html}\n`);
      }
      if (opts.json) return printJson(report);
      printText(report);
    });
}

function printText(r: MonthReport): void {
  const o = r.overall;
  const credits = Object.entries(o.creditMinorByCurrency).map(([c, m]) => formatMinor(m, c));
  process.stdout.write(
    `${r.month} (${r.zone}) — ${r.closed ? `closed ${r.closed.closedAt}` : 'not closed'}\n` +
      `  uptime (all regions)  ${o.uptimePercent} %, ${o.downtimeMinutes} min down, ${o.excludedMinutes} min excluded, ${o.incidents.length} incident(s)\n` +
      `  credits               ${o.creditedCustomers} customer(s)${credits.length ? `: ${credits.join(', ')}` : ''}\n` +
      `  L1 mean first response ${o.support.l1.meanFirstResponseCoverageMinutes ?? '—'} coverage min; ` +
      `L2 on time ${o.support.l2.ratePercent ?? '—'} %; L3 on time ${o.support.l3.ratePercent ?? '—'} %\n\n`,
  );
  printTable(
    ['customer', 'region', 'uptime %', 'down min', 'incidents', 'credit'],
    r.customers.map((c) => [
      c.customerId,
      c.region,
      c.uptimePercent,
      String(c.downtimeMinutes),
      String(c.incidents.length),
      c.credit ? formatMinor(c.credit.creditMinor, c.credit.currency) : 'not closed',
    ]),
  );
}
