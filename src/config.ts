/**
 * Process settings, all from environment variables (documented in docs/configuration.md, its
 * variables table), validated at start so that a bad value stops the process with the variable's name.
 * The embedded defaults run everything on this machine; pointing TEMPORAL_ADDRESS at a cluster
 * makes the same processes production ones.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CodecKeyError, parseCodecKeys, type CodecKey } from './codec/keys';
import { SlaError } from './errors';

/**
 * The workflow cache's default: a full cache and the idle worker well within 1 GiB, with room for
 * what grows beside the cache (docs/configuration.md#worker-memory has the measurements).
 */
export const WORKFLOW_CACHE_SIZE = 2_500;

const Port = z.coerce.number().int().min(1).max(65535);
const Secret = z.string().min(16, 'expected a secret of at least 16 characters');

/** The API's roles (src/api/roles.ts says what each may call). */
export const API_ROLES = ['agent', 'oncall', 'finance', 'auditor'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/**
 * SLA_API_TOKENS: "role:secret" pairs, comma-separated; a role may have several tokens (one
 * being rotated in). A secret is at least 16 characters and belongs to one role only.
 */
const ApiTokens = z.string().transform((text, ctx) => {
  const tokens: { role: ApiRole; token: string }[] = [];
  for (const [i, pair] of text.split(',').entries()) {
    const at = pair.indexOf(':');
    const role = pair.slice(0, at).trim();
    const token = pair.slice(at + 1).trim();
    // The message names the entry by position, never by its secret.
    if (at < 0 || !(API_ROLES as readonly string[]).includes(role))
      ctx.addIssue({
        code: 'custom',
        message: `entry ${i + 1}: expected role:secret, role one of ${API_ROLES.join(', ')}`,
      });
    else if (token.length < 16)
      ctx.addIssue({
        code: 'custom',
        message: `entry ${i + 1} (${role}): the secret must be at least 16 characters`,
      });
    else if (tokens.some((t) => t.token === token))
      ctx.addIssue({ code: 'custom', message: `entry ${i + 1} (${role}): the same secret is given twice` });
    else tokens.push({ role: role as ApiRole, token });
  }
  return tokens;
});

const Env = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** TLS to the frontend: 'true' with the system's roots, or implied by any TLS file below. */
  TEMPORAL_TLS: z.enum(['true', 'false'], { message: 'expected true or false' }).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** An API key (Temporal Cloud), sent as a bearer token; the SDKs' environment configuration's name. */
  TEMPORAL_API_KEY: z.string().trim().min(1, 'expected an API key').optional(),
  SLA_TASK_QUEUE: z.string().min(1).default('sla-engine'),
  /** Open workflows the worker keeps in memory (docs/configuration.md#worker-memory says why this default). */
  SLA_WORKFLOW_CACHE_SIZE: z.coerce
    .number()
    .int('expected a whole number of workflows')
    .min(1, 'expected at least 1 (a worker without a cache replays every history on every task)')
    .max(1_000_000)
    .default(WORKFLOW_CACHE_SIZE),
  SLA_DATA_DIR: z.string().min(1).default('data'),
  TEMPORAL_PORT: Port.default(7233),
  TEMPORAL_UI_PORT: Port.default(8233),
  SLA_API_HOST: z.string().min(1).default('127.0.0.1'),
  SLA_API_PORT: Port.default(8080),
  /** A port serving the public status routes alone (docs/status-page.md), to expose by itself. */
  SLA_STATUS_PORT: Port.optional(),
  SLA_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'expected smtp://[user:pass@]host:port or smtps://…')
    .optional(),
  SLA_EMAIL_FROM: z.string().min(3).default('SLA engine <sla-engine@localhost>'),
  SLA_OUTBOX_DIR: z.string().min(1).optional(),
  SLA_PAGING_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
  SLA_PAGING_LOG: z.string().min(1).optional(),
  SLA_API_TOKENS: ApiTokens.optional(),
  /** The worker's GET /metrics listener (docs/observability.md); unset → none. */
  SLA_WORKER_METRICS_PORT: Port.optional(),
  SLA_WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** The Temporal SDK's own Prometheus endpoint in the worker (its core runtime serves it); unset → none. */
  SLA_WORKER_SDK_METRICS_PORT: Port.optional(),
  /** Bearer token a scrape of /metrics (API and worker) must carry; unset → /metrics is open. */
  SLA_METRICS_TOKEN: Secret.optional(),
  /**
   * Where the worker and the API send their traces (OTLP over HTTP, docs/observability.md#traces),
   * the OpenTelemetry SDKs' own names: the base URL (the traces path appended), or the traces URL
   * itself. Neither set → no traces at all.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
    .optional(),
  /** Token bucket per caller: sustained requests per second, and the burst allowed above it. */
  SLA_API_RATE: z.coerce.number().positive().max(1_000_000).default(20),
  SLA_API_BURST: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** One secret per webhook source (src/api/sources.ts), so that one source cannot pose as another. */
  SLA_ALERTS_TOKEN: Secret.optional(),
  SLA_ALERTMANAGER_TOKEN: Secret.optional(),
  /** PagerDuty's signing secrets, newest first: several while one is being rotated in. */
  SLA_PAGING_SIGNING_SECRETS: z
    .string()
    .transform((t) => t.split(',').map((s) => s.trim()))
    .pipe(z.array(Secret))
    .optional(),
  /** Not a setting: refused, so that a deployment setting it learns which three secrets to set instead. */
  SLA_WEBHOOK_TOKEN: z
    .never({
      error:
        'no longer read: each webhook source has its own secret, set SLA_ALERTS_TOKEN, SLA_ALERTMANAGER_TOKEN and SLA_PAGING_SIGNING_SECRETS',
    })
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user:password@host:port/database')
    .optional(),
  SLA_LEDGER_DIR: z.string().min(1).optional(),
  SLA_CODEC_KEYS: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseCodecKeys(text, '');
      } catch (err) {
        if (!(err instanceof CodecKeyError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    })
    .optional(),
  SLA_CODEC_KEY_FILE: z.string().min(1).optional(),
  /** Bearer token(s) of the codec endpoint, comma-separated so one can be rotated in. */
  SLA_CODEC_TOKEN: z
    .string()
    .transform((t) => t.split(',').map((s) => s.trim()))
    .pipe(z.array(z.string().min(16, 'each token must be at least 16 characters')))
    .optional(),
  SLA_CODEC_CORS_ORIGINS: z
    .string()
    .transform((t) =>
      t
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, message: 'expected origins like http://127.0.0.1:8233' })))
    .optional(),
});

