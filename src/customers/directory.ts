/**
 * What the ticket activities need to know about a customer: whether it restricted data access
 * to Canada-based staff (C12 / I13). Read from the customer's terms in force now (I15, `sla
 * customers import`) at each ticket's routing, so an imported change applies to the next ticket;
 * a customer with no terms in force is unrestricted.
 */
import type { Ledger } from '../ledger/types';

export type DataResidency = 'anywhere' | 'canada-only';

export interface CustomerDirectory {
  residency(customerId: string): Promise<DataResidency>;
}

export function ledgerDirectory(ledger: Pick<Ledger, 'customer'>): CustomerDirectory {
  return {
    async residency(customerId) {
      const customer = await ledger.customer(customerId);
      return customer?.canadaOnlyDataAccess ? 'canada-only' : 'anywhere';
    },
  };
}
