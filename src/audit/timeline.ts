/**
 * The decision timeline of one workflow, reconstructed from its history alone: one walk over the
 * decoded events that pairs activities with their outcomes and updates with their answers, and
 * asks the workflow type's interpreter to say what each step meant (a classification, a deadline,
 * a warning, a page, a ledger write…). A workflow type without an interpreter still gets a
 * generic trail. New workflow types plug in with one entry in INTERPRETERS (src/audit/index.ts).
 */
import type { AuditEvent, AuditFailure, DecodedHistory } from './history';

export interface TimelineEntry {
  at: string;
  /** Which run of a continue-as-new chain (1 = the first); absent when the timeline has one run. */
  run?: number;
  eventId: number;
  kind: string;
  summary: string;
  outcome?: 'ok' | 'failed' | 'rejected';
  detail?: unknown;
}

export interface Timeline {
  workflowId: string;
  runId: string | undefined;
  workflowType: string;
  status: 'running' | 'completed' | 'failed' | 'terminated' | 'timed-out' | 'canceled' | 'continued-as-new';
  startedAt: string;
  closedAt: string | null;
  facts: Record<string, unknown>;
  entries: TimelineEntry[];
  result: unknown;
  /** Every run of a continue-as-new chain, in order (one for most workflows). */
  runs: {
    runId: string | undefined;
    startedAt: string;
    closedAt: string | null;
    status: Timeline['status'];
  }[];
}

/** What one activity, local or not, did: its arguments (not recorded for local ones) and outcome. */
export interface ActivityStep {
  name: string;
  local: boolean;
  args: unknown[] | undefined;
  scheduledAt: string;
  at: string;
  eventId: number;
  result?: unknown;
  failure?: AuditFailure;
}

export interface UpdateStep {
  name: string;
  updateId: string;
  args: unknown[];
  acceptedAt: string;
  eventId: number;
  at: string | null;
  result?: unknown;
  failure?: AuditFailure;
}

/**
 * A workflow type's reading of its history. Each hook returns the entries for one step
 * (none to leave it out); state kept between hooks lives in the interpreter's closure.
 */
export interface Interpreter {
  started?(args: unknown[], ev: AuditEvent): TimelineEntry[];
  activity?(step: ActivityStep): TimelineEntry[];
  /** A message was accepted (its steps follow, its answer comes to update()). */
  accepted?(step: UpdateStep): void;
  update?(step: UpdateStep): TimelineEntry[];
  searchAttributes?(changed: Record<string, unknown>, ev: AuditEvent): TimelineEntry[];
  /** Every event as it comes, before the hooks above (timers, child workflows, workflow tasks). */
  event?(ev: AuditEvent): TimelineEntry[];
  closed?(ev: AuditEvent, result: unknown): TimelineEntry[];
  facts(): Record<string, unknown>;
}

export type InterpreterFactory = () => Interpreter;

const plain = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The trail of a workflow type nobody taught the auditor yet: every activity and message as is. */
export const genericInterpreter: InterpreterFactory = () => ({
  activity: (s) => [activityEntry(s, s.name, `${s.local ? 'local activity' : 'activity'} ${s.name}`)],
  update: (u) => [updateEntry(u, `message ${u.name} ${plain(u.args[0] ?? '')}`)],
  searchAttributes: (changed, ev) => [
    { at: ev.at, eventId: ev.id, kind: 'search-attributes', summary: plain(changed), detail: changed },
  ],
  facts: () => ({}),
});

export function activityEntry(
  s: ActivityStep,
  kind: string,
  summary: string,
  detail?: unknown,
): TimelineEntry {
  return {
    at: s.at,
    eventId: s.eventId,
    kind,
    summary: s.failure ? `${summary} — failed: ${s.failure.message}` : summary,
    outcome: s.failure ? 'failed' : 'ok',
    detail: detail ?? { ...(s.args ? { args: s.args } : {}), result: s.result, failure: s.failure },
  };
}

export function updateEntry(u: UpdateStep, summary: string, kind = 'message'): TimelineEntry {
  return {
    at: u.acceptedAt,
    eventId: u.eventId,
    kind,
    summary: u.failure ? `${summary} — rejected: ${u.failure.message}` : summary,
    outcome: u.failure ? 'rejected' : 'ok',
    detail: { updateId: u.updateId, args: u.args[0], answeredAt: u.at, result: u.result, failure: u.failure },
  };
}

const CLOSED: Record<string, Timeline['status']> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timed-out',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionContinuedAsNew: 'continued-as-new',
};

/**
 * One workflow's timeline; `runs` in order when it continued as new (a billing month is several
 * runs): one interpreter reads them all, so what a run carried over is understood in the next.
 */
