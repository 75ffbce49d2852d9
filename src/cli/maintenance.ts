/**
 * `sla maintenance …`: planned maintenance windows (C1, I9) for operators — schedule (notices go
 * out at once), reschedule, cancel, say when the work really started and ended, list, status.
 * Options go through the client's schemas, so a bad value is refused before anything starts and
 * the message names the flag. Exit codes: 2 bad input, 3 unknown window, 4 Temporal unavailable,
 * 1 a message the window refuses (e.g. rescheduling a window already started).
 */
import { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { loadPolicy } from '../policy/load';
import type { MaintenanceSummary } from '../clients/maintenance';
import {
  CancelMaintenance,
  EndMaintenance,
  ListMaintenance,
  RescheduleMaintenance,
  ScheduleMaintenance,
  StartMaintenance,
} from '../model/maintenance';
import { Id } from '../model/ticket';
import type { SlaClient } from '../client';
import type { MaintenanceStatus } from '../messages/maintenance';
import { parseOptions, printJson, printTable, UsageError } from './io';
import { requestIdOf, withSla } from './sla';

/**
 * Parses a command's input with the schema the client and the workflow use, before connecting to
 * anything: a bad value exits 2 and starts nothing. The schema names fields ("start"); on the
 * command line they are flags ("--start").
 */
function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const { issues } = InvalidInputError.fromZod(parsed.error);
  throw new UsageError(
    issues
      .map((i) => {
        const field = /^[A-Za-z]+/.exec(i.path)?.[0] ?? i.path;
        const flag = FLAGS[field] ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        return `--${flag}: ${i.message}`;
      })
      .join('\n'),
  );
}
const FLAGS: Record<string, string> = { maintenanceId: 'id' };
const WindowId = z.object({ maintenanceId: Id });
const windowId = (id: string) => validate(WindowId, { maintenanceId: id }).maintenanceId;

/** The facade's maintenance operations; typed errors become exit codes in main.ts. */
const withClient = <T>(use: (maintenance: SlaClient['maintenance']) => Promise<T>) =>
  withSla((sla) => use(sla.maintenance));

const Json = { json: z.boolean().optional() };
const Ident = { id: z.string() };
/** An existing window is named by the argument, as tickets and outages are, or by --id. */
const Target = { id: z.string().optional() };
function targetOf(argument: string | undefined, flag: string | undefined): string {
  if (argument !== undefined && flag !== undefined && argument !== flag)
    throw new UsageError(`--id: ${flag} contradicts the argument ${argument}`);
  const id = argument ?? flag;
  if (id === undefined) throw new UsageError('<maintenance-id>: required (or --id)');
  return id;
}
/** "ca-east,eu-west" → ["ca-east", "eu-west"]; the client's schema checks each region. */
const RegionList = z.string().transform((s) => s.split(',').map((r) => r.trim()));
const RequestId = z.string().optional();

let policyZone: string | undefined;
/** Wall-clock times in the policy's zone (I1), as operators read them. */
const zone = () => (policyZone ??= loadPolicy().policy.timeZone);

function local(iso: string | null): string {
  return iso ? DateTime.fromISO(iso, { zone: zone() }).toFormat('ccc yyyy-LL-dd HH:mm ZZZZ') : '—';
}

