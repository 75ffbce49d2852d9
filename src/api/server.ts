/**
 * The HTTP API process: the operations of support tooling, on-call, finance and auditors, the
 * outage webhooks and the codec endpoint (the route table in api/routes, served by
 * api/dispatch.ts behind role tokens or each source's secret, a rate limit and body limits),
 * GET /openapi.json generated from that table, and GET /health. Every error is answered in the
 * one shape of api/http.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { SlaClient, type SlaClientOptions } from '../client';
import { codecDataConverter, codecKeys } from '../codec';
import type { Config } from '../config';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { Authenticator } from './auth';
import { createDispatcher, type AccessLogEntry } from './dispatch';
import { guardFraming, guardProcess, guardRequests, logFault, type FaultLog } from './guard';
import { HealthCheck } from './health';
import { SlaError } from '../errors';
import { methodNotAllowed, rateLimited, sendError } from './http';
import { openApiDocument } from './openapi';
import { RateLimiter } from './rate-limit';
import { ROUTES } from './routes';
import { SourceAuthenticator } from './sources';

/** The paths served outside the route table, and their methods: any other is 405 with `allow`. */
const OUTSIDE_TABLE: Record<string, string[]> = {
  '/health': ['GET', 'HEAD'],
  '/openapi.json': ['GET', 'HEAD'],
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
  const keys = codecKeys(deps.config);
  const faultLog = deps.faultLog ?? logFault;
  const auth = new Authenticator(deps.config.apiTokens);
  const limiter = new RateLimiter(deps.config.apiRate);
  const health = new HealthCheck(deps.client, deps.config, deps.policy);
  const dispatch = createDispatcher({
    routes: ROUTES,
    services: {
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
    },
    auth,
    sources: new SourceAuthenticator(deps.config),
    limiter,
    faultLog,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const openapi = JSON.stringify(openApiDocument(ROUTES, deps.policy.version));
  const listener = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // e.g. "http://[::1/": not a URL at all, so no route to look for.
      req.resume();
      return sendError(res, { error: new SlaError('invalid', 'malformed request target') });
    }
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
    if (path === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end(openapi);
    }
    if (dispatch(req, res, url)) return;
    req.resume();
    sendError(res, { error: new SlaError('not_found', `no route ${path}`) });
  };
  const server = createServer(guardRequests(listener, faultLog));
  guardFraming(server);
  return server;
}

export async function runApi(deps: ApiDeps): Promise<void> {
  guardProcess(deps.faultLog ?? logFault);
  const server = createApiServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.apiPort, deps.config.apiHost, resolve);
  });
  console.log(
    `api: listening on http://${deps.config.apiHost}:${deps.config.apiPort} ` +
      `(/v1/* for ${deps.config.apiTokens.length} role token(s), GET /openapi.json, GET /health, POST /webhooks/*, POST /codec/*)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await deps.client.connection.close();
  await deps.ledger.close();
  console.log('api: stopped');
}
