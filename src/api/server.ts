/**
 * The HTTP API process: health checks and the outage webhooks (api/outages.ts); the operations
 * of support tooling, on-call and finance come on the same server (see the issues).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { AesGcmCodec, codecKeys } from '../codec';
import type { Config } from '../config';
import type { LoadedPolicy } from '../policy/load';
import { handleOutageWebhooks } from './outages';
import { codecRoutes } from './codec';

const HEALTH_TIMEOUT_MS = 2000;

export interface ApiDeps {
  client: Client;
  config: Config;
  policy: LoadedPolicy;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
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
  const codec = codecRoutes({
    codec: new AesGcmCodec(codecKeys(deps.config)),
    tokens: deps.config.codecTokens,
    origins: deps.config.codecCorsOrigins,
  });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (codec(req, res, path)) return;
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { error: 'method not allowed', allowed: ['GET'] });
      health(deps, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
      return;
    }
    if (path.startsWith('/webhooks/')) return handleOutageWebhooks(deps, req, res, path, sendJson);
    sendJson(res, 404, { error: 'not found', path });
  });
}

export async function runApi(deps: ApiDeps): Promise<void> {
  const server = createApiServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.apiPort, deps.config.apiHost, resolve);
  });
  console.log(
    `api: listening on http://${deps.config.apiHost}:${deps.config.apiPort} (GET /health, POST /webhooks/*)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await deps.client.connection.close();
  console.log('api: stopped');
}
