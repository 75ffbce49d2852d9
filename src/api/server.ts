/**
 * The HTTP API process: the operations of support tooling, on-call, finance and auditors, the
 * outage webhooks and the codec endpoint (the route table in api/routes, served by
 * api/dispatch.ts behind role tokens or each source's secret, a rate limit and body limits),
 * GET /openapi.json generated from that table, GET /health and GET /metrics (Prometheus,
 * docs/observability.md). Every error is answered in the one shape of api/http.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { SlaClient, type SlaClientOptions } from '../client';
import { codecDataConverter, codecKeys } from '../codec';
import type { Config } from '../config';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { Authenticator } from './auth';
import { createConsole } from '../console/console';
import { createDispatcher, type AccessLogEntry } from './dispatch';
import { guardFraming, guardProcess, guardRequests, logFault, type FaultLog } from './guard';
import { HealthCheck } from './health';
import { SlaError } from '../errors';
import { methodNotAllowed, rateLimited, requestUrl, sendError } from './http';
import { apiRegistry } from '../metrics/registry';
import { metricsAnswer } from '../metrics/serve';
import { countApiRequest } from './metrics';
import { openApiDocument } from './openapi';
import { RateLimiter } from './rate-limit';
import { ROUTES } from './routes';
import { SourceAuthenticator } from './sources';
import { createStatusPage, createStatusServer } from '../status/server';
import { startTracing } from '../traces';

/** The paths served outside the route table, and their methods: any other is 405 with `allow`. */
const OUTSIDE_TABLE: Record<string, string[]> = {
  '/health': ['GET', 'HEAD'],
  '/openapi.json': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};

export interface ApiDeps {
  client: Client;
  config: Config;
  policy: LoadedPolicy;
  ledger: Ledger;
  /** One entry per table request (route id, status, role, time: nothing the caller sent). */
  log?: (entry: AccessLogEntry) => void;
  /** Where a fault of ours goes, under the correlation id its 500 names (default: stderr). */
  faultLog?: FaultLog;
  /** The workflow code audit replays check against (default: the worker's bundle). */
  workflowBundle?: SlaClientOptions['workflowBundle'];
}

export function createApiServer(deps: ApiDeps): Server {
  return createApiServers(deps).api;
}

/**
 * The API server, and beside it a server of the public status routes alone (SLA_STATUS_PORT)
 * sharing its status page: one cache and one rate limit whichever port a reader comes by.
 */
export function createApiServers(deps: ApiDeps): { api: Server; status: Server } {
  const keys = codecKeys(deps.config);
  const faultLog = deps.faultLog ?? logFault;
  const auth = new Authenticator(deps.config.apiTokens);
  const limiter = new RateLimiter(deps.config.apiRate);
  const health = new HealthCheck(deps.client, deps.config, deps.policy);
  const services = {
    config: deps.config,
    policy: deps.policy,
    ledger: deps.ledger,
    // The one client, on this process's connection, ledger and policy.
    sla: new SlaClient(deps.config, {
      client: deps.client,
      ledger: deps.ledger,
      policy: deps.policy,
      ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : {}),
    }),
    payloadCodecs: codecDataConverter(keys).payloadCodecs ?? [],
  };
  // The public status page: no sign-in, its own rate key per address, answers cached (src/status).
  const statusPage = createStatusPage({
    sla: services.sla,
    ledger: deps.ledger,
    policy: deps.policy,
    limiter,
    faultLog,
  });
  const dispatch = createDispatcher({
    routes: ROUTES,
    services,
    auth,
    sources: new SourceAuthenticator(deps.config),
    limiter,
    faultLog,
    log: (entry) => {
      countApiRequest(entry);
      deps.log?.(entry);
    },
  });
  // SLA_METRICS_TOKEN, when set; a wrong one counts against its address, as on /v1.
  const metrics = metricsAnswer(apiRegistry, deps.config.metricsToken, (req, res) => {
    const wait = limiter.take(`ip:${req.socket.remoteAddress ?? ''}`);
    if (wait) return sendError(res, rateLimited(wait));
    sendError(res, {
      error: new SlaError('unauthorized', 'a valid bearer token is required (SLA_METRICS_TOKEN)'),
      headers: { 'www-authenticate': 'Bearer' },
    });
  });
  // The web console (docs/console.md): its pages call the same routes' handlers as their roles.
  const webConsole = createConsole({ services, auth, limiter, faultLog });
  const openapi = JSON.stringify(openApiDocument(ROUTES, deps.policy.version));
  const listener = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    const url = requestUrl(req, res);
    if (!url) return;
    const path = url.pathname;
    const allow = OUTSIDE_TABLE[path];
    if (allow && !allow.includes(req.method ?? '')) {
      req.resume();
      return sendError(res, methodNotAllowed(allow));
    }
    if (path === '/health') {
      // A role token sees the details; a wrong one counts against its address, as on /v1.
      const caller = auth.authenticate(req);
      const wait =
        !caller && req.headers.authorization !== undefined
          ? limiter.take(`ip:${req.socket.remoteAddress ?? ''}`)
          : 0;
      if (wait) return sendError(res, rateLimited(wait));
      return health.answer(res, caller !== null);
    }
    if (path === '/metrics') return metrics(req, res);
    if (path === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end(openapi);
    }
    if (statusPage(req, res, url)) return;
    if (dispatch(req, res, url)) return;
    const notFound = () => {
      req.resume();
      sendError(res, { error: new SlaError('not_found', `no route ${path}`) });
    };
    if (path === '/console' || path.startsWith('/console/'))
      return webConsole(req, res, url).then((answered) => (answered ? undefined : notFound()));
    notFound();
  };
  const server = createServer(guardRequests(listener, faultLog));
  guardFraming(server);
  return { api: server, status: createStatusServer(statusPage, faultLog) };
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });

export async function runApi(deps: ApiDeps): Promise<void> {
  guardProcess(deps.faultLog ?? logFault);
  // Before the first request: its span is the root of the trace the workflow continues.
  const tracing = await startTracing(deps.config, 'sla-api');
  const { api: server, status } = createApiServers(deps);
  const { apiHost, statusPort } = deps.config;
  await listen(server, deps.config.apiPort, apiHost);
  if (statusPort) {
    await listen(status, statusPort, apiHost);
    console.log(`api: the public status page alone on http://${apiHost}:${statusPort}/status`);
  }
  console.log(
    `api: listening on http://${deps.config.apiHost}:${deps.config.apiPort} ` +
      `(/v1/* for ${deps.config.apiTokens.length} role token(s), the web console at /console, GET /openapi.json, GET /health, GET /metrics, GET /status, POST /webhooks/*, POST /codec/*)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      if (statusPort) status.close();
      server.close(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await deps.client.connection.close();
  await deps.ledger.close();
  await tracing?.shutdown();
  console.log('api: stopped');
}
