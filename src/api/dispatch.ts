/**
 * The one dispatcher of the route table: match → (CORS) → authenticate → rate limit → role →
 * body (size limit) → parse → handler → JSON. A route of a source (a webhook, the codec)
 * authenticates that source's secret instead of a role token; a signed body's signature is
 * checked once it is read, before it is parsed. A source that browsers may call has its origin
 * checked first and its preflight answered here. Every check runs before the handler, so a
 * request refused at any of them starts no workflow and writes no row. Parse issues are collected
 * from the path parameters, the query and the body together and named "params.x", "query.x",
 * "body.x". Every error is answered through one helper (./http.ts) in one shape. A request of a
 * route is one span, named by the route's id (src/traces.ts; with tracing off, none).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { z } from 'zod';
import { issuesOf, SlaError, under, type Issue } from '../errors';
import type { Authenticator } from './auth';
import { answerFor, type FaultLog } from './guard';
import {
  inBody,
  methodNotAllowed,
  parseJson,
  rateLimited,
  readBody,
  sendError,
  sendJson,
  type Headers,
  type Refusal,
} from './http';
import type { RateLimiter } from './rate-limit';
import { DEFAULT_BODY_LIMIT, type Answer, type Route, type Services } from './routes/route';
import { SOURCES, type SourceAuthenticator, type SourceSpec } from './sources';

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
  /** Where a fault of ours goes, under the correlation id its 500 names. */
  faultLog: FaultLog;
  log?: (entry: AccessLogEntry) => void;
}

/**
 * A source's CORS (the codec's, for the Web UI): the headers its answers carry for an allowed
 * origin, or the refusal of any other. No Origin header: not a browser, nothing to add.
 */
function corsOf(
  spec: SourceSpec | undefined,
  req: IncomingMessage,
  allows: (origin: string) => boolean,
): { headers: Headers; refusal?: Refusal } {
  const origin = req.headers.origin;
  if (!spec?.cors || origin === undefined) return { headers: {} };
  if (!allows(origin))
    return {
      headers: {},
      refusal: { error: new SlaError('forbidden', `origin ${origin} is not allowed (${spec.cors.setting})`) },
    };
  const headers: Headers = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
  return { headers };
}

/** The global provider's (src/traces.ts), or a tracer that makes no spans when tracing is off. */
const tracer = trace.getTracer('sla-api');

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
    const methods = [...new Set(matches.map((x) => x.c.route.method))];
    // The routes of one path share their caller: a source's, or role tokens.
    const source = (match ?? matches[0]!).c.route.source;
    const spec = source && SOURCES[source];
    let role: string | null = null;
    // Set once the route is known (a 405 or a CORS refusal has none); ended with the answer.
    let span: Span | undefined = undefined;
    const finish = (refusal: Refusal | null, answer?: Answer) => {
      if (refusal) sendError(res, { error: refusal.error, headers: { ...cors.headers, ...refusal.headers } });
      else if (answer?.contentType) {
        res.writeHead(answer.status, {
          ...cors.headers,
          'content-type': answer.contentType,
          // A download names its file; like JSON answers, customers' data is kept by no cache.
          ...(answer.filename
            ? {
                'content-disposition': `attachment; filename="${answer.filename}"`,
                'cache-control': 'no-store',
              }
            : {}),
        });
        res.end(String(answer.body));
      } else if (answer) sendJson(res, answer.status, answer.body, cors.headers);
      deps.log?.({
        route: match?.c.route.id ?? url.pathname.split('/').slice(0, 3).join('/'),
        method: req.method ?? '',
        status: res.statusCode,
        role,
        ms: Date.now() - started,
      });
      span?.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
      span?.end();
    };
    const refuse = (refusal: Refusal) => {
      req.resume();
      finish(refusal);
    };
    const cors = corsOf(spec, req, (origin) => deps.sources.allowsOrigin(source!, origin));
    if (cors.refusal) return (refuse(cors.refusal), true);
    if (spec?.cors && req.method === 'OPTIONS' && req.headers.origin !== undefined) {
      // The preflight carries no credentials; the origin check above is its authorisation.
      req.resume();
      res.writeHead(204, {
        ...cors.headers,
        'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
        'access-control-allow-headers': spec.cors.headers,
        'access-control-max-age': '600',
      });
      res.end();
      return (finish(null), true);
    }
    if (!match) return (refuse(methodNotAllowed(methods)), true);
    const { route } = match.c;
    // Named by the route's id and its path template, never the path itself, which holds ids.
    span = tracer.startSpan(route.id, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: route.method, [ATTR_HTTP_ROUTE]: route.path },
    });
    const inSpan = trace.setSpan(context.active(), span);

    if (spec && !deps.sources.configured(source))
      return (
        refuse({ error: new SlaError('unavailable', `${spec.what} is off: ${spec.setting} is not set`) }),
        true
      );
    /** The caller's credential (a role token, or the route's source's), then its rate. */
    const admit = (raw?: Buffer): Refusal | null => {
      const caller = source ? deps.sources.authenticate(source, req, raw) : deps.auth.authenticate(req);
      if (!caller) {
        // Unauthenticated callers are limited per address, so guessing tokens is slow.
        const wait = deps.limiter.take(`ip:${req.socket.remoteAddress ?? ''}`);
        if (wait) return rateLimited(wait);
        const challenge = spec ? spec.challenge : 'Bearer';
        return {
          error: new SlaError('unauthorized', spec ? spec.refusal : 'a valid bearer token is required'),
          ...(challenge ? { headers: { 'www-authenticate': challenge } } : {}),
        };
      }
      role = caller.role;
      const wait = deps.limiter.take(caller.key);
      if (wait) return rateLimited(wait);
      if (!source && !route.roles.some((r) => r === caller.role))
        return { error: new SlaError('forbidden', `the ${caller.role} role may not call ${route.id}`) };
      return null;
    };
    // A signature covers the body: that credential is checked once the body is read.
    const refused = spec?.signsBody ? null : admit();
    if (refused) return (refuse(refused), true);

    const body = route.body
      ? readBody(req, route.bodyLimit ?? DEFAULT_BODY_LIMIT)
      : Promise.resolve(undefined);
    if (!route.body) req.resume();
    body
      .then(async (raw): Promise<Refusal | Answer> => {
        const unsigned = spec?.signsBody ? admit(raw) : null;
        if (unsigned) return unsigned;
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
        if (issues.length) throw new SlaError('invalid', 'invalid input', issues);
        // The handler's calls (the workflow client's spans) are children of the request's span.
        return context
          .with(inSpan, () => route.handler(input as Parameters<Route['handler']>[0], deps.services))
          .catch((err: unknown) => {
            throw inBody(err);
          });
      })
      .then(
        (outcome) => ('error' in outcome ? finish(outcome) : finish(null, outcome)),
        (err: unknown) => finish({ error: answerFor(err, deps.faultLog) }),
      );
    return true;
  };
}
