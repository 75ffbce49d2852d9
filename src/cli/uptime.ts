/**
 * `sla uptime --month YYYY-MM [--region R]`: a month's availability (C1, C14; I8, I9) from what the
 * ledger recorded — resolved outages and ended or cancelled maintenance windows — with each
 * incident and a per-day chart, so on-call and finance read the same figure the credits use;
 * `--csv` prints the month's outages as GET /v1/uptime?format=csv downloads them.
 * Outages still open are not in the ledger yet; the month close splits them at the boundary (I14).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { Region } from '../model/maintenance';
import { Month } from '../model/month';
import { outagesCsv } from '../report/csv';
import { localTime } from '../report/local-time';
import type { DayUptime } from '../rules/uptime';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

const Options = z
  .object({
    month: Month,
    region: Region.optional(),
    json: z.boolean().optional(),
    csv: z.boolean().optional(),
  })
  .refine((o) => !(o.json && o.csv), { path: ['csv'], message: 'give --json or --csv, not both' });

export function uptimeCommand(): Command {
  return new Command('uptime')
    .description("A month's uptime from the ledger: downtime, excluded maintenance, incidents (C1; I8, I9)")
    .requiredOption('--month <YYYY-MM>', 'calendar month in the policy month time zone')
    .option('--region <region>', 'only what affected this deployment region')
    .option('--json', 'print JSON (with the per-day figures)')
    .option(
      '--csv',
      "print the month's outages as CSV: counted or not, time in the month (GET /v1/uptime?format=csv)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  sla uptime --month 2026-10\n  sla uptime --month 2026-10 --region ca-central --json\n  sla uptime --month 2026-10 --csv > outages-2026-10.csv',
    )
    .action(async (raw: unknown) => {
      const opts = parseOptions(Options, raw);
      const month = await withSla((sla) => sla.reports.uptime({ month: opts.month, region: opts.region }));
      if (opts.json) return printJson(month);
      if (opts.csv) return void process.stdout.write(outagesCsv(month).text);
      const minutes = (ms: number) => (ms / 60_000).toFixed(1);
      process.stdout.write(
        `${month.month} (${month.timeZone}${opts.region ? `, region ${opts.region}` : ''}, policy ${month.policyVersion})\n` +
          `  uptime       ${month.uptimePercent} %  (target ${month.targetPercent} %: ${month.metTarget ? 'met' : 'MISSED'})\n` +
          `  downtime     ${minutes(month.downtimeMs)} min from ${month.countedOutageIds.length} counted of ${month.recordedOutages} recorded outage(s)\n` +
          `  excluded     ${minutes(month.excludedMs)} min of qualifying maintenance (${month.qualifyingMaintenanceIds.length} window(s))\n` +
          `  month length ${minutes(month.totalMs)} min\n\n`,
      );
      if (month.incidents.length) {
        printTable(
          // In the month's zone (I8); --json keeps the UTC instants.
          [`start (${month.timeZone})`, 'end', 'downtime min', 'outages', 'maintenance'],
          month.incidents.map((i) => [
            localTime(i.start, month.timeZone),
            localTime(i.end, month.timeZone),
            minutes(i.downtimeMs),
            i.outageIds.join(' '),
            i.maintenanceIds.join(' '),
          ]),
        );
        process.stdout.write('\n');
      }
      process.stdout.write(`${dayChart(month.days)}\n`);
    });
}

/** One bar per day, its length the minutes down: the month at a glance in a terminal. */
export function dayChart(days: readonly DayUptime[]): string {
  const worst = Math.max(...days.map((d) => d.downtimeMs));
  const width = 40;
  return [
    'downtime per day',
    ...days.map((d) => {
      const bar = worst === 0 ? 0 : Math.ceil((d.downtimeMs / worst) * width);
      const label = d.downtimeMs ? ` ${(d.downtimeMs / 60_000).toFixed(1)} min` : '';
      return `  ${d.date.slice(5)} ${'█'.repeat(bar)}${label}`;
    }),
  ].join('\n');
}
