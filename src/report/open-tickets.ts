/**
 * The tickets still running when the report is made (I14): their outcomes reach the ledger only
 * at a resolution, so the report asks Temporal, as the close does for open outages — the running
 * ticket workflows (visibility), then each one's status query. A ticket still without a first
 * response gets its coverage minutes so far (I5), by the calendar its workflow measures with
 * (for a Canada-only ticket, restricted to the duty recorded with its clock, I13).
 */
import type { Client } from '@temporalio/client';
import { askRunning } from '../activities/running-workflows';
import { PolicyCalendars } from '../calendar';
import type { Policy } from '../policy/schema';
import { MAX_CLOCK_SKEW_MS, queryStatus } from '../clients/calls';
import { ticketStatus } from '../messages/ticket';
import type { RunningTicket } from './support';

const TICKET_WORKFLOW_TYPE = 'ticketWorkflow';

/**
 * The running tickets opened in [from, to), judged at `asOf` (ISO) on the calendar of `policy`;
 * a Canada-only ticket's on that calendar restricted to the duty recorded in it (I13).
 */
export async function runningTickets(
  client: Client,
  policy: Policy,
  range: { from: string; to: string },
  asOf: string,
): Promise<RunningTicket[]> {
  const calendars = new PolicyCalendars(policy);
  const [from, to] = [Date.parse(range.from), Date.parse(range.to)];
  const statuses = await askRunning(
    client,
    TICKET_WORKFLOW_TYPE,
    // A ticket just started answers its status once its opening lookups have (queryStatus waits).
    (w) => queryStatus(client.workflow.getHandle(w.workflowId, w.runId), ticketStatus),
    // A ticket opened in the month started no earlier than its opening less the clock skew a start
    // is allowed (its run continued as new started later still): older runs are not asked.
    from - MAX_CLOCK_SKEW_MS,
  );
  return (
    statuses
      .filter((s) => Date.parse(s.openedAt) >= from && Date.parse(s.openedAt) < to)
      // A status holds every fact the figures read (TicketFacts); the rest is not used.
      .map((s): RunningTicket => ({
        ...s,
        coverageMinutesSoFar:
          s.firstResponse === null && s.status === 'open' && s.state !== 'suspended'
            ? calendars.of(s.eligibleDuty).coverageMinutes(Date.parse(s.clockStart), Date.parse(asOf))
            : null,
      }))
  );
}
