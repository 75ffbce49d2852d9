/**
 * `sla outage …`: report, acknowledge, classify, resolve, inspect and list outages (C3, C4, C9;
 * I7, I9) through the typed client. Readable text by default, `--json` for scripts. Exit codes:
 * 0 ok, 1 conflict or failure, 2 bad input, 3 no such outage, 4 Temporal unreachable.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { SlaClient } from '../client';
import { OUTAGE_CLASSIFICATIONS } from '../model/outage';
import type { OutageStatus } from '../messages/outage';
import { parseOptions, printJson, printTable } from './io';
import { inFlags, requestIdOf, withSla } from './sla';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const requestId = () => requestIdOf(undefined);
const Json = z.object({ json: z.boolean().optional() });

/**
 * The client's schemas name fields (`regions[0]`, `responderId`); the user typed flags, so a
 * refusal names those (`--region`, `--responder`), as `sla maintenance` does, and the outage key
 * given as the argument `<key>`. The client checks its input before it connects: bad input exits
 * 2 and starts nothing.
 */
const FLAGS: Record<string, string> = { regions: 'region', responderId: 'responder', classification: 'as' };
const KEY_ARGUMENT: Record<string, string> = { ...FLAGS, key: '<key>' };

/** Runs an action on the facade's outages; typed errors become exit codes in main.ts. */
const withClient = <T>(
  flags: Record<string, string>,
  action: (outages: SlaClient['outages']) => Promise<T>,
) => inFlags(flags, () => withSla((sla) => action(sla.outages)));

const verdict = (met: boolean | null) => (met === null ? 'pending' : met ? 'met' : 'breached');

function printStatus(s: OutageStatus): void {
  const lines = [
    `outage ${s.key}: ${s.state} — ${s.summary}`,
    `  classification  ${s.classification} (${s.regions.join(', ')})`,
    `  detected        ${s.detectedAt} (${s.reports} report(s), by ${s.source})`,
    s.claimedStart
      ? `  claimed start   ${s.claimedStart} (${s.startConfirmed ? 'confirmed' : 'not counted until confirmed: sla outage confirm-start'})`
      : '',
    `  engagement due  ${s.engagementDue} — C9 ${s.engagement}`,
    s.engagedAt ? `  engaged         ${s.engagedAt} by ${s.engagedBy} (${s.engagementMinutes} min)` : '',
    s.end
      ? `  ended           ${s.end} (resolved by ${s.resolvedBy}; ledger: ${s.recorded ?? 'pending'})`
      : '',
    `  policy          ${s.policyVersion}`,
    '  steps fired:',
    ...s.stepsFired.map(
      (f) =>
        `    ${f.at}  ${f.id.padEnd(24)} ${f.deliveries.map((d) => `${d.channel}→${d.to}${d.ok ? '' : ' FAILED'}`).join(', ')}`,
    ),
    '  classification history:',
    ...s.classificationHistory.map(
      (c) => `    ${c.at}  ${c.classification.padEnd(10)} by ${c.by}: ${c.reason}`,
    ),
  ];
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
}

