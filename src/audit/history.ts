/**
 * A workflow history as an auditor reads it: every event with its instant, and its payloads
 * decrypted with the codec and converted back to values (workflow input, activity inputs and
 * results, local activity markers, update arguments and outcomes, failures with their encoded
 * messages). Only the history is read: not the ledger, not a running worker.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { PayloadDecryptionError } from '../codec/aes-gcm';

type History = temporal.api.history.v1.IHistory;
type ProtoPayload = temporal.api.common.v1.IPayload;
type ProtoFailure = temporal.api.failure.v1.IFailure;

export interface AuditFailure {
  message: string;
  /** The application failure type, when there is one (e.g. Conflict, InvalidAssignee). */
  type?: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  /** The event type without its prefix, e.g. ActivityTaskScheduled, MarkerRecorded. */
  type: string;
  workflowType?: string;
  /** Arguments: of the workflow (started), an activity (scheduled), an update (accepted). */
  args?: unknown[];
  /** Result: of an activity or local activity, an update, the workflow. */
  result?: unknown;
  failure?: AuditFailure;
  activityType?: string;
  /** For activity task completed/failed/timed out: the event that scheduled it. */
  scheduledEventId?: number;
  /** Local activity markers are recorded as completed; their payload says which activity. */
  localActivity?: boolean;
  updateName?: string;
  updateId?: string;
  /** A signal received (its arguments in args), e.g. a billing month's lateRecord. */
  signalName?: string;
  /**
   * Why a message's input was not read: a payload the engine's keys do not open (forged, or
   * another key's). The worker refused it as well (src/codec/worker-codec.ts), so it changed nothing.
   */
  refused?: string;
  timerId?: string;
  timerFiresAt?: string;
  searchAttributes?: Record<string, unknown>;
  /** A child workflow (started, its start refused, its outcome): its id, type and run. */
  child?: { workflowId: string; workflowType?: string; runId?: string; cause?: string };
}

export interface DecodedHistory {
  workflowId: string;
  runId: string | undefined;
  workflowType: string;
  events: AuditEvent[];
  /** Continue-as-new chain: the run this one continues (null for the first) and the run after it. */
  previousRunId?: string | null;
  nextRunId?: string | null;
}

const EventType = temporal.api.enums.v1.EventType;

/** Seconds of a Timestamp or Duration: a Long from the server, a number or string from JSON. */
function toMs(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  const s = t?.seconds;
  const seconds =
    s && typeof s === 'object' && 'toNumber' in s ? (s as { toNumber(): number }).toNumber() : Number(s ?? 0);
  return seconds * 1000 + (t?.nanos ?? 0) / 1e6;
}
const PREFIX = 'EVENT_TYPE_';
const utf8 = new TextDecoder();

/** Reads an exported history (`temporal workflow show --output json`, or fetchHistory's JSON). */
export function parseHistoryJson(text: string): History {
  return historyFromJSON(JSON.parse(text));
}

function asPayload(p: ProtoPayload): Payload {
  return { metadata: p.metadata ?? {}, data: p.data ?? new Uint8Array() };
}

/** Decodes values of one event: the codec first (decryption), then the payload converter. */
class Decoder {
  constructor(private readonly codecs: PayloadCodec[]) {}

  async payloads(list: ProtoPayload[] | null | undefined): Promise<unknown[]> {
    let payloads = (list ?? []).map(asPayload);
    for (const codec of [...this.codecs].reverse()) payloads = await codec.decode(payloads);
    return payloads.map((p) => {
      const encoding = p.metadata?.encoding ? utf8.decode(p.metadata.encoding) : '';
      // A binary/null value has no JSON; anything else the default converter reads.
      return encoding === 'binary/null' ? null : defaultPayloadConverter.fromPayload(p);
    });
  }

