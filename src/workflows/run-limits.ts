/**
 * When a long-lived workflow (a ticket, an outage) continues as new, so that no number of
 * messages from outside stops its clock (C6–C9). Temporal refuses every update of a run past its
 * 2,000th (`limit.workflowExecution.maxTotalUpdates`) and fails histories past 50 MB or 51,200
 * events; 500 messages keep a run's history at a few thousand events, far below each. The
 * server's own warning (`continueAsNewSuggested`: the history grew large) is obeyed too.
 */
import { workflowInfo } from '@temporalio/workflow';

export const UPDATES_PER_RUN = 500;

/** Whether a run that has handled `handled` messages, of at most `perRun`, should continue as new. */
export function runIsFull(handled: number, perRun: number): boolean {
  return handled >= perRun || workflowInfo().continueAsNewSuggested;
}
