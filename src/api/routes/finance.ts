/**
 * Customers, uptime, credits, the month close and the monthly report (C1, C2, C14; I8–I10,
 * I14), from the ledger and the billing-month workflow, like `sla customers`, `sla uptime`,
 * `sla credits run` and `sla report`.
 */
import { z } from 'zod';
import { SlaError } from '../../errors';
import { CUSTOMER_LIST_MAX, CustomerRecordSchema } from '../../ledger/schema';
import { Region } from '../../model/maintenance';
import { Month, MonthCloseRequest } from '../../model/month';
import { EffectiveInstant } from '../../model/terms';
import { renderExplanationHtml } from '../../report/explanation-html';
import { creditEntriesCsv, outagesCsv } from '../../report/csv';
import { renderReportHtml } from '../../report/html';
import { regionUptimeFigure } from '../../report/uptime-chart';
import { FINANCE_WRITES, MONEY_READ, OPERATIONS_READ } from './roles';
import { AnObject, csvAnswer, route, type Route, type Services } from './route';

const CustomerId = CustomerRecordSchema.shape.customerId;

/** A read about one customer named in the path, open to every role that reads customers. */
export function customerRead(r: {
  id: string;
  path: string;
  summary: string;
  success: string;
  returns: z.ZodType;
  read: (sla: Services['sla'], customerId: string) => Promise<unknown>;
}): Route {
  const { read, success, ...described } = r;
  return route({
    ...described,
    method: 'GET',
    tag: 'customers',
    roles: OPERATIONS_READ,
    params: z.object({ customerId: CustomerId }),
    success: { 200: success },
    handler: async ({ params }, s) => ({ status: 200, body: await read(s.sla, params.customerId) }),
  });
}

/** The ledger names `effective` (a closed month, the same instant, I15); here it came in the query. */
async function effectiveInQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof SlaError) || !err.issues.some((i) => i.path === 'effective')) throw err;
    const issues = err.issues.map((i) => (i.path === 'effective' ? { ...i, path: 'query.effective' } : i));
    throw new SlaError(err.code, err.message, issues);
  }
}

