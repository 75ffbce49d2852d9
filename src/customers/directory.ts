/**
 * What the ticket activities need to know about a customer: whether it restricted data access
 * to Canada-based staff (C12 / I13). Read from the ledger's customers table (`sla customers
 * import`) at each ticket's routing, so an imported change applies to the next ticket; a
 * customer the ledger does not know is unrestricted.
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
