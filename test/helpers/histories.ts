/**
 * Golden histories: with SLA_WRITE_HISTORIES=1 (`npm run histories:refresh`), scenario tests save
 * the histories of their workflows under test/histories/; test/workflow/replay.test.ts replays
 * every saved history against the current workflow code, so a change that would break running
 * workflows fails CI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

export async function saveHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.SLA_WRITE_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}
