/**
 * The outage webhooks (C9, I7), rows of the route table like every operation: a monitor reports
 * outages, Prometheus Alertmanager reports and resolves them, PagerDuty reports acknowledgements.
 * Each is called by one source, authenticated by that source's own secret (../sources.ts), so a
 * monitor's token cannot acknowledge a page. Their reports are marked as a webhook's.
 */
import { ConflictError, InvalidInputError } from '../../errors';
import { AlertmanagerWebhook, fromAlertmanager, PagingWebhook } from '../../model/alerts';
import { parseOutageDedupKey, ReportOutage } from '../../model/outage';
import { isPagingUserId } from '../../model/paging-user-id';
import { AnObject, createdOr200, route, type Route } from './route';

/** A monitor's or PagerDuty's single report or event; anything larger is not a webhook of ours. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;
/**
 * Alertmanager sends up to `max_alerts` (docs/limits.md: 1,000) alerts a group, and its body
 * schema takes 1,000. A realistic alert (eight labels, three annotations, nanosecond instants, a
 * generator URL) is ~740 bytes of JSON: 1,000 make ~740 KB, and 1 MiB leaves a third spare.
 */
export const ALERTMANAGER_BODY_LIMIT = 1024 * 1024;

/**
 * How far a PagerDuty event's `occurred_at` may be from its receipt, either side. A signed
 * delivery captured and sent again later is refused; PagerDuty's own redeliveries within the
 * window are applied once, by event id.
 */
export const REPLAY_WINDOW_MS = 5 * 60_000;

const webhook = {
  method: 'POST',
  tag: 'webhooks',
  roles: [],
  bodyLimit: WEBHOOK_BODY_LIMIT,
  returns: AnObject,
} as const;

/** The client's issues renamed to the body fields that carried them (the dispatcher adds "body."). */
async function naming<T>(fields: Record<string, string>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    throw new InvalidInputError(err.issues.map((i) => ({ ...i, path: fields[i.path] ?? i.path })));
  }
}

export const webhookRoutes: Route[] = [
  route({
    ...webhook,
    id: 'alertsWebhook',
    path: '/webhooks/alerts',
    summary: 'A monitor reports an outage (generic JSON)',
    source: 'alerts',
    body: ReportOutage,
    success: { 200: 'joined the open outage', 201: 'an outage opened' },
    handler: async ({ body }, { sla: { outages } }) =>
      createdOr200(await outages.reportOutage(body, { via: 'webhook' })),
  }),

  route({
    ...webhook,
    id: 'alertmanagerWebhook',
    path: '/webhooks/alertmanager',
    bodyLimit: ALERTMANAGER_BODY_LIMIT,
    summary:
      "Prometheus Alertmanager's webhook (v4): firing reports, resolved ends; a group firing again after it was resolved opens the key's next incident",
    source: 'alertmanager',
    body: AlertmanagerWebhook,
    success: { 200: 'joined or resolved', 201: 'an outage opened' },
    handler: async ({ body }, { sla: { outages } }) => {
      const action = fromAlertmanager(body);
      if (action.kind === 'report')
        return createdOr200(await outages.reportOutage(action.report, { via: 'webhook' }));
      try {
        const answer = await naming({ end: `alerts[${action.endIndex}].endsAt` }, () =>
          outages.resolveLatest(action.key, {
            requestId: action.requestId,
            by: 'alertmanager',
            end: action.end,
            reason: 'Alertmanager reported the alerts resolved',
          }),
        );
        return { status: 200, body: { state: 'resolved', ...answer } };
      } catch (err) {
        // Alertmanager repeats a resolved notification; the outage ended the first time.
        if (err instanceof ConflictError)
          return { status: 200, body: { outageId: action.key, state: 'resolved', message: err.message } };
        throw err;
      }
    },
  }),

  route({
    ...webhook,
    id: 'pagingWebhook',
    path: '/webhooks/paging',
    summary:
      "PagerDuty's v3 webhook, signed (X-PagerDuty-Signature): incident.acknowledged acknowledges, by its agent",
    source: 'paging',
    body: PagingWebhook,
    success: { 200: 'acknowledged (or already engaged)', 202: 'nothing to do' },
    handler: async ({ body: { event } }, { sla: { outages } }) => {
      const receivedAt = Date.now();
      // Checked before anything else: a replayed delivery learns nothing and changes nothing.
      if (Math.abs(receivedAt - Date.parse(event.occurred_at)) > REPLAY_WINDOW_MS)
        throw new InvalidInputError([
          {
            path: 'event.occurred_at',
            message: `more than ${REPLAY_WINDOW_MS / 60_000} minutes from its receipt at ${new Date(receivedAt).toISOString()}: a replayed or delayed delivery is not applied`,
          },
        ]);
      if (event.event_type !== 'incident.acknowledged')
        return { status: 202, body: { ignored: `event type ${event.event_type} needs no action` } };
      const page = parseOutageDedupKey(event.data.incident_key);
      if (!page) return { status: 202, body: { ignored: 'the incident is not an outage page' } };
      // Who acknowledged: their display name (their id when they have none), and their user id,
      // which the roster's pagingUserId matches first. An id no roster could hold is nobody's
      // pagingUserId: it is left out rather than refusing the provider's acknowledgement.
      const agent = event.agent?.summary ?? event.agent?.id;
      const agentId = event.agent?.id;
      const answer = await naming({ agent: 'event.agent', at: 'event.occurred_at' }, () =>
        outages.acknowledgeOutage(page.key, {
          // The provider's event id: a redelivered webhook is applied once.
          requestId: event.id,
          // Whose page it was; the acknowledging agent, when the roster knows them, is credited.
          responderId: page.responderId,
          // The provider's own time: C9 counts it only within a minute before receipt (I7).
          at: event.occurred_at,
          ...(agent ? { agent } : {}),
          ...(agentId && isPagingUserId(agentId) ? { agentId } : {}),
        }),
      );
      return { status: 200, body: { outageId: page.key, ...answer } };
    },
  }),
];
