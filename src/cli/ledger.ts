/**
 * `sla ledger list`: the credit entries (C2, I10, I14) for finance and auditors, by month and
 * customer, as a table or JSON.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
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
    .addHelpText(
      'after',
      '\nExample:\n  sla ledger list --month 2026-03\n  sla ledger list --customer acme --json',
    )
    .action(async (raw: unknown) => {
      const opts = parseOptions(
        z.object({
          month: Month.optional(),
          customer: z.string().min(1).optional(),
          json: z.boolean().optional(),
        }),
        raw,
      );
      const entries = await withSla((sla) =>
        sla.reports.creditEntries({ month: opts.month, customerId: opts.customer }),
      );
      if (opts.json) return printJson(entries);
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
