/**
 * `sla classify --subject S [--body B]`: the level the policy's rules give a ticket's text (C10,
 * I11), with the rule and the policy's phrase that decided — what opening it would record. Pure:
 * it reads the policy (SLA_POLICY_FILE or the default) as `sla calendar` does, and no server.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { ClassifyTicket } from '../model/ticket';
import { loadPolicy } from '../policy/load';
import { classify } from '../rules/classify';
import { parseOptions, printJson } from './io';

const Options = ClassifyTicket.extend({ json: z.boolean().optional() });

export function classifyCommand(): Command {
  return new Command('classify')
    .description("A ticket's level by the policy's rules, and the rule and phrase that decided (C10, I11)")
    .requiredOption('--subject <text>', "the ticket's subject")
    .option('--body <text>', "the ticket's body", '')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sla classify --subject "Comment puis-je désactiver les webhooks ?"\n' +
        '  sla classify --subject "Agreement" --body "Please sign our data-sharing agreement" --json',
    )
    .action((raw: unknown) => {
      const { json, ...ticket } = parseOptions(Options, raw);
      const result = classify(loadPolicy().policy, ticket);
      if (json) return printJson(result);
      process.stdout.write(
        result.phrase
          ? `${result.level}: rule ${result.ruleId}, phrase "${result.phrase}"\n`
          : `${result.level}: no rule matched, the policy's default level\n`,
      );
    });
}