/**
 * TLS to the Temporal frontend. Paths, not contents: the files are read when a connection is made
 * (src/connection.ts, readTls), so a certificate rotated on disk is picked up by the next process.
 */
export interface TemporalTls {
  /** PEM file of the CA that signed the server's certificate; unset → the system's roots. */
  caFile: string | undefined;
  /** mTLS: the client's certificate and key (PEM), always together. */
  certFile: string | undefined;
  keyFile: string | undefined;
  /** The name the server's certificate is checked against, when it differs from the address's host. */
  serverName: string | undefined;
}

export interface Config {
  /** host:port of the Temporal frontend. */
  temporalAddress: string;
  /** TLS settings; undefined → plaintext (the embedded dev server). */
  temporalTls: TemporalTls | undefined;
  /** API key sent with every call to Temporal (secret: never printed); unset → none (mTLS or no auth). */
  temporalApiKey: string | undefined;
  /** True when no TEMPORAL_ADDRESS was given and `sla up` runs its own dev server. */
  embeddedTemporal: boolean;
  namespace: string;
  taskQueue: string;
  /** The worker's workflow cache (maxCachedWorkflows): what bounds its memory. */
  workflowCacheSize: number;
  dataDir: string;
  temporalPort: number;
  temporalUiPort: number;
  apiHost: string;
  apiPort: number;
  /** Where the public status page is served alone as well (same host); unset → only under the API. */
  statusPort: number | undefined;
  /** SMTP URL (secret: it may carry credentials); unset → .eml files in outboxDir. */
  smtpUrl: string | undefined;
  emailFrom: string;
  outboxDir: string;
  /** Events API v2 endpoint; unset → JSON lines in pagingLog. */
  pagingUrl: string | undefined;
  pagingLog: string;
  /** PostgreSQL URL of the ledger (secret: it may carry a password); unset → embedded PGlite. */
  databaseUrl: string | undefined;
  /** The API's bearer tokens and their roles (secrets); unset → every operation answers 401. */
  apiTokens: { role: ApiRole; token: string }[];
  /** Where the worker serves /metrics and the SDK's metrics; a port unset → not served. */
  workerMetrics: { host: string; port: number | undefined; sdkPort: number | undefined };
  /** The bearer token of /metrics (secret); unset → open. */
  metricsToken: string | undefined;
  /** The OTLP/HTTP URL traces are posted to; unset → tracing off (no provider, no spans). */
  tracesUrl: string | undefined;
  /** Rate limit per token (and per address without one): requests per second, and burst. */
  apiRate: { perSecond: number; burst: number };
  /** Each webhook source's secret (src/api/sources.ts); unset → that webhook answers 503. */
  webhooks: WebhookSecrets;
  /** The embedded ledger's data directory (PGlite), used without databaseUrl. */
  ledgerDir: string;
  /** Payload encryption keys from SLA_CODEC_KEYS (secret); unset → the key file (src/codec). */
  codecKeys: CodecKey[] | undefined;
  codecKeyFile: string;
  /** Tokens the codec endpoint accepts; unset → the endpoint answers 503 (disabled). */
  codecTokens: string[] | undefined;
  /** Browser origins allowed to call the codec endpoint (the Temporal Web UI's). */
  codecCorsOrigins: string[];
}

