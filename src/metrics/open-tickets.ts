/**
 * sla_tickets_open: open tickets by SLA state and level, from Temporal visibility (the SlaState
 * and SlaLevel search attributes the ticket workflow keeps). Counted when Prometheus scrapes, at
 * most once per MAX_AGE_MS whatever the scrape rate and however many scrapers: 18 count queries
 * (6 states × 3 levels) through the worker's client, each an indexed count on the visibility
 * store, never a list of tickets. A count that fails leaves the last figures (and logs once).
 */
import type { Client } from '@temporalio/client';
import { LEVELS } from '../model/message-checks';
import { SLA_STATES } from '../model/ticket';
import { onOpenTicketsScrape, openTickets } from './registry';

export const MAX_AGE_MS = 15_000;

const query = (state: string, level: string) =>
  `WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running' AND SlaState = '${state}' AND SlaLevel = '${level}'`;

/** Makes the gauge count through this client when scraped; returns what stops it. */
export function countOpenTickets(client: Client, now: () => number = Date.now): () => void {
  let countedAt = -Infinity;
  let counting: Promise<void> | undefined;
  let failing = false;
  const count = async () => {
    const combos = SLA_STATES.flatMap((state) => LEVELS.map((level) => ({ state, level })));
    const counts = await Promise.all(combos.map((c) => client.workflow.count(query(c.state, c.level))));
    combos.forEach((c, i) => openTickets.set(c, counts[i]!.count));
    countedAt = now();
    failing = false;
  };
  onOpenTicketsScrape(async () => {
    if (now() - countedAt < MAX_AGE_MS) return;
    counting ??= count()
      .catch((err: unknown) => {
        if (!failing) console.error(`metrics: open tickets not counted: ${(err as Error).message}`);
        failing = true;
      })
      .finally(() => (counting = undefined));
    await counting;
  });
  return () => onOpenTicketsScrape(undefined);
}
