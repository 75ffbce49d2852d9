/**
 * Where a ticket's outcome goes when it is resolved: the figures of the monthly report (C6 mean
 * first response, C7/C8 on-time rates). The ledger (src/ledger) implements the store: one row
 * per (ticket, resolution), written once.
 */
import type { OutcomeStore, TicketOutcome } from '../ledger/types';

export function createOutcomeActivities(deps: { outcomes: OutcomeStore }) {
  return {
    async recordTicketOutcome(outcome: TicketOutcome): Promise<'written' | 'exists'> {
      return deps.outcomes.recordTicketOutcome(outcome);
    },
  };
}