export interface WebhookSecrets {
  /** Bearer token of POST /webhooks/alerts. */
  alertsToken: string | undefined;
  /** Bearer token Alertmanager sends (http_config.authorization) on POST /webhooks/alertmanager. */
  alertmanagerToken: string | undefined;
  /** PagerDuty v3 signing secrets of POST /webhooks/paging, newest first; empty → unset. */
  pagingSigningSecrets: string[];
}

export class ConfigError extends SlaError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('misconfigured', message);
  }
}

function temporalTls(e: z.infer<typeof Env>): TemporalTls | undefined {
  // mTLS needs both halves: one without the other is a mistake, not a wish for plain TLS.
  if ((e.TEMPORAL_TLS_CERT === undefined) !== (e.TEMPORAL_TLS_KEY === undefined)) {
    const missing = e.TEMPORAL_TLS_CERT === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY';
    throw new ConfigError(
      `invalid settings:\n  - ${missing}: required with ${missing === 'TEMPORAL_TLS_CERT' ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'} (mTLS needs a certificate and its key)`,
    );
  }
  const anyFile = [e.TEMPORAL_TLS_CA, e.TEMPORAL_TLS_CERT, e.TEMPORAL_TLS_SERVER_NAME].some(
    (v) => v !== undefined,
  );
  if (e.TEMPORAL_TLS === 'false') {
    if (anyFile)
      throw new ConfigError(
        'invalid settings:\n  - TEMPORAL_TLS: false, but TLS files or a server name are set',
      );
    return undefined;
  }
  // An API key travels as a bearer token: TLS unless TEMPORAL_TLS=false says otherwise, as the
  // SDKs' environment configuration does.
  if (!anyFile && e.TEMPORAL_TLS !== 'true' && e.TEMPORAL_API_KEY === undefined) return undefined;
  return {
    caFile: e.TEMPORAL_TLS_CA && resolve(e.TEMPORAL_TLS_CA),
    certFile: e.TEMPORAL_TLS_CERT && resolve(e.TEMPORAL_TLS_CERT),
    keyFile: e.TEMPORAL_TLS_KEY && resolve(e.TEMPORAL_TLS_KEY),
    serverName: e.TEMPORAL_TLS_SERVER_NAME,
  };
}