  /** A message's input, or why it cannot be read; any other failure is ours, and thrown. */
  async message(list: ProtoPayload[] | null | undefined): Promise<{ args: unknown[] } | { refused: string }> {
    try {
      return { args: await this.payloads(list) };
    } catch (err) {
      if (err instanceof PayloadDecryptionError) return { refused: err.message };
      throw err;
    }
  }

  async one(list: ProtoPayload[] | null | undefined): Promise<unknown> {
    return (await this.payloads(list))[0];
  }

  /** A failure's message and type; encoded messages (encodeCommonAttributes) are decrypted. */
  async failure(f: ProtoFailure | null | undefined): Promise<AuditFailure | undefined> {
    if (!f) return undefined;
    let message = f.message ?? '';
    if (f.encodedAttributes) {
      const attrs = (await this.one([f.encodedAttributes])) as { message?: string } | undefined;
      message = attrs?.message ?? message;
    }
    const type = f.applicationFailureInfo?.type ?? undefined;
    const cause = await this.failure(f.cause);
    // An activity failure wraps the activity's own error: the cause says what happened.
    const text = cause ? (message ? `${message}: ${cause.message}` : cause.message) : message;
    return { message: text, ...((type ?? cause?.type) ? { type: type ?? cause?.type } : {}) };
  }
}

export async function decodeHistory(
  history: History,
  codecs: PayloadCodec[],
  workflowId = '(unknown)',
): Promise<DecodedHistory> {
  const d = new Decoder(codecs);
  const events: AuditEvent[] = [];
  let workflowType = '';
  let runId: string | undefined;
  let previousRunId: string | null = null;
  let nextRunId: string | null = null;
  for (const e of history.events ?? []) {
    const type = (EventType[e.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').slice(PREFIX.length);
    const ev: AuditEvent = {
      id: Number(e.eventId),
      at: new Date(toMs(e.eventTime)).toISOString(),
      type: type
        .toLowerCase()
        .split('_')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(''),
    };
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) {
      workflowType = started.workflowType?.name ?? '';
      runId = started.originalExecutionRunId ?? undefined;
      previousRunId = started.continuedExecutionRunId || null;
      ev.workflowType = workflowType;
      ev.args = await d.payloads(started.input?.payloads);
      ev.searchAttributes = await searchAttributes(d, started.searchAttributes?.indexedFields);
    }
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      ev.activityType = scheduled.activityType?.name ?? '';
      ev.args = await d.payloads(scheduled.input?.payloads);
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) {
      ev.scheduledEventId = Number(completed.scheduledEventId);
      ev.result = await d.one(completed.result?.payloads);
    }
    const failed = e.activityTaskFailedEventAttributes;
    if (failed) {
      ev.scheduledEventId = Number(failed.scheduledEventId);
      ev.failure = await d.failure(failed.failure);
    }
    const timedOut = e.activityTaskTimedOutEventAttributes;
    if (timedOut) {
      ev.scheduledEventId = Number(timedOut.scheduledEventId);
      ev.failure = (await d.failure(timedOut.failure)) ?? { message: 'timed out' };
    }
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      const data = (await d.one(marker.details?.data?.payloads)) as { activity_type?: string } | undefined;
      ev.localActivity = true;
      ev.activityType = data?.activity_type ?? '';
      if (marker.failure) ev.failure = await d.failure(marker.failure);
      else ev.result = await d.one(marker.details?.result?.payloads);
    }
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      ev.updateId = accepted.acceptedRequest?.meta?.updateId ?? accepted.protocolInstanceId ?? '';
      ev.updateName = accepted.acceptedRequest?.input?.name ?? '';
      Object.assign(ev, await d.message(accepted.acceptedRequest?.input?.args?.payloads));
    }
    const updateDone = e.workflowExecutionUpdateCompletedEventAttributes;
    if (updateDone) {
      ev.updateId = updateDone.meta?.updateId ?? '';
      if (updateDone.outcome?.failure) ev.failure = await d.failure(updateDone.outcome.failure);
      else ev.result = await d.one(updateDone.outcome?.success?.payloads);
    }
    const timer = e.timerStartedEventAttributes;
    if (timer) {
      ev.timerId = timer.timerId ?? '';
      const ms =
        Number(timer.startToFireTimeout?.seconds ?? 0) * 1000 + (timer.startToFireTimeout?.nanos ?? 0) / 1e6;
      ev.timerFiresAt = new Date(Date.parse(ev.at) + ms).toISOString();
    }
    if (e.timerFiredEventAttributes) ev.timerId = e.timerFiredEventAttributes.timerId ?? '';
    if (e.timerCanceledEventAttributes) ev.timerId = e.timerCanceledEventAttributes.timerId ?? '';
    const upsert = e.upsertWorkflowSearchAttributesEventAttributes;
    if (upsert) ev.searchAttributes = await searchAttributes(d, upsert.searchAttributes?.indexedFields);
    const done = e.workflowExecutionCompletedEventAttributes;
    if (done) ev.result = await d.one(done.result?.payloads);
    const wfFailed = e.workflowExecutionFailedEventAttributes;
    if (wfFailed) ev.failure = await d.failure(wfFailed.failure);
    const terminated = e.workflowExecutionTerminatedEventAttributes;
    if (terminated) ev.failure = { message: `terminated: ${terminated.reason ?? ''}`.trim() };
    const signaled = e.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      ev.signalName = signaled.signalName ?? '';
      Object.assign(ev, await d.message(signaled.input?.payloads));
    }
    const continued = e.workflowExecutionContinuedAsNewEventAttributes;
    if (continued) {
      ev.args = await d.payloads(continued.input?.payloads);
      nextRunId = continued.newExecutionRunId || null;
    }
    await childEvent(d, e, ev);
    events.push(ev);
  }
  return { workflowId, runId, workflowType, events, previousRunId, nextRunId };
}

