/**
 * The web console under /console, served by the API process beside /v1: sign-in by role token
 * (SLA_API_TOKENS) for a session cookie, the pages of ./pages.ts (each readable by the roles of
 * the /v1 route it shows), and their actions, each a call of a /v1 route's handler as the
 * session's role (./table.ts). Every form and query is parsed before anything is read or sent;
 * every POST needs the session's CSRF token; wrong tokens count against the API's rate limiter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Authenticator } from '../api/auth';
import { answerFor, type FaultLog } from '../api/guard';
import type { RateLimiter } from '../api/rate-limit';
import type { Services } from '../api/routes';
import type { Answer } from '../api/routes/route';
import { ERROR_CODES, issuesOf, SlaError } from '../errors';
import { Id } from '../model/ticket';
import { CLIENT_SCRIPT } from './client-script';
import { checkCsrf, csrfField } from './csrf';
import { formBody, readForm } from './forms';
import { html, type Markup } from './html';
import { layout, type NavItem } from './layout';
import { ACTIONS, PAGES, type Page } from './pages';
import {
  cookie,
  cookies,
  newSecret,
  SESSION_COOKIE,
  SESSION_HOURS,
  Sessions,
  SIGNIN_COOKIE,
  type Session,
} from './session';
import { allows, callRoute } from './table';

export interface ConsoleDeps {
  services: Services;
  auth: Authenticator;
  limiter: RateLimiter;
  faultLog: FaultLog;
  sessions?: Sessions;
}

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The console's own script and its inline style; no other origin, no framing.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, {
    ...HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const redirect = (res: ServerResponse, to: string, headers: Record<string, string | string[]> = {}) =>
  send(res, 303, '', { location: to, ...headers });

/**
 * A /v1 route's own answer (the report's page, a CSV download) as that route sends it: its content
 * type, and a download keeps its Content-Disposition attachment and file name.
 */
function sendAnswer(res: ServerResponse, answer: Answer) {
  const json = answer.contentType === undefined;
  send(res, answer.status, json ? JSON.stringify(answer.body, null, 2) : String(answer.body), {
    'content-type': answer.contentType ?? 'application/json; charset=utf-8',
    // Its own page, with its own style: only framing stays forbidden.
    'content-security-policy': "frame-ancestors 'none'",
    ...(answer.filename ? { 'content-disposition': `attachment; filename="${answer.filename}"` } : {}),
  });
}