/** A secret given to two sources would let one pose as the other: refused. */
function webhookSecrets(e: z.infer<typeof Env>): WebhookSecrets {
  const secrets = {
    alertsToken: e.SLA_ALERTS_TOKEN,
    alertmanagerToken: e.SLA_ALERTMANAGER_TOKEN,
    pagingSigningSecrets: e.SLA_PAGING_SIGNING_SECRETS ?? [],
  };
  const all = [secrets.alertsToken, secrets.alertmanagerToken, ...secrets.pagingSigningSecrets].filter(
    (s) => s !== undefined,
  );
  if (new Set(all).size !== all.length)
    throw new ConfigError(
      'invalid settings:\n  - SLA_ALERTS_TOKEN, SLA_ALERTMANAGER_TOKEN, SLA_PAGING_SIGNING_SECRETS: the same secret is given twice (each source needs its own)',
    );
  return secrets;
}

/**
 * As the OpenTelemetry SDKs read these variables: the traces URL as given, else the base URL with
 * `v1/traces` appended to its path.
 */
function tracesUrl(e: z.infer<typeof Env>): string | undefined {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const url = new URL(e.OTEL_EXPORTER_OTLP_ENDPOINT);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/traces`;
  return url.toString();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(blankless);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid settings:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  const dataDir = resolve(e.SLA_DATA_DIR);
  return {
    temporalAddress: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
    temporalTls: temporalTls(e),
    temporalApiKey: e.TEMPORAL_API_KEY,
    embeddedTemporal: e.TEMPORAL_ADDRESS === undefined,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.SLA_TASK_QUEUE,
    workflowCacheSize: e.SLA_WORKFLOW_CACHE_SIZE,
    dataDir,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    apiHost: e.SLA_API_HOST,
    apiPort: e.SLA_API_PORT,
    statusPort: e.SLA_STATUS_PORT,
    smtpUrl: e.SLA_SMTP_URL,
    emailFrom: e.SLA_EMAIL_FROM,
    outboxDir: resolve(e.SLA_OUTBOX_DIR ?? join(dataDir, 'outbox')),
    pagingUrl: e.SLA_PAGING_URL,
    pagingLog: resolve(e.SLA_PAGING_LOG ?? join(dataDir, 'paging.jsonl')),
    databaseUrl: e.DATABASE_URL,
    apiTokens: e.SLA_API_TOKENS ?? [],
    workerMetrics: {
      host: e.SLA_WORKER_METRICS_HOST,
      port: e.SLA_WORKER_METRICS_PORT,
      sdkPort: e.SLA_WORKER_SDK_METRICS_PORT,
    },
    metricsToken: e.SLA_METRICS_TOKEN,
    tracesUrl: tracesUrl(e),
    apiRate: { perSecond: e.SLA_API_RATE, burst: e.SLA_API_BURST },
    webhooks: webhookSecrets(e),
    ledgerDir: resolve(e.SLA_LEDGER_DIR ?? join(dataDir, 'ledger')),
    codecKeys: e.SLA_CODEC_KEYS,
    codecKeyFile: resolve(e.SLA_CODEC_KEY_FILE ?? join(dataDir, 'codec-keys')),
    codecTokens: e.SLA_CODEC_TOKEN,
    codecCorsOrigins: (
      e.SLA_CODEC_CORS_ORIGINS ?? [
        `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
        `http://localhost:${e.TEMPORAL_UI_PORT}`,
      ]
    ).map((o) => new URL(o).origin),
  };
}
