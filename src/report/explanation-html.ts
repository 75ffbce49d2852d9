/**
 * `sla credits explain` as one self-contained page (GET /v1/credits/{month}/{customerId}/explanation
 * ?format=html, linked from each customer of the report): the report's style, no script, every
 * ledger text escaped; the same sections as the CLI's text (./explanation-view.ts).
 */
import type { CreditExplanation } from './explanation';
import { explanationSections, explanationSubtitle, explanationTitle } from './explanation-view';
import { CSS, esc } from './html';

export function renderExplanationHtml(x: CreditExplanation): string {
  const sections = explanationSections(x)
    .map(
      (s) =>
        `<section><h2>${esc(s.title)}</h2>${s.lead ? `<p>${esc(s.lead)}</p>` : ''}` +
        (s.rows.length
          ? `<table class="explain"><thead><tr>${s.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
            s.rows
              .map(
                (r) =>
                  `<tr${r[0]!.startsWith('  ') ? ' class="sub"' : ''}>${r.map((c) => `<td>${esc(c.trim())}</td>`).join('')}</tr>`,
              )
              .join('') +
            '</tbody></table>'
          : '') +
        '</section>',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(explanationTitle(x))}</title><style>${CSS}${EXTRA}</style></head>
<body><main>
<h1>${esc(explanationTitle(x))}</h1>
<div class="muted">${esc(explanationSubtitle(x))}</div>
${sections}
</main></body></html>
`;
}

const EXTRA = `.explain tr.sub td{color:#55606c;font-size:13px}.explain tr.sub td:first-child{padding-left:24px}p{margin:4px 0 10px}`;
