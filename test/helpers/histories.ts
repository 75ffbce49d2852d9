/**
 * Golden histories: with SLA_WRITE_HISTORIES=1, scenario tests save the histories of their
 * workflows under test/histories/; test/workflow/replay.test.ts replays every saved history
 * against the current workflow code, so a change that would break running workflows fails CI.
 *
 * A golden history stands for workflows already running in production: it is only ever added,
 * never re-recorded. When a change to a workflow's commands makes an existing history fail to
 * replay, the change goes behind `patched('…')` (the history keeps replaying the old path) and a
 * scenario recorded after it is saved under a NEW name. So the writer here refuses a name that
 * already exists, and appends each file it writes, with its SHA-256, to test/histories/SHA256SUMS;
 * test/unit/histories-guard.test.ts fails when a listed file is changed or deleted, a file is
 * unlisted, or a line of SHA256SUMS is changed or removed. To record a new history, save it under
 * a new name in its test and run only that test with SLA_WRITE_HISTORIES=1 (`-t 'its name'`):
 * any other save in the run names an existing file and fails.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');
/** One line per history file, as `sha256sum` writes it (`cd test/histories && sha256sum -c SHA256SUMS`). */
export const SUMS_FILE = 'SHA256SUMS';

export const writingHistories = () => process.env.SLA_WRITE_HISTORIES === '1';

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** The lines of SHA256SUMS in order, each a file name and its hash. */
export function readSums(text = readFileSync(join(HISTORIES_DIR, SUMS_FILE), 'utf8')) {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (!m) throw new Error(`${SUMS_FILE}: not a sha256sum line: ${JSON.stringify(line)}`);
      return { hash: m[1]!, file: m[2]! };
    });
}

/** Writes new golden histories (file name → content), all or none: an existing name is refused. */
export function writeNewHistories(files: [string, string][], dir = HISTORIES_DIR): void {
  const taken = files.map(([file]) => file).filter((file) => existsSync(join(dir, file)));
  if (taken.length) {
    throw new Error(
      `golden histories are never overwritten: ${taken.join(', ')} already exist. Workflows ` +
        'recorded in them may still be running; if they no longer replay, put the change behind ' +
        "patched('…') in the workflow, and save the new scenario under a new name.",
    );
  }
  for (const [file, content] of files) {
    writeFileSync(join(dir, file), content, { flag: 'wx' });
    appendFileSync(join(dir, SUMS_FILE), `${sha256(content)}  ${file}\n`);
  }
}

export async function saveHistory(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<void> {
  if (!writingHistories()) return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  writeNewHistories([[`${name}.json`, `${historyToJSON(history)}\n`]]);
}

/**
 * Every run of a continue-as-new chain, from its first run on: `<name>.json`, then
 * `<name>-run2.json`, … — a replay is per run, and each run's code path (first batches, the
 * resumed ones, the close) must replay. Returns the number of runs saved.
 */
export async function saveHistoryChain(
  client: Client,
  workflowId: string,
  firstRunId: string,
  name: string,
): Promise<number> {
  if (!writingHistories()) return 0;
  let runId: string | undefined = firstRunId;
  const files: [string, string][] = [];
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    files.push([
      `${files.length ? `${name}-run${files.length + 1}` : name}.json`,
      `${historyToJSON(history)}\n`,
    ]);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  writeNewHistories(files);
  return files.length;
}

/** saveHistoryChain for the chain the workflow's latest run belongs to (e.g. one a signal started). */
export async function saveLatestHistoryChain(
  client: Client,
  workflowId: string,
  name: string,
): Promise<number> {
  if (!writingHistories()) return 0;
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const first = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  if (!first) throw new Error(`${workflowId}: its latest run's history names no first run`);
  return saveHistoryChain(client, workflowId, first, name);
}