/** A child workflow's start (with its input), its refusal, its start and its outcome. */
async function childEvent(
  d: Decoder,
  e: temporal.api.history.v1.IHistoryEvent,
  ev: AuditEvent,
): Promise<void> {
  const initiated = e.startChildWorkflowExecutionInitiatedEventAttributes;
  if (initiated) {
    ev.child = { workflowId: initiated.workflowId ?? '', workflowType: initiated.workflowType?.name ?? '' };
    ev.args = await d.payloads(initiated.input?.payloads);
  }
  const refused = e.startChildWorkflowExecutionFailedEventAttributes;
  if (refused) {
    const cause = temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause[refused.cause ?? 0] ?? '';
    ev.child = {
      workflowId: refused.workflowId ?? '',
      workflowType: refused.workflowType?.name ?? '',
      cause: cause.replace(/^START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_/, '').toLowerCase(),
    };
  }
  const outcome =
    e.childWorkflowExecutionStartedEventAttributes ??
    e.childWorkflowExecutionCompletedEventAttributes ??
    e.childWorkflowExecutionFailedEventAttributes ??
    e.childWorkflowExecutionCanceledEventAttributes ??
    e.childWorkflowExecutionTimedOutEventAttributes ??
    e.childWorkflowExecutionTerminatedEventAttributes;
  if (outcome) {
    ev.child = {
      workflowId: outcome.workflowExecution?.workflowId ?? '',
      workflowType: outcome.workflowType?.name ?? '',
      runId: outcome.workflowExecution?.runId ?? '',
    };
  }
  const completed = e.childWorkflowExecutionCompletedEventAttributes;
  if (completed) ev.result = await d.one(completed.result?.payloads);
  const failed = e.childWorkflowExecutionFailedEventAttributes;
  if (failed) ev.failure = await d.failure(failed.failure);
}

/** Search attributes are not encrypted by the codec (the server indexes them): plain JSON. */
async function searchAttributes(
  d: Decoder,
  fields: Record<string, ProtoPayload> | null | undefined,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, payload] of Object.entries(fields ?? {})) out[key] = await d.one([payload]);
  return out;
}
