/**
 * The running executions of one workflow type, and their status queries: how the close finds the
 * outages still open (I8, I14) and the report the tickets still open (I14), whose records reach
 * the ledger only later. Through the open-executions listing, which every Temporal server has (the
 * time-skipping test server has no list query), filtered by the workflow type: the type is
 * indexed at start, so a workflow started a moment before, whose first task has not run yet, is
 * not missed (an attribute the workflow upserts would be).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

/** Queries in flight at once: a round trip to the worker each. */
const QUERIES_IN_FLIGHT = 8;

export interface Execution {
  workflowId: string;
  runId: string;
}

/**
 * `ask(execution)` for every running execution of `workflowType`, 8 at a time; one gone between
 * the listing and its query (closed and past retention) is left out: its record is in the ledger.
 */
export async function askRunning<T>(
  client: Client,
  workflowType: string,
  ask: (execution: Execution) => Promise<T>,
  /** Only runs started at or after this instant (epoch ms): the server skips the older ones. */
  startedFrom?: number,
): Promise<T[]> {
  const running: Execution[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listOpenWorkflowExecutions({
      namespace: client.options.namespace,
      typeFilter: { name: workflowType },
      ...(startedFrom === undefined ? {} : { startTimeFilter: { earliestTime: msToTs(startedFrom) } }),
      maximumPageSize: 1_000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const e of page.executions)
      // The filter again: the time-skipping test server lists every open execution.
      if (e.type?.name === workflowType && e.execution?.workflowId && e.execution.runId)
        running.push({ workflowId: e.execution.workflowId, runId: e.execution.runId });
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const answers: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: QUERIES_IN_FLIGHT }, async () => {
      while (next < running.length) {
        const execution = running[next++]!;
        try {
          answers.push(await ask(execution));
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) continue;
          throw err;
        }
      }
    }),
  );
  return answers;
}
