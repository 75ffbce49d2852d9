/**
 * Customers, uptime, credits, the month close and the monthly report (C1, C2, C14; I8–I10,
 * I14), from the ledger and the billing-month workflow, like `sla customers`, `sla uptime`,
 * `sla credits run` and `sla report`.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { translate } from '../../client';
import { NotFoundError } from '../../errors';
import { CustomerRecordSchema, parseCustomers } from '../../ledger/schema';
import { buildMonthReport } from '../../report/build';
import { renderReportHtml } from '../../report/html';
import { ledgerUptime } from '../../report/uptime';
import { manualClose } from '../../rules/month-close';
import { accountingMonth } from '../../rules/uptime';
import {
  billingMonthWorkflowId,
  billingProgressQuery,
  type BillingMonthInput,
} from '../../workflows/billing-month';
import { ApiError } from '../http';
import { FINANCE_WRITES, MONEY_READ, OPERATIONS_READ } from './roles';
import { Month, route, type Route, type Services } from './route';

const CustomerId = CustomerRecordSchema.shape.customerId;
const Region = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a deployment region id, e.g. ca-central');
/** One import is one transaction: all rows or none. */
const MAX_IMPORT_ROWS = 20_000;

const CreditsRun = z.object({
  month: Month,
  batchSize: z.number().int().min(1).max(5_000).optional(),
  /** Close now even inside the grace period (I14); the Schedule's close still runs after it. */
  force: z.boolean().optional(),
});

