/**
 * Golden histories: with SLA_WRITE_HISTORIES=1 (`npm run histories:refresh` for the time-skipping
 * scenarios, `npm run histories:dev` for the real dev-server runs), scenario tests save the
 * histories of their workflows under test/histories/; test/workflow/replay.test.ts replays every
 * saved history against the current workflow code, so a change that would break running
 * workflows fails CI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

export const writingHistories = () => process.env.SLA_WRITE_HISTORIES === '1';

export async function saveHistory(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<void> {
  if (!writingHistories()) return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
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
  let run = 0;
  while (runId) {
    run++;
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    writeFileSync(
      join(HISTORIES_DIR, `${run === 1 ? name : `${name}-run${run}`}.json`),
      `${historyToJSON(history)}\n`,
    );
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return run;
}
