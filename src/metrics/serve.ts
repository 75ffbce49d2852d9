/**
 * GET /metrics in the Prometheus text format: on the API's port beside /health, and on the
 * worker's own listener (SLA_WORKER_METRICS_PORT), which serves nothing else. With
 * SLA_METRICS_TOKEN set, a scrape must carry it as a bearer token (Prometheus'
 * `authorization` setting), compared in constant time as the API's tokens are; unset, the figures
 * are open, as /health's summary is: they are counts under bounded labels, with no id, name or
 * text of a ticket in them (./registry.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { matchBearer, tokenDigest } from '../api/auth';
import type { Registry } from 'prom-client';
import { registry as workerRegistry } from './registry';

export type MetricsAnswer = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers a scrape; `refused` says how a request without the token is answered instead. */
export function metricsAnswer(
  registry: Registry,
  token: string | undefined,
  refused: (req: IncomingMessage, res: ServerResponse) => void,
): MetricsAnswer {
  const digest = token === undefined ? undefined : tokenDigest(token);
  return async (req, res) => {
    req.resume();
    if (digest && matchBearer(req, [digest]).index < 0) return refused(req, res);
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

/** The worker's listener: /metrics only; it stops with the worker. */
export async function serveWorkerMetrics(options: {
  host: string;
  port: number;
  token: string | undefined;
}): Promise<Server> {
  const plain = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${text}\n`);
  };
  const answer = metricsAnswer(workerRegistry, options.token, (_req, res) =>
    plain(res, 401, 'a valid bearer token is required (SLA_METRICS_TOKEN)', { 'www-authenticate': 'Bearer' }),
  );
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics')
      return (req.resume(), plain(res, 404, 'not found: the worker serves /metrics only'));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return (req.resume(), plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' }));
    answer(req, res).catch((err: unknown) => {
      console.error(`worker: metrics not collected: ${(err as Error).message}`);
      if (!res.headersSent) plain(res, 500, 'metrics not collected');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return server;
}