/** [from, to) of a month in the policy's month time zone, as the ledger's ranges take it. */
function monthRange(s: Services, month: string) {
  const { start, end } = accountingMonth(month, s.policy.policy.month.timeZone);
  return { start, end, from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export const financeRoutes: Route[] = [
  route({
    id: 'listCustomers',
    method: 'GET',
    path: '/v1/customers',
    summary: 'The customers the ledger bills and notifies',
    tag: 'customers',
    roles: OPERATIONS_READ,
    success: { 200: 'the customers' },
    handler: async (_, s) => ({ status: 200, body: await s.ledger.customers() }),
  }),
  route({
    id: 'getCustomer',
    method: 'GET',
    path: '/v1/customers/{customerId}',
    summary: 'One customer',
    tag: 'customers',
    roles: OPERATIONS_READ,
    params: z.object({ customerId: CustomerId }),
    success: { 200: 'the customer' },
    handler: async ({ params }, s) => {
      const customer = await s.ledger.customer(params.customerId);
      if (!customer) throw new NotFoundError(`no customer ${params.customerId}`);
      return { status: 200, body: customer };
    },
  }),
  route({
    id: 'importCustomers',
    method: 'POST',
    path: '/v1/customers',
    summary: 'Import customers: all rows or none; existing customers are updated',
    tag: 'customers',
    roles: FINANCE_WRITES,
    body: z.array(CustomerRecordSchema).min(1).max(MAX_IMPORT_ROWS),
    bodyLimit: 16 * 1024 * 1024,
    success: { 200: 'the counts' },
    handler: async ({ body }, s) => {
      // A customer id given twice is refused naming both rows, before anything is written.
      const customers = parseCustomers(body);
      const { inserted, updated } = await s.ledger.importCustomers(customers);
      return {
        status: 200,
        body: { rows: customers.length, inserted, updated, unchanged: customers.length - inserted - updated },
      };
    },
  }),
  route({
    id: 'uptime',
    method: 'GET',
    path: '/v1/uptime',
    summary: "A month's uptime from the ledger, with incidents and per-day figures (C1; I8, I9)",
    tag: 'credits',
    roles: MONEY_READ,
    query: z.object({ month: Month, region: Region.optional() }),
    success: { 200: 'the figures' },
    handler: async ({ query }, s) => ({
      status: 200,
      body: await ledgerUptime(s.ledger, s.policy, query.month, query.region),
    }),
  }),
  route({
    id: 'listCredits',
    method: 'GET',
    path: '/v1/credits',
    summary: 'Credit entries (C2, I10), by month and customer',
    tag: 'credits',
    roles: MONEY_READ,
    query: z.object({ month: Month.optional(), customerId: CustomerId.optional() }),
    success: { 200: 'the entries' },
    handler: async ({ query }, s) => ({
      status: 200,
      body: await s.ledger.creditEntries({
        ...(query.month ? { month: query.month } : {}),
        ...(query.customerId ? { customerId: query.customerId } : {}),
      }),
    }),
  }),
  route({
    id: 'runCredits',
    method: 'POST',
    path: '/v1/credits/runs',
    summary:
      "Close a month's credits now (the billing-month workflow, one per month); a closed month run again writes only adjustments (I10, I14)",
    tag: 'credits',
    roles: FINANCE_WRITES,
    body: CreditsRun,
    success: { 202: 'started or running: follow it at GET /v1/credits/runs/{month}' },
    handler: async ({ body }, s) => {
      const { timeZone, closeGraceHours } = s.policy.policy.month;
      const may = manualClose({
        month: body.month,
        zone: timeZone,
        graceHours: closeGraceHours,
        now: Date.now(),
        force: body.force === true,
        forceFlag: '`force: true`',
      });
      if (!may.allowed)
        throw new ApiError(
          'invalid',
          may.reason === 'not-ended' ? 'the month has not ended' : 'the month is in its close grace period',
          [{ path: 'body.month', message: may.message }],
        );
      const input: BillingMonthInput = {
        month: body.month,
        ...(body.batchSize ? { batchSize: body.batchSize } : {}),
      };
      try {
        const handle = await s.client.workflow.start('billingMonthWorkflow', {
          workflowId: billingMonthWorkflowId(body.month),
          taskQueue: s.config.taskQueue,
          args: [input],
          // Running: this is the same run. Closed: run it again, which writes only adjustments (I10).
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
        return { status: 202, body: { month: body.month, workflowId: handle.workflowId } };
      } catch (err) {
        return translate(err);
      }
    },
  }),
  route({
    id: 'creditsRunProgress',
    method: 'GET',
    path: '/v1/credits/runs/{month}',
    summary: "The month close's progress: customers done, credited, notices sent, phase",
    tag: 'credits',
    roles: MONEY_READ,
    params: z.object({ month: Month }),
    success: { 200: 'the progress' },
    handler: async ({ params }, s) => {
      try {
        // Without a run id the handle follows the chain across continue-as-new to its last run.
        const handle = s.client.workflow.getHandle(billingMonthWorkflowId(params.month));
        return { status: 200, body: await handle.query(billingProgressQuery) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new NotFoundError(`no credits run for ${params.month}`);
        return translate(err);
      }
    },
  }),
  route({
    id: 'monthReport',
    method: 'GET',
    path: '/v1/reports/{month}',
    summary:
      'The monthly SLA report: uptime, incidents, credits, support figures (C14, I14); format=html for the page',
    tag: 'credits',
    roles: MONEY_READ,
    params: z.object({ month: Month }),
    query: z.object({ customerId: CustomerId.optional(), format: z.enum(['json', 'html']).optional() }),
    success: { 200: 'the report (JSON, or a self-contained HTML page)' },
    handler: async ({ params, query }, s) => {
      const range = monthRange(s, params.month);
      const customers = query.customerId
        ? [await s.ledger.customer(query.customerId)].filter((c) => c !== null)
        : await s.ledger.customers();
      if (query.customerId && !customers.length) throw new NotFoundError(`no customer ${query.customerId}`);
      const [outages, maintenance, credits, close, outcomes] = await Promise.all([
        s.ledger.outages(range),
        s.ledger.maintenance(range),
        s.ledger.creditEntries({
          month: params.month,
          ...(query.customerId ? { customerId: query.customerId } : {}),
        }),
        s.ledger.monthClose(params.month),
        // Tickets opened in the month are resolved in it or after: the builder keeps those.
        s.ledger.ticketOutcomes({ from: range.from, to: '9999-12-31T00:00:00Z' }),
      ]);
      const report = buildMonthReport({
        month: params.month,
        zone: s.policy.policy.month.timeZone,
        noticeHours: s.policy.policy.maintenanceNoticeHours,
        policyVersion: s.policy.version,
        customers,
        outages,
        maintenance,
        credits,
        outcomes,
        close,
        ...(query.customerId ? { customerId: query.customerId } : {}),
      });
      return query.format === 'html'
        ? { status: 200, body: renderReportHtml(report), contentType: 'text/html; charset=utf-8' }
        : { status: 200, body: report };
    },
  }),
];
