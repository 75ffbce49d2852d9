/**
 * `sla customers import|list`: the customers the ledger bills and notifies (C1, C2, I10) and
 * their data-residency choice (C12, I13). An import is checked row by row before the ledger is
 * even opened; one bad row names its line (CSV) or index (JSON) and field, and nothing is written.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { readCustomersFile } from '../customers/file';
import { formatMinor } from '../rules/credits';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

export function customersCommand(): Command {
  const cmd = new Command('customers').description('Customers: fees, administrators, data residency');
  cmd
    .command('import')
    .description(
      'Import customers from a CSV file (header row; administrators separated by ";") or a JSON array; ' +
        'all rows or none; existing customers are updated',
    )
    .argument('<file>', 'a .csv or .json file')
    .option('--json', 'print the counts as JSON')
    .addHelpText(
      'after',
      '\nCSV columns: customerId,name,annualFeeMinor,currency,region,administrators,canadaOnlyDataAccess\n' +
        'Example row:  acme,Acme Inc.,1200000,CAD,ca-central,ops@acme.example;it@acme.example,false\n' +
        '\nExample:\n  sla customers import ./customers.csv --json',
    )
    .action(async (file: string, raw: unknown) => {
      const opts = parseOptions(z.object({ json: z.boolean().optional() }), raw);
      const customers = readCustomersFile(file);
      const counts = await withSla((sla) => sla.customers.import(customers));
      if (opts.json) return printJson(counts);
      process.stdout.write(
        `imported ${counts.rows} customers: ${counts.inserted} new, ${counts.updated} updated, ${counts.unchanged} unchanged\n`,
      );
    });
  cmd
    .command('list')
    .description('List the customers in the ledger')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla customers list --json')
    .action(async (raw: unknown) => {
      const opts = parseOptions(z.object({ json: z.boolean().optional() }), raw);
      const customers = await withSla((sla) => sla.customers.list());
      if (opts.json) return printJson(customers);
      if (!customers.length) {
        process.stdout.write('no customers (import them with `sla customers import <file>`)\n');
        return;
      }
      printTable(
        ['customer', 'name', 'annual fee', 'region', 'data access', 'administrators'],
        customers.map((c) => [
          c.customerId,
          c.name,
          formatMinor(c.annualFeeMinor, c.currency, { grouped: true }),
          c.region,
          c.canadaOnlyDataAccess ? 'Canada only' : 'anywhere',
          c.administrators.join(', '),
        ]),
      );
    });
  return cmd;
}
