/** `sla policy …`: check a policy file before deploying it, and show the effective policy. */
import { Command } from 'commander';
import { z } from 'zod';
import { loadPolicy } from '../policy/load';
import { parseOptions, printJson } from './io';

export function policyCommand(): Command {
  const cmd = new Command('policy').description('The contract as data: validate and show the policy');
  cmd
    .command('check')
    .description(
      'Validate a policy file (default: SLA_POLICY_FILE, else the built-in policy) and print its version',
    )
    .option('--file <path>', 'policy JSON file')
    .option('--overrides <path>', 'holiday overrides JSON file')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla policy check --file ./my-policy.json')
    .action((raw: unknown) => {
      const opts = parseOptions(
        z.object({
          file: z.string().optional(),
          overrides: z.string().optional(),
          json: z.boolean().optional(),
        }),
        raw,
      );
      const loaded = loadPolicy({
        policyFile: opts.file ?? (process.env.SLA_POLICY_FILE || undefined),
        overridesFile: opts.overrides ?? (process.env.SLA_HOLIDAY_OVERRIDES_FILE || undefined),
      });
      if (opts.json) return printJson({ valid: true, version: loaded.version, source: loaded.source });
      process.stdout.write(`valid policy ${loaded.version} (${loaded.source})\n`);
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
  return cmd;
}
