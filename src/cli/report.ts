/**
 * `sla report --month YYYY-MM [--customer C] [--json] [--html out.html]`: the monthly SLA report
 * (C14, I14) from the ledger and the open tickets Temporal knows — a pure builder over its rows (src/report/build.ts) and a
 * self-contained HTML page (src/report/html.ts).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
import { incidentRecords, openAtCloseNote, type MonthReport } from '../report/build';
import { renderReportHtml } from '../report/html';
import { formatMinor } from '../rules/credits';
import { localTime } from '../report/local-time';
import { ticketTable } from '../report/support';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

const ReportOptions = z.object({
  month: Month,
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
    .addHelpText(
      'after',
      '\nExamples:\n  sla report --month 2026-10 --html report-2026-10.html\n  sla report --month 2026-10 --customer acme --json',
    )
    .action(async (raw: unknown) => {
      const opts = parseOptions(ReportOptions, raw);
      // The ledger, and Temporal for the open tickets (I14): unreachable, exit 4; an unknown
      // customer is "not found", exit 3.
      const report = await withSla((sla) =>
        sla.reports.month({ month: opts.month, ...(opts.customer ? { customerId: opts.customer } : {}) }),
      );
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
  const credits = Object.entries(o.creditMinorByCurrency).map(([c, m]) =>
    formatMinor(m, c, { grouped: true }),
  );
  process.stdout.write(
    `${r.month} (${r.zone}) — ${r.closed ? `closed ${localTime(r.closed.closedAt, r.zone)}${openAtCloseNote(r.closed)}` : 'not closed'}\n` +
      `  uptime (all regions)  ${o.uptimePercent} %, ${o.downtimeMinutes} min down, ${o.excludedMinutes} min excluded, ${o.incidents.length} incident(s)\n` +
      `  credits               ${o.creditedCustomers} customer(s)${credits.length ? `: ${credits.join(', ')}` : ''}\n` +
      `  L1 mean first response ${o.support.l1.meanFirstResponseCoverageMinutes ?? '—'} coverage min; ` +
      `L2 on time ${o.support.l2.ratePercent ?? '—'} %; L3 on time ${o.support.l3.ratePercent ?? '—'} %\n` +
      `  tickets               ${o.support.open.length} open, ${o.support.pending.length} pending, ${o.support.suspended.length} suspended (I14)\n\n`,
  );
  printTable(
    ['customer', 'region', 'uptime %', 'down min', 'incidents', 'credit'],
    r.customers.map((c) => [
      c.customerId,
      c.region,
      c.uptimePercent,
      String(c.downtimeMinutes),
      String(c.incidents.length),
      c.credit ? formatMinor(c.credit.creditMinor, c.credit.currency, { grouped: true }) : 'not closed',
    ]),
  );
  // I14: the tickets a support lead acts on, deadlines in the month's zone.
  const tickets = ticketTable(r.customers.length === 1 ? r.customers[0]!.support : o.support, r.zone);
  if (tickets.rows.length) {
    process.stdout.write(
      `\nopen, pending and suspended tickets as of ${localTime(r.ticketsAsOf, r.zone)} (times in ${r.zone})\n`,
    );
    printTable(tickets.head, tickets.rows);
  }
  // The month's incidents in its own zone (I8); --json keeps the UTC instants.
  const incidents = r.customers.length === 1 ? r.customers[0]!.incidents : o.incidents;
  if (!incidents.length) return;
  process.stdout.write('\n');
  printTable(
    [`incident start (${r.zone})`, 'end', 'down min', 'records'],
    incidents.map((i) => [
      localTime(i.start, r.zone),
      localTime(i.end, r.zone),
      String(i.downtimeMinutes),
      incidentRecords(i, r.closed).join(', '),
    ]),
  );
}
