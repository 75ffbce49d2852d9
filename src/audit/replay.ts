/**
 * Replay of workflow histories against the current workflow code (the bundle the worker runs),
 * with the engine's codec: a history that no longer replays means the code changed in a way that
 * would break the workflows running on it, or that the history was not produced by this code.
 * For each failure: the reason and the first event where the code and the history diverge.
 *
 * Throughput (C12 audit, `npm run bench -- replay`): a few replay workers share one queue of
 * histories, each running the SDK's replay worker without its two per-call costs that buy nothing
 * in replay (see AuditReplayWorker).
 */
import type { DataConverter, Logger, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';
import type { CompiledWorkerOptions } from '@temporalio/worker/lib/worker-options';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import type { WorkflowBundleWithSourceMapAndFilename } from '@temporalio/worker/lib/workflow/workflow-worker-thread/input';
import { NO_WORKFLOW_SPANS } from '../traces';

export interface HistoryToReplay {
  workflowId: string;
  history: temporal.api.history.v1.IHistory;
}

export interface ReplayOutcome {
  workflowId: string;
  ok: boolean;
  /** For a failure: the error's class (DeterminismViolationError, ReplayError…) and message. */
  error?: { name: string; message: string };
  /** The first diverging event, when the error names it: its id and type in the history. */
  divergedAt?: { eventId: number; eventType: string };
}

export interface ReplaySummary {
  replayed: number;
  passed: number;
  failed: number;
  outcomes: ReplayOutcome[];
}

/**
 * The first diverging event of a non-determinism error. The SDK's messages name it in one of
 * several ways: an event id (`HistoryEvent(id: 9, …)`), or the command's machine and sequence
 * number (`LocalActivity(1)`, `Timer(2)`, `Activity(3)`), which is looked up in the history:
 * the local activity marker with that seq, the timer or activity with that id; or, for a local
 * activity renamed in code, the recorded marker's activity type (its first marker).
 */
export function divergingEvent(
  message: string,
  history: temporal.api.history.v1.IHistory,
): { eventId: number; eventType: string } | undefined {
  const events = history.events ?? [];
  const found = (e: temporal.api.history.v1.IHistoryEvent | undefined) =>
    e ? { eventId: Number(e.eventId), eventType: eventTypeName(e.eventType) } : undefined;
  const byId = /HistoryEvent\(id: (\d+)/.exec(message) ?? /event[_ ]id[:= ]+(\d+)/i.exec(message);
  if (byId) return found(events.find((e) => Number(e.eventId) === Number(byId[1])));
  // A local activity renamed in code: the first marker recorded for the old name.
  const marker = /recorded marker '([^']+)' does not match/.exec(message);
  if (marker) return found(events.find((e) => markerData(e)?.activity_type === marker[1]));
  const machine = /\b(LocalActivity|Timer|Activity)\((\d+)\)/.exec(message);
  if (!machine) return undefined;
  const seq = machine[2]!;
  switch (machine[1]) {
    case 'LocalActivity':
      return found(events.find((e) => markerData(e)?.seq === Number(seq)));
    case 'Timer':
      return found(events.find((e) => e.timerStartedEventAttributes?.timerId === seq));
    default:
      return found(events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === seq));
  }
}

/** A local activity marker's own bookkeeping (seq, activity type…), plain JSON as the SDK writes it. */
function markerData(
  e: temporal.api.history.v1.IHistoryEvent,
): { seq?: number; activity_type?: string } | undefined {
  const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0];
  if (!data?.data) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<{ seq?: number; activity_type?: string }>({
      metadata: data.metadata ?? {},
      data: data.data,
    });
  } catch {
    return undefined; // not the SDK's marker format
  }
}

