/**
 * The facts and side effects of an outage workflow (C9, I7, I9): the escalation chain and the
 * engagement target from the policy (recorded in history with its version), who may acknowledge
 * (a Level 3 responder of the roster), and the one write of the resolved outage to the ledger.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Ledger, OutageRecord, WriteResult } from '../ledger/types';
import { outageAckSeconds } from '../metrics/registry';
import type { LoadedPolicy } from '../policy/load';
import { agentVerdict, matchAgent, type AgentVerdict } from '../rules/agent';
import { orderSteps, type OutageStep } from '../rules/outage-plan';
import type { Roster } from '../roster/schema';
import { revisitClosedMonths } from './late-records';

export interface OutageFacts {
  policyVersion: string;
  engagementMinutes: number;
  /**
   * How far before its receipt a webhook's startedAt counts (I7); absent in the markers of runs
   * recorded before it was looked up (their reports were all trusted).
   */
  backdateLimitMinutes?: number;
  /** In firing order. */
  steps: OutageStep[];
  repeatMinutes: number;
  /** The policy's zone (I1), so that an auditor reads the instants as the policy does. */
  timeZone: string;
}

export interface OutageDeps {
  policy: () => LoadedPolicy;
  roster: () => Roster;
  ledger: Ledger;
  /** Starts the re-run of a closed month the record touches (late data, I10, I14). */
  temporal: Client;
  now: () => number | Promise<number>;
}

export function createOutageActivities(deps: OutageDeps) {
  return {
    /** C9 / I7: the target and the chain, as the policy says at detection. */
    async outageFacts(): Promise<OutageFacts> {
      const loaded = deps.policy();
      return {
        policyVersion: loaded.version,
        engagementMinutes: loaded.policy.engagementMinutes,
        backdateLimitMinutes: loaded.policy.outageBackdateLimitMinutes,
        steps: orderSteps(loaded.policy.escalation.outage),
        repeatMinutes: loaded.policy.escalation.outageRepeatMinutes,
        timeZone: loaded.policy.timeZone,
      };
    },

    /**
     * I7: "engaged" means a Level 3 responder acknowledged; anyone else is refused, by field. Who
     * engaged (C9): the acknowledging agent when the paging provider names one the roster knows
     * (its user id `agentId` as a pagingUserId first, else its name or id as a responder's id,
     * name or email: rules/agent), else the responder whose page was acknowledged; only Level 3
     * engages. An agent the roster does not know, or whose name fits several responders, credits
     * nobody but the paged responder and is recorded by the workflow as given; `agentMatch` says
     * which it was (the workflow keeps it as `ackAgentMatch`; the audit reads it in the marker).
     */
    async checkOutageResponder(input: { responderId: string; agent?: string; agentId?: string }): Promise<{
      name: string;
      responderId: string;
      agentMatch?: AgentVerdict;
    }> {
      const roster = deps.roster();
      const match =
        input.agent === undefined && input.agentId === undefined
          ? undefined
          : matchAgent(roster, { id: input.agentId, summary: input.agent });
      const acknowledging = match?.kind === 'matched' ? match.responder : undefined;
      // The refusal names the field that chose the responder.
      const field =
        match?.kind !== 'matched' ? 'responderId' : match.by === 'pagingUserId' ? 'agentId' : 'agent';
      const responder = acknowledging ?? roster.responders.find((r) => r.id === input.responderId);
      if (!responder)
        throw ApplicationFailure.nonRetryable(
          `responderId: ${input.responderId} is not in the roster`,
          'InvalidAssignee',
        );
      if (!responder.levels.includes('L3'))
        throw ApplicationFailure.nonRetryable(
          `${field}: ${responder.id} is not a Level 3 responder; only Level 3 engages an outage (C9)`,
          'InvalidAssignee',
        );
      return {
        name: responder.name,
        responderId: responder.id,
        ...(match ? { agentMatch: agentVerdict(match) } : {}),
      };
    },

    /**
     * Written once per outage id: a retry after a lost answer finds the row and writes nothing.
     * A month it touches that is already closed (or being closed) is told to read it (I10, I14).
     */
    async recordOutage(record: OutageRecord): Promise<WriteResult> {
      const result = await deps.ledger.recordOutage(record);
      log.info('outage recorded', { outageId: record.outageId, result });
      // Observed once, by the write that made the row: detection to Level 3 acknowledgement (C9).
      if (result === 'written' && record.engagedAt)
        outageAckSeconds.observe(Math.max(0, Date.parse(record.engagedAt) - Date.parse(record.start)) / 1000);
      await revisitClosedMonths(
        deps,
        { kind: 'outage', id: record.outageId },
        { from: record.start, to: record.end },
      );
      return result;
    },
  };
}
