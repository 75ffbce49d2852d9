/**
 * Outages still running when a month is closed (I8, I9, I14). Their records reach the ledger only
 * when they end, so the close asks Temporal for them: the running outage workflows (visibility),
 * then each one's status query (detection, classification, regions). One detected before the
 * month's end counts from its detection, clipped to the month by the uptime math, exactly as its
 * record will when it ends: a re-run after that record arrives finds the same figure and writes
 * nothing.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { OutageRecord } from '../ledger/types';
import { outageRecordOf } from '../model/outage-record';
import { outageStatus, type OutageStatus } from '../messages/outage';

/**
 * The open executions of the outage workflow type, rather than the SlaKind attribute the outage
 * workflow upserts: the type is indexed at start, so an outage reported a moment before the
 * close, whose first task has not run yet, is not missed. Through the open-executions listing,
 * which every Temporal server has (the time-skipping test server has no list query).
 */
const OUTAGE_WORKFLOW_TYPE = 'outageWorkflow';

/** Queries in flight at once: a round trip to the worker each. */
const QUERIES_IN_FLIGHT = 8;

/**
 * The running outages detected before `monthEnd` (ISO), as records that end at the month's end
 * (or at their resolution, when one is resolved and its record not yet written).
 */
export async function openOutagesBefore(client: Client, monthEnd: string): Promise<OutageRecord[]> {
  const running: { workflowId: string; runId: string }[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listOpenWorkflowExecutions({
      namespace: client.options.namespace,
      typeFilter: { name: OUTAGE_WORKFLOW_TYPE },
      maximumPageSize: 1_000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const e of page.executions)
      // The filter again: the time-skipping test server lists every open execution.
      if (e.type?.name === OUTAGE_WORKFLOW_TYPE && e.execution?.workflowId && e.execution.runId)
        running.push({ workflowId: e.execution.workflowId, runId: e.execution.runId });
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const end = Date.parse(monthEnd);
  const records: OutageRecord[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: QUERIES_IN_FLIGHT }, async () => {
      while (next < running.length) {
        const w = running[next++]!;
        let s: OutageStatus;
        try {
          s = await client.workflow.getHandle(w.workflowId, w.runId).query(outageStatus);
        } catch (err) {
          // Gone between the listing and the query (past retention): its record is in the ledger.
          if (err instanceof WorkflowNotFoundError) continue;
          throw err;
        }
        if (Date.parse(s.detectedAt) >= end) continue;
        records.push(outageRecordOf(s, s.end ?? monthEnd));
      }
    }),
  );
  // Visibility's order is not the history's concern: one order, whatever the listing gave.
  return records.sort((a, b) => a.outageId.localeCompare(b.outageId));
}
