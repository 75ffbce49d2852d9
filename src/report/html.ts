/**
 * The monthly report as one self-contained HTML page: inline CSS, inline SVG charts drawn here
 * (uptime per day, incident timeline), no script, no font or image from the network, so it opens
 * the same from an email attachment, an archive or an air-gapped auditor's laptop. Every text
 * from the ledger is escaped.
 */
import { formatMinor } from '../rules/credits';
import type { DayUptime } from '../rules/uptime';
import {
  incidentRecords,
  openAtCloseNote,
  type CustomerReport,
  type MonthReport,
  type ReportIncident,
  type SupportFigures,
} from './build';
import { localTime } from './local-time';
import { ticketTable } from './support';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const money = (minor: number, currency: string) => formatMinor(minor, currency, { grouped: true });

const W = 960;
const PAD = { left: 56, right: 16, top: 16, bottom: 28 };

/** Bars of daily uptime on an axis from a floor (≤ 99 %) to 100 %, with the credit thresholds. */
export function dailyChart(days: DayUptime[], title: string): string {
  const H = 220;
  const values = days.map((d) => Number(d.uptimePercent));
  const lowest = Math.min(99, ...values);
  const floor = Math.max(0, Math.floor(lowest - (100 - lowest) * 0.1));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH * (1 - (v - floor) / (100 - floor));
  const step = plotW / Math.max(days.length, 1);
  const bars = days
    .map((d, i) => {
      const v = values[i]!;
      const cls = v < 99 ? 'b100' : v < 99.9 ? 'b50' : v < 99.95 ? 'b25' : 'ok';
      const top = y(v);
      const label = `${d.date}: ${d.uptimePercent} % (down ${(d.downtimeMs / 60_000).toFixed(1)} min, excluded ${(d.excludedMs / 60_000).toFixed(1)} min)`;
      return (
        `<rect class="${cls}" x="${(PAD.left + i * step + 1).toFixed(1)}" y="${top.toFixed(1)}" ` +
        `width="${Math.max(step - 2, 1).toFixed(1)}" height="${(PAD.top + plotH - top).toFixed(1)}">` +
        `<title>${esc(label)}</title></rect>`
      );
    })
    .join('');
  // The three thresholds crowd together near 100 % on a wide axis: a label is drawn only where
  // it does not overlap the one above it; the dashed lines always are.
  let lastLabelY = -Infinity;
  const lines = [99.95, 99.9, 99]
    .filter((t) => t > floor)
    .map((t) => {
      const ty = y(t);
      const line = `<line class="threshold" x1="${PAD.left}" x2="${W - PAD.right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}"/>`;
      if (ty - lastLabelY < 12) return line;
      lastLabelY = ty;
      return `${line}<text class="tick" x="${W - PAD.right}" y="${(ty - 3).toFixed(1)}" text-anchor="end">${t} %</text>`;
    })
    .join('');
  const axis = [floor, 100]
    .map(
      (v) =>
        `<text class="tick" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v} %</text>`,
    )
    .join('');
  const labels = days
    .map((d, i) =>
      i % 5 === 0 || i === days.length - 1
        ? `<text class="tick" x="${(PAD.left + (i + 0.5) * step).toFixed(1)}" y="${H - 8}" text-anchor="middle">${Number(d.date.slice(8))}</text>`
        : '',
    )
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">` +
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>` +
    `${bars}${lines}${axis}${labels}</svg>`
  );
}

/** One row per region (or one for a customer): the month as a line, each incident a block on it. */
export function timelineChart(
  rows: { label: string; incidents: ReportIncident[] }[],
  month: { start: string; end: string; zone: string; days: DayUptime[] },
): string {
  const ROW = 30;
  const H = PAD.top + rows.length * ROW + PAD.bottom;
  const left = 120;
  const plotW = W - left - PAD.right;
  const t0 = Date.parse(month.start);
  const span = Date.parse(month.end) - t0;
  const x = (iso: string) => left + (plotW * (Date.parse(iso) - t0)) / span;
  const clampX = (iso: string) => Math.min(Math.max(x(iso), left), left + plotW);
  let dayStart = t0;
  const grid = month.days
    .map((d, i) => {
      const at = left + (plotW * (dayStart - t0)) / span;
      dayStart += d.totalMs;
      const tick =
        i % 5 === 0
          ? `<text class="tick" x="${at.toFixed(1)}" y="${H - 8}" text-anchor="middle">${Number(d.date.slice(8))}</text>`
          : '';
      return `<line class="grid" x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>${tick}`;
    })
    .join('');
  const body = rows
    .map((r, i) => {
      const cy = PAD.top + i * ROW + ROW / 2;
      const blocks = r.incidents
        .map((inc) => {
          const x1 = clampX(inc.start);
          const width = Math.max(clampX(inc.end) - x1, 3);
          const what = [...inc.outageIds, ...inc.maintenanceIds].join(', ');
          const label = `${localTime(inc.start, month.zone)} → ${localTime(inc.end, month.zone)}: ${inc.downtimeMinutes} min down (${what})`;
          return `<rect class="incident" x="${x1.toFixed(1)}" y="${cy - 9}" width="${width.toFixed(1)}" height="18" rx="2"><title>${esc(label)}</title></rect>`;
        })
        .join('');
      return (
        `<text class="row" x="${left - 8}" y="${cy + 4}" text-anchor="end">${esc(r.label)}</text>` +
        `<line class="track" x1="${left}" x2="${left + plotW}" y1="${cy}" y2="${cy}"/>${blocks}`
      );
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="incident timeline">${grid}${body}</svg>`;
}