export function buildTimeline(
  runs: DecodedHistory | DecodedHistory[],
  factory: InterpreterFactory = genericInterpreter,
): Timeline {
  const list = Array.isArray(runs) ? runs : [runs];
  const it = factory();
  const entries: TimelineEntry[] = [];
  const attributes: Record<string, unknown> = {};
  const summaries: Timeline['runs'] = [];
  let result: unknown = null;

  list.forEach((h, index) => {
    const run = list.length > 1 ? index + 1 : undefined;
    const summary: Timeline['runs'][number] = {
      runId: h.runId,
      startedAt: h.events[0]?.at ?? '',
      closedAt: null,
      status: 'running',
    };
    summaries.push(summary);
    const add = (more: TimelineEntry[] | undefined) => {
      for (const e of more ?? []) entries.push(run ? { ...e, run } : e);
    };
    const scheduled = new Map<number, AuditEvent>();
    const updates = new Map<string, UpdateStep>();

    for (const ev of h.events) {
      add(it.event?.(ev));
      switch (ev.type) {
        case 'WorkflowExecutionStarted':
          Object.assign(attributes, ev.searchAttributes);
          add(it.started?.(ev.args ?? [], ev));
          break;
        case 'ActivityTaskScheduled':
          scheduled.set(ev.id, ev);
          break;
        case 'ActivityTaskCompleted':
        case 'ActivityTaskFailed':
        case 'ActivityTaskTimedOut': {
          const s = scheduled.get(ev.scheduledEventId ?? -1);
          add(
            it.activity?.({
              name: s?.activityType ?? '(unknown)',
              local: false,
              args: s?.args,
              scheduledAt: s?.at ?? ev.at,
              at: ev.at,
              eventId: ev.id,
              result: ev.result,
              ...(ev.failure ? { failure: ev.failure } : {}),
            }),
          );
          break;
        }
        case 'MarkerRecorded':
          if (ev.localActivity) {
            add(
              it.activity?.({
                name: ev.activityType ?? '(unknown)',
                local: true,
                args: undefined,
                scheduledAt: ev.at,
                at: ev.at,
                eventId: ev.id,
                result: ev.result,
                ...(ev.failure ? { failure: ev.failure } : {}),
              }),
            );
          }
          break;
        case 'WorkflowExecutionUpdateAccepted': {
          const u: UpdateStep = {
            name: ev.updateName ?? '',
            updateId: ev.updateId ?? '',
            args: ev.args ?? [],
            acceptedAt: ev.at,
            eventId: ev.id,
            at: null,
          };
          updates.set(u.updateId, u);
          it.accepted?.(u);
          break;
        }
        case 'WorkflowExecutionUpdateCompleted': {
          const u = updates.get(ev.updateId ?? '');
          if (!u) break;
          u.at = ev.at;
          if (ev.failure) u.failure = ev.failure;
          else u.result = ev.result;
          add(it.update?.(u));
          updates.delete(u.updateId);
          break;
        }
        case 'UpsertWorkflowSearchAttributes': {
          const changed = Object.fromEntries(
            Object.entries(ev.searchAttributes ?? {}).filter(([k, v]) => plain(attributes[k]) !== plain(v)),
          );
          Object.assign(attributes, ev.searchAttributes);
          if (Object.keys(changed).length) add(it.searchAttributes?.(changed, ev));
          break;
        }
        default:
          if (ev.type in CLOSED) {
            summary.status = CLOSED[ev.type]!;
            summary.closedAt = ev.at;
            result = ev.result ?? null;
            add(
              it.closed?.(ev, result) ?? [
                {
                  at: ev.at,
                  eventId: ev.id,
                  kind: summary.status,
                  summary: ev.failure ? `${summary.status}: ${ev.failure.message}` : summary.status,
                  outcome: ev.failure ? 'failed' : 'ok',
                },
              ],
            );
          }
      }
    }
    // Messages accepted and not answered yet (the history ends while one runs).
    for (const u of updates.values()) add(it.update?.(u));
  });

  const first = list[0];
  const last = summaries[summaries.length - 1];
  return {
    workflowId: first?.workflowId ?? '',
    runId: list[list.length - 1]?.runId,
    workflowType: first?.workflowType ?? '',
    status: last?.status ?? 'running',
    startedAt: summaries[0]?.startedAt ?? '',
    closedAt: last?.closedAt ?? null,
    facts: { ...it.facts(), searchAttributes: attributes },
    // In history order (run by run): a message comes before the steps it caused, though
    // answered after them.
    entries: entries.sort((a, b) => (a.run ?? 0) - (b.run ?? 0) || a.eventId - b.eventId),
    result,
    runs: summaries,
  };
}
