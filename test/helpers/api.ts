/**
 * The HTTP API on port 0 over the engine of test/helpers/engine.ts (dev server, real worker,
 * PGlite ledger), with one token per role and a request helper.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessLogEntry } from '../../src/api/dispatch';
import { createApiServer, type ApiDeps } from '../../src/api/server';
import { API_ROLES, loadConfig, type ApiRole } from '../../src/config';
import type { Ledger } from '../../src/ledger';
import type { LoadedPolicy } from '../../src/policy/load';
import type { Client } from '@temporalio/client';
import { TEST_CODEC_KEYS } from './codec';
import { startEngine, WORKFLOWS, type Engine } from './engine';
import { workflowBundle } from './temporal';
import { testCustomer } from './ledger';

export const ROLE_TOKENS: Record<ApiRole, string> = {
  agent: 'agent-token-0123456789abcdef',
  oncall: 'oncall-token-0123456789abcdef',
  finance: 'finance-token-0123456789abcdef',
  auditor: 'auditor-token-0123456789abcdef',
};

export interface ApiErrorBody {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
  /** The error of an error answer ({"error": {...}}). */
  error: ApiErrorBody | undefined;
  text: string;
}

/** The issue paths of an error answer, each once, sorted. */
export const issuePaths = (r: Reply): string[] =>
  [...new Set((r.error?.issues ?? []).map((i) => i.path))].sort();

export interface TestApi {
  base: string;
  logs: AccessLogEntry[];
  call(
    role: ApiRole | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /**
   * A request over node:http with kept-alive sockets: about half the client cost of fetch, for
   * the fuzz's thousands of requests.
   */
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startApi(options: {
  client: Client;
  policy: LoadedPolicy;
  ledger: Ledger;
  address: string;
  /** Default 'default'. */
  namespace?: string;
  taskQueue: string;
  env?: Record<string, string>;
  /** The workflow code audit replays check against (default: the worker's bundle). */
  workflowBundle?: ApiDeps['workflowBundle'];
}): Promise<TestApi> {
  const config = loadConfig({
    TEMPORAL_ADDRESS: options.address,
    TEMPORAL_NAMESPACE: options.namespace ?? 'default',
    SLA_TASK_QUEUE: options.taskQueue,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    SLA_API_TOKENS: API_ROLES.map((r) => `${r}:${ROLE_TOKENS[r]}`).join(','),
    // The tests send thousands of requests: the limit is tested on a server of its own.
    SLA_API_RATE: '1000000',
    SLA_API_BURST: '1000000',
    ...options.env,
  });
  const logs: AccessLogEntry[] = [];
  const server = createApiServer({
    config,
    policy: options.policy,
    client: options.client,
    ledger: options.ledger,
    log: (entry) => logs.push(entry),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    base,
    logs,
    async call(role, method, path, body, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(role ? { authorization: `Bearer ${ROLE_TOKENS[role]}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let json: unknown = undefined;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (the report's HTML page)
      }
      const error = (json as { error?: ApiErrorBody } | undefined)?.error;
      return { status: res.status, headers: res.headers, json, error, text };
    },
    send: (method, path, headers, body) =>
      new Promise((resolve, reject) => {
        const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The API in front of an engine: its server, task queue, policy and ledger; through the engine's
 * client unless given another (e.g. one connected as `sla api` connects).
 */
export function startApiOf(
  e: Engine,
  env: Record<string, string> = {},
  client: Client = e.env.client,
): Promise<TestApi> {
  return startApi({
    client,
    policy: e.policy,
    ledger: e.ledger,
    address: e.env.address,
    namespace: e.env.namespace,
    taskQueue: e.taskQueue,
    env,
    // Audit replays check against the code the test worker runs, bundled once per machine.
    workflowBundle: () => workflowBundle(WORKFLOWS),
  });
}

/**
 * The engine on a dev server (one customer, initech; the built-in roster) with the API in
 * front of it: what the route tests and the fuzz call.
 */
export async function startEngineApi(
  env: Record<string, string> = {},
): Promise<{ e: Engine; api: TestApi; stop: () => Promise<void> }> {
  const e = await startEngine({ server: 'dev', customers: [testCustomer('initech')] });
  const api = await startApiOf(e, env);
  return {
    e,
    api,
    stop: async () => {
      await api.close();
      await e.stop();
    },
  };
}