const compile = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}$`);

const PAGE_PATTERNS = PAGES.map((page) => ({ page, pattern: compile(page.path) }));
const ACTION_PATTERNS = ACTIONS.map((a) => ({ ...a, pattern: compile(`${a.path}/{segment}`) }));

const SignIn = z.object({ token: z.string().min(1).max(1000) });

function errorBanner(err: SlaError): Markup {
  return html`<div class="error" role="alert">
    <strong>${err.summary}</strong>${
      err.issues.length
        ? html`<ul>
            ${err.issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}
          </ul>`
        : ''
    }
  </div>`;
}

export function createConsole(deps: ConsoleDeps) {
  const sessions = deps.sessions ?? new Sessions();
  const nav = (role: Page['readsAs']['roles'][number]): NavItem[] =>
    PAGES.filter((p) => p.nav && allows(p.readsAs, role)).map((p) => ({ path: p.path, title: p.title }));
  const ours = (err: unknown): SlaError => answerFor(err, deps.faultLog);

  function signInPage(res: ServerResponse, status: number, error: SlaError | null) {
    const token = newSecret();
    const body = html`${error ? errorBanner(error) : ''}
      <form method="post" action="/console/signin">
        ${csrfField(token)}
        <p>
          <label for="token">Role token</label><br /><input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            size="40"
          />
        </p>
        <p><button type="submit">Sign in</button></p>
      </form>
      <p>
        Sign in with your role's API token (agent, oncall, finance or auditor). The session lasts
        ${SESSION_HOURS} hours.
      </p>`;
    send(res, status, layout({ title: 'Sign in', role: null, csrf: null, nav: [], body }), {
      'set-cookie': cookie(SIGNIN_COOKIE, token, 600),
    });
  }

  async function renderPage(
    res: ServerResponse,
    session: Session,
    page: Page,
    id: string | null,
    url: URL,
    failure: { status: number; error: SlaError } | null,
    form: URLSearchParams | null = null,
  ) {
    const query = page.query.safeParse(Object.fromEntries(url.searchParams));
    const live = url.searchParams.get('part') === 'live';
    let rendered: Awaited<ReturnType<Page['render']>> = {};
    let error = failure?.error ?? null;
    let status = failure?.status ?? 200;
    if (!allows(page.readsAs, session.role)) {
      error = new SlaError('forbidden', `the ${session.role} role may not call ${page.readsAs.id}`);
      status = 403;
    } else if (!query.success) {
      error = new SlaError('invalid', 'invalid query', issuesOf(query.error));
      status = 400;
    } else {
      try {
        rendered = await page.render(
          {
            role: session.role,
            csrf: session.csrf,
            services: deps.services,
            id,
            query: url.searchParams,
            form,
          },
          query.data,
        );
      } catch (err) {
        error = ours(err);
        status = ERROR_CODES[error.code].status;
      }
    }
    if (rendered.raw) return sendAnswer(res, rendered.raw);
    const liveMarkup = rendered.live ?? html``;
    if (live) return send(res, status, liveMarkup.text);
    const done =
      query.success && query.data.done
        ? html`<div class="notice" role="status">Done: ${query.data.done as string}</div>`
        : '';
    const body = html`${error ? errorBanner(error) : ''}${done}${rendered.head ?? ''}
      <div id="live" aria-live="polite">${liveMarkup}</div>`;
    const title = id ? `${page.title} ${id}` : page.title;
    send(
      res,
      status,
      layout({
        title,
        role: session.role,
        csrf: session.csrf,
        nav: nav(session.role),
        body,
        live: url.pathname + url.search,
      }),
    );
  }

  async function act(req: IncomingMessage, res: ServerResponse, session: Session, url: URL) {
    for (const action of ACTION_PATTERNS) {
      const m = action.pattern.exec(url.pathname);
      if (!m) continue;
      let id: string;
      try {
        id = decodeURIComponent(m[1]!);
      } catch {
        id = '';
      }
      const segment = m[2]!;
      const message = action.messages.find((x) => x.segment === segment);
      if (!message) return false;
      const back = action.pageOf(id);
      let failure: { status: number; error: SlaError };
      try {
        const form = await readForm(req);
        checkCsrf(form, session.csrf);
        await callRoute(
          message.route,
          session.role,
          { params: { [action.param]: id }, body: formBody(message.route, form) },
          deps.services,
        );
        redirect(res, `${back.path}?done=${encodeURIComponent(segment)}`);
        return true;
      } catch (err) {
        const error = ours(err);
        failure = { status: ERROR_CODES[error.code].status, error };
      }
      await renderPage(res, session, action.page, back.id, new URL(back.path, 'http://localhost'), failure);
      return true;
    }
    return false;
  }

  /** Answers a request under /console; false when the path is none of the console's. */
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    if (path === '/console/console.js') {
      req.resume();
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/javascript; charset=utf-8' });
      res.end(CLIENT_SCRIPT);
      return true;
    }
    if (path === '/console/signin') {
      if (req.method === 'GET') return (req.resume(), signInPage(res, 200, null), true);
      if (req.method !== 'POST') return false;
      try {
        const form = await readForm(req);
        checkCsrf(form, cookies(req)[SIGNIN_COOKIE] ?? '');
        const parsed = SignIn.safeParse(Object.fromEntries(form));
        if (!parsed.success) throw new SlaError('invalid', 'invalid sign-in', issuesOf(parsed.error));
        const caller = deps.auth.authenticateToken(parsed.data.token);
        if (!caller) {
          // As on /v1: unknown tokens are limited per address, so guessing is slow.
          const wait = deps.limiter.take(`ip:${req.socket.remoteAddress ?? ''}`);
          if (wait) throw new SlaError('rate_limited', `too many sign-ins: wait ${wait} s`);
          throw new SlaError('unauthorized', 'that is not a role token of this API (SLA_API_TOKENS)', [
            { path: 'token', message: 'unknown token' },
          ]);
        }
        const session = sessions.create(caller.role, caller.key);
        const first = nav(caller.role)[0]?.path ?? '/console/signin';
        redirect(res, first, {
          'set-cookie': [
            cookie(SESSION_COOKIE, session.id, SESSION_HOURS * 3600),
            cookie(SIGNIN_COOKIE, '', 0),
          ],
        });
      } catch (err) {
        const error = ours(err);
        signInPage(res, ERROR_CODES[error.code].status, error);
      }
      return true;
    }
    const session = sessions.of(req);
    if (!session) {
      req.resume();
      if (url.searchParams.get('part') === 'live' || req.method !== 'GET') send(res, 401, 'sign in first');
      else redirect(res, '/console/signin');
      return true;
    }
    if (deps.limiter.take(session.key)) {
      req.resume();
      send(res, 429, 'too many requests', { 'retry-after': '1' });
      return true;
    }
    if (path === '/console/signout' && req.method === 'POST') {
      try {
        checkCsrf(await readForm(req), session.csrf);
      } catch (err) {
        const error = ours(err);
        send(
          res,
          ERROR_CODES[error.code].status,
          layout({
            title: 'Sign out',
            role: session.role,
            csrf: session.csrf,
            nav: nav(session.role),
            body: errorBanner(error),
          }),
        );
        return true;
      }
      sessions.end(session);
      redirect(res, '/console/signin', { 'set-cookie': cookie(SESSION_COOKIE, '', 0) });
      return true;
    }
    if (req.method === 'POST') {
      const target = PAGE_PATTERNS.find((p) => p.page.acceptsForm && p.pattern.test(path));
      if (!target) return act(req, res, session, url);
      let form: URLSearchParams;
      try {
        form = await readForm(req);
        checkCsrf(form, session.csrf);
      } catch (err) {
        const error = ours(err);
        await renderPage(res, session, target.page, null, url, {
          status: ERROR_CODES[error.code].status,
          error,
        });
        return true;
      }
      await renderPage(res, session, target.page, null, url, null, form);
      return true;
    }
    if (req.method !== 'GET') return false;
    req.resume();
    if (path === '/console' || path === '/console/')
      return (redirect(res, nav(session.role)[0]?.path ?? '/console/signin'), true);
    if (path === '/console/ticket') {
      const id = Id.safeParse(url.searchParams.get('ticketId'));
      if (id.success) return (redirect(res, `/console/tickets/${encodeURIComponent(id.data)}`), true);
      const queuePage = PAGES[0]!;
      await renderPage(res, session, queuePage, null, new URL(queuePage.path, url), {
        status: 400,
        error: new SlaError(
          'invalid',
          'invalid ticket id',
          issuesOf(id.error).map((i) => ({ ...i, path: 'ticketId' })),
        ),
      });
      return true;
    }
    for (const { page, pattern } of PAGE_PATTERNS) {
      const m = pattern.exec(path);
      if (!m) continue;
      let id: string | null = null;
      if (m[1] !== undefined) {
        try {
          id = decodeURIComponent(m[1]);
        } catch {
          id = '';
        }
      }
      await renderPage(res, session, page, id, url, null);
      return true;
    }
    return false;
  };
}
