/**
 * What the engine needs to know about a customer before the ledger holds customers (issue 6):
 * whether it restricted data access to Canada-based staff (C12 / I13). From SLA_CUSTOMERS_FILE,
 * a JSON array of { id, dataResidency }; a customer not listed is unrestricted.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesOf, PolicyError } from '../policy/load';

export const CustomerResidency = z.object({
  id: z.string().min(1),
  dataResidency: z.enum(['anywhere', 'canada-only']),
});
export type CustomerResidency = z.infer<typeof CustomerResidency>;

export interface CustomerDirectory {
  residency(customerId: string): Promise<CustomerResidency['dataResidency']>;
}

export function staticDirectory(customers: CustomerResidency[]): CustomerDirectory {
  const byId = new Map(customers.map((c) => [c.id, c.dataResidency]));
  return { residency: async (id) => byId.get(id) ?? 'anywhere' };
}

export function loadCustomerDirectory(
  file: string | undefined = process.env.SLA_CUSTOMERS_FILE || undefined,
): CustomerDirectory {
  if (!file) return staticDirectory([]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new PolicyError(file, [
      { path: '(file)', message: `cannot read the customers file: ${(err as Error).message}` },
    ]);
  }
  const parsed = z.array(CustomerResidency).safeParse(raw);
  if (!parsed.success) throw new PolicyError(file, issuesOf(parsed.error));
  return staticDirectory(parsed.data);
}
