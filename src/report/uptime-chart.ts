/**
 * Each region's uptime per local day of a month (C1; I8, I9) as an HTML fragment a page embeds
 * (the console's Month page, GET /v1/uptime/regions?format=html): one figure per region, each the
 * report's own daily chart (./html.ts), with the chart styles once. No script, no external
 * resource; every text from the ledger is escaped.
 */
import { CHART_CSS, dailyChart, esc } from './html';
import type { RegionDays } from './uptime';

export function regionUptimeFigure(r: RegionDays): string {
  const figures = r.regions
    .map(
      (g) =>
        `<figure class="region-uptime"><figcaption>${esc(g.region)} — ${esc(g.uptimePercent)} % ` +
        `(${(g.downtimeMs / 60_000).toFixed(1)} min down, ${(g.excludedMs / 60_000).toFixed(1)} min excluded)</figcaption>` +
        `${dailyChart(g.days, `uptime per day in ${g.region}, ${r.month}`)}</figure>`,
    )
    .join('');
  return (
    `<div class="uptime-regions" data-month="${esc(r.month)}"><style>${CHART_CSS}</style>` +
    `${figures || `<p>no region has customers or records in ${esc(r.month)}</p>`}</div>`
  );
}
