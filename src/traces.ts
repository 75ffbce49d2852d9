/**
 * OpenTelemetry traces of the worker and the API (docs/observability.md#traces), off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set: then a process posts
 * its spans in batches to that collector over OTLP/HTTP (JSON), under the service name
 * `sla-worker` or `sla-api`. The Temporal SDK's interceptors
 * (@temporalio/interceptors-opentelemetry) carry the trace from the API's request through the
 * workflow start into the workflow and its activities.
 *
 * What a span may hold is decided here, once, for every span the process exports: the ids of
 * Temporal's executions, the workflow type, the route, method and status. Everything else is
 * dropped before export, since the SDK adds the whole workflow info to a workflow's spans (its
 * memo, search attributes and last result, decoded by the codec) and records errors' messages,
 * which may quote an address or a ticket's text. Payloads never enter a span.
 */
import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { ActivityInterceptorsFactory, InjectedSink } from '@temporalio/worker';
import type { Config } from './config';

export type TracedService = 'sla-worker' | 'sla-api';

/** The attributes a span keeps: ids and names of fixed sets, never text a person wrote. */
export const KEPT_ATTRIBUTES: ReadonlySet<string> = new Set([
  // the SDK's interceptors
  'temporalWorkflowId',
  'run_id',
  'temporalActivityId',
  'temporalUpdateId',
  // the workflow info the SDK adds to a workflow's spans: of it, these alone
  'workflowId',
  'workflowType',
  'runId',
  'taskQueue',
  'namespace',
  'attempt',
  // the API's request span (src/api/dispatch.ts)
  'http.request.method',
  'http.route',
  'http.response.status_code',
]);

const isPlain = (v: AttributeValue | undefined): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function kept(attributes: Attributes | undefined, keep: (key: string) => boolean): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {}))
    if (keep(key) && isPlain(value)) out[key] = value;
  return out;
}

/**
 * The span as exported: the kept attributes, an exception event's type without its message or
 * stack, the status's code without its message. The rest (ids, times, links) as recorded.
 */
export function redacted(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    attributes: { value: kept(span.attributes, (k) => KEPT_ATTRIBUTES.has(k)) },
    events: {
      value: span.events.map((e) => ({
        ...e,
        attributes: kept(e.attributes, (k) => k === 'exception.type'),
      })),
    },
    status: { value: { code: span.status.code } },
  }) as ReadableSpan;
}

/** Hands each ended span, redacted, to the exporting processor. */
function redacting(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span: Span, parent: Context) => inner.onStart(span, parent),
    onEnd: (span: ReadableSpan) => inner.onEnd(redacted(span)),
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

export interface Tracing {
  /** Where the worker's workflow spans go too (through the SDK's sink): redacting, then batching. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is still batched, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Registers this process's tracer provider (global: the SDK's client and activity interceptors,
 * and the API's request spans, take it from there), with the W3C trace context and the
 * asynchronous context of Node, so a request's span is the parent of the calls it makes.
 * Undefined when tracing is off. Loaded only then.
 */
export async function startTracing(config: Config, service: TracedService): Promise<Tracing | undefined> {
  if (!config.tracesUrl) return undefined;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }, semconv] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      // Its CommonJS build by name: a runner that prefers the ESM build (vite-node, the tests'
      // worker processes) gets one whose lazy transport import does not resolve in Node.
      import('@opentelemetry/exporter-trace-otlp-http/build/src/index'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const resource = new Resource({ [semconv.ATTR_SERVICE_NAME]: service });
  // Headers, timeout and the batch's sizes and delay: the SDK's own OTEL_* variables.
  const spanProcessor = redacting(new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl })));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/** The client's interceptor that starts a span per call and puts its context in the call's headers. */
export async function tracingClientInterceptors(config: Config): Promise<WorkflowClientInterceptor[]> {
  if (!config.tracesUrl) return [];
  const { OpenTelemetryWorkflowClientInterceptor } =
    await import('@temporalio/interceptors-opentelemetry/lib/client');
  return [new OpenTelemetryWorkflowClientInterceptor()];
}

/**
 * The worker's part: a span per activity execution, under the workflow's that scheduled it, and
 * the sink through which the workflows' spans leave the sandbox. The workflow interceptors are
 * in every bundle (src/build/bundle-workflows.ts), tracing on or off: with it off, their sink
 * does nothing.
 */
export async function workerTracing(tracing: Tracing | undefined): Promise<{
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: WorkflowSpanSinks;
}> {
  if (!tracing) return { activityInterceptors: [], sinks: NO_WORKFLOW_SPANS };
  const {
    makeWorkflowExporter,
    OpenTelemetryActivityInboundInterceptor,
    OpenTelemetryActivityOutboundInterceptor,
  } = await import('@temporalio/interceptors-opentelemetry/lib/worker');
  return {
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/** Where the workflow interceptors hand their ended spans (the SDK's sink of that name). */
export type WorkflowSpanSinks = {
  exporter: InjectedSink<OpenTelemetryWorkflowExporter>;
};

/**
 * With tracing off, workflow spans end here. Every worker, replayer and test worker registers a
 * sink under this name, or the SDK logs an error for each span a workflow ends.
 */
export const NO_WORKFLOW_SPANS: WorkflowSpanSinks = {
  exporter: { export: { fn: () => undefined } },
};