function supportRows(s: SupportFigures): string {
  const rate = (r: { ratePercent: string | null; onTime: number; measured: number }) =>
    r.ratePercent === null ? '—' : `${r.ratePercent} % (${r.onTime}/${r.measured})`;
  return (
    `<tr><th>L1 mean first response</th><td>${s.l1.meanFirstResponseCoverageMinutes === null ? '—' : `${s.l1.meanFirstResponseCoverageMinutes} coverage min (${s.l1.measured} tickets)`}</td></tr>` +
    `<tr><th>L2 on time</th><td>${rate(s.l2)}</td></tr>` +
    `<tr><th>L3 on time</th><td>${rate(s.l3)}</td></tr>` +
    `<tr><th>Open / pending / suspended</th><td>${s.open.length} / ${s.pending.length} / ${s.suspended.length}</td></tr>`
  );
}

/** I14: the tickets a support lead acts on — open, pending, suspended — with their deadlines. */
function ticketSection(s: SupportFigures, zone: string, asOf: string): string {
  const { head, rows } = ticketTable(s, zone);
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${head.length}" class="muted">no open, pending or suspended ticket</td></tr>`;
  return (
    `<section><h2>Open, pending and suspended tickets (I14)</h2>` +
    `<div class="muted">as of ${esc(localTime(asOf, zone))}; times in ${esc(zone)}</div>` +
    `<table class="tickets"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></section>`
  );
}

/**
 * The customer's explanation page on the API that serves this report (I10, I15): a relative path,
 * so it follows the host the report was read from.
 */
export function explanationHref(month: string, customerId: string): string {
  return `/v1/credits/${encodeURIComponent(month)}/${encodeURIComponent(customerId)}/explanation?format=html`;
}

/** Where a customer's row links, for its month: the API's page, or the console's under its session. */
export type ExplanationHref = (month: string, customerId: string) => string;

function customerRow(month: string, c: CustomerReport, hrefOf: ExplanationHref): string {
  const credit = c.credit
    ? `${money(c.credit.creditMinor, c.credit.currency)}${c.credit.adjustments ? ` <span class="muted">(${c.credit.adjustments} adj.)</span>` : ''}`
    : '<span class="muted">not closed</span>';
  const tier = c.credit ? `${c.credit.creditPercent} %` : '—';
  const l1 = c.support.l1.meanFirstResponseCoverageMinutes;
  return (
    `<tr><td><a href="${esc(hrefOf(month, c.customerId))}" title="how this credit was computed">${esc(c.customerId)}</a></td><td>${esc(c.name)}</td><td>${esc(c.region)}</td>` +
    `<td class="num${Number(c.uptimePercent) < 99.95 ? ' bad' : ''}">${c.uptimePercent} %</td>` +
    `<td class="num">${c.downtimeMinutes}</td><td class="num">${c.excludedMinutes}</td>` +
    `<td class="num">${c.incidents.length}</td><td class="num">${tier}</td><td class="num">${credit}</td>` +
    `<td class="num">${l1 === null ? '—' : l1}</td>` +
    `<td class="num">${c.support.l2.ratePercent === null ? '—' : `${c.support.l2.ratePercent} %`}</td>` +
    `<td class="num">${c.support.l3.ratePercent === null ? '—' : `${c.support.l3.ratePercent} %`}</td></tr>`
  );
}

