/** The support levels of C10 (the list itself is zod-free, for the workflow's validators). */
import { z } from 'zod';
import { LEVELS } from './message-checks';

export { LEVELS };
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

/**
 * What a ticket's clock was set from (C6–C8, I5): its classification, the policy version that
 * classified it, and when the clock started and falls due. The status a ticket answers and the
 * outcome the ledger keeps for the report both carry it.
 */
export interface TicketClock {
  customerId: string;
  level: Level;
  ruleId: string;
  policyVersion: string;
  openedAt: string;
  clockStart: string;
  due: string;
}
