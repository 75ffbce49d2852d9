/**
 * The one dispatcher of the route table: match → authenticate → rate limit → role → body (size
 * limit) → parse → handler → JSON. A webhook route authenticates its source's secret instead of
 * a role token; a signed body's signature is checked once it is read, before it is parsed. Every check runs before the handler, so a request refused at
 * any of them starts no workflow and writes no row. Parse issues are collected from the path
 * parameters, the query and the body together and named "params.x", "query.x", "body.x".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { issuesOf } from '../policy/load';
import type { Authenticator } from './auth';
import {
  ApiError,
  parseJson,
  rateLimited,
  readBody,
  sendError,
  sendJson,
  toApiError,
  under,
  type Issue,
} from './http';
import type { RateLimiter } from './rate-limit';
import { DEFAULT_BODY_LIMIT, type Route, type Services } from './routes/route';
import { WEBHOOK_SOURCES, type SourceAuthenticator } from './sources';

/** What one request leaves in the log: no path values, query or body (ticket text, emails). */
export interface AccessLogEntry {
  route: string;
  method: string;
  status: number;
  role: string | null;
  ms: number;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Parses one part of the request; its issues are prefixed with the part's name. */
function parsePart(schema: z.ZodType | undefined, value: unknown, part: string, issues: Issue[]): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(...issuesOf(parsed.error).map((i) => ({ path: under(part, i.path), message: i.message })));
  return undefined;
}

/** The query as an object of strings; a parameter given twice or not in the schema is refused. */
function queryObject(url: URL, schema: z.ZodType | undefined, issues: Issue[]): Record<string, string> {
  const known = new Set(Object.keys((schema as { shape?: object } | undefined)?.shape ?? {}));
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!known.has(key)) issues.push({ path: under('query', key), message: 'unknown parameter' });
    else if (key in query) issues.push({ path: under('query', key), message: 'given more than once' });
    else query[key] = value;
  }
  return query;
}

export interface DispatcherDeps {
  routes: readonly Route[];
  services: Services;
  auth: Authenticator;
  sources: SourceAuthenticator;
  limiter: RateLimiter;
  log?: (entry: AccessLogEntry) => void;
}

export type Dispatcher = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

/** Returns a handler that answers the request if its path is one of the table's, else false. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const compiled = deps.routes.map(compile);
  return (req, res, url) => {
    const matches = compiled
      .map((c) => ({ c, m: c.pattern.exec(url.pathname) }))
      .filter((x): x is { c: Compiled; m: RegExpExecArray } => x.m !== null);
    if (!matches.length) return false;
    const started = Date.now();
    const match = matches.find((x) => x.c.route.method === req.method);
    let role: string | null = null;
    const finish = (
      err: ApiError | null,
      answer?: { status: number; body: unknown; contentType?: string },
    ) => {
      if (err) sendError(res, err);
      else if (answer?.contentType) {
        res.writeHead(answer.status, { 'content-type': answer.contentType });
        res.end(String(answer.body));
      } else if (answer) sendJson(res, answer.status, answer.body);
      deps.log?.({
        route: match?.c.route.id ?? url.pathname.split('/').slice(0, 3).join('/'),
        method: req.method ?? '',
        status: res.statusCode,
        role,
        ms: Date.now() - started,
      });
    };
    const refuse = (err: ApiError) => {
      req.resume();
      finish(err);
    };
    if (!match) {
      const allow = [...new Set(matches.map((x) => x.c.route.method))].join(', ');
      refuse(new ApiError('method_not_allowed', `use ${allow}`, [], { allow }));
      return true;
    }
    const { route } = match.c;

    const webhook = route.source && WEBHOOK_SOURCES[route.source];
    if (webhook && !deps.sources.configured(route.source!)) {
      refuse(new ApiError('unavailable', `this webhook is off: ${webhook.setting} is not set`));
      return true;
    }
    /** The caller's credential (a role token, or the route's webhook source's), then its rate. */
    const admit = (raw?: Buffer): ApiError | null => {
      const caller = route.source
        ? deps.sources.authenticate(route.source, req, raw)
        : deps.auth.authenticate(req);
      if (!caller) {
        // Unauthenticated callers are limited per address, so guessing tokens is slow.
        const wait = deps.limiter.take(`ip:${req.socket.remoteAddress ?? ''}`);
        if (wait) return rateLimited(wait);
        const challenge = webhook ? webhook.challenge : 'Bearer';
        return new ApiError(
          'unauthorized',
          webhook ? webhook.refusal : 'a valid bearer token is required',
          [],
          challenge ? { 'www-authenticate': challenge } : {},
        );
      }
      role = caller.role;
      const wait = deps.limiter.take(caller.key);
      if (wait) return rateLimited(wait);
      if (!route.source && !route.roles.some((r) => r === caller.role))
        return new ApiError('forbidden', `the ${caller.role} role may not call ${route.id}`);
      return null;
    };
    // A signature covers the body: that credential is checked once the body is read.
    const refused = webhook?.signsBody ? null : admit();
    if (refused) {
      refuse(refused);
      return true;
    }

    const body = route.body
      ? readBody(req, route.bodyLimit ?? DEFAULT_BODY_LIMIT)
      : Promise.resolve(undefined);
    if (!route.body) req.resume();
    body
      .then(async (raw) => {
        const unsigned = webhook?.signsBody ? admit(raw) : null;
        if (unsigned) throw unsigned;
        const issues: Issue[] = [];
        const rawParams: Record<string, string> = {};
        match.c.names.forEach((name, i) => {
          try {
            rawParams[name] = decodeURIComponent(match.m[i + 1]!);
          } catch {
            issues.push({ path: under('params', name), message: 'malformed percent-encoding' });
          }
        });
        const rawQuery = queryObject(url, route.query, issues);
        const input = {
          params: parsePart(route.params, rawParams, 'params', issues),
          query: parsePart(route.query, rawQuery, 'query', issues),
          body: raw && parsePart(route.body, parseJson(raw), 'body', issues),
        };
        if (issues.length) throw new ApiError('invalid', 'invalid input', issues);
        return route.handler(input as Parameters<Route['handler']>[0], deps.services);
      })
      .then(
        (answer) => finish(null, answer),
        (err: unknown) => {
          const apiError = toApiError(err);
          // The error's name only: its message may quote input.
          if (apiError.code === 'internal')
            console.error(`api: ${route.id} failed: ${err instanceof Error ? err.name : typeof err}`);
          finish(apiError);
        },
      );
    return true;
  };
}
