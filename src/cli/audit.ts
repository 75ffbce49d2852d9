/**
 * `sla audit`: for auditors, who check SLA decisions without trusting the running system.
 *  - `sla audit timeline <workflow-id> [--json]`: the trail of decisions read from the workflow's
 *    history alone (fetched from Temporal, decrypted with the codec keys), or from an exported file;
 *  - `sla audit replay --workflow-id <id>… | --type <type> --since <date> | --file <history.json>…`:
 *    replays histories against the current workflow code and says which diverge and where.
 * The Temporal SDK is loaded only when one of these runs, like the process commands.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { TimelineQuery } from '../client';
import { loadConfig } from '../config';
import { loadPolicy } from '../policy';
import { COMMAND_CONNECT_TIMEOUT_MS } from '../connection';
import { Instant as ModelInstant } from '../model/ticket';
import type { HistoryToReplay, ReplayOutcome, ReplaySummary } from '../audit/replay';
import { InvalidInputError } from '../errors';
import type { Timeline } from '../audit';
import { EXIT, parseOptions, printJson } from './io';
import { withSla } from './sla';

const WorkflowType = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a workflow type name, e.g. ticketWorkflow');
/** A date (midnight UTC) or an instant with its offset. */
const Since = z.union([
  z.iso.date().transform((d) => `${d}T00:00:00.000Z`),
  ModelInstant.transform((s) => new Date(s).toISOString()),
]);
/** As the client checks it (an id the engine makes), so a bad one is named as --workflow-id. */
const WorkflowId = TimelineQuery.shape.workflowId;

const ReplayOptions = z
  .object({
    workflowId: z.array(WorkflowId).optional(),
    type: WorkflowType.optional(),
    since: Since.optional(),
    file: z.array(z.string().min(1)).optional(),
    json: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    const modes = [o.workflowId, o.type, o.file].filter((m) => m !== undefined).length;
    if (modes !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of --workflow-id, --type (with --since) or --file',
      });
    if (o.type !== undefined && o.since === undefined)
      ctx.addIssue({ code: 'custom', path: ['since'], message: 'required with --type' });
  });

const TimelineOptions = z.object({
  runId: z.string().min(1).optional(),
  /** One history, or every run of a continue-as-new chain in order (first run first). */
  file: z.array(z.string().min(1)).min(1).optional(),
  json: z.boolean().optional(),
});

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function codecs() {
  const { codecDataConverter, codecKeys, workerDataConverter } = await import('../codec');
  const config = loadConfig();
  const keys = codecKeys(config);
  return {
    config,
    dataConverter: codecDataConverter(keys),
    // Replay decodes as the worker did, so that input it refused is refused again.
    replayConverter: workerDataConverter(keys),
  };
}

async function currentBundle() {
  const [{ currentWorkflowBundle }, worker] = await Promise.all([
    import('../audit/current-bundle'),
    import('@temporalio/worker'),
  ]);
  // The replay worker's state changes are not the auditor's business: warnings and errors only.
  worker.Runtime.install({ logger: new worker.DefaultLogger('WARN') });
  return currentWorkflowBundle();
}

/** An exported history; a file that cannot be read or parsed is a bad `--file`, named. */
function readHistoryFile<H>(file: string, parse: (text: string) => H): H {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidInputError([
      { path: 'file', message: `${file}: not a readable history (${(err as Error).message.split('\n')[0]})` },
    ]);
  }
}

/** The zone of the policy in force, for histories that do not record theirs (display only). */
function policyZone(): string | undefined {
  try {
    return loadPolicy().policy.timeZone;
  } catch {
    // A broken policy file must not keep an auditor from the history: UTC alone then.
    return undefined;
  }
}

/**
 * The timeline for an auditor: one line per entry, aligned columns, each instant in UTC and in the
 * policy's zone (I1) — the zone the history recorded, else `fallbackZone` (the current policy's),
 * said as such. A chain of runs (continue-as-new) numbers events per run: `2#14`.
 */
