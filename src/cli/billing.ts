/**
 * `sla credits run --month YYYY-MM` starts the month's billing workflow (or attaches to the one
 * running: the workflow id is per month) and follows its `progress` query with a bar until it
 * completes; `sla credits schedule ensure` creates or updates the monthly Schedule (I14).
 */
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { z } from 'zod';
import { Month } from '../model/month';
import { BILLING_SCHEDULE_ID, ensureBillingSchedule } from '../billing-schedule';
import { loadConfig } from '../config';
import { COMMAND_CONNECT_TIMEOUT_MS, connectClient } from '../connection';
import { loadPolicy } from '../policy/load';
import { formatMinor } from '../rules/credits';
import type { BillingProgress } from '../messages/billing';
import type { SlaClient } from '../client';
import { parseOptions, printJson } from './io';
import { inFlags, withSla } from './sla';

const RunOptions = z.object({
  month: Month,
  batchSize: z
    .string()
    .regex(/^\d+$/, 'expected a whole number of customers')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 5_000, 'expected 1 to 5000')
    .optional(),
  json: z.boolean().optional(),
  force: z.boolean().optional(),
});

const POLL_MS = 500;

export function runCommand(): Command {
  return new Command('run')
    .description("Closes a month's credits now (or follows the run in progress), with progress (I10, I14)")
    .requiredOption('--month <YYYY-MM>', 'a calendar month that has ended, in the policy month time zone')
    .option('--batch-size <n>', 'customers per batch (default 500)')
    .option('--json', 'print the summary as JSON')
    .option(
      '--force',
      "close it now even inside the grace period after the month's end (the Schedule's close still runs after it)",
    )
    .addHelpText('after', '\nExample:\n  sla credits run --month 2026-10')
    .action(async (raw: unknown) => {
      const opts = parseOptions(RunOptions, raw);
      await inFlags({}, () =>
        withSla(async (sla) => {
          // Running: follow it. Closed: run it again, which writes only adjustments (I10).
          await sla.credits.runMonth(
            {
              month: opts.month,
              ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
              ...(opts.force ? { force: true } : {}),
            },
            '--force',
          );
          const result = await follow(opts.month, sla, opts.json === true);
          if (opts.json) return printJson(result);
          printSummary(result);
        }),
      );
    });
}

/** Polls the progress query (on stderr, so --json's stdout stays one document) until the result. */
async function follow(month: string, sla: SlaClient, quiet: boolean): Promise<BillingProgress> {
  const bar = new SingleBar({
    format: `${month} [{bar}] {value}/{total} customers | {credited} credited | {notices} notices`,
    stream: process.stderr,
    noTTYOutput: !quiet,
    notTTYSchedule: 2_000,
    hideCursor: true,
  });
  let started = false;
  // The facade follows the month's chain across continue-as-new to its last run.
  const result = sla.credits.result(month);
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  try {
    while (!done) {
      try {
        const p = await sla.credits.progress(month);
        const payload = { credited: p.credited, notices: p.noticesSent };
        if (!started && !quiet) {
          bar.start(Math.max(p.total, 1), p.done, payload);
          started = true;
        }
        if (started) {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(p.done, payload);
        }
      } catch {
        // Between two runs of the chain, or before the first task: the next poll answers.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, POLL_MS))]);
    }
    const final = await result;
    if (started) {
      // The first poll may have seen no customers yet (total 0): the bar ends at the real total.
      bar.setTotal(Math.max(final.total, 1));
      bar.update(final.done, { credited: final.credited, notices: final.noticesSent });
    }
    return final;
  } finally {
    if (started) bar.stop();
  }
}

function printSummary(p: BillingProgress): void {
  const money = Object.entries(p.creditMinorByCurrency)
    .map(([currency, minor]) => formatMinor(minor, currency, { grouped: true }))
    .join(', ');
  const lines = [
    `${p.month}: ${p.done} customer(s) in ${p.batches} batch(es)`,
    `  entries written   ${p.written}${p.adjustments ? ` (${p.adjustments} adjustment(s))` : ''}`,
    `  credited          ${p.credited} customer(s)${money ? `: ${money}` : ''}`,
    `  notices emailed   ${p.noticesSent}`,
    `  month close       ${p.monthClose === 'written' ? 'recorded now' : 'already recorded by an earlier run'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function scheduleCommand(): Command {
  const cmd = new Command('schedule').description('The Temporal Schedule that closes each month (I14)');
  cmd.addCommand(
    new Command('ensure')
      .description(
        'Creates or updates the schedule: 00:00 on the 1st (policy month zone), then the grace period',
      )
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  sla credits schedule ensure --json')
      .action(async (raw: unknown) => {
        const opts = parseOptions(z.object({ json: z.boolean().optional() }), raw);
        const { policy } = loadPolicy();
        const config = loadConfig();
        const client = await connectClient(config, COMMAND_CONNECT_TIMEOUT_MS);
        try {
          const what = await ensureBillingSchedule(client, {
            taskQueue: config.taskQueue,
            zone: policy.month.timeZone,
          });
          if (opts.json)
            return printJson({
              scheduleId: BILLING_SCHEDULE_ID,
              result: what,
              zone: policy.month.timeZone,
              closeGraceHours: policy.month.closeGraceHours,
            });
          process.stdout.write(
            `schedule ${BILLING_SCHEDULE_ID} ${what}: 00:00 on the 1st in ${policy.month.timeZone}, ` +
              `closing the month before after ${policy.month.closeGraceHours} h\n`,
          );
        } finally {
          await client.connection.close();
        }
      }),
  );
  return cmd;
}