export const financeRoutes: Route[] = [
  route({
    id: 'listCustomers',
    method: 'GET',
    path: '/v1/customers',
    summary:
      'The customers whose terms are in force at `at` (YYYY-MM-DD: 00:00 in the month zone, or an instant; default now), with those terms (I15)',
    tag: 'customers',
    roles: OPERATIONS_READ,
    query: z.object({ at: EffectiveInstant.optional() }),
    success: { 200: 'the customers' },
    returns: z.array(AnObject),
    handler: async ({ query }, s) => ({ status: 200, body: await s.sla.customers.list(query) }),
  }),
  customerRead({
    id: 'getCustomer',
    path: '/v1/customers/{customerId}',
    summary: 'One customer, with its terms in force now (I15)',
    success: 'the customer',
    returns: z.looseObject({ customerId: z.string() }),
    read: (sla, customerId) => sla.customers.get(customerId),
  }),
  route({
    id: 'importCustomers',
    method: 'POST',
    path: '/v1/customers',
    summary:
      'Import customers: all rows or none; each changed customer gets a version of its terms in force from `effective` (default now; I15)',
    tag: 'customers',
    roles: FINANCE_WRITES,
    query: z.object({ effective: EffectiveInstant.optional() }),
    body: z.array(CustomerRecordSchema).min(1).max(CUSTOMER_LIST_MAX.importRows),
    bodyLimit: 16 * 1024 * 1024,
    success: { 200: 'the counts, and the instant the versions take effect' },
    returns: z.object({
      rows: z.int(),
      inserted: z.int(),
      updated: z.int(),
      unchanged: z.int(),
      effectiveAt: z.string(),
    }),
    handler: async ({ query, body }, s) => ({
      status: 200,
      body: await effectiveInQuery(() => s.sla.customers.import(body, query)),
    }),
  }),
  route({
    id: 'uptime',
    method: 'GET',
    path: '/v1/uptime',
    summary:
      "A month's uptime from the ledger, with incidents, each outage recorded (counted or not) and per-day figures (C1; I8, I9); format=csv for the outages as a download",
    tag: 'credits',
    roles: MONEY_READ,
    query: z.object({ month: Month, region: Region.optional(), format: z.enum(['json', 'csv']).optional() }),
    success: { 200: 'the figures (JSON), or the outages (CSV)' },
    returns: AnObject,
    csv: true,
    handler: async ({ query }, s) => {
      const uptime = await s.sla.reports.uptime({ month: query.month, region: query.region });
      return query.format === 'csv' ? csvAnswer(outagesCsv(uptime)) : { status: 200, body: uptime };
    },
  }),
  route({
    id: 'uptimeByRegion',
    method: 'GET',
    path: '/v1/uptime/regions',
    summary:
      "Each region's uptime per local day of a month, from the ledger (C1; I8, I9); format=html for an embeddable fragment of SVG charts",
    tag: 'credits',
    roles: MONEY_READ,
    query: z.object({ month: Month, format: z.enum(['json', 'html']).optional() }),
    success: { 200: 'the daily series per region (JSON), or the charts (an HTML fragment)' },
    returns: z.looseObject({
      month: z.string(),
      timeZone: z.string(),
      regions: z.array(z.looseObject({ region: z.string(), days: z.array(AnObject) })),
    }),
    html: true,
    handler: async ({ query }, s) => {
      const regions = await s.sla.reports.uptimeByRegion({ month: query.month });
      return query.format === 'html'
        ? { status: 200, body: regionUptimeFigure(regions), contentType: 'text/html; charset=utf-8' }
        : { status: 200, body: regions };
    },
  }),
  route({
    id: 'listCredits',
    method: 'GET',
    path: '/v1/credits',
    summary:
      'Credit entries, credits and adjustments (C2, I10), by month and customer; format=csv for a download (money in integer minor units)',
    tag: 'credits',
    roles: MONEY_READ,
    query: z.object({
      month: Month.optional(),
      customerId: CustomerId.optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
    success: { 200: 'the entries (JSON or CSV)' },
    returns: z.array(AnObject),
    csv: true,
    handler: async ({ query: { format, ...filter } }, s) => {
      const entries = await s.sla.reports.creditEntries(filter);
      return format === 'csv' ? csvAnswer(creditEntriesCsv(entries, filter)) : { status: 200, body: entries };
    },
  }),
  route({
    id: 'runCredits',
    method: 'POST',
    path: '/v1/credits/runs',
    summary:
      "Close a month's credits now (the billing-month workflow, one per month); a closed month run again writes only adjustments (I10, I14)",
    tag: 'credits',
    roles: FINANCE_WRITES,
    body: MonthCloseRequest,
    success: { 202: 'started or running: follow it at GET /v1/credits/runs/{month}' },
    returns: z.object({ month: z.string(), workflowId: z.string() }),
    handler: async ({ body }, s) => {
      const { workflowId } = await s.sla.credits.runMonth(body, '`force: true`');
      return { status: 202, body: { month: body.month, workflowId } };
    },
  }),
  route({
    id: 'creditsRunProgress',
    method: 'GET',
    path: '/v1/credits/runs/{month}',
    summary:
      'The month close\'s progress: phase, customers done of total ("close in progress: done of total customers"), credited, notices sent',
    tag: 'credits',
    roles: MONEY_READ,
    params: z.object({ month: Month }),
    success: { 200: 'the progress' },
    // BillingProgress (src/messages/billing.ts): what a page showing the close needs, at least.
    returns: z.looseObject({
      month: z.string(),
      phase: z.enum(['closing', 'closed']),
      total: z.int(),
      done: z.int(),
      credited: z.int(),
      creditMinorByCurrency: z.record(z.string(), z.int()),
      noticesSent: z.int(),
    }),
    handler: async ({ params }, s) => ({
      status: 200,
      body: await s.sla.credits.progress(params.month),
    }),
  }),
  route({
    id: 'creditExplanation',
    method: 'GET',
    path: '/v1/credits/{month}/{customerId}/explanation',
    summary:
      "One customer's credit for a month from the ledger: terms in force, the month's policy, each outage and window counted or not and why, T, E, D, the exact ratio, tier, fee and credit, beside the entries written (I9, I10, I15); format=html for the page",
    tag: 'credits',
    roles: MONEY_READ,
    params: z.object({ month: Month, customerId: CustomerId }),
    query: z.object({ format: z.enum(['json', 'html']).optional() }),
    success: { 200: 'the explanation (JSON, or a self-contained HTML page)' },
    returns: AnObject,
    html: true,
    handler: async ({ params, query }, s) => {
      const explanation = await s.sla.reports.creditExplanation(params);
      return query.format === 'html'
        ? { status: 200, body: renderExplanationHtml(explanation), contentType: 'text/html; charset=utf-8' }
        : { status: 200, body: explanation };
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
    returns: AnObject,
    html: true,
    handler: async ({ params, query }, s) => {
      const report = await s.sla.reports.month({ month: params.month, customerId: query.customerId });
      return query.format === 'html'
        ? { status: 200, body: renderReportHtml(report), contentType: 'text/html; charset=utf-8' }
        : { status: 200, body: report };
    },
  }),
];
