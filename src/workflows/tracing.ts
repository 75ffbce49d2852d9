/**
 * The SDK's OpenTelemetry workflow interceptors (src/traces.ts), active only in a workflow whose
 * start carried a trace context: one started by a client that traces. Every bundle has this module,
 * tracing on or off, and what it does is read from history (the start's headers), so replay does
 * as the original run did.
 *
 * Why not always active: the SDK's interceptors wrap each activity, local activity and
 * continue-as-new in a few more promise turns. A workflow recorded without them (every one started
 * before tracing, or with it off) can then interleave its coroutines differently on replay: an
 * outage's update handler completed before its search attributes were upserted, and after them
 * with the interceptors (the golden histories of test/workflow/replay.test.ts show it). Untraced
 * workflows keep running exactly the code they were recorded with.
 */
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Set by the first activation (its initializeWorkflow job), before any call below.
  let traced:
    | {
        inbound: OpenTelemetryInboundInterceptor;
        outbound: OpenTelemetryOutboundInterceptor;
        internals: OpenTelemetryInternalsInterceptor;
      }
    | undefined;
  const inbound: WorkflowInboundCallsInterceptor = {
    execute: (input, next) => (traced ? traced.inbound.execute(input, next) : next(input)),
    handleSignal: (input, next) => (traced ? traced.inbound.handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (traced ? traced.inbound.handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (traced ? traced.inbound.validateUpdate(input, next) : next(input)),
    handleQuery: (input, next) => (traced ? traced.inbound.handleQuery(input, next) : next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (traced ? traced.outbound.scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) =>
      traced ? traced.outbound.scheduleLocalActivity(input, next) : next(input),
    startChildWorkflowExecution: (input, next) =>
      traced ? traced.outbound.startChildWorkflowExecution(input, next) : next(input),
    continueAsNew: (input, next) => (traced ? traced.outbound.continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (traced ? traced.outbound.signalWorkflow(input, next) : next(input)),
    getLogAttributes: (input, next) => (traced ? traced.outbound.getLogAttributes(input, next) : next(input)),
  };
  return {
    inbound: [inbound],
    outbound: [outbound],
    internals: [
      {
        activate(input, next) {
          const start = input.activation.jobs?.find((job) => job.initializeWorkflow)?.initializeWorkflow;
          if (start?.headers?.[TRACE_HEADER])
            traced = {
              inbound: new OpenTelemetryInboundInterceptor(),
              outbound: new OpenTelemetryOutboundInterceptor(),
              internals: new OpenTelemetryInternalsInterceptor(),
            };
          next(input);
        },
        dispose: (input, next) => (traced ? void traced.internals.dispose(input, next) : next(input)),
      },
    ],
  };
};
