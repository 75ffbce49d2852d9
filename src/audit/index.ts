/**
 * Audit: the decision timeline of a workflow from its history alone, and replay of histories
 * against the current code. One interpreter (interpret.ts) reads every history through the
 * workflow type's reading; a type without one gets the generic trail. To add a workflow type:
 * add it to `Workflows` (interpret.ts), write its reading (see ticket-timeline.ts) and add one
 * line below.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { billingMonthReading, billingScheduleReading } from './billing-timeline';
import { decodeHistory } from './history';
import { genericReading, interpret, type ReadingFactory, type WorkflowName } from './interpret';
import { maintenanceReading } from './maintenance-timeline';
import { outageReading } from './outage-timeline';
import type { Timeline } from './render';
import { sessionReading } from './session-timeline';
import { ticketReading } from './ticket-timeline';

type History = temporal.api.history.v1.IHistory;

export const INTERPRETERS: { [W in WorkflowName]: ReadingFactory<W> } = {
  ticketWorkflow: ticketReading,
  sessionWorkflow: sessionReading,
  outageWorkflow: outageReading,
  maintenanceWorkflow: maintenanceReading,
  billingMonthWorkflow: billingMonthReading,
  billingScheduleWorkflow: billingScheduleReading,
};

const isKnown = (type: string): type is WorkflowName => Object.hasOwn(INTERPRETERS, type);

/**
 * The timeline of one run, or of every run of a continue-as-new chain given in order (first
 * run first): a billing month of 10,000 customers is several runs, and its timeline is all of them.
 */
export async function timelineOf(
  history: History | History[],
  codecs: PayloadCodec[],
  workflowId?: string,
): Promise<Timeline> {
  const histories = Array.isArray(history) ? history : [history];
  const decoded = [];
  for (const h of histories) decoded.push(await decodeHistory(h, codecs, workflowId));
  const type = decoded[0]?.workflowType ?? '';
  return isKnown(type) ? interpret(decoded, INTERPRETERS[type]) : interpret(decoded, genericReading);
}

/** The run a history continues (continue-as-new), read from its first event: no decoding needed. */
export function previousRunOf(history: History): string | null {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || null;
}

/**
 * Every run of the chain that ends with `runId` (the latest run when undefined), first run first,
 * walking back through each run's "continued from" link. `fetch` reads one run's history.
 */
export async function historyChain(
  fetch: (runId: string | undefined) => Promise<History>,
  runId?: string,
  maxRuns = 10_000,
): Promise<History[]> {
  const chain = [await fetch(runId)];
  for (let previous = previousRunOf(chain[0]!); previous; previous = previousRunOf(chain[0]!)) {
    if (chain.length >= maxRuns)
      throw new Error(`more than ${maxRuns} runs in the chain of ${runId ?? 'this workflow'}`);
    chain.unshift(await fetch(previous));
  }
  return chain;
}

/** A history's own run id (its first event says it). */
function runIdOf(history: History): string | null {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId || null;
}

/**
 * Runs given in any order (exported files), put in chain order by their "continued from" links;
 * a set that is not one chain (a gap, another workflow's run) is refused with what is wrong.
 */
export function orderChain(histories: History[]): History[] {
  if (histories.length < 2) return histories;
  const byPrevious = new Map(histories.map((h) => [previousRunOf(h), h]));
  const ids = new Set(histories.map(runIdOf));
  const firsts = histories.filter((h) => !ids.has(previousRunOf(h)));
  if (firsts.length !== 1)
    throw new Error(`the histories are not one continue-as-new chain: ${firsts.length} of them start it`);
  const chain = [firsts[0]!];
  for (let next = byPrevious.get(runIdOf(firsts[0]!)); next; next = byPrevious.get(runIdOf(next)))
    chain.push(next);
  if (chain.length !== histories.length)
    throw new Error(
      `the histories are not one continue-as-new chain: ${chain.length} of ${histories.length} follow each other`,
    );
  return chain;
}

export type { Timeline, TimelineEntry } from './render';
