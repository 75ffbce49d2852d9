/**
 * The callers that are not people with a role token, and how each proves who it is: the webhook
 * sources (C9, I7) — a monitor and Alertmanager by their own bearer tokens, PagerDuty by signing
 * each body (./paging-signature.ts) — and the codec endpoint's users (C12: the Temporal Web UI
 * and CLI) by the codec's bearer tokens. A source's credential is nobody else's, so it opens its
 * own routes only. The route table names a route's source (Route.source); the dispatcher asks
 * this module who the caller is and which browser origins may call, and the OpenAPI document
 * lists each source's security scheme from here.
 */
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import { matchBearer, tokenDigest } from './auth';
import { verifyPagingSignature } from './paging-signature';

export type Source = 'alerts' | 'alertmanager' | 'paging' | 'codec';

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
  /** Browsers may call it from the origins of `setting`, sending `headers` (CORS, preflight included). */
  cors?: { setting: string; headers: string };
  /** Its caller's name in the access log. */
  role: string;
  /** What its routes are, for the 503 while its secret is unset. */
  what: string;
}

const bearer = (setting: string, who: string, role: string, what = 'this webhook') => ({
  setting,
  role,
  what,
  scheme: `${setting.replace(/^SLA_|_TOKEN$/g, '').toLowerCase()}Token`,
  securityScheme: { type: 'http', scheme: 'bearer', description: `${who}: ${setting}` },
  signsBody: false,
  refusal: `a valid bearer token (${setting}) is required`,
  challenge: 'Bearer',
});

export const SOURCES: Record<Source, SourceSpec> = {
  alerts: bearer('SLA_ALERTS_TOKEN', 'a monitor', 'webhook:alerts'),
  // Alertmanager's webhook_config sends `Authorization: Bearer <credentials>` when configured with
  // http_config.authorization (type defaults to Bearer):
  // https://prometheus.io/docs/alerting/latest/configuration/#http_config
  alertmanager: bearer(
    'SLA_ALERTMANAGER_TOKEN',
    "Alertmanager's http_config.authorization",
    'webhook:alertmanager',
  ),
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
    role: 'webhook:paging',
    what: 'this webhook',
  },
  // `temporal … --codec-endpoint <api>/codec --codec-auth "Bearer <token>"`, and the Web UI's
  // codec setting with "pass the access token" (several tokens while one is rotated in).
  codec: {
    ...bearer('SLA_CODEC_TOKEN', 'the Temporal Web UI and CLI (--codec-auth)', 'codec', 'the codec endpoint'),
    // The UI names the namespace whose payloads it sends; one key ring serves them all.
    cors: { setting: 'SLA_CODEC_CORS_ORIGINS', headers: 'authorization, content-type, x-namespace' },
  },
};

/** Who called: the source (for the access log) and its rate limiter key. */
export interface SourceCaller {
  role: string;
  key: string;
}

export class SourceAuthenticator {
  /** The bearer sources' token digests (none: that source is off). */
  private readonly digests: Record<Exclude<Source, 'paging'>, Buffer[]>;
  private readonly signingSecrets: string[];
  private readonly origins: string[];

  constructor(config: Pick<Config, 'webhooks' | 'codecTokens' | 'codecCorsOrigins'>) {
    const { alertsToken, alertmanagerToken, pagingSigningSecrets } = config.webhooks;
    const digests = (...tokens: (string | undefined)[]) =>
      tokens.filter((t): t is string => !!t).map(tokenDigest);
    this.digests = {
      alerts: digests(alertsToken),
      alertmanager: digests(alertmanagerToken),
      codec: digests(...(config.codecTokens ?? [])),
    };
    this.signingSecrets = pagingSigningSecrets;
    this.origins = config.codecCorsOrigins;
  }

  /** False while the source's secret is unset: its routes are off. */
  configured(source: Source): boolean {
    return (source === 'paging' ? this.signingSecrets : this.digests[source]).length > 0;
  }

  /** Whether a browser page of `origin` may call the source's routes. */
  allowsOrigin(source: Source, origin: string): boolean {
    return SOURCES[source].cors !== undefined && this.origins.includes(origin);
  }

  /** The caller when the request carries the source's credential; `raw` is the body it signs. */
  authenticate(source: Source, req: IncomingMessage, raw?: Buffer): SourceCaller | null {
    const { role } = SOURCES[source];
    if (source === 'paging') {
      const index = raw
        ? verifyPagingSignature(req.headers['x-pagerduty-signature'], raw, this.signingSecrets)
        : -1;
      return index < 0 ? null : { role, key: `${role}:secret${index}` };
    }
    const { index, key } = matchBearer(req, this.digests[source]);
    return index < 0 ? null : { role, key: `${role}:${key}` };
  }
}
