/**
 * The console's pages: a table of rows like the /v1 route table's, each readable by the roles of
 * the /v1 route it shows (`readsAs`). A page renders its live region (refreshed by the script)
 * apart from the rest, so a refresh never touches the forms outside it.
 */
import { z } from 'zod';
import type { MaintenanceStatus } from '../messages/maintenance';
import type { OutageStatus } from '../messages/outage';
import type { TicketStatus } from '../messages/ticket';
import { Level, LEVELS } from '../model/level';
import { Channel, CHANNELS, Id, SLA_STATES } from '../model/ticket';
import { minutes, type Timeline } from '../audit/render';
import { formatTimeline } from '../cli/audit';
import { actionForms } from './forms';
import { html } from './html';
import { allows, callRoute, messageRoutes, tableRoute } from './table';
import { csrfField } from './csrf';
import { Query, type Page, type PageContext } from './page';
import { month, monthFiles } from './month';

export type { Page, PageContext, Rendered } from './page';

const state = (s: string | null) => (s ? html`<span class="state s-${s}">${s}</span>` : '');
const countdown = (iso: string | null) =>
  iso ? html`<time class="countdown" datetime="${iso}" title="${iso}">${iso}</time>` : '—';
const when = (iso: string | null) =>
  iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 19)}Z</time>` : '—';

const TICKET_MESSAGES = messageRoutes('/v1/tickets/{ticketId}');
const OUTAGE_MESSAGES = messageRoutes('/v1/outages/{key}');

/** A filter's choice among `values`, "any" first. */
const choice = (label: string, name: string, values: readonly string[], chosen: unknown) =>
  html`<label
    >${label}
    <select name="${name}">
      <option value="">any</option>
      ${values.map((v) => html`<option${v === chosen ? html` selected` : ''}>${v}</option>`)}
    </select></label
  >`;

const queue: Page = {
  path: '/console/queue',
  title: 'Queue',
  nav: true,
  readsAs: tableRoute('ticketStatus'),
  query: Query({
    customerId: Id.optional(),
    level: Level.optional(),
    state: z.enum(SLA_STATES).optional(),
    channel: Channel.optional(),
    assigneeId: Id.optional(),
    unassigned: z.literal('on').optional(),
  }),
  async render(ctx, q) {
    // The listing `sla ticket list` uses (visibility's search attributes, no replay).
    const tickets = await ctx.services.sla.tickets.listTickets({
      open: true,
      limit: 1000,
      ...(q.customerId ? { customerId: q.customerId as string } : {}),
      ...(q.level ? { level: q.level as Level } : {}),
      ...(q.state ? { state: q.state as (typeof SLA_STATES)[number] } : {}),
      ...(q.channel ? { channel: q.channel as Channel } : {}),
      ...(q.assigneeId ? { assigneeId: q.assigneeId as string } : {}),
      ...(q.unassigned ? { unassigned: true } : {}),
    });
    return {
      head: html`<form method="get" action="/console/ticket" class="inline" role="search">
          <label>Ticket id <input name="ticketId" required /></label
          ><button type="submit">Open ticket</button>
        </form>
        <form method="get" action="/console/queue" class="inline" aria-label="Filters">
          <label>Customer <input name="customerId" value="${(q.customerId as string) ?? ''}" /></label>
          ${choice('Level', 'level', LEVELS, q.level)} ${choice('State', 'state', SLA_STATES, q.state)}
          ${choice('Channel', 'channel', CHANNELS, q.channel)}
          <label>Assignee <input name="assigneeId" value="${(q.assigneeId as string) ?? ''}" /></label>
          <label
            ><input type="checkbox" name="unassigned" value="on" ${q.unassigned ? html`checked` : ''} />
            unassigned only</label
          >
          <button type="submit">Filter</button>
        </form>`,
      live: html`<p>${tickets.length} open ticket(s), soonest due first.</p>
        <table>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Customer</th>
              <th scope="col">Level</th>
              <th scope="col">State</th>
              <th scope="col">Channel</th>
              <th scope="col">Assignee</th>
              <th scope="col">Next step</th>
              <th scope="col">Due</th>
              <th scope="col">Deadline</th>
            </tr>
          </thead>
          <tbody>
            ${tickets.map(
              (t) =>
                html`<tr>
                  <td><a href="/console/tickets/${encodeURIComponent(t.ticketId)}">${t.ticketId}</a></td>
                  <td>${t.customerId}</td>
                  <td>${t.level}</td>
                  <td>${state(t.state)}</td>
                  <td>${t.channel ?? '—'}</td>
                  <td>${t.channel === null ? '—' : (t.assigneeId ?? 'unassigned')}</td>
                  <td>${countdown(t.nextStepAt)}</td>
                  <td>${when(t.due)}</td>
                  <td>${t.state === 'met' ? 'responded' : countdown(t.due)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
    };
  },
};

function nextStep(t: TicketStatus, now: number) {
  const fired = new Set(t.stepsFired.map((s) => s.id));
  return t.plan.find((s) => !fired.has(s.id) && Date.parse(s.fireAt) > now) ?? null;
}

const ticket: Page = {
  path: '/console/tickets/{id}',
  title: 'Ticket',
  nav: false,
  readsAs: tableRoute('ticketStatus'),
  query: Query({}),
  async render(ctx) {
    const answer = await callRoute(
      this.readsAs,
      ctx.role,
      { params: { ticketId: ctx.id ?? '' } },
      ctx.services,
    );
    const t = answer.body as TicketStatus;
    const next = t.status === 'open' && !t.firstResponse ? nextStep(t, Date.now()) : null;
    const path = `/console/tickets/${encodeURIComponent(t.ticketId)}`;
    return {
      head: html`<section class="actions" aria-label="Actions">
        <h2>Actions</h2>
        ${actionForms(path, TICKET_MESSAGES, ctx.role, ctx.csrf, `ticket ${t.ticketId}`)}
      </section>`,
      live: html`<dl>
          <dt>Ticket</dt>
          <dd>${t.ticketId} (${t.customerId}, ${t.channel})</dd>
          <dt>State</dt>
          <dd>${state(t.state)} ${t.status}</dd>
          <dt>Level</dt>
          <dd>${t.level}, rule <code>${t.ruleId}</code> (policy ${t.policyVersion})</dd>
          <dt>Assignee</dt>
          <dd>${t.assigneeId ?? '—'}</dd>
          <dt>Opened</dt>
          <dd>${when(t.openedAt)}</dd>
          <dt>Clock start</dt>
          <dd>${when(t.clockStart)}</dd>
          <dt>Due</dt>
          <dd>${when(t.due)}${t.firstResponse ? '' : html` (${countdown(t.due)})`}</dd>
          <dt>Next step</dt>
          <dd>${next ? html`${next.id} (${next.kind}, ${next.audience}) ${countdown(next.fireAt)}` : '—'}</dd>
          <dt>First response</dt>
          <dd>
            ${t.firstResponse ? html`${when(t.firstResponse.at)} by ${t.firstResponse.by}: ${t.firstResponse.met ? 'met' : 'breached'} (${minutes(t.firstResponse.coverageMinutes)} coverage minutes)` : 'none yet'}
          </dd>
          ${
            t.heldUntil
              ? html`<dt>Held until</dt>
                  <dd>${when(t.heldUntil)}</dd>`
              : ''
          }
          ${
            t.suspendedReason
              ? html`<dt>Suspended</dt>
                  <dd>${t.suspendedReason}</dd>`
              : ''
          }
          <dt>Resolutions</dt>
          <dd>${t.resolutions}</dd>
        </dl>
        <h2>Plan</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Kind</th>
              <th scope="col">Fires</th>
              <th scope="col">Audience</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            ${t.plan.map(
              (s) =>
                html`<tr>
                  <td>${s.id}</td>
                  <td>${s.kind}</td>
                  <td>${when(s.fireAt)}</td>
                  <td>${s.audience}</td>
                  <td>${s.reason}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>Steps fired</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Kind</th>
              <th scope="col">At</th>
              <th scope="col">Reason</th>
              <th scope="col">Deliveries</th>
            </tr>
          </thead>
          <tbody>
            ${
              t.stepsFired.length
                ? ''
                : html`<tr>
                    <td colspan="5">none yet</td>
                  </tr>`
            }${t.stepsFired.map(
              (s) =>
                html`<tr>
                  <td>${s.id}</td>
                  <td>${s.kind}</td>
                  <td>${when(s.at)}</td>
                  <td>${s.reason}</td>
                  <td>
                    ${s.deliveries.map((d) => `${d.channel} ${d.to} ${d.ok ? 'ok' : 'failed'}`).join('; ')}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>Replies</h2>
        ${
          t.replyCount
            ? html`<p>
                  ${t.replyCount === 1 ? '1 reply' : `${t.replyCount} replies`}${t.replyCount > t.replies.length ? html`, the latest ${t.replies.length} below` : ''}
                </p>
                <ol>
                  ${t.replies.map((r) => html`<li>${when(r.at)} from the ${r.from}</li>`)}
                </ol>`
            : html`<p>none yet</p>`
        }
        ${
          t.reclassifications.length
            ? html`<h2>Reclassifications</h2>
                <ul>
                  ${t.reclassifications.map((r) => html`<li>${when(r.at)} ${r.from} → ${r.to} by ${r.by}: ${r.reason}</li>`)}
                </ul>`
            : ''
        }`,
    };
  },
};

/** The outage's messages that can still change something (the first acknowledgement stands, I7). */
const pending = (segment: string, o: OutageStatus) =>
  segment === 'acknowledge'
    ? o.engagedAt === null
    : segment === 'confirm-start'
      ? o.claimedStart !== null && !o.startConfirmed
      : true;

const outageCard = (o: OutageStatus, ctx: PageContext) => {
  const path = `/console/outages/${encodeURIComponent(o.key)}`;
  return html`<section class="card" aria-label="Outage ${o.key}">
    <h2>${o.key}: ${o.summary}</h2>
    <dl>
      <dt>State</dt>
      <dd>${state(o.state)} engagement ${state(o.engagement)}</dd>
      <dt>Detected</dt>
      <dd>${when(o.detectedAt)} (${o.source}, ${o.reports} report(s))</dd>
      <dt>L3 engagement due (C9)</dt>
      <dd>${when(o.engagementDue)} ${o.engagedAt ? '' : countdown(o.engagementDue)}</dd>
      <dt>Engaged</dt>
      <dd>
        ${o.engagedAt ? html`${when(o.engagedAt)} by ${o.engagedBy} (${minutes(o.engagementMinutes)} min)` : 'not yet'}
      </dd>
      <dt>Classification</dt>
      <dd>${o.classification} in ${o.regions.join(', ')}</dd>
      <dt>Paged</dt>
      <dd>
        ${
          o.pages.length
            ? html`<ul>
                ${o.pages.map((p) => html`<li>${p.responderId} at ${when(p.triggeredAt)}${p.resolvedAt ? html`, resolved ${when(p.resolvedAt)}` : ''}</li>`)}
              </ul>`
            : 'nobody yet'
        }
      </dd>
    </dl>
    <div class="actions">
      ${actionForms(
        path,
        OUTAGE_MESSAGES.filter((m) => pending(m.segment, o)),
        ctx.role,
        ctx.csrf,
        `outage ${o.key}`,
      )}
    </div>
  </section>`;
};

const maintenanceRow = (m: MaintenanceStatus) =>
  html`<tr>
    <td>${m.maintenanceId}</td>
    <td>${m.description}</td>
    <td>${when(m.start)}</td>
    <td>${when(m.end)}</td>
    <td>${m.state}</td>
    <td>
      ${m.announcedAt ? html`sent ${when(m.announcedAt)} (${m.noticeLeadMinutes ?? '—'} min ahead)` : 'not sent yet'}
    </td>
    <td>${m.qualifies ? 'qualifies' : 'does not qualify'}: ${m.qualification}</td>
  </tr>`;

const outages: Page = {
  path: '/console/outages',
  title: 'Outage room',
  nav: true,
  readsAs: tableRoute('listOutages'),
  query: Query({}),
  async render(ctx) {
    const call = (id: string, input: Parameters<typeof callRoute>[2]) =>
      callRoute(tableRoute(id), ctx.role, input, ctx.services).then((a) => a.body);
    const open = (await call('listOutages', { query: { open: 'true', limit: '100' } })) as {
      outageId: string;
    }[];
    const statuses = (await Promise.all(
      open.map((o) => call('outageStatus', { params: { key: o.outageId } })),
    )) as OutageStatus[];
    const windows = (await call('listMaintenance', {})) as { maintenanceId: string; state: string }[];
    const current = windows.filter((w) => ['scheduled', 'in-progress', 'overrunning'].includes(w.state));
    const notices = (await Promise.all(
      current.map((w) => call('maintenanceStatus', { params: { maintenanceId: w.maintenanceId } })),
    )) as MaintenanceStatus[];
    return {
      live: html`<p>${statuses.length} open outage(s).</p>
        ${statuses.map((o) => outageCard(o, ctx))}
        <h2>Maintenance windows</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Window</th>
              <th scope="col">Description</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">State</th>
              <th scope="col">Notice (C1)</th>
              <th scope="col">Exclusion</th>
            </tr>
          </thead>
          <tbody>
            ${notices.map(maintenanceRow)}
          </tbody>
        </table>`,
    };
  },
};

const REPLAY = tableRoute('auditReplay');

/** The replay's answer: ok, or the nondeterminism and the first event where code and history part. */
const replayAnswer = (r: {
  ok: boolean;
  error?: { name: string; message: string };
  divergedAt?: { eventId: number; eventType: string };
}) =>
  r.ok
    ? html`<div class="notice" role="status">
        Replay: ok — the history replays against the current workflow code.
      </div>`
    : html`<div class="error" role="alert">
        <strong>Replay: diverges</strong
        >${r.divergedAt ? html` at event ${r.divergedAt.eventId} (${r.divergedAt.eventType})` : ''}${r.error ? html`: ${r.error.name}: ${r.error.message}` : ''}
      </div>`;

const audit: Page = {
  path: '/console/audit',
  title: 'Audit',
  nav: true,
  readsAs: tableRoute('auditTimeline'),
  query: Query({ workflowId: z.string().max(200).optional() }),
  acceptsForm: true,
  async render(ctx, q) {
    const form = html`<form method="get" action="/console/audit" class="inline">
      <label
        >Workflow id
        <input
          name="workflowId"
          placeholder="ticket-T-1042"
          value="${(q.workflowId as string) ?? ''}"
          required
      /></label>
      <button type="submit">Show the timeline</button>
    </form>`;
    if (!q.workflowId) return { head: form };
    const workflowId = q.workflowId as string;
    // A replay asked for by this POST (its body parsed by the route, C12).
    const replayed = ctx.form
      ? replayAnswer(
          (
            await callRoute(
              REPLAY,
              ctx.role,
              { body: { workflowId: ctx.form.get('workflowId') ?? undefined } },
              ctx.services,
            )
          ).body as Parameters<typeof replayAnswer>[0],
        )
      : '';
    const answer = await callRoute(this.readsAs, ctx.role, { params: { workflowId } }, ctx.services);
    const replay = allows(REPLAY, ctx.role)
      ? html`<form
          method="post"
          action="/console/audit?workflowId=${encodeURIComponent(workflowId)}"
          class="inline"
        >
          ${csrfField(ctx.csrf)}<input type="hidden" name="workflowId" value="${workflowId}" />
          <button type="submit" aria-label="Replay ${workflowId} against the current code">Replay</button>
        </form>`
      : '';
    // As `sla audit timeline` prints it: one line per entry, in UTC and the policy's zone (I1).
    return {
      head: html`${form}${replay}${replayed}`,
      live: html`<pre>${formatTimeline(answer.body as Timeline, ctx.services.policy.policy.timeZone)}</pre>`,
    };
  },
};

export const PAGES: readonly Page[] = [queue, ticket, outages, month, audit, ...monthFiles];

/** A resource's actions: POST <path>/<segment> sends that message route of /v1 for {id}. */
export interface Actions {
  path: string;
  /** The /v1 route's path parameter the id is. */
  param: string;
  messages: typeof TICKET_MESSAGES;
  /** The page the actions are on, for the id: where a success returns, where a refusal shows. */
  page: Page;
  pageOf(id: string): { path: string; id: string | null };
}

export const ACTIONS: readonly Actions[] = [
  {
    path: '/console/tickets/{id}',
    param: 'ticketId',
    messages: TICKET_MESSAGES,
    page: ticket,
    pageOf: (id) => ({ path: `/console/tickets/${encodeURIComponent(id)}`, id }),
  },
  {
    path: '/console/outages/{id}',
    param: 'key',
    messages: OUTAGE_MESSAGES,
    page: outages,
    pageOf: () => ({ path: outages.path, id: null }),
  },
];
