/**
 * `sla ledger list`: the credit entries (C2, I10, I14) for finance and auditors, by month and
 * customer, as a table, JSON, or the CSV GET /v1/credits?format=csv downloads.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
import { creditEntriesCsv } from '../report/csv';
import { formatMinor } from '../rules/credits';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

export function ledgerCommand(): Command {
  const cmd = new Command('ledger').description('The ledger: credit entries for finance and auditors');
  cmd
    .command('list')
    .description('List credit entries (credits and adjustments), oldest month first')
    .option('--month <YYYY-MM>', 'only this month')
    .option('--customer <id>', 'only this customer')
    .option('--json', 'print JSON (every field, as stored)')
    .option('--csv', 'print CSV (RFC 4180, money in integer minor units), as GET /v1/credits?format=csv')
    .addHelpText(
      'after',
      '\nExample:\n  sla ledger list --month 2026-03\n  sla ledger list --customer acme --json\n  sla ledger list --month 2026-03 --csv > credits-2026-03.csv',
    )
    .action(async (raw: unknown) => {
      const opts = parseOptions(
        z
          .object({
            month: Month.optional(),
            customer: z.string().min(1).optional(),
            json: z.boolean().optional(),
            csv: z.boolean().optional(),
          })
          .refine((o) => !(o.json && o.csv), { path: ['csv'], message: 'give --json or --csv, not both' }),
        raw,
      );
      const entries = await withSla((sla) =>
        sla.reports.creditEntries({ month: opts.month, customerId: opts.customer }),
      );
      if (opts.json) return printJson(entries);
      if (opts.csv) return void process.stdout.write(creditEntriesCsv(entries, opts).text);
      if (!entries.length) {
        process.stdout.write('no credit entries\n');
        return;
      }
      printTable(
        [
          'month',
          'customer',
          'kind',
          'seq',
          'uptime %',
          'credit %',
          'monthly fee',
          'credit',
          'outages',
          'created',
        ],
        entries.map((e) => [
          e.month,
          e.customerId,
          e.kind,
          String(e.sequence),
          e.uptimePercent,
          String(e.creditPercent),
          formatMinor(e.monthlyFeeMinor, e.currency, { grouped: true }),
          formatMinor(e.creditMinor, e.currency, { grouped: true }),
          e.outageIds.join(' ') || '-',
          e.createdAt,
        ]),
      );
    });
  return cmd;
}
