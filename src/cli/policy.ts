/**
 * `sla policy …`: check a policy file before deploying it, show the effective policy, and list
 * the versions the engine has judged by, with the months each judged (I15).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { loadPolicy } from '../policy/load';
import { loadRoster, rosterSource, rosterWarnings } from '../roster/load';
import { parseOptions, printJson, printTable } from './io';
import { withSla } from './sla';

export function policyCommand(): Command {
  const cmd = new Command('policy').description('The contract as data: validate and show the policy');
  cmd
    .command('check')
    .description(
      'Validate a policy file (default: SLA_POLICY_FILE, else the built-in policy) and print its version; ' +
        'validate the roster (default: SLA_ROSTER_FILE, else the built-in roster) and warn of hours without a Level 3 primary',
    )
    .option('--file <path>', 'policy JSON file')
    .option('--overrides <path>', 'holiday overrides JSON file')
    .option('--roster <path>', 'roster JSON file')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla policy check --file ./my-policy.json --roster ./my-roster.json')
    .action((raw: unknown) => {
      const opts = parseOptions(
        z.object({
          file: z.string().optional(),
          overrides: z.string().optional(),
          roster: z.string().optional(),
          json: z.boolean().optional(),
        }),
        raw,
      );
      const loaded = loadPolicy({
        policyFile: opts.file ?? (process.env.SLA_POLICY_FILE || undefined),
        overridesFile: opts.overrides ?? (process.env.SLA_HOLIDAY_OVERRIDES_FILE || undefined),
      });
      const rosterFile = opts.roster ?? (process.env.SLA_ROSTER_FILE || undefined);
      const roster = loadRoster(rosterFile);
      // Warnings do not fail the check (exit 0): the worker starts with such a roster too.
      const warnings = rosterWarnings(roster);
      if (opts.json)
        return printJson({
          valid: true,
          version: loaded.version,
          source: loaded.source,
          roster: { source: rosterSource(rosterFile), responders: roster.responders.length, warnings },
        });
      process.stdout.write(`valid policy ${loaded.version} (${loaded.source})\n`);
      process.stdout.write(
        `valid roster, ${roster.responders.length} responder(s) (${rosterSource(rosterFile)})\n`,
      );
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    });
  cmd
    .command('show')
    .description('Print the effective policy (a JSON document, with or without --json)')
    .option('--json', 'print JSON (the default for this document)')
    .addHelpText('after', '\nExample:\n  sla policy show --json | jq .policy.levels')
    .action(() => {
      const loaded = loadPolicy();
      printJson({ version: loaded.version, source: loaded.source, policy: loaded.policy });
    });
  cmd
    .command('versions')
    .description(
      'The policy versions stored in the ledger (every one a worker has run with) and the months each judged (I15)',
    )
    .option('--json', "print JSON (with each version's policy)")
    .addHelpText('after', '\nExample:\n  sla policy versions --json | jq ".[0].months"')
    .action(async (raw: unknown) => {
      const opts = parseOptions(z.object({ json: z.boolean().optional() }), raw);
      const versions = await withSla((sla) => sla.policy.versions());
      if (opts.json) return printJson(versions);
      if (!versions.length) {
        process.stdout.write('no policy versions stored (a worker stores the one it runs with)\n');
        return;
      }
      printTable(
        ['version', 'recorded at', 'months judged'],
        versions.map((v) => [v.version, v.recordedAt, v.months.join(', ') || '-']),
      );
    });
  return cmd;
}
