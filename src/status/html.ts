/**
 * The public status page: server-rendered HTML with inline CSS, no script, nothing fetched from
 * elsewhere. Every value comes from ./public.ts (the allow-list) and is escaped. Each day's bar
 * says in text what its colour says (date, uptime, credit tier), for screen readers and print.
 */
import { COUNTRIES } from '../policy/schema';
import { esc } from '../report/html';
import {
  incidentTitle,
  maintenanceTitle,
  STATE_WORDS,
  updateText,
  type PublicDay,
  type PublicStatus,
} from './public';

/** A day's colour by the credit tier it falls in (C2, I10); at or above target: green. */
export function tierColour(creditPercent: number | null): string {
  if (creditPercent === null) return '#1a7f37';
  if (creditPercent <= 25) return '#b08800';
  if (creditPercent <= 50) return '#d1570a';
  return '#c4161c';
}

const tierWords = (d: PublicDay) =>
  d.creditPercent === null ? 'at or above target' : `${d.creditPercent} % credit tier`;

const STATE_CLASS = {
  operational: 'ok',
  partial_outage: 'partial',
  major_outage: 'major',
  under_maintenance: 'maint',
} as const;

const CSS = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 8px;font-size:1.3em}h3{margin:0;font-size:1.05em}
.banner{padding:16px;border-radius:6px;color:#fff;font-weight:600;font-size:1.1em}
.banner.ok{background:#1a7f37}.banner.partial{background:#b08800}.banner.major{background:#c4161c}.banner.maint{background:#0969da}
.region{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
.head{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap}
.state{font-weight:600}.state.ok{color:#1a7f37}.state.partial{color:#8a6a00}.state.major{color:#c4161c}.state.maint{color:#0969da}
.bar{display:flex;gap:2px;list-style:none;padding:0;margin:8px 0 4px;height:34px}
.bar li{flex:1;border-radius:2px;min-width:2px}
.scale{display:flex;justify-content:space-between;font-size:.85em;color:#57606a}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.legend{display:flex;gap:16px;flex-wrap:wrap;list-style:none;padding:0;font-size:.9em}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}
.card ol{margin:8px 0 0;padding-left:20px}
time{white-space:nowrap}.muted{color:#57606a}
footer{margin:32px 0;font-size:.9em;color:#57606a}
`;

const time = (at: string) =>
  `<time datetime="${esc(at)}">${esc(at.replace('T', ' ').slice(0, 16))} UTC</time>`;

function banner(s: PublicStatus): string {
  const states = new Set(s.regions.map((r) => r.state));
  const [cls, words] = states.has('major_outage')
    ? ['major', 'Major outage']
    : states.has('partial_outage')
      ? ['partial', 'Partial outage']
      : states.has('under_maintenance')
        ? ['maint', 'Maintenance in progress']
        : ['ok', 'All systems operational'];
  return `<p class="banner ${cls}" role="status">${words}</p>`;
}

function regionCard(r: PublicStatus['regions'][number], index: number): string {
  const id = `region-${index}`;
  const bars = r.days
    .map(
      (d) =>
        `<li style="background:${tierColour(d.creditPercent)}" title="${esc(d.date)}: ${esc(d.uptimePercent)} % (${esc(tierWords(d))})"><span class="sr">${esc(d.date)}: ${esc(d.uptimePercent)} %, ${esc(tierWords(d))}</span></li>`,
    )
    .join('');
  const m = r.month;
  return `<section class="region" aria-labelledby="${id}">
<div class="head"><h3 id="${id}">${esc(r.name)}</h3><span class="state ${STATE_CLASS[r.state]}">${STATE_WORDS[r.state]}</span></div>
<ol class="bar" aria-label="Daily uptime of ${esc(r.name)}, the last ${r.days.length} days">${bars}</ol>
<div class="scale" aria-hidden="true"><span>${esc(r.days[0]?.date ?? '')}</span><span>today</span></div>
<p>This month (${esc(m.month)}) so far: <strong>${esc(m.uptimePercent)} %</strong> against the ${esc(m.targetPercent)} % target — ${m.metTarget ? 'met' : 'not met'}.</p>
</section>`;
}

function incidentCard(i: PublicStatus['incidents'][number]): string {
  const steps = i.updates.map((u) => `<li>${time(u.at)} — ${esc(updateText(u))}</li>`).join('');
  return `<article class="card" id="incident-${esc(i.id)}"><h3>${esc(incidentTitle(i))}${i.resolvedAt ? ' <span class="muted">(resolved)</span>' : ''}</h3><ol>${steps}</ol></article>`;
}

function maintenanceCard(m: PublicStatus['maintenance'][number]): string {
  const state = { scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed' }[m.state];
  return `<article class="card" id="maintenance-${esc(m.id)}"><h3>${esc(maintenanceTitle(m))}</h3><p>${state}: ${time(m.start)} to ${time(m.end)} (announced ${time(m.announcedAt)}).</p></article>`;
}

export function renderStatusHtml(s: PublicStatus, recentDays = 7): string {
  const since = Date.parse(s.generatedAt) - recentDays * 86_400_000;
  const open = s.incidents.filter((i) => i.resolvedAt === null);
  const recent = s.incidents.filter((i) => i.resolvedAt !== null && Date.parse(i.resolvedAt) >= since);
  const upcoming = s.maintenance.filter((m) => m.state !== 'completed');
  const legend = [
    `<li><span style="background:${tierColour(null)}"></span>at or above ${esc(s.targetPercent)} %</li>`,
    ...s.tiers.map(
      (t) =>
        `<li><span style="background:${tierColour(t.creditPercent)}"></span>below ${esc(t.below)} %: ${t.creditPercent} % credit</li>`,
    ),
  ].join('');
  const none = (what: string) => `<p class="muted">${what}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Service status</title><link rel="alternate" type="application/atom+xml" title="Incidents and maintenance" href="/status/history.atom"><style>${CSS}</style></head>
<body><main>
<h1>Service status</h1>
${banner(s)}
<h2 id="regions">Regions</h2>
<p class="muted">Daily uptime in ${esc(s.timeZone)} days, coloured by the contract's credit tiers (C2):</p>
<ul class="legend" aria-label="Colours of the daily uptime">${legend}</ul>
${s.regions.map(regionCard).join('\n') || none('No regions yet.')}
<h2 id="incidents">Open incidents</h2>
${open.map(incidentCard).join('\n') || none('No open incidents.')}
<h2 id="maintenance">Scheduled maintenance</h2>
${upcoming.map(maintenanceCard).join('\n') || none('No maintenance announced.')}
<h2 id="recent">Resolved in the last ${recentDays} days</h2>
${recent.map(incidentCard).join('\n') || none('Nothing resolved lately.')}
<footer>Updated ${time(s.generatedAt)}. Also as <a href="/status/api/v2/summary.json">JSON</a>, an <a href="/status/history.atom">Atom feed</a>, a <a href="/status/calendars/maintenance.ics">maintenance calendar</a> and the support holidays of ${COUNTRIES.map((c) => `<a href="/status/calendars/holidays-${c.toLowerCase()}.ics">${c}</a>`).join(', ')} (no support coverage, I3).</footer>
</main></body></html>
`;
}
