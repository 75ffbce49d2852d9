/**
 * What monitors and the paging provider send to the webhooks, and how it becomes an outage
 * message: Prometheus Alertmanager's webhook (version 4) and a PagerDuty-style V3 webhook.
 * Parsed by zod like every input: a bad body is refused naming the field, and nothing starts.
 * Not loaded by workflows (it hashes with node:crypto).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AGENT_MAX } from './outage-checks';
import { Region, type ReportOutage } from './outage';
import { CalendarInstant, Instant } from './ticket';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const Labels = z.record(z.string(), z.string());

const Alert = z
  .object({
    status: z.enum(['firing', 'resolved']),
    /** Every alert names the deployment region it is about (I9). */
    labels: z.looseObject({ region: Region }),
    annotations: Labels.default({}),
    /** Calendar years only: the start and end become the ledger's record of the outage. */
    startsAt: CalendarInstant,
    /** "0001-01-01T00:00:00Z" (Go's zero time) while firing. */
    endsAt: z.union([z.literal(GO_ZERO_TIME), CalendarInstant]),
    fingerprint: z.string().min(1).max(100),
  })
  .refine((a) => a.status !== 'resolved' || Date.parse(a.endsAt) > Date.parse(a.startsAt), {
    // A resolved alert that lasted no time would record an outage of no downtime.
    path: ['endsAt'],
    message: 'a resolved alert must end after its startsAt',
  });

/** https://prometheus.io/docs/alerting/latest/configuration/#webhook_config */
export const AlertmanagerWebhook = z
  .object({
    version: z.literal('4'),
    groupKey: z.string().min(1).max(2000),
    /** `firing` while at least one of its alerts fires (Alertmanager's own rule). */
    status: z.enum(['firing', 'resolved']),
    receiver: z.string(),
    groupLabels: Labels,
    commonLabels: Labels,
    commonAnnotations: Labels,
    alerts: z.array(Alert).min(1).max(1000),
  })
  .refine((p) => p.status !== 'firing' || p.alerts.some((a) => a.status === 'firing'), {
    // A firing group with no firing alert has no start or region to report.
    path: ['status'],
    message: 'a firing notification must hold at least one firing alert',
  });
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

export type AlertmanagerAction =
  | { kind: 'report'; report: ReportOutage }
  /** `endIndex`: the alert whose endsAt is the end, named when the end is refused. */
  | { kind: 'resolve'; key: string; end: string; endIndex: number; requestId: string };

/**
 * One Alertmanager group is one outage: its key comes from the group key (stable while the group
 * lives, and free of the characters an id cannot hold), its regions from the alerts' `region`
 * labels, its start from the earliest alert. A `resolved` notification ends the outage at the
 * latest alert's end. The same group firing again after that is a new incident under the same
 * key (the client opens `key.2`, … from the alerts' later `startsAt`: see OutageClient.reportOutage),
 * and a resolved notification ends whichever incident of the key is open.
 */
export function fromAlertmanager(payload: AlertmanagerWebhook): AlertmanagerAction {
  const key = `am-${createHash('sha256').update(payload.groupKey).digest('hex').slice(0, 24)}`;
  if (payload.status === 'resolved') {
    const ends = payload.alerts.map((a) => Date.parse(a.endsAt));
    const endIndex = ends.indexOf(Math.max(...ends));
    return {
      kind: 'resolve',
      key,
      end: new Date(ends[endIndex]!).toISOString(),
      endIndex,
      requestId: `${key}-resolved`,
    };
  }
  const firing = payload.alerts.filter((a) => a.status === 'firing');
  const start = Math.min(...firing.map((a) => Date.parse(a.startsAt)));
  const summary =
    payload.commonAnnotations.summary ??
    firing[0]!.annotations.summary ??
    payload.commonLabels.alertname ??
    `Alertmanager group ${payload.receiver}`;
  return {
    kind: 'report',
    report: {
      key,
      summary: summary.slice(0, 500),
      regions: [...new Set(firing.map((a) => a.labels.region))].sort(),
      startedAt: new Date(start).toISOString(),
      source: 'alertmanager',
    },
  };
}

/**
 * A PagerDuty V3 webhook event. Only `incident.acknowledged` acts; its incident key is the dedup
 * key the engine sent, which names the outage and the responder who was paged; its `agent` (a
 * user reference, null for the provider's own actions) is who acknowledged.
 */
export const PagingWebhook = z.object({
  event: z.object({
    id: z.string().min(1).max(100),
    event_type: z.string().min(1).max(100),
    occurred_at: Instant,
    agent: z
      .looseObject({ id: z.string().min(1).max(100), summary: z.string().min(1).max(AGENT_MAX).optional() })
      .nullish(),
    data: z.looseObject({ incident_key: z.string().min(1).max(500) }),
  }),
});
export type PagingWebhook = z.infer<typeof PagingWebhook>;