function printStatus(s: MaintenanceStatus): void {
  const lines = [
    `maintenance ${s.maintenanceId}  ${s.state}  (version ${s.version}, policy ${s.policyVersion})`,
    `  window     ${local(s.start)} → ${local(s.end)}  (${s.start} → ${s.end})`,
    `  regions    ${s.regions.join(', ')}`,
    `  notice     ${s.announcedAt ? `went out ${local(s.announcedAt)}` : 'not out yet'}`,
    `  qualifies  ${s.qualifies ? 'yes' : 'no'}: ${s.qualification}`,
  ];
  if (s.startedAt) lines.push(`  started    ${local(s.startedAt)}${s.actualStart ? '' : ' (as announced)'}`);
  if (s.endedAt) lines.push(`  ended      ${local(s.endedAt)}${s.actualEnd ? '' : ' (as announced)'}`);
  if (s.overrunMs > 0)
    lines.push(`  overrun    ${Math.round(s.overrunMs / 60_000)} min, counted as downtime (I9)`);
  if (s.cancellation) lines.push(`  cancelled  ${local(s.cancellation.at)}: ${s.cancellation.reason}`);
  for (const n of s.notices) {
    const ok = n.deliveries.filter((d) => d.ok).length;
    const failed = n.deliveries.filter((d) => !d.ok);
    lines.push(
      `  notice v${n.version} ${n.kind}: ${n.done ? `${ok}/${n.deliveries.length} customers` : 'sending'}` +
        (n.withdrawals.length ? `, withdrawn from ${n.withdrawals.length}` : '') +
        (failed.length ? `; failed: ${failed.map((d) => `${d.customerId} (${d.detail})`).join(', ')}` : ''),
    );
  }
  if (s.record) lines.push(`  ledger     ${s.record}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function maintenanceCommand(): Command {
  const cmd = new Command('maintenance').description(
    'Planned maintenance windows: notices at least 24 h ahead (C1), actual start and end (I9)',
  );

  cmd
    .command('schedule')
    .description('Announce a window: each affected customer’s administrators get a notice at once')
    .requiredOption('--id <maintenanceId>', 'a stable id of the window, e.g. M-2026-12-db')
    .requiredOption('--start <instant>', 'announced start, ISO-8601 with offset')
    .requiredOption('--end <instant>', 'announced end, ISO-8601 with offset')
    .requiredOption('--regions <list>', 'affected deployment regions, comma-separated')
    .requiredOption('--description <text>', 'what will be done (goes into the notice)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla maintenance schedule --id M-42 --start 2026-12-05T03:00:00-05:00 --end 2026-12-05T05:00:00-05:00 \\\n    --regions ca-east --description "Database upgrade"',
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(
        z.object({
          ...Ident,
          start: z.string(),
          end: z.string(),
          regions: RegionList,
          description: z.string(),
          ...Json,
        }),
        raw,
      );
      const window = validate(ScheduleMaintenance, {
        maintenanceId: o.id,
        start: o.start,
        end: o.end,
        regions: o.regions,
        description: o.description,
      });
      const out = await withClient((c) => c.scheduleMaintenance(window));
      if (o.json) return printJson(out);
      process.stdout.write(
        out.created
          ? `scheduled ${o.id} (${out.workflowId}); notices are going out — see: sla maintenance status --id ${o.id}\n`
          : `${o.id} already exists (${out.workflowId}); nothing changed\n`,
      );
    });

  cmd
    .command('reschedule')
    .description(
      'Move a window not yet started (and change its regions): notices go out again, C1 is re-checked',
    )
    .argument('[maintenance-id]', 'the window (or --id)')
    .option('--id <maintenanceId>', 'the window, as a flag')
    .requiredOption('--start <instant>', 'new announced start')
    .requiredOption('--end <instant>', 'new announced end')
    .option('--regions <list>', 'new regions, comma-separated (default: unchanged)')
    .option('--description <text>', 'new description (default: unchanged)')
    .option('--request-id <id>', 'idempotency key: the same key is applied once')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla maintenance reschedule M-42 --start 2026-12-06T03:00:00-05:00 --end 2026-12-06T05:00:00-05:00',
    )
    .action(async (given: string | undefined, raw: unknown) => {
      const o = parseOptions(
        z.object({
          ...Target,
          start: z.string(),
          end: z.string(),
          regions: RegionList.optional(),
          description: z.string().optional(),
          requestId: RequestId,
          ...Json,
        }),
        raw,
      );
      const id = windowId(targetOf(given, o.id));
      const message = validate(RescheduleMaintenance, {
        requestId: requestIdOf(o.requestId),
        start: o.start,
        end: o.end,
        ...(o.regions ? { regions: o.regions } : {}),
        ...(o.description ? { description: o.description } : {}),
      });
      const out = await withClient((c) => c.rescheduleMaintenance(id, message));
      if (o.json) return printJson(out);
      process.stdout.write(
        `rescheduled ${id} (version ${out.version}); notice ${out.announcedAt ? `went out ${local(out.announcedAt)}` : 'did not go out'}\n` +
          `qualifies: ${out.qualifies ? 'yes' : 'no'} — ${out.qualification}\n`,
      );
    });

  cmd
    .command('cancel')
    .description('Cancel a window not yet started: customers who were told get a cancellation notice')
    .argument('[maintenance-id]', 'the window (or --id)')
    .option('--id <maintenanceId>', 'the window, as a flag')
    .requiredOption('--reason <text>', 'why (goes into the cancellation notice)')
    .option('--request-id <id>', 'idempotency key: the same key is applied once')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla maintenance cancel M-42 --reason "postponed to January"')
    .action(async (given: string | undefined, raw: unknown) => {
      const o = parseOptions(z.object({ ...Target, reason: z.string(), requestId: RequestId, ...Json }), raw);
      const id = windowId(targetOf(given, o.id));
      const message = validate(CancelMaintenance, { requestId: requestIdOf(o.requestId), reason: o.reason });
      const out = await withClient((c) => c.cancelMaintenance(id, message));
      if (o.json) return printJson(out);
      process.stdout.write(`cancelled ${id}; ${out.notified} customer(s) notified\n`);
    });

  for (const [name, verb] of [
    ['start', 'started'],
    ['end', 'ended'],
  ] as const) {
    cmd
      .command(name)
      .description(
        name === 'start'
          ? 'Record that the work really started (default: now); without it, the window starts as announced'
          : 'Record that the work really ended (default: now); after the announced end it is an overrun (I9)',
      )
      .argument('[maintenance-id]', 'the window (or --id)')
      .option('--id <maintenanceId>', 'the window, as a flag')
      .option('--at <instant>', `when it ${verb}, ISO-8601 with offset (default: now)`)
      .option('--request-id <id>', 'idempotency key: the same key is applied once')
      .option('--json', 'print JSON')
      .addHelpText('after', `\nExample:\n  sla maintenance ${name} M-42 --at 2026-12-05T03:05:00-05:00`)
      .action(async (given: string | undefined, raw: unknown) => {
        const o = parseOptions(
          z.object({ ...Target, at: z.string().optional(), requestId: RequestId, ...Json }),
          raw,
        );
        const id = windowId(targetOf(given, o.id));
        const message = validate(name === 'start' ? StartMaintenance : EndMaintenance, {
          requestId: requestIdOf(o.requestId),
          ...(o.at ? { at: o.at } : {}),
        });
        if (name === 'start') {
          const out = await withClient((c) => c.startMaintenance(id, message));
          if (o.json) return printJson(out);
          process.stdout.write(`${id} started ${local(out.startedAt)} (${out.state})\n`);
        } else {
          const out = await withClient((c) => c.endMaintenance(id, message));
          if (o.json) return printJson(out);
          process.stdout.write(
            `${id} ended ${local(out.endedAt)}` +
              (out.overrunMs > 0
                ? `, ${Math.round(out.overrunMs / 60_000)} min past the announced end (counted as downtime, I9)\n`
                : ', within the announced window\n'),
          );
        }
      });
  }

  cmd
    .command('status')
    .description('A window: its notices, whether it qualifies (C1), what really happened')
    .argument('[maintenance-id]', 'the window (or --id)')
    .option('--id <maintenanceId>', 'the window, as a flag')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla maintenance status M-42 --json')
    .action(async (given: string | undefined, raw: unknown) => {
      const o = parseOptions(z.object({ ...Target, ...Json }), raw);
      const id = windowId(targetOf(given, o.id));
      const status = await withClient((c) => c.maintenanceStatus(id));
      if (o.json) return printJson(status);
      printStatus(status);
    });

  cmd
    .command('list')
    .description('Windows, by announced start')
    .option('--state <state>', 'scheduled, in-progress, overrunning, completed or cancelled')
    .option('--from <instant>', 'announced start at or after')
    .option('--to <instant>', 'announced start before')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla maintenance list --state scheduled --from 2026-12-01T00:00:00Z')
    .action(async (raw: unknown) => {
      const o = parseOptions(
        z.object({
          state: z.string().optional(),
          from: z.string().optional(),
          to: z.string().optional(),
          ...Json,
        }),
        raw,
      );
      const filter = validate(ListMaintenance, {
        ...(o.state ? { state: o.state } : {}),
        ...(o.from ? { from: o.from } : {}),
        ...(o.to ? { to: o.to } : {}),
      });
      const windows: MaintenanceSummary[] = await withClient((c) => c.listMaintenance(filter));
      if (o.json) return printJson(windows);
      printTable(
        ['ID', 'STATE', `START (${zone()})`, 'END', 'REGIONS', 'QUALIFIES'],
        windows.map((w) => [
          w.maintenanceId,
          w.state,
          local(w.start),
          local(w.end),
          w.regions.join(','),
          w.qualifies ? 'yes' : 'no',
        ]),
      );
    });

  return cmd;
}