function eventTypeName(t: unknown): string {
  const name = typeof t === 'string' ? t : (temporal.api.enums.v1.EventType[Number(t)] ?? String(t));
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The SDK's replay worker (debug mode: workflows run in this thread, all in one reused V8 context),
 * minus two costs it pays on every call into the workflow context and that buy nothing in a replay.
 * Together they were about half of the CPU of a ticket history's replay and most of its wall time on
 * a busy machine (docs/audit.md, "Replay throughput"). Both are SDK internals (pinned 1.24.0): a new SDK
 * version is checked by `npm run bench -- replay` and test/workflow/audit-replay.test.ts.
 *  - The isolate execution timeout: in debug mode the SDK sets the largest one (2^32−1 ms, about 49
 *    days), which never fires, but Node implements every `vm` timeout with a watchdog thread created
 *    and joined on each call (about 50 calls per ticket history). No timeout runs the same code
 *    without the thread.
 *  - The promise hook that captures a source-mapped stack trace for every promise workflow code
 *    creates, kept for the `__stack_trace` query, which nobody sends to a replay. It is process-wide
 *    in this thread and re-installed by the next worker the SDK creates.
 */
class AuditReplayWorker extends Worker {
  protected static override async createWorkflowCreator(
    bundle: WorkflowBundleWithSourceMapAndFilename,
    options: CompiledWorkerOptions,
    logger: Logger,
  ): Promise<WorkflowCreator> {
    const noTimeout = {
      ...options,
      isolateExecutionTimeoutMs: undefined,
    } as unknown as CompiledWorkerOptions;
    const creator = await super.createWorkflowCreator(bundle, noTimeout, logger);
    globalHandlers.uninstall();
    return creator;
  }
}

/**
 * Decodes as the engine's codecs do, and leaves outgoing payloads as they are: a replay's commands
 * are matched against history by type and id, never by payload, and then dropped, so encrypting
 * them (a fresh IV each) would be work thrown away.
 */
function decodeOnly(codecs: PayloadCodec[] | undefined): PayloadCodec[] | undefined {
  return codecs?.map((codec) => ({
    encode: async (payloads) => payloads,
    decode: (payloads) => codec.decode(payloads),
  }));
}

/**
 * Replay workers on the one queue at most, when the caller does not say. Measured (bench/replay.bench.ts,
 * one core): 1 and 2 cost about the same CPU per history, 4 a little more, 8 about 50% more (each
 * worker has its own V8 context); 2 hide some of the waits on the core between activations.
 */
export const DEFAULT_REPLAY_CONCURRENCY = 2;

export interface ReplayOptions {
  /** The workflow code: a bundle's path or code (what the worker runs). */
  workflowBundle: ReplayWorkerOptions['workflowBundle'];
  dataConverter: DataConverter;
  /**
   * Replay workers taking histories from the one queue, at most. Each replays one history at a
   * time and waits on the SDK's core between workflow activations; a few of them keep one core
   * busy. Another one starts only when there is a history for it (each costs ~50 ms of CPU).
   */
  concurrency?: number;
  /** Called as each history's outcome is known (in completion order; index counts from 1). */
  onOutcome?: (o: ReplayOutcome, index: number) => void;
}

interface Queued {
  item: HistoryToReplay;
  index: number;
}

/**
 * Replays every history and returns the outcomes in the order the histories came in. The
 * histories are read lazily, one at a time (a fetch from Temporal per history is fine).
 */
export async function replayHistories(
  histories: AsyncIterable<HistoryToReplay> | Iterable<HistoryToReplay>,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_REPLAY_CONCURRENCY));
  const dataConverter = {
    ...options.dataConverter,
    payloadCodecs: decodeOnly(options.dataConverter.payloadCodecs),
  };
  // One queue for all lanes (an async generator serves concurrent next() calls in turn), each
  // history numbered as it is read so that the summary keeps the input order.
  const source = (async function* () {
    let index = 0;
    for await (const item of histories) yield { item, index: index++ };
  })();
  let stopped = false;
  const take = async (): Promise<Queued | undefined> => {
    const next = stopped ? undefined : await source.next();
    return next && !next.done ? next.value : undefined;
  };

  const outcomes: ReplayOutcome[] = [];
  let done = 0;
  const tasks: Promise<void>[] = [];
  let lanes = 0;
  let growing = false;
  // The first error (a history that cannot be read, a worker that fails) ends the replay: the
  // other lanes finish the history in hand and take no more.
  let failure: { error: unknown } | undefined;
  const track = (task: Promise<void>) =>
    tasks.push(
      task.catch((error: unknown) => {
        stopped = true;
        failure ??= { error };
      }),
    );
  /** While a lane replays, the next history is read for a new lane (while there may be more). */
  const grow = () => {
    if (growing || lanes >= concurrency) return;
    growing = true;
    track(
      take().then((next) => {
        growing = false;
        if (next) track(lane(next));
      }),
    );
  };

  async function lane(first: Queued): Promise<void> {
    lanes++;
    // The SDK replays one history at a time and yields its result before taking the next, so the
    // result in hand is that of the history this lane took last (workflow ids may repeat: runs).
    let current: Queued | undefined;
    let pending: Queued | undefined = first;
    const feed: AsyncIterable<HistoryToReplay> = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<HistoryToReplay>> => {
          const next = pending ?? (await take());
          pending = undefined;
          if (!next) return { done: true, value: undefined };
          current = next;
          grow();
          return { done: false, value: next.item };
        },
      }),
    };
    const results: AsyncIterable<ReplayResult> = AuditReplayWorker.runReplayHistories(
      {
        workflowBundle: options.workflowBundle,
        dataConverter,
        replayName: 'sla-audit',
        // The workflows' spans are not exported from an audit (src/traces.ts).
        sinks: NO_WORKFLOW_SPANS,
        // One V8 context for every history (the SDK's default, said here because the other
        // choice builds a context and evaluates the whole bundle per history).
        reuseV8Context: true,
      },
      feed,
    );
    for await (const r of results) {
      const { item, index } = current!;
      const outcome: ReplayOutcome = { workflowId: r.workflowId, ok: r.error === undefined };
      if (r.error) {
        outcome.error = { name: r.error.name, message: r.error.message };
        const diverged = divergingEvent(r.error.message, item.history);
        if (diverged) outcome.divergedAt = diverged;
      }
      outcomes[index] = outcome;
      options.onOutcome?.(outcome, ++done);
    }
  }

  const first = await take();
  if (first) track(lane(first));
  // Lanes start while others run: each is waited for, those started meanwhile too.
  for (let i = 0; i < tasks.length; i++) await tasks[i];
  if (failure) throw failure.error;
  const failed = outcomes.filter((o) => !o.ok).length;
  return { replayed: outcomes.length, passed: outcomes.length - failed, failed, outcomes };
}
