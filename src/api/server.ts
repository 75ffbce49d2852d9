/**
 * The HTTP API process: the operations of support tooling, on-call, finance and auditors
 * (the route table in api/routes, served by api/dispatch.ts behind role tokens, a rate limit and
 * body limits), GET /openapi.json generated from that table, GET /health, the outage webhooks
 * (api/outages.ts) and the codec endpoint (api/codec.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { SlaClient } from '../client';
import { OutageClient } from '../client-outages';
import { AesGcmCodec, codecDataConverter, codecKeys } from '../codec';
import type { Config } from '../config';
import type { Ledger } from '../ledger/types';
import { MaintenanceClient } from '../maintenance-client';
import type { LoadedPolicy } from '../policy/load';
import { Authenticator } from './auth';
import { codecRoutes } from './codec';
import { createDispatcher, type AccessLogEntry } from './dispatch';
import { ApiError, sendError, sendJson } from './http';
import { openApiDocument, WEBHOOK_PATHS } from './openapi';
import { handleOutageWebhooks } from './outages';
import { RateLimiter } from './rate-limit';
import { ROUTES } from './routes';

const HEALTH_TIMEOUT_MS = 2000;

/** The paths served outside the route table, and their methods: any other is 405 with `allow`. */
const OUTSIDE_TABLE: Record<string, string[]> = {
  '/health': ['GET', 'HEAD'],
  '/openapi.json': ['GET', 'HEAD'],
  ...Object.fromEntries(WEBHOOK_PATHS.map((path) => [path, ['POST']])),
};

export interface ApiDeps {
  client: Client;
  config: Config;
  policy: LoadedPolicy;
  ledger: Ledger;
  /** One entry per table request (route id, status, role, time: nothing the caller sent). */
  log?: (entry: AccessLogEntry) => void;
}

/** GET /health: 200 when Temporal answers, 503 when it does not (a load balancer takes it out). */
async function health(deps: ApiDeps, res: ServerResponse): Promise<void> {
  const base = {
    policyVersion: deps.policy.version,
    temporal: { address: deps.config.temporalAddress, namespace: deps.config.namespace },
  };
  try {
    // Bounded: a health check that hangs tells a load balancer nothing.
    await deps.client.connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () =>
      deps.client.workflowService.getSystemInfo({}),
    );
    sendJson(res, 200, { status: 'ok', ...base, temporal: { ...base.temporal, reachable: true } });
  } catch (err) {
    sendJson(res, 503, {
      status: 'unavailable',
      ...base,
      temporal: { ...base.temporal, reachable: false, error: (err as Error).message },
    });
  }
}

export function createApiServer(deps: ApiDeps): Server {
  const keys = codecKeys(deps.config);
  const codec = codecRoutes({
    codec: new AesGcmCodec(keys),
    tokens: deps.config.codecTokens,
    origins: deps.config.codecCorsOrigins,
  });
  const { taskQueue } = deps.config;
  const dispatch = createDispatcher({
    routes: ROUTES,
    services: {
      client: deps.client,
      config: deps.config,
      policy: deps.policy,
      ledger: deps.ledger,
      tickets: new SlaClient(deps.client, taskQueue),
      outages: new OutageClient(deps.client, taskQueue),
      maintenance: new MaintenanceClient(deps.client, taskQueue),
      payloadCodecs: codecDataConverter(keys).payloadCodecs ?? [],
    },
    auth: new Authenticator(deps.config.apiTokens),
    limiter: new RateLimiter(deps.config.apiRate),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const openapi = JSON.stringify(openApiDocument(ROUTES, deps.policy.version));
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (codec(req, res, path)) return;
    const allow = OUTSIDE_TABLE[path];
    if (allow && !allow.includes(req.method ?? '')) {
      req.resume();
      const methods = allow.join(', ');
      return sendError(res, new ApiError('method_not_allowed', `use ${methods}`, [], { allow: methods }));
    }
    if (path === '/health') {
      health(deps, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
      return;
    }
    if (path === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end(openapi);
    }
    if (path.startsWith('/webhooks/')) return handleOutageWebhooks(deps, req, res, path, sendJson);
    if (dispatch(req, res, url)) return;
    req.resume();
    sendJson(res, 404, { error: { code: 'not_found', message: `no route ${path}` } });
  });
}

export async function runApi(deps: ApiDeps): Promise<void> {
  const server = createApiServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.apiPort, deps.config.apiHost, resolve);
  });
  console.log(
    `api: listening on http://${deps.config.apiHost}:${deps.config.apiPort} ` +
      `(/v1/* for ${deps.config.apiTokens.length} role token(s), GET /openapi.json, GET /health, POST /webhooks/*)`,
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