export function outageCommand(): Command {
  const cmd = new Command('outage').description(
    'Outages: report, acknowledge (Level 3, C9), classify (C3/C4), resolve, status, list',
  );

  cmd
    .command('report')
    .description('Report an outage; a repeated report of the same key joins the open outage')
    .requiredOption('--key <key>', "the monitor's incident key")
    .requiredOption('--summary <text>', 'what is down')
    .requiredOption('--region <region>', 'an affected deployment region (repeatable)', collect)
    .option('--started-at <instant>', 'when it started (ISO-8601 with offset); default: now')
    .option('--source <name>', 'who reports it', 'cli')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla outage report --key INC-42 --summary "API 503" --region ca-central',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(
        Json.extend({
          key: z.string(),
          summary: z.string(),
          region: z.array(z.string()),
          startedAt: z.string().optional(),
          source: z.string(),
        }),
        raw,
      );
      await withClient(FLAGS, async (outages) => {
        const answer = await outages.reportOutage({
          key: o.key,
          summary: o.summary,
          regions: o.region,
          source: o.source,
          ...(o.startedAt ? { startedAt: o.startedAt } : {}),
        });
        if (o.json) return printJson(answer);
        process.stdout.write(
          `${answer.message} (workflow ${answer.workflowId}, ${answer.reports} report(s))\n`,
        );
      });
    });

  cmd
    .command('ack')
    .description('Record that a Level 3 responder acknowledged the outage (C9, I7)')
    .argument('<key>', 'the outage key')
    .requiredOption('--responder <id>', 'the Level 3 responder (roster id)')
    .option(
      '--at <instant>',
      'when they say they acknowledged: kept beside the time received, which C9 takes unless this is at most 60 s earlier',
    )
    .option('--request-id <id>', 'makes a retried command apply once')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla outage ack INC-42 --responder oncall.toronto')
    .action(async (key: string, raw: unknown) => {
      const o = parseOptions(
        Json.extend({ responder: z.string(), at: z.string().optional(), requestId: z.string().optional() }),
        raw,
      );
      await withClient(KEY_ARGUMENT, async (outages) => {
        const answer = await outages.acknowledgeOutage(key, {
          requestId: o.requestId ?? requestId(),
          responderId: o.responder,
          ...(o.at ? { at: o.at } : {}),
        });
        if (o.json) return printJson(answer);
        // C9 takes the receipt (I7); a stated time is shown, and whether it counted.
        const stated =
          answer.claimedAt && answer.claimedAt !== answer.engagedAt
            ? ` (stated ${answer.claimedAt}: not counted, C9 takes the time received)`
            : '';
        process.stdout.write(
          `${key} ${answer.alreadyEngaged ? 'was already engaged' : 'engaged'} by ${answer.engagedBy} at ${answer.engagedAt}, ` +
            `${Math.round(answer.engagementMinutes * 10) / 10} min after detection: C9 ${verdict(answer.met)}${stated}\n`,
        );
      });
    });

  cmd
    .command('classify')
    .description('Classify the outage: unexpected (counts as downtime), external (C3) or partial (C4)')
    .argument('<key>', 'the outage key')
    .addOption(
      new Option('--as <classification>', 'the classification')
        .choices(OUTAGE_CLASSIFICATIONS)
        .makeOptionMandatory(),
    )
    .option('--region <region>', 'the affected regions, replacing the current ones (repeatable)', collect)
    .requiredOption('--by <id>', 'who decides')
    .requiredOption('--reason <text>', 'why')
    .option('--request-id <id>', 'makes a retried command apply once')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla outage classify INC-42 --as partial --region ca-central --by eng.manager --reason "EU members can sign in"',
    )
    .action(async (key: string, raw: unknown) => {
      const o = parseOptions(
        Json.extend({
          as: z.string(),
          region: z.array(z.string()).optional(),
          by: z.string(),
          reason: z.string(),
          requestId: z.string().optional(),
        }),
        raw,
      );
      await withClient(KEY_ARGUMENT, async (outages) => {
        const answer = await outages.classifyOutage(key, {
          requestId: o.requestId ?? requestId(),
          classification: o.as,
          by: o.by,
          reason: o.reason,
          ...(o.region ? { regions: o.region } : {}),
        });
        if (o.json) return printJson(answer);
        process.stdout.write(
          `${key} is now ${answer.classification} (${answer.regions.join(', ')}); ${answer.changes} change(s) recorded\n`,
        );
      });
    });

  cmd
    .command('confirm-start')
    .description('Confirm the start a webhook claimed (its claimedStart): the outage counts from it (I7)')
    .argument('<key>', 'the outage key')
    .requiredOption('--by <id>', 'who confirms it')
    .requiredOption('--reason <text>', 'why the claimed start is right')
    .option('--request-id <id>', 'makes a retried command apply once')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla outage confirm-start INC-42 --by oncall.toronto --reason "graphs show errors from 14:05"',
    )
    .action(async (key: string, raw: unknown) => {
      const o = parseOptions(
        Json.extend({ by: z.string(), reason: z.string(), requestId: z.string().optional() }),
        raw,
      );
      await withClient(KEY_ARGUMENT, async (outages) => {
        const answer = await outages.confirmStart(key, {
          requestId: o.requestId ?? requestId(),
          by: o.by,
          reason: o.reason,
        });
        if (o.json) return printJson(answer);
        process.stdout.write(
          `${key} ${answer.alreadyConfirmed ? 'was already confirmed to count' : 'now counts'} from ${answer.detectedAt}; engagement due ${answer.engagementDue}: C9 ${answer.engagement}\n`,
        );
      });
    });

  cmd
    .command('resolve')
    .description('End the outage; its record goes to the ledger once')
    .argument('<key>', 'the outage key')
    .requiredOption('--by <id>', 'who resolves it')
    .option('--end <instant>', 'when it ended; default: now')
    .option('--reason <text>', 'a note for the record')
    .option('--request-id <id>', 'makes a retried command apply once')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla outage resolve INC-42 --by oncall.toronto --end 2026-11-30T15:40:00Z',
    )
    .action(async (key: string, raw: unknown) => {
      const o = parseOptions(
        Json.extend({
          by: z.string(),
          end: z.string().optional(),
          reason: z.string().optional(),
          requestId: z.string().optional(),
        }),
        raw,
      );
      await withClient(KEY_ARGUMENT, async (outages) => {
        const answer = await outages.resolveOutage(key, {
          requestId: o.requestId ?? requestId(),
          by: o.by,
          ...(o.end ? { end: o.end } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
        });
        if (o.json) return printJson(answer);
        process.stdout.write(`${key} resolved, ended ${answer.end}: C9 ${verdict(answer.met)}\n`);
      });
    });

  cmd
    .command('status')
    .description("An outage's state, engagement, classification history, pages and emails")
    .argument('<key>', 'the outage key')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla outage status INC-42 --json')
    .action(async (key: string, raw: unknown) => {
      const o = parseOptions(Json, raw);
      await withClient(KEY_ARGUMENT, async (outages) => {
        const status = await outages.outageStatus(key);
        if (o.json) return printJson(status);
        printStatus(status);
      });
    });

  cmd
    .command('list')
    .description("Outages from Temporal's visibility store, newest first")
    .option('--open', 'only outages still open or engaged')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla outage list --open')
    .action(async (raw: unknown) => {
      const o = parseOptions(
        Json.extend({ open: z.boolean().optional(), limit: z.coerce.number().int().min(1).max(1000) }),
        raw,
      );
      await withClient(FLAGS, async (outages) => {
        const items = await outages.listOutages({ open: o.open ?? false, limit: o.limit });
        if (o.json) return printJson(items);
        printTable(
          ['KEY', 'PHASE', 'C9', 'ENGAGEMENT DUE', 'REPORTED', 'CLOSED'],
          items.map((i) => [
            i.outageId,
            i.phase ?? '-',
            i.engagement ?? '-',
            i.engagementDue ?? '-',
            i.reportedAt,
            i.closedAt ?? '-',
          ]),
        );
      });
    });
  return cmd;
}