export function formatTimeline(t: Timeline, fallbackZone?: string): string {
  const recorded = t.facts.timeZone as string | undefined;
  const zone = recorded ?? fallbackZone;
  const lines = [
    `${t.workflowType} ${t.workflowId}${t.runId ? ` (run ${t.runId})` : ''}: ${t.status}`,
    `  started ${t.startedAt}${t.closedAt ? `, closed ${t.closedAt}` : ''}`,
  ];
  if (t.runs.length > 1)
    lines.push(`  ${t.runs.length} runs (continue-as-new): ${t.runs.map((r) => r.runId ?? '?').join(' → ')}`);
  const versions = t.facts.policyVersions as string[] | undefined;
  if (versions?.length) lines.push(`  policy version(s): ${versions.join(', ')}`);
  if (zone)
    lines.push(
      `  times: UTC and ${zone}${recorded ? '' : " (the current policy's zone: this history does not record one)"}`,
    );
  if (typeof t.facts.missingFigures === 'string') lines.push(`  note: ${t.facts.missingFigures}`);
  lines.push('');
  const local = (at: string) =>
    zone ? DateTime.fromISO(at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ') : '';
  const ids = t.entries.map((e) => `${e.run ? `${e.run}` : ''}#${e.eventId}`);
  const idWidth = Math.max(...ids.map((i) => i.length), 4);
  const localWidth = Math.max(0, ...t.entries.map((e) => local(e.at).length));
  const kindWidth = Math.max(4, ...t.entries.map((e) => e.kind.length));
  t.entries.forEach((e, i) => {
    const mark = e.outcome === 'failed' || e.outcome === 'rejected' ? '✗' : ' ';
    const when = zone ? `${e.at}  ${local(e.at).padEnd(localWidth)}` : e.at;
    lines.push(`${when}  ${ids[i]!.padEnd(idWidth)} ${mark} ${e.kind.padEnd(kindWidth)}  ${e.summary}`);
  });
  return `${lines.join('\n')}\n`;
}

function formatSummary(s: ReplaySummary): string {
  const lines = [`replayed ${s.replayed}, passed ${s.passed}, failed ${s.failed}`];
  for (const o of s.outcomes.filter((x) => !x.ok)) {
    lines.push(
      `  ✗ ${o.workflowId}: ${o.error?.name}: ${o.error?.message.split('\n')[0]}${o.divergedAt ? ` — first diverging event #${o.divergedAt.eventId} ${o.divergedAt.eventType}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function auditCommand(): Command {
  const audit = new Command('audit').description(
    'For auditors: decision timelines and replay, from workflow histories alone',
  );

  audit
    .command('timeline')
    .description("A workflow's trail of decisions, read from its history (decrypted with the codec keys)")
    .argument('<workflow-id>', 'e.g. ticket-T-1042')
    .option('--run-id <id>', 'a specific run (default: the latest)')
    .option(
      '--file <history.json...>',
      'read exported histories instead of asking Temporal (every run of a chain, first run first)',
    )
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  sla audit timeline ticket-T-1042\n  sla audit timeline outage-INC-42 --json',
    )
    .action(async (workflowId: string, raw: unknown) => {
      const opts = parseOptions(TimelineOptions, raw);
      let timeline: Timeline;
      if (opts.file) {
        const [{ dataConverter }, { timelineOf, orderChain }, { parseHistoryJson }] = await Promise.all([
          codecs(),
          import('../audit'),
          import('../audit/history'),
        ]);
        let histories;
        try {
          histories = orderChain(opts.file.map((f) => readHistoryFile(f, parseHistoryJson)));
        } catch (err) {
          if (err instanceof InvalidInputError) throw err;
          throw new InvalidInputError([{ path: 'file', message: (err as Error).message }]);
        }
        timeline = await timelineOf(histories, dataConverter.payloadCodecs ?? [], workflowId);
      } else {
        timeline = await withSla((sla) =>
          sla.audit.timeline({ workflowId, ...(opts.runId ? { runId: opts.runId } : {}) }),
        );
      }
      if (opts.json) printJson(timeline);
      else process.stdout.write(formatTimeline(timeline, timeline.facts.timeZone ? undefined : policyZone()));
    });

  audit
    .command('replay')
    .description('Replay histories against the current workflow code; report divergences')
    .option('--workflow-id <id>', 'a workflow to replay (repeatable)', collect)
    .option('--type <workflowType>', 'every workflow of this type started since --since')
    .option('--since <date>', 'YYYY-MM-DD or an ISO-8601 instant')
    .option('--file <history.json...>', 'exported histories (`temporal workflow show --output json`)')
    .option('--json', 'machine-readable summary')
    .addHelpText(
      'after',
      '\nExamples:\n  sla audit replay --type ticketWorkflow --since 2026-11-01\n  sla audit replay --file ./history.json --json',
    )
    .action(async (raw: unknown) => {
      const opts = parseOptions(ReplayOptions, raw);
      const onOutcome = (o: ReplayOutcome, n: number) =>
        process.stderr.write(
          `[${n}] ${o.ok ? '✓' : '✗'} ${o.workflowId}${o.ok ? '' : ` (${o.error?.name})`}\n`,
        );
      const workflowBundle = await currentBundle();
      let summary: ReplaySummary;
      if (opts.workflowId) {
        // By id: the one client's replay, the same as POST /v1/audit/replay.
        const workflowIds = opts.workflowId;
        summary = await withSla((sla) => sla.audit.replay({ workflowIds }, { onOutcome }));
      } else {
        const [{ config, replayConverter }, { replayHistories }, { parseHistoryJson }] = await Promise.all([
          codecs(),
          import('../audit/replay'),
          import('../audit/history'),
        ]);
        const client = opts.file
          ? undefined
          : await (await import('../connection')).connectClient(config, COMMAND_CONNECT_TIMEOUT_MS);
        async function* histories() {
          if (opts.file) {
            for (const f of opts.file)
              yield { workflowId: f, history: parseHistoryJson(readFileSync(f, 'utf8')) };
          } else {
            // Type and time only, both validated: nothing from the user is spliced in unchecked.
            const query = `WorkflowType = '${opts.type}' AND StartTime >= '${opts.since}'`;
            for await (const h of client!.workflow.list({ query }).intoHistories())
              yield { workflowId: h.workflowId, history: h.history as HistoryToReplay['history'] };
          }
        }
        try {
          summary = await replayHistories(histories(), {
            workflowBundle,
            dataConverter: replayConverter,
            onOutcome,
          });
        } finally {
          await client?.connection.close();
        }
      }
      if (opts.json) printJson(summary);
      else process.stdout.write(formatSummary(summary));
      if (summary.failed > 0) process.exitCode = EXIT.failure;
    });

  return audit;
}
