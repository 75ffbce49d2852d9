/**
 * Audit: the decision timeline of a workflow from its history alone, and replay of histories
 * against the current code. One interpreter per workflow type; a type without one gets the
 * generic trail. To add a workflow type: write its interpreter (see ticket-timeline.ts) and add
 * one line below.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decodeHistory } from './history';
import { sessionInterpreter } from './session-timeline';
import { ticketInterpreter } from './ticket-timeline';
import { buildTimeline, genericInterpreter, type InterpreterFactory, type Timeline } from './timeline';

export const INTERPRETERS: Record<string, InterpreterFactory> = {
  ticketWorkflow: ticketInterpreter,
  sessionWorkflow: sessionInterpreter,
};

export async function timelineOf(
  history: temporal.api.history.v1.IHistory,
  codecs: PayloadCodec[],
  workflowId?: string,
): Promise<Timeline> {
  const decoded = await decodeHistory(history, codecs, workflowId);
  return buildTimeline(decoded, INTERPRETERS[decoded.workflowType] ?? genericInterpreter);
}

export type { Timeline, TimelineEntry } from './timeline';
