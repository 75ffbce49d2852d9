/**
 * Outages still running when a month is closed (I8, I9, I14). Their records reach the ledger only
 * when they end, so the close asks Temporal for them: the running outage workflows (visibility),
 * then each one's status query (detection, classification, regions). One detected before the
 * month's end counts from its detection, clipped to the month by the uptime math, exactly as its
 * record will when it ends: a re-run after that record arrives finds the same figure and writes
 * nothing.
 */
import type { Client } from '@temporalio/client';
import type { OutageRecord } from '../ledger/types';
import { outageRecordOf } from '../model/outage-record';
import { outageStatus } from '../messages/outage';
import { askRunning } from './running-workflows';

const OUTAGE_WORKFLOW_TYPE = 'outageWorkflow';

/**
 * The running outages detected before `monthEnd` (ISO), as records that end at the month's end
 * (or at their resolution, when one is resolved and its record not yet written).
 */
export async function openOutagesBefore(client: Client, monthEnd: string): Promise<OutageRecord[]> {
  const statuses = await askRunning(client, OUTAGE_WORKFLOW_TYPE, (w) =>
    client.workflow.getHandle(w.workflowId, w.runId).query(outageStatus),
  );
  const end = Date.parse(monthEnd);
  return (
    statuses
      .filter((s) => Date.parse(s.detectedAt) < end)
      .map((s) => outageRecordOf(s, s.end ?? monthEnd))
      // Visibility's order is not the history's concern: one order, whatever the listing gave.
      .sort((a, b) => a.outageId.localeCompare(b.outageId))
  );
}
