/**
 * `sla credits explain --customer C --month M [--json]`: one customer's credit for a month from
 * the ledger (C2; I8–I10, I15), the whole computation with every input and reason beside the
 * entries written, for finance and auditors to redo by hand. The same sections as the page
 * (src/report/explanation-view.ts).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
import { Id } from '../model/ticket';
import { explanationSections, explanationSubtitle, explanationTitle } from '../report/explanation-view';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

const ExplainOptions = z.object({ customer: Id, month: Month, json: z.boolean().optional() });

export function explainCommand(): Command {
  return new Command('explain')
    .description("One customer's credit for a month, explained from the ledger (I9, I10, I15)")
    .requiredOption('--customer <id>', 'the customer id')
    .requiredOption('--month <YYYY-MM>', 'calendar month in the month zone of its policy')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla credits explain --customer acme --month 2026-10')
    .action(async (raw: unknown) => {
      const opts = parseOptions(ExplainOptions, raw);
      const x = await withSla((sla) =>
        sla.reports.creditExplanation({ month: opts.month, customerId: opts.customer }),
      );
      if (opts.json) return printJson(x);
      process.stdout.write(`${explanationTitle(x)}\n${explanationSubtitle(x)}\n`);
      for (const s of explanationSections(x)) {
        process.stdout.write(`\n${s.title}\n`);
        if (s.lead) process.stdout.write(`  ${s.lead}\n`);
        if (s.rows.length) printTable(s.head, s.rows);
      }
    });
}
