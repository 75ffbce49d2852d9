/**
 * The console's frame: navigation (only the pages the role may read), who is signed in, the
 * sign-out form, the style (state colours, visible focus) and the live-update script.
 */
import type { ApiRole } from '../config';
import { csrfField } from './csrf';
import { html, Markup } from './html';

export interface NavItem {
  path: string;
  title: string;
}

const STYLE = `
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1rem;background:#1f2a44;color:#fff}
header a{color:#fff}header nav{display:flex;gap:1rem;flex:1}header form{margin:0}
main{padding:1rem 1.5rem;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.35rem .6rem;border-bottom:1px solid #dde1e6;text-align:left;vertical-align:top}
th{background:#eef1f5}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.state{display:inline-block;padding:.05rem .5rem;border-radius:.8rem;font-weight:600;font-size:.85em}
.s-on-track{background:#d7f2df;color:#14532d}.s-at-risk{background:#fde9c4;color:#7a4a00}
.s-breached{background:#f9d0d0;color:#7f1d1d}.s-held{background:#dbe4ff;color:#1e3a8a}
.s-suspended{background:#e4e4e7;color:#3f3f46}.s-met{background:#e0f2fe;color:#075985}
.s-open{background:#f9d0d0;color:#7f1d1d}.s-engaged{background:#fde9c4;color:#7a4a00}.s-resolved{background:#d7f2df;color:#14532d}
.overdue{color:#b91c1c;font-weight:600}
.error{background:#fde2e2;border:1px solid #b91c1c;padding:.6rem;margin:.6rem 0}
.notice{background:#e0f2fe;border:1px solid #0369a1;padding:.6rem;margin:.6rem 0}
form.inline{display:inline-flex;gap:.4rem;align-items:center;margin:.2rem .6rem .2rem 0;flex-wrap:wrap}
.actions form.inline{display:flex;margin:.35rem 0}.actions button{min-width:9rem;order:-1;text-transform:capitalize}
pre{background:#fff;border:1px solid #dde1e6;padding:.6rem;overflow-x:auto;font-size:13px}
fieldset{border:1px solid #dde1e6;background:#fff;margin:.5rem 0}
.card{background:#fff;border:1px solid #dde1e6;padding:.6rem 1rem;margin:.8rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
`;

export function layout(options: {
  title: string;
  role: ApiRole | null;
  csrf: string | null;
  nav: readonly NavItem[];
  body: Markup;
  /** The URL the live region is refreshed from (absent: nothing on the page changes by itself). */
  live?: string;
}): string {
  const { title, role, csrf, nav, body, live } = options;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · SLA console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${new Markup(STYLE)}</style></head>
<body${live ? html` data-live="${live}"` : ''}>
<header><strong>SLA console</strong>
<nav aria-label="Pages">${nav.map((n) => html`<a href="${n.path}">${n.title}</a>`)}</nav>
${
  role && csrf
    ? html`<span>Signed in as <b>${role}</b></span>
        <form method="post" action="/console/signout">
          ${csrfField(csrf)}<button type="submit">Sign out</button>
        </form>`
    : ''
}
</header>
<main><h1>${title}</h1>${body}</main>
<script src="/console/console.js" defer></script>
</body></html>`.text;
}
