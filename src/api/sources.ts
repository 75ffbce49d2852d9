/**
 * The webhook sources and how each proves who it is (C9, I7): a monitor and Alertmanager by
 * their own bearer tokens, PagerDuty by signing each body (./paging-signature.ts). A source's
 * credential is nobody else's, so it opens its own route only. The route table names a route's
 * source (Route.source); the dispatcher asks this module who the caller is, and the OpenAPI
 * document lists each source's security scheme from here.
 */
import type { IncomingMessage } from 'node:http';
import type { WebhookSecrets } from '../config';
import { matchBearer, tokenDigest } from './auth';
import { verifyPagingSignature } from './paging-signature';

export type WebhookSource = 'alerts' | 'alertmanager' | 'paging';

export interface SourceSpec {
  /** The setting holding its secret, named in the 503 while it is unset. */
  setting: string;
  /** Its OpenAPI security scheme: name and object. */
  scheme: string;
  securityScheme: Record<string, string>;
  /** The credential signs the raw body: it is checked once the body is read. */
  signsBody: boolean;
  /** Why a request without a valid credential is refused, and the challenge it is sent. */
  refusal: string;
  challenge?: string;
}

const bearer = (setting: string, who: string) => ({
  setting,
  scheme: `${setting.replace(/^SLA_|_TOKEN$/g, '').toLowerCase()}Token`,
  securityScheme: { type: 'http', scheme: 'bearer', description: `${who}: ${setting}` },
  signsBody: false,
  refusal: `a valid bearer token (${setting}) is required`,
  challenge: 'Bearer',
});

export const WEBHOOK_SOURCES: Record<WebhookSource, SourceSpec> = {
  alerts: bearer('SLA_ALERTS_TOKEN', 'a monitor'),
  // Alertmanager's webhook_config sends `Authorization: Bearer <credentials>` when configured with
  // http_config.authorization (type defaults to Bearer):
  // https://prometheus.io/docs/alerting/latest/configuration/#http_config
  alertmanager: bearer('SLA_ALERTMANAGER_TOKEN', "Alertmanager's http_config.authorization"),
  paging: {
    setting: 'SLA_PAGING_SIGNING_SECRETS',
    scheme: 'pagingSignature',
    securityScheme: {
      type: 'apiKey',
      in: 'header',
      name: 'X-PagerDuty-Signature',
      description:
        'v1=<hex HMAC-SHA256 of the raw body> under a signing secret of SLA_PAGING_SIGNING_SECRETS (several comma-separated entries allowed)',
    },
    signsBody: true,
    refusal: 'a valid X-PagerDuty-Signature is required',
  },
};

/** Who called: the source (for the access log) and its rate limiter key. */
export interface SourceCaller {
  role: string;
  key: string;
}

export class SourceAuthenticator {
  private readonly digests: Partial<Record<WebhookSource, Buffer>>;

  constructor(private readonly secrets: WebhookSecrets) {
    const { alertsToken, alertmanagerToken } = secrets;
    this.digests = {
      ...(alertsToken ? { alerts: tokenDigest(alertsToken) } : {}),
      ...(alertmanagerToken ? { alertmanager: tokenDigest(alertmanagerToken) } : {}),
    };
  }

  /** False while the source's secret is unset: its webhook is off. */
  configured(source: WebhookSource): boolean {
    return source === 'paging' ? this.secrets.pagingSigningSecrets.length > 0 : !!this.digests[source];
  }

  /** The caller when the request carries the source's credential; `raw` is the body it signs. */
  authenticate(source: WebhookSource, req: IncomingMessage, raw?: Buffer): SourceCaller | null {
    const role = `webhook:${source}`;
    if (source === 'paging') {
      const secrets = this.secrets.pagingSigningSecrets;
      const index = raw ? verifyPagingSignature(req.headers['x-pagerduty-signature'], raw, secrets) : -1;
      return index < 0 ? null : { role, key: `${role}:secret${index}` };
    }
    const digest = this.digests[source];
    const { index, key } = matchBearer(req, digest ? [digest] : []);
    return index < 0 ? null : { role, key: `${role}:${key}` };
  }
}
