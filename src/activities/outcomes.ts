/**
 * Where a ticket's outcome goes when it is resolved: the figures of the monthly report (C6 mean
 * first response, C7/C8 on-time rates). The interface is the one the SQL ledger (issue 6) will
 * implement; until then a JSON-lines file keeps one line per (ticket, resolution).
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  ticketOutcomes(): Promise<TicketOutcome[]>;
}

export function fileOutcomeStore(file: string): OutcomeStore {
  // One writer at a time within this process, so that check-then-append cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<TicketOutcome[]> =>
    existsSync(file)
      ? (await readFile(file, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as TicketOutcome)
      : [];
  return {
    ticketOutcomes: read,
    recordTicketOutcome(outcome) {
      const run = queue.then(async () => {
        const existing = await read();
        if (existing.some((o) => o.ticketId === outcome.ticketId && o.resolution === outcome.resolution))
          return 'exists' as const;
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(outcome)}\n`);
        return 'written' as const;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

export function createOutcomeActivities(deps: { outcomes: OutcomeStore }) {
  return {
    async recordTicketOutcome(outcome: TicketOutcome): Promise<'written' | 'exists'> {
      return deps.outcomes.recordTicketOutcome(outcome);
    },
  };
}
