/**
 * Replay of workflow histories against the current workflow code (the bundle the worker runs),
 * with the engine's codec: a history that no longer replays means the code changed in a way that
 * would break the workflows running on it, or that the history was not produced by this code.
 * For each failure: the reason and the first event where the code and the history diverge.
 */
import { defaultPayloadConverter, type DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

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
 * the local activity marker with that seq, the timer or activity with that id.
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
  const machine = /\b(LocalActivity|Timer|Activity)\((\d+)\)/.exec(message);
  if (!machine) return undefined;
  const seq = machine[2]!;
  switch (machine[1]) {
    case 'LocalActivity':
      return found(events.find((e) => markerSeq(e) === Number(seq)));
    case 'Timer':
      return found(events.find((e) => e.timerStartedEventAttributes?.timerId === seq));
    default:
      return found(events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === seq));
  }
}

/** The seq of a local activity marker: in its data, which the SDK writes as plain JSON. */
function markerSeq(e: temporal.api.history.v1.IHistoryEvent): number | undefined {
  const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0];
  if (!data?.data) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<{ seq?: number }>({
      metadata: data.metadata ?? {},
      data: data.data,
    }).seq;
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

export interface ReplayOptions {
  /** The workflow code: a bundle's path or code (what the worker runs). */
  workflowBundle: ReplayWorkerOptions['workflowBundle'];
  dataConverter: DataConverter;
  /** Workflow threads of the replay worker (the SDK's default when unset). */
  workflowThreadPoolSize?: number;
  onOutcome?: (o: ReplayOutcome, index: number) => void;
}

export async function replayHistories(
  histories: AsyncIterable<HistoryToReplay> | Iterable<HistoryToReplay>,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  // Kept by workflow id so a failure can name the event type at the diverging id.
  const seen = new Map<string, temporal.api.history.v1.IHistory>();
  async function* tracked() {
    for await (const h of histories) {
      seen.set(h.workflowId, h.history);
      yield h;
    }
  }
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories(
    {
      workflowBundle: options.workflowBundle,
      dataConverter: options.dataConverter,
      replayName: 'sla-audit',
      ...(options.workflowThreadPoolSize ? { workflowThreadPoolSize: options.workflowThreadPoolSize } : {}),
    },
    tracked(),
  );
  for await (const r of results) {
    const outcome: ReplayOutcome = { workflowId: r.workflowId, ok: r.error === undefined };
    if (r.error) {
      const err = r.error;
      outcome.error = { name: err.name, message: err.message };
      const history = seen.get(r.workflowId);
      const diverged = history && divergingEvent(err.message, history);
      if (diverged) outcome.divergedAt = diverged;
    }
    seen.delete(r.workflowId);
    outcomes.push(outcome);
    options.onOutcome?.(outcome, outcomes.length);
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  return { replayed: outcomes.length, passed: outcomes.length - failed, failed, outcomes };
}
