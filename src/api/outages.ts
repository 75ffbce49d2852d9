/**
 * The outage webhooks (C9, I7): monitors report outages, the paging provider reports
 * acknowledgements. Each route takes a bearer token (SLA_WEBHOOK_TOKEN), a JSON body of at most
 * MAX_BODY_BYTES, parsed by zod; a bad body is answered 400 with the fields named, and nothing
 * is started. Errors are JSON: 400 invalid, 401 no or wrong token, 404 unknown outage, 409
 * conflict, 413 too large, 415 not JSON, 503 Temporal unavailable or webhooks not configured.
 *
 *   POST /webhooks/alerts        {key, summary, regions[], startedAt?, source}
 *   POST /webhooks/alertmanager  Alertmanager's webhook (v4): firing reports, resolved ends; a group
 *                                firing again after it was resolved opens the key's next incident
 *   POST /webhooks/paging        PagerDuty V3 webhook: incident.acknowledged acknowledges, by its agent
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { OutageClient } from '../client-outages';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../errors';
import { AlertmanagerWebhook, fromAlertmanager, PagingWebhook } from '../model/alerts';
import { parseOutageDedupKey } from '../model/outage';
import { issuesOf } from '../policy/load';
import { isPagingUserId } from '../rules/agent';
import type { ApiDeps } from './server';

/** Alertmanager sends up to a thousand alerts a group; anything larger is not a webhook of ours. */
export const MAX_BODY_BYTES = 256 * 1024;

type Send = (res: ServerResponse, status: number, body: unknown) => void;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      req.resume();
      return reject(new HttpError(415, { error: 'expected content-type application/json' }));
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      req.resume();
      return reject(new HttpError(413, { error: `body larger than ${MAX_BODY_BYTES} bytes` }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, { error: `body larger than ${MAX_BODY_BYTES} bytes` }));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, { error: 'the body is not valid JSON' }));
      }
    });
    req.on('error', reject);
  });
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, { error: 'invalid body', issues: issuesOf(parsed.error) });
  return parsed.data;
}

/** The token compared in constant time, so that its length and prefix do not leak. */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Route = (outages: OutageClient, body: unknown) => Promise<{ status: number; body: unknown }>;

const routes: Record<string, Route> = {
  '/webhooks/alerts': async (outages, body) => {
    const answer = await outages.reportOutage(body);
    return { status: answer.created ? 201 : 200, body: answer };
  },

  '/webhooks/alertmanager': async (outages, body) => {
    const action = fromAlertmanager(parseBody(AlertmanagerWebhook, body));
    if (action.kind === 'report') {
      const answer = await outages.reportOutage(action.report);
      return { status: answer.created ? 201 : 200, body: answer };
    }
    try {
      const answer = await outages.resolveLatest(action.key, {
        requestId: action.requestId,
        by: 'alertmanager',
        end: action.end,
        reason: 'Alertmanager reported the alerts resolved',
      });
      return { status: 200, body: { state: 'resolved', ...answer } };
    } catch (err) {
      // Alertmanager repeats a resolved notification; the outage ended the first time.
      if (err instanceof ConflictError)
        return { status: 200, body: { outageId: action.key, state: 'resolved', message: err.message } };
      throw err;
    }
  },

  '/webhooks/paging': async (outages, body) => {
    const { event } = parseBody(PagingWebhook, body);
    if (event.event_type !== 'incident.acknowledged')
      return { status: 202, body: { ignored: `event type ${event.event_type} needs no action` } };
    const page = parseOutageDedupKey(event.data.incident_key);
    if (!page) return { status: 202, body: { ignored: 'the incident is not an outage page' } };
    // Who acknowledged: their display name (their id when they have none), and their user id,
    // which the roster's pagingUserId matches first. An id no roster could hold is nobody's
    // pagingUserId: it is left out rather than refusing the provider's acknowledgement.
    const agent = event.agent?.summary ?? event.agent?.id;
    const agentId = event.agent?.id;
    const answer = await outages.acknowledgeOutage(page.key, {
      // The provider's event id: a redelivered webhook is applied once.
      requestId: event.id,
      // Whose page it was; the acknowledging agent, when the roster knows them, is credited.
      responderId: page.responderId,
      // The provider's own time: C9 counts it only within a minute before receipt (issue 5).
      at: event.occurred_at,
      ...(agent ? { agent } : {}),
      ...(agentId && isPagingUserId(agentId) ? { agentId } : {}),
    });
    return { status: 200, body: { outageId: page.key, ...answer } };
  },
};

/** Handles /webhooks/*; answers 404 for other paths under it. */
export function handleOutageWebhooks(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  send: Send,
): void {
  const route = routes[path];
  if (!route) return send(res, 404, { error: 'not found', path });
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed', allowed: ['POST'] });
  const token = deps.config.webhookToken;
  if (!token) {
    req.resume();
    return send(res, 503, { error: 'webhooks are disabled: SLA_WEBHOOK_TOKEN is not set' });
  }
  if (!authorized(req, token)) {
    req.resume();
    res.setHeader('www-authenticate', 'Bearer');
    return send(res, 401, { error: 'a valid bearer token is required' });
  }
  const outages = new OutageClient(deps.client, deps.config.taskQueue);
  readBody(req)
    .then((body) => route(outages, body))
    .then(
      ({ status, body }) => send(res, status, body),
      (err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, err.body);
        if (err instanceof InvalidInputError)
          return send(res, 400, { error: 'invalid body', issues: err.issues });
        if (err instanceof NotFoundError) return send(res, 404, { error: err.message });
        if (err instanceof ConflictError) return send(res, 409, { error: err.message });
        if (err instanceof UnavailableError) return send(res, 503, { error: err.message });
        console.error('api: webhook failed', path, err instanceof Error ? err.name : 'error');
        send(res, 500, { error: 'internal error' });
      },
    );
}
