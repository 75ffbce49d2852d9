/**
 * `sla credits …`: monthly uptime and service credits (C1, C2, C14 as read by I8–I10).
 * `compute` works from an events file alone — no ledger, no Temporal — so that finance or an
 * auditor can redo a month's figure by hand. Further subcommands are added in `creditsCommand`.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
import { loadPolicy, type LoadedPolicy } from '../policy/load';
import { computeCredit } from '../rules/credits';
import { monthUptime, type MonthUptime } from '../rules/uptime';
import { runCommand, scheduleCommand } from './billing';
import { readEvents } from './credits-events';
import { explainCommand } from './explain';
import { parseOptions, printJson } from './io';

const ComputeOptions = z.object({
  month: Month,
  annualFee: z
    .string()
    .regex(/^\d+$/, 'expected the annual fee as a whole number of minor units (cents), e.g. 1250000')
    .transform(Number)
    .refine(Number.isSafeInteger, 'the amount is too large to be exact'),
  events: z.string().min(1),
  json: z.boolean().optional(),
});

export function creditsCommand(): Command {
  const cmd = new Command('credits').description('Monthly uptime and service credits (C1, C2, C14; I8–I10)');
  cmd.addCommand(computeCommand());
  cmd.addCommand(explainCommand());
  cmd.addCommand(runCommand()).addCommand(scheduleCommand());
  return cmd;
}

function computeCommand(): Command {
  return new Command('compute')
    .description("A month's uptime and credit for one annual fee, from an events file (I8–I10)")
    .requiredOption('--month <YYYY-MM>', 'calendar month in the policy month time zone')
    .requiredOption('--annual-fee <minor units>', 'annual fee in minor units (cents), e.g. 1250000')
    .requiredOption(
      '--events <file.json>',
      'JSON: { "contract"?: { "from"?, "to"? }, "outages": [{ "start", "end", "classification" }], "maintenance": [{ "start", "end", "announcedAt" | "notices": [{ "sentAt", "start", "end" }], "cancelled"?, "actualStart"?, "actualEnd"? }] } (docs/cli.md)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla credits compute --month 2026-03 --annual-fee 1250000 --events ./march.json --json',
    )
    .action((raw: unknown) => {
      const opts = parseOptions(ComputeOptions, raw);
      const loaded = loadPolicy();
      const { input, share } = readEvents(opts.events, {
        month: opts.month,
        zone: loaded.policy.month.timeZone,
        noticeHours: loaded.policy.maintenanceNoticeHours,
      });
      const uptime = monthUptime(input);
      const credit = computeCredit(uptime.uptime, opts.annualFee, loaded.policy.uptime.creditTiers, share);
      const answer = {
        month: uptime.month,
        totalMs: uptime.totalMs,
        excludedMs: uptime.excludedMs,
        downtimeMs: uptime.downtimeMs,
        uptimePercent: uptime.uptimePercent,
        creditPercent: credit.creditPercent,
        monthlyFeeMinor: credit.monthlyFeeMinor,
        creditMinor: credit.creditMinor,
      };
      if (opts.json) return printJson(answer);
      printSummary(loaded, uptime, answer, credit.tier?.below);
    });
}

function printSummary(
  loaded: LoadedPolicy,
  uptime: MonthUptime,
  answer: { creditPercent: number; monthlyFeeMinor: number; creditMinor: number },
  below: string | undefined,
): void {
  const rows: [string, string][] = [
    [
      uptime.totalMs < uptime.end - uptime.start ? 'T (contract in force)' : 'month length (T)',
      duration(uptime.totalMs),
    ],
    ['excluded maintenance (E)', duration(uptime.excludedMs)],
    ['downtime (D)', duration(uptime.downtimeMs)],
    ['uptime', `${uptime.uptimePercent} %  (T − E − D) / (T − E)`],
    ['incidents', incidentsLine(uptime)],
    ['excluded windows', `${uptime.qualifyingMaintenanceIds.length} qualifying maintenance window(s)`],
    ['credit tier', below ? `${answer.creditPercent} % (uptime below ${below} %)` : '0 % (no tier)'],
    ['monthly fee', `${answer.monthlyFeeMinor} minor units`],
    ['credit', `${answer.creditMinor} minor units`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `${uptime.month} in ${loaded.policy.month.timeZone} (policy ${loaded.version})\n` +
      rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') +
      '\n',
  );
}

function incidentsLine(uptime: MonthUptime): string {
  const overruns = new Set(uptime.incidents.flatMap((i) => i.maintenanceIds)).size;
  return (
    `${uptime.incidents.length} (from ${uptime.countedOutageIds.length} counted outage(s)` +
    ` and ${overruns} maintenance window(s) counted as downtime)`
  );
}

/** "743 h 00 min 00 s (2674800000 ms)": hours for people, milliseconds for auditors. */
function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h} h ${pad(m)} min ${pad(s)} s (${ms} ms)`;
}
