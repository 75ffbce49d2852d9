/**
 * Finance's month (C1, C2, C14; I8–I10, I14): the uptime per region per day, the credits per
 * customer with a link to how each was computed, the close's progress while it runs, and the
 * report and the CSV downloads — each a call of its /v1 route as the session's role, so a link
 * the console serves needs the session, never a bearer token.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { SlaError } from '../errors';
import type { CreditEntry } from '../ledger/types';
import type { BillingProgress } from '../messages/billing';
import { Month } from '../model/month';
import type { MonthReport } from '../report/build';
import { renderReportHtml } from '../report/html';
import type { Answer } from '../api/routes/route';
import { formatMinor } from '../rules/credits';
import { html, Markup } from './html';
import { Query, type Page, type PageContext } from './page';
import { callRoute, tableRoute } from './table';

/** The month just ended in the policy's month zone (I8): the one finance closes and checks. */
const lastMonth = (zone: string) => DateTime.now().setZone(zone).minus({ months: 1 }).toFormat('yyyy-MM');

const href = (month: string, file: string, query: Record<string, string> = {}) => {
  const search = new URLSearchParams(query).toString();
  return `/console/months/${encodeURIComponent(month)}/${file}${search ? `?${search}` : ''}`;
};

const read = async (ctx: PageContext, id: string, input: Parameters<typeof callRoute>[2]) =>
  (await callRoute(tableRoute(id), ctx.role, input, ctx.services)).body;

/** The close's progress, or null when the month has no close (not started yet). */
async function closeProgress(ctx: PageContext, month: string): Promise<BillingProgress | null> {
  try {
    return (await read(ctx, 'creditsRunProgress', { params: { month } })) as BillingProgress;
  } catch (err) {
    if (err instanceof SlaError && err.code === 'not_found') return null;
    throw err;
  }
}

const progressLine = (p: BillingProgress | null) =>
  p === null
    ? html`<p>Not closed yet.</p>`
    : p.phase === 'closing'
      ? html`<p role="status">
          Close in progress: <progress max="${p.total}" value="${p.done}"></progress> ${p.done} of ${p.total}
          customers, ${p.credited} credited, ${p.noticesSent} notice(s) sent.
        </p>`
      : html`<p>Closed: ${p.total} customer(s), ${p.credited} credited, ${p.noticesSent} notice(s) sent.</p>`;

const creditRow = (month: string, c: CreditEntry) =>
  html`<tr>
    <td>
      <a
        href="${href(month, 'explanation', { customerId: c.customerId })}"
        title="how this credit was computed"
        >${c.customerId}</a
      >
    </td>
    <td>${c.kind}${c.kind === 'adjustment' ? ` ${c.sequence}` : ''}</td>
    <td>${c.uptimePercent} %</td>
    <td>${c.creditPercent} %</td>
    <td>${formatMinor(c.monthlyFeeMinor, c.currency, { grouped: true })}</td>
    <td>${formatMinor(c.creditMinor, c.currency, { grouped: true })}</td>
  </tr>`;

export const month: Page = {
  path: '/console/month',
  title: 'Month',
  nav: true,
  readsAs: tableRoute('monthReport'),
  query: Query({ month: Month.optional() }),
  async render(ctx, q) {
    const m = (q.month as string | undefined) ?? lastMonth(ctx.services.policy.policy.month.timeZone);
    const [chart, credits, progress] = await Promise.all([
      read(ctx, 'uptimeByRegion', { query: { month: m, format: 'html' } }),
      read(ctx, 'listCredits', { query: { month: m } }) as Promise<CreditEntry[]>,
      closeProgress(ctx, m),
    ]);
    return {
      head: html`<form method="get" action="/console/month" class="inline">
          <label>Month <input name="month" value="${m}" placeholder="YYYY-MM" size="8" required /></label
          ><button type="submit">Show the month</button>
        </form>
        <nav aria-label="Files of ${m}" class="files">
          Report <a href="${href(m, 'report', { format: 'html' })}">HTML</a>
          <a href="${href(m, 'report', { format: 'json' })}">JSON</a> · Download
          <a href="${href(m, 'credits.csv')}" download>credits (ledger) CSV</a>
          <a href="${href(m, 'outages.csv')}" download>incidents CSV</a>
        </nav>`,
      live: html`${progressLine(progress)}
        <h2>Uptime per region per day</h2>
        <figure class="chart">${new Markup(String(chart))}</figure>
        <h2>Credits per customer</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Customer (how it was computed)</th>
              <th scope="col">Entry</th>
              <th scope="col">Uptime</th>
              <th scope="col">Credit tier</th>
              <th scope="col">Monthly fee</th>
              <th scope="col">Credit</th>
            </tr>
          </thead>
          <tbody>
            ${
              credits.length
                ? credits.map((c) => creditRow(m, c))
                : html`<tr>
                    <td colspan="6">no credit entries for ${m}</td>
                  </tr>`
            }
          </tbody>
        </table>`,
    };
  },
};

/**
 * A /v1 route's own answer for the month in the path, served under the session (nav: none), as it
 * is or as `present` makes it.
 */
const file = (
  name: string,
  routeId: string,
  query: z.ZodRawShape,
  input: (month: string, q: Record<string, unknown>) => Parameters<typeof callRoute>[2],
  present: (answer: Answer, q: Record<string, unknown>) => Answer = (answer) => answer,
): Page => ({
  path: `/console/months/{id}/${name}`,
  title: name,
  nav: false,
  readsAs: tableRoute(routeId),
  query: Query(query),
  async render(ctx, q) {
    return { raw: present(await callRoute(this.readsAs, ctx.role, input(ctx.id ?? '', q), ctx.services), q) };
  },
});

/** The report asked for as its page (the default); else in a format the route judges. */
const asksReportPage = (q: Record<string, unknown>) => (q.format ?? 'html') === 'html';

/** The report's page as the route renders it, its customers linking the console's explanations. */
const asReportPage = (answer: Answer, q: Record<string, unknown>): Answer =>
  asksReportPage(q)
    ? {
        status: 200,
        body: renderReportHtml(answer.body as MonthReport, (month, customerId) =>
          href(month, 'explanation', { customerId }),
        ),
        contentType: 'text/html; charset=utf-8',
      }
    : answer;

const text = z.string().max(200);

export const monthFiles: readonly Page[] = [
  file(
    'report',
    'monthReport',
    { format: text.optional(), customerId: text.optional() },
    (m, q) => ({
      params: { month: m },
      query: {
        // The page is rendered from the JSON (asReportPage).
        format: asksReportPage(q) ? 'json' : (q.format as string),
        ...(q.customerId ? { customerId: q.customerId as string } : {}),
      },
    }),
    asReportPage,
  ),
  file('explanation', 'creditExplanation', { customerId: text }, (m, q) => ({
    params: { month: m, customerId: q.customerId as string },
    query: { format: 'html' },
  })),
  file('credits.csv', 'listCredits', {}, (m) => ({ query: { month: m, format: 'csv' } })),
  file('outages.csv', 'uptime', {}, (m) => ({ query: { month: m, format: 'csv' } })),
];
