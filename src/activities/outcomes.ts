/**
 * Where a ticket's outcome goes when it is resolved: the figures of the monthly report (C6 mean
 * first response, C7/C8 on-time rates). The ledger (src/ledger) implements the store: one row
 * per (ticket, resolution), written once.
 */
import type { Level } from '../policy/schema';

export interface TicketOutcome {
  ticketId: string;
  /** 1 for the first resolution, 2 after a reopen, … */
  resolution: number;
  customerId: string;
  level: Level;
  ruleId: string;
  policyVersion: string;
  openedAt: string;
  clockStart: string;
  due: string;
  firstResponseAt: string | null;
  /** Coverage minutes from clock start to first response (I5). */
  coverageMinutesToFirstResponse: number | null;
  /** null when the SLA was suspended (I13). */
  met: boolean | null;
  slaState: string;
  suspendedReason: string | null;
  resolvedAt: string;
  stepsFired: string[];
}

export interface OutcomeStore {
  /** Writes once per (ticket, resolution); a repeat is a no-op. */
  recordTicketOutcome(outcome: TicketOutcome): Promise<'written' | 'exists'>;
  /** Outcomes resolved in [from, to), or all of them. */
  ticketOutcomes(range?: { from: string; to: string }): Promise<TicketOutcome[]>;
}

export function createOutcomeActivities(deps: { outcomes: OutcomeStore }) {
  return {
    async recordTicketOutcome(outcome: TicketOutcome): Promise<'written' | 'exists'> {
      return deps.outcomes.recordTicketOutcome(outcome);
    },
  };
}
