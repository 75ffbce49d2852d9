/**
 * `sla calendar …`: the business calendar (I1–I6) from the command line — holidays with their
 * no-coverage windows, response deadlines, coverage windows.
 */
import { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { BusinessCalendar, responseDeadline, unlistableYear } from '../calendar';
import { loadPolicy, type LoadedPolicy } from '../policy/load';
import { Level } from '../policy/schema';
import { loadRoster } from '../roster/load';
import { eligibleCoverage } from '../rules/residency';
import { canadaDuty } from '../rules/roster';
import { CalendarInstant } from '../model/ticket';
import { iso, parseOptions, printJson, printTable, UsageError } from './io';

/** An instant the calendar covers (1972–2198 whatever the offset), as epoch ms. */
const Instant = CalendarInstant.transform((s) => Date.parse(s));

const MAX_COVERAGE_RANGE_DAYS = 366;

function calendar() {
  const loaded = loadPolicy();
  return { loaded, calendar: new BusinessCalendar(loaded.policy) };
}

type DeadlineOptions = { level: Level; opened: number; canadaOnly?: boolean; json?: boolean };

/** `sla calendar deadline`: the clock of a ticket opened at an instant, restricted by I13 if asked. */
function deadline(plain: BusinessCalendar, loaded: LoadedPolicy, opts: DeadlineOptions): void {
  const duty = opts.canadaOnly ? canadaDuty(loadRoster(), opts.level) : undefined;
  const residency = duty
    ? eligibleCoverage(plain, new BusinessCalendar(loaded.policy, undefined, duty), {
        level: opts.level,
        opened: opts.opened,
        lookaheadDays: loaded.policy.residencyLookaheadDays,
      })
    : undefined;
  const clock = responseDeadline(residency?.calendar ?? plain, loaded.policy.levels[opts.level], opts.opened);
  const out = {
    level: opts.level,
    opened: iso(opts.opened),
    clockStart: iso(clock.clockStart),
    due: iso(clock.due),
    ...(residency &&
      duty && {
        canadaOnly: true,
        eligibleDuty: duty,
        heldUntil: residency.heldUntil === null ? null : iso(residency.heldUntil),
        suspendedReason: residency.suspendedReason,
      }),
  };
  if (opts.json) return printJson(out);
  const local = (t: number) =>
    DateTime.fromMillis(t, { zone: loaded.policy.timeZone }).toFormat('ccc yyyy-LL-dd HH:mm ZZZZ');
  // Suspended, the clock is the plain one: shown for what it would be, and said not to count.
  if (residency?.suspendedReason) process.stdout.write(`SLA suspended: ${residency.suspendedReason}\n`);
  const suspended = residency?.suspendedReason ? ' (not counted)' : '';
  printTable(
    ['', 'UTC', loaded.policy.timeZone],
    [
      ['opened', out.opened, local(opts.opened)],
      ...(residency?.heldUntil ? [['held until', iso(residency.heldUntil), local(residency.heldUntil)]] : []),
      [`clock starts${suspended}`, out.clockStart, local(clock.clockStart)],
      [`${opts.level} due${suspended}`, out.due, local(clock.due)],
    ],
  );
}

export function calendarCommand(): Command {
  const cmd = new Command('calendar').description(
    'Support coverage, holidays and response deadlines (I1–I6)',
  );

  cmd
    .command('holidays')
    .description(
      "The resolved holidays of a year, one per country and date, with each one's no-coverage window",
    )
    .requiredOption('--year <year>', 'calendar year, e.g. 2026')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  sla calendar holidays --year 2026 --json')
    .action((raw: unknown) => {
      const opts = parseOptions(
        z.object({ year: z.coerce.number().int(), json: z.boolean().optional() }),
        raw,
      );
      const { calendar: cal, loaded } = calendar();
      const unlisted = unlistableYear(loaded.policy.holidays, opts.year);
      if (unlisted) throw new UsageError(`--year: ${unlisted}`);
      const holidays = cal.holidaysOfYear(opts.year).map((h) => ({
        date: h.date,
        country: h.country,
        name: h.name,
        start: iso(h.start),
        end: iso(h.end),
      }));
      if (opts.json) return printJson(holidays);
      const local = (t: string) =>
        DateTime.fromISO(t, { zone: loaded.policy.timeZone }).toFormat('ccc yyyy-LL-dd HH:mm');
      printTable(
        ['DATE', 'COUNTRY', 'NAME', `NO COVERAGE FROM (${loaded.policy.timeZone})`, 'UNTIL'],
        holidays.map((h) => [h.date, h.country, h.name, local(h.start), local(h.end)]),
      );
    });

  cmd
    .command('deadline')
    .description('When a first response is due for a ticket of a level opened at an instant (I5, I6)')
    .requiredOption('--level <level>', 'L1, L2 or L3')
    .requiredOption('--opened <instant>', 'ISO-8601 instant with offset, e.g. 2026-11-27T20:55:00Z')
    .option(
      '--canada-only',
      'a ticket restricted to Canada-based staff (C12, I13): coverage while a Canada-based responder of its level is on duty by the roster (SLA_ROSTER_FILE)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sla calendar deadline --level L2 --opened 2026-11-27T20:55:00Z --json\n' +
        '  sla calendar deadline --level L3 --opened 2026-12-07T11:00:00Z --canada-only',
    )
    .action((raw: unknown) => {
      const opts = parseOptions(
        z.object({
          level: Level,
          opened: Instant,
          canadaOnly: z.boolean().optional(),
          json: z.boolean().optional(),
        }),
        raw,
      );
      const { calendar: plain, loaded } = calendar();
      try {
        deadline(plain, loaded, opts);
      } catch (err) {
        // A clock that would run past the calendar's last year (the last days of 2198).
        if (err instanceof RangeError)
          throw new UsageError(
            `--opened: its clock would run past the calendar's last year, 2198 (${err.message})`,
          );
        throw err;
      }
    });

  cmd
    .command('coverage')
    .description('The support coverage windows (I2, I3) in a range of at most a year')
    .requiredOption('--from <instant>', 'ISO-8601 instant with offset')
    .requiredOption('--to <instant>', 'ISO-8601 instant with offset')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sla calendar coverage --from 2026-12-21T00:00:00Z --to 2027-01-04T00:00:00Z --json',
    )
    .action((raw: unknown) => {
      const opts = parseOptions(z.object({ from: Instant, to: Instant, json: z.boolean().optional() }), raw);
      if (opts.to <= opts.from) throw new UsageError('--to: must be after --from');
      if (opts.to - opts.from > MAX_COVERAGE_RANGE_DAYS * 86_400_000) {
        throw new UsageError(`--to: the range may span at most ${MAX_COVERAGE_RANGE_DAYS} days`);
      }
      const { calendar: cal, loaded } = calendar();
      const windows = cal
        .coverageWindows(opts.from, opts.to)
        .map((w) => ({ start: iso(w.start), end: iso(w.end) }));
      if (opts.json) return printJson(windows);
      const local = (t: string) =>
        DateTime.fromISO(t, { zone: loaded.policy.timeZone }).toFormat('ccc yyyy-LL-dd HH:mm');
      printTable(
        [`FROM (${loaded.policy.timeZone})`, 'UNTIL', 'HOURS'],
        windows.map((w) => [
          local(w.start),
          local(w.end),
          ((Date.parse(w.end) - Date.parse(w.start)) / 3_600_000).toFixed(2),
        ]),
      );
    });

  return cmd;
}
