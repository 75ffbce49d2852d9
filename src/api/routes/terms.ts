/**
 * Terms in force and the policy of each month (I15): a contract's end, a customer's versions and
 * the policy versions the engine has judged by, like `sla customers end|history` and
 * `sla policy versions`.
 */
import { z } from 'zod';
import { CustomerRecordSchema } from '../../ledger/schema';
import { EffectiveInstant } from '../../model/terms';
import { customerRead } from './finance';
import { FINANCE_WRITES, MONEY_READ } from './roles';
import { AnObject, route, type Route } from './route';

const CustomerId = CustomerRecordSchema.shape.customerId;

export const termsRoutes: Route[] = [
  route({
    id: 'endContract',
    method: 'POST',
    path: '/v1/customers/{customerId}/end',
    summary:
      "End a customer's contract at `effective` (YYYY-MM-DD: 00:00 in the month zone, or an instant; default now): no terms in force from then (I15)",
    tag: 'customers',
    roles: FINANCE_WRITES,
    params: z.object({ customerId: CustomerId }),
    body: z.strictObject({ effective: EffectiveInstant.optional() }),
    success: { 200: "the end, 'written', or 'exists' when no terms were in force at that instant" },
    returns: z.object({
      customerId: z.string(),
      effectiveAt: z.string(),
      result: z.enum(['written', 'exists']),
    }),
    handler: async ({ params, body }, s) => ({
      status: 200,
      body: await s.sla.customers.end(params.customerId, body),
    }),
  }),
  customerRead({
    id: 'customerHistory',
    path: '/v1/customers/{customerId}/history',
    summary: "Every version of a customer's terms, in order of effect; terms null: the contract ends (I15)",
    success: 'the versions',
    returns: z.array(AnObject),
    read: (sla, customerId) => sla.customers.history(customerId),
  }),
  route({
    id: 'policyVersions',
    method: 'GET',
    path: '/v1/policy/versions',
    summary:
      'The policy versions the engine has judged by, each with its policy and the months it judged (I15)',
    tag: 'credits',
    roles: MONEY_READ,
    success: { 200: 'the versions' },
    returns: z.array(AnObject),
    handler: async (_, s) => ({ status: 200, body: await s.sla.policy.versions() }),
  }),
];
