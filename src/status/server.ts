/**
 * The public status routes: no sign-in, read-only, GET and HEAD only. Every query parameter is
 * parsed with zod before anything is read (a bad, unknown or repeated one is 400 naming it).
 * Each address is rate-limited with the API's limiter, and the status is gathered at most once
 * per CACHE_MS whatever the number of callers (one gathering in flight is shared): a crowd
 * refreshing the page during an outage costs the ledger and Temporal one read every few
 * seconds, not one per visitor.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { BusinessCalendar } from '../calendar';
import { issuesOf, SlaError, under, type Issue } from '../errors';
import { Country } from '../policy/schema';
import { answerFor, guardFraming, guardRequests, logFault, type FaultLog } from '../api/guard';
import { methodNotAllowed, rateLimited, requestUrl, sendError } from '../api/http';
import type { RateLimiter } from '../api/rate-limit';
import { gatherStatus, HISTORY_DAYS, type StatusSources } from './gather';
import { historyAtom, holidayCalendar, maintenanceCalendar } from './feeds';
import { renderStatusHtml } from './html';
import type { PublicStatus } from './public';
import { statusSummary } from './summary';

/** How long one gathered status answers every caller. */
export const CACHE_MS = 5_000;

const DAY_MS = 86_400_000;

export interface StatusPageDeps extends StatusSources {
  limiter: RateLimiter;
  faultLog?: FaultLog;
  now?: () => number;
}

const NoQuery = z.object({});
const HistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(HISTORY_DAYS).default(HISTORY_DAYS),
});
const HolidayQuery = z.object({ years: z.coerce.number().int().min(1).max(3).default(2) });
const CountryParam = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(Country);
/** The Host a caller names, used for the feeds' absolute links: a host name or address and a port. */
const Host = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, 'expected host[:port]');

interface Answer {
  type: string;
  body: string;
}

/** The query as an object of strings: a parameter not in the schema, or given twice, is an issue. */
function parseQuery<S extends z.ZodObject>(schema: S, url: URL, issues: Issue[]): z.infer<S> | undefined {
  const known = new Set(Object.keys(schema.shape));
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!known.has(key)) issues.push({ path: under('query', key), message: 'unknown parameter' });
    else if (key in raw) issues.push({ path: under('query', key), message: 'given more than once' });
    else raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    issues.push(...issuesOf(parsed.error).map((i) => ({ path: under('query', i.path), message: i.message })));
  return parsed.success ? parsed.data : undefined;
}

/** Answers the status routes (true), or leaves any other path to the caller (false). */
export type StatusPage = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

export function createStatusPage(deps: StatusPageDeps): StatusPage {
  const now = deps.now ?? Date.now;
  const faultLog = deps.faultLog ?? logFault;
  const calendar = new BusinessCalendar(deps.policy.policy);
  let cached: { at: number; status: Promise<PublicStatus> } | undefined;

  const status = (): Promise<PublicStatus> => {
    const t = now();
    if (!cached || t - cached.at >= CACHE_MS) {
      const gathering = gatherStatus(deps, t);
      cached = { at: t, status: gathering };
      // A failed gathering is not kept: the next caller tries again.
      gathering.catch(() => {
        if (cached?.status === gathering) cached = undefined;
      });
    }
    return cached.status;
  };

  const route = (path: string, url: URL, base: string, issues: Issue[]): (() => Promise<Answer>) | null => {
    if (path === '/status' || path === '/status/') {
      parseQuery(NoQuery, url, issues);
      return async () => ({ type: 'text/html; charset=utf-8', body: renderStatusHtml(await status()) });
    }
    if (path === '/status/api/v2/summary.json') {
      parseQuery(NoQuery, url, issues);
      return async () => ({
        type: 'application/json; charset=utf-8',
        body: JSON.stringify(statusSummary(await status(), `${base}/status`)),
      });
    }
    if (path === '/status/history.atom') {
      const q = parseQuery(HistoryQuery, url, issues);
      return async () => {
        const s = await status();
        const since = Date.parse(s.generatedAt) - (q?.days ?? HISTORY_DAYS) * DAY_MS;
        return { type: 'application/atom+xml; charset=utf-8', body: historyAtom(s, base, since) };
      };
    }
    if (path === '/status/calendars/maintenance.ics') {
      parseQuery(NoQuery, url, issues);
      return async () => ({
        type: 'text/calendar; charset=utf-8',
        body: maintenanceCalendar(await status(), base),
      });
    }
    const holidays = /^\/status\/calendars\/holidays-([^/]*)\.ics$/.exec(path);
    if (holidays) {
      const q = parseQuery(HolidayQuery, url, issues);
      const country = CountryParam.safeParse(holidays[1]);
      if (!country.success)
        issues.push({ path: 'params.country', message: `expected one of ${Country.options.join(', ')}` });
      return async () => {
        const t = now();
        const first = new Date(t).getUTCFullYear();
        const years = Array.from({ length: q!.years }, (_, k) => first + k);
        const windows = years
          .flatMap((y) => calendar.holidaysOfYear(y))
          .filter((h) => h.country === country.data);
        return {
          type: 'text/calendar; charset=utf-8',
          body: holidayCalendar(country.data!, windows, new Date(t)),
        };
      };
    }
    return null;
  };

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const path = url.pathname;
    if (path !== '/status' && !path.startsWith('/status/')) return false;
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return (sendError(res, methodNotAllowed(['GET', 'HEAD'])), true);
    const wait = deps.limiter.take(`status:${req.socket.remoteAddress ?? ''}`);
    if (wait) return (sendError(res, rateLimited(wait)), true);
    const issues: Issue[] = [];
    const host = Host.safeParse(req.headers.host ?? 'localhost');
    if (!host.success) issues.push({ path: 'headers.host', message: 'expected host[:port]' });
    const answer = route(path, url, `http://${host.data ?? 'localhost'}`, issues);
    if (!answer) return (sendError(res, { error: new SlaError('not_found', `no route ${path}`) }), true);
    if (issues.length)
      return (sendError(res, { error: new SlaError('invalid', 'invalid input', issues) }), true);
    answer().then(
      ({ type, body }) => {
        res.writeHead(200, {
          'content-type': type,
          'content-length': Buffer.byteLength(body),
          // Public and the same for everyone: a proxy may keep it as long as this process does.
          'cache-control': `public, max-age=${CACHE_MS / 1000}`,
          'x-content-type-options': 'nosniff',
          // The page loads nothing: no script, no image, no font, its style inline.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => sendError(res, { error: answerFor(err, faultLog) }),
    );
    return true;
  };
}

/**
 * The status routes alone on a server of their own (SLA_STATUS_PORT): a port that can be exposed
 * to the internet while the API, its tokens and webhooks stay on a private one. Any other path is
 * 404 here.
 */
export function createStatusServer(page: StatusPage, faultLog: FaultLog): Server {
  const server = createServer(
    guardRequests((req, res) => {
      const url = requestUrl(req, res);
      if (!url) return;
      if (page(req, res, url)) return;
      req.resume();
      sendError(res, { error: new SlaError('not_found', `no route ${url.pathname}`) });
    }, faultLog),
  );
  guardFraming(server);
  return server;
}