/** The charts' own styles: the report's page has them, and so does a fragment embedding a chart. */
export const CHART_CSS = `.chart{width:100%;height:auto;display:block}.chart .ok{fill:#4f9d69}.chart .b25{fill:#e0a100}
.chart .b50{fill:#e26d00}.chart .b100{fill:#b42318}.chart .threshold{stroke:#8a94a0;stroke-dasharray:4 3}
.chart .axis,.chart .track{stroke:#9aa4ae}.chart .grid{stroke:#eef0f2}.chart .tick,.chart .row{fill:#55606c;font-size:11px}
.chart .row{font-size:12px}.chart .incident{fill:#b42318;opacity:.85}
`;

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;margin:0;background:#f4f6f8}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.muted{color:#6b7785}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:22px;margin-top:2px}
section{background:#fff;border-radius:8px;padding:8px 16px 16px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e9ed}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.bad{color:#b42318;font-weight:600}
${CHART_CSS}.tickets td,.tickets th{white-space:nowrap}.tickets td:last-child{white-space:normal}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
`;

export function renderReportHtml(r: MonthReport, hrefOf: ExplanationHref = explanationHref): string {
  const o = r.overall;
  const credits = Object.entries(o.creditMinorByCurrency)
    .map(([c, m]) => money(m, c))
    .join('<br>');
  const monthDays = { start: r.start, end: r.end, zone: r.zone, days: o.daily };
  const local = (iso: string) => esc(localTime(iso, r.zone));
  const single = r.customers.length === 1 ? r.customers[0]! : undefined;
  const regionSections = r.regions
    .map(
      (g) =>
        `<section><h3>Region ${esc(g.region)} — ${g.uptimePercent} % <span class="muted">(${g.customers} customer(s), ` +
        `${g.downtimeMinutes} min down, ${g.excludedMinutes} min excluded)</span></h3>` +
        dailyChart(g.daily, `uptime per day in ${g.region}`) +
        '</section>',
    )
    .join('');
  const timelineRows = single
    ? [{ label: single.customerId, incidents: single.incidents }]
    : [
        { label: 'all regions', incidents: o.incidents },
        ...r.regions.map((g) => ({ label: g.region, incidents: g.incidents })),
      ];
  const incidents = (single ? single.incidents : o.incidents)
    .map(
      (i) =>
        `<tr><td>${local(i.start)}</td><td>${local(i.end)}</td><td class="num">${i.downtimeMinutes}</td>` +
        `<td>${esc(incidentRecords(i, r.closed).join(', '))}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>SLA report ${esc(r.month)}${single ? ` — ${esc(single.customerId)}` : ''}</title><style>${CSS}</style></head>
<body><main>
<h1>SLA report — ${esc(r.month)}${single ? ` — ${esc(single.name)}` : ''}</h1>
<div class="muted">Calendar month in ${esc(r.zone)} (I8): ${local(r.start)} → ${local(r.end)} · policy ${esc(r.policyVersion)} · ${
    r.closed
      ? `closed ${local(r.closed.closedAt)} by ${esc(r.closed.workflowId)}${esc(openAtCloseNote(r.closed))}`
      : 'not closed yet'
  }</div>
<div class="cards">
<div class="card">Uptime${single ? '' : ' (all regions)'}<b>${single ? single.uptimePercent : o.uptimePercent} %</b></div>
<div class="card">Downtime / excluded<b>${single ? single.downtimeMinutes : o.downtimeMinutes} / ${single ? single.excludedMinutes : o.excludedMinutes} min</b></div>
<div class="card">Incidents<b>${(single ?? o).incidents.length}</b></div>
<div class="card">Credits<b>${credits || '—'}</b><span class="muted">${o.creditedCustomers} of ${o.customers} customer(s)</span></div>
</div>
<section><h2>Uptime per day</h2><div class="legend muted">bars: uptime of the local day
<span style="background:#4f9d69"></span>≥ 99.95 %<span style="background:#e0a100"></span>&lt; 99.95<span style="background:#e26d00"></span>&lt; 99.9<span style="background:#b42318"></span>&lt; 99</div>
${single ? '' : dailyChart(o.daily, 'uptime per day, all regions')}</section>
${regionSections}
<section><h2>Incident timeline</h2>${timelineChart(timelineRows, monthDays)}
<table><thead><tr><th>start (${esc(r.zone)})</th><th>end (${esc(r.zone)})</th><th class="num">down (min)</th><th>records</th></tr></thead><tbody>${
    incidents || '<tr><td colspan="4" class="muted">no incident</td></tr>'
  }</tbody></table></section>
<section><h2>Support (C6–C8)</h2><table>${supportRows(single ? single.support : o.support)}</table></section>
${ticketSection(single ? single.support : o.support, r.zone, r.ticketsAsOf)}
<section><h2>Customers</h2><table><thead><tr><th>customer</th><th>name</th><th>region</th><th class="num">uptime</th>
<th class="num">down (min)</th><th class="num">excl. (min)</th><th class="num">incidents</th><th class="num">tier</th>
<th class="num">credit</th><th class="num">L1 mean (cov. min)</th><th class="num">L2</th><th class="num">L3</th></tr></thead>
<tbody>${r.customers.map((c) => customerRow(r.month, c, hrefOf)).join('')}</tbody></table></section>
</main></body></html>
`;
}
