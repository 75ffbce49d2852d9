/**
 * `sla customers import|end|history|list`: the customers the ledger bills and notifies (C1, C2,
 * I10), their data-residency choice (C12, I13) and every version of their terms (I15). An import
 * is checked row by row before the ledger is even opened; one bad row names its line (CSV) or
 * index (JSON) and field, and nothing is written.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { readCustomersFile } from '../customers/file';
import type { CustomerTerms, CustomerVersion } from '../ledger/types';
import { EffectiveInstant } from '../model/terms';
import { loadPolicy } from '../policy/load';
import { localTime } from '../report/local-time';
import { formatMinor } from '../rules/credits';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

const EFFECTIVE_HELP = 'YYYY-MM-DD (00:00 in the month zone) or an ISO-8601 instant; default: now';
const Json = z.object({ json: z.boolean().optional() });
const Effective = Json.extend({ effective: EffectiveInstant.optional() });

const dataAccess = (t: CustomerTerms) => (t.canadaOnlyDataAccess ? 'Canada only' : 'anywhere');
const fee = (t: CustomerTerms) => formatMinor(t.annualFeeMinor, t.currency, { grouped: true });

/** A version's instant as people read it: local time in the month zone, then UTC (I8, I15). */
const when = (iso: string, zone: string) => `${localTime(iso, zone)} (${iso})`;
const monthZone = () => loadPolicy().policy.month.timeZone;

function printHistory(versions: CustomerVersion[]): void {
  const zone = monthZone();
  printTable(
    ['effective from', 'annual fee', 'region', 'data access', 'administrators', 'recorded at'],
    versions.map((v) => {
      const t = v.terms;
      const terms = t
        ? [fee(t), t.region, dataAccess(t), t.administrators.join(', ')]
        : ['contract ended', '', '', ''];
      return [when(v.effectiveAt, zone), ...terms, v.recordedAt];
    }),
  );
}

export function customersCommand(): Command {
  const cmd = new Command('customers').description('Customers: fees, administrators, data residency');
  cmd
    .command('import')
    .description(
      'Import customers from a CSV file (header row; administrators separated by ";") or a JSON array; ' +
        'all rows or none; each changed customer gets a version of its terms in force from --effective (I15)',
    )
    .argument('<file>', 'a .csv or .json file')
    .option('--effective <date>', EFFECTIVE_HELP)
    .option('--json', 'print the counts as JSON')
    .addHelpText(
      'after',
      '\nCSV columns: customerId,name,annualFeeMinor,currency,region,administrators,canadaOnlyDataAccess\n' +
        'Example row:  acme,Acme Inc.,1200000,CAD,ca-central,ops@acme.example;it@acme.example,false\n' +
        '\nExample:\n  sla customers import ./customers.csv --effective 2026-05-01 --json',
    )
    .action(async (file: string, raw: unknown) => {
      const opts = parseOptions(Effective, raw);
      const customers = readCustomersFile(file);
      const counts = await withSla((sla) => sla.customers.import(customers, { effective: opts.effective }));
      if (opts.json) return printJson(counts);
      // Without --effective the versions take effect now, which needs no saying.
      const from = opts.effective ? ` in force from ${when(counts.effectiveAt, monthZone())}` : '';
      process.stdout.write(
        `imported ${counts.rows} customers${from}: ` +
          `${counts.inserted} new, ${counts.updated} updated, ${counts.unchanged} unchanged\n`,
      );
    });
  cmd
    .command('end')
    .description("End a customer's contract at --effective (I15): no terms in force from then")
    .argument('<customerId>', 'the customer')
    .option('--effective <date>', EFFECTIVE_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla customers end acme --effective 2026-07-01')
    .action(async (customerId: string, raw: unknown) => {
      const opts = parseOptions(Effective, raw);
      const ended = await withSla((sla) => sla.customers.end(customerId, { effective: opts.effective }));
      if (opts.json) return printJson(ended);
      process.stdout.write(
        ended.result === 'written'
          ? `contract of ${customerId} ends at ${ended.effectiveAt}\n`
          : `${customerId} has no terms in force at ${ended.effectiveAt} already: nothing written\n`,
      );
    });
  cmd
    .command('history')
    .description("Every version of a customer's terms, from when each takes effect (I15)")
    .argument('<customerId>', 'the customer')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla customers history acme')
    .action(async (customerId: string, raw: unknown) => {
      const opts = parseOptions(Json, raw);
      const versions = await withSla((sla) => sla.customers.history(customerId));
      if (opts.json) return printJson(versions);
      printHistory(versions);
    });
  cmd
    .command('list')
    .description('List the customers whose terms are in force at --at (default: now), with those terms (I15)')
    .option('--at <date>', 'YYYY-MM-DD (00:00 in the month zone) or an ISO-8601 instant; default: now')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla customers list --at 2026-03-15 --json')
    .action(async (raw: unknown) => {
      const opts = parseOptions(Json.extend({ at: EffectiveInstant.optional() }), raw);
      const customers = await withSla((sla) => sla.customers.list({ at: opts.at }));
      if (opts.json) return printJson(customers);
      if (!customers.length) {
        process.stdout.write('no customers in force (import them with `sla customers import <file>`)\n');
        return;
      }
      printTable(
        ['customer', 'name', 'annual fee', 'region', 'data access', 'administrators'],
        customers.map((c) => [
          c.customerId,
          c.name,
          fee(c),
          c.region,
          dataAccess(c),
          c.administrators.join(', '),
        ]),
      );
    });
  return cmd;
}
