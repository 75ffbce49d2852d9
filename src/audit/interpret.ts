/**
 * The one interpreter of workflow histories (C12, C14): a single walk over the decoded events
 * that pairs activities with their outcomes and messages with their answers, and hands each step
 * to the workflow type's reading — tables keyed by the activities' names (`keyof Activities`) and
 * by the message definitions the workflow itself declares, so that each handler receives the
 * activity's or message's own input and result types. A workflow that changes an activity's or a
 * message's type fails the type-check here. Payloads are decoded once (src/audit/history.ts) and
 * typed here, at the table lookup, by the name they were recorded under.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { billingMonthWorkflow, billingScheduleWorkflow } from '../workflows/billing-month';
import type { maintenanceWorkflow } from '../workflows/maintenance';
import type { outageWorkflow } from '../workflows/outage';
import type { sessionWorkflow } from '../workflows/session';
import type { ticketWorkflow } from '../workflows/ticket';
import type { AuditEvent, DecodedHistory } from './history';
import {
  activityEntry,
  finalEntry,
  plain,
  updateEntry,
  type Status,
  type Step,
  type Timeline,
  type TimelineEntry,
  type UpdateStep,
} from './render';

/** The workflow types the auditor reads, by the name their histories record. */
export interface Workflows {
  ticketWorkflow: typeof ticketWorkflow;
  sessionWorkflow: typeof sessionWorkflow;
  outageWorkflow: typeof outageWorkflow;
  maintenanceWorkflow: typeof maintenanceWorkflow;
  billingMonthWorkflow: typeof billingMonthWorkflow;
  billingScheduleWorkflow: typeof billingScheduleWorkflow;
}
export type WorkflowName = keyof Workflows;
export type WorkflowResult<W extends WorkflowName> = Awaited<ReturnType<Workflows[W]>>;

export type ActivityName = keyof Activities;
export type ActivityStep<K extends ActivityName> = Step<
  Parameters<Activities[K]>,
  Awaited<ReturnType<Activities[K]>>
>;

/** How a message (update) reads: its entry's kind and summary, from its own input and answer types. */
export interface UpdateReading {
  name: string;
  read(u: UpdateStep): TimelineEntry[];
}
export interface SignalReading {
  name: string;
  read(args: unknown[], ev: AuditEvent): TimelineEntry[];
}

/**
 * A workflow type's reading of its history: the meaning of each step in the contract's words.
 * State kept between steps lives in the reading's closure (one reading per timeline).
 */
export interface Reading<W extends WorkflowName> {
  started?(args: Parameters<Workflows[W]>, ev: AuditEvent): TimelineEntry[];
  activities?: { [K in ActivityName]?: (s: ActivityStep<K>) => TimelineEntry[] };
  /** An activity without an entry in `activities`. */
  otherActivity?(s: Step): TimelineEntry[];
  updates?: UpdateReading[];
  /** A message without a reading in `updates`. */
  otherUpdate?(u: UpdateStep): TimelineEntry[];
  /** A message was accepted (its steps follow, its answer comes to its reading). */
  accepted?(u: UpdateStep): void;
  signals?: SignalReading[];
  /** Events by type, as they come and before the steps they are part of (timers, child workflows…). */
  events?: Partial<Record<string, (ev: AuditEvent) => TimelineEntry[]>>;
  /** Changed search attributes, with SlaState (the state a workflow publishes) when it changed. */
  searchAttributes?(changed: Record<string, unknown>, ev: AuditEvent, slaState?: string): TimelineEntry[];
  /** The input a run hands its next run (continue-as-new). */
  continuedAsNew?(args: Parameters<Workflows[W]>, ev: AuditEvent): TimelineEntry[];
  /** The run's close in the workflow's words, from its result (the final status). */
  final?(result: WorkflowResult<W>): string;
  /** How a close without a result reads, when not the common "closed: <event>". */
  unfinished?(ev: AuditEvent): string;
  /** What the timeline establishes, with the last run's result (undefined while it runs). */
  facts(final: WorkflowResult<W> | null | undefined): Record<string, unknown>;
}

export type ReadingFactory<W extends WorkflowName> = () => Reading<W>;

/** A message's reading, typed by its definition; an unanswered one says so. */
export function update<Ret, Args extends unknown[]>(
  def: UpdateDefinition<Ret, Args>,
  kind: string,
  say: (u: UpdateStep<Ret, Args>) => string,
): UpdateReading {
  return {
    name: def.name,
    read: (u) => [updateEntry(u, answered(u, say(u as UpdateStep<Ret, Args>)), kind)],
  };
}

export function signal<Args extends unknown[]>(
  def: SignalDefinition<Args>,
  read: (args: Partial<Args>, ev: AuditEvent) => TimelineEntry[],
): SignalReading {
  return { name: def.name, read: (args, ev) => read(args as Partial<Args>, ev) };
}

/** Whether a message step is the one `def` declares (and so carries its types). */
export function isUpdate<Ret, Args extends unknown[]>(
  u: UpdateStep,
  def: UpdateDefinition<Ret, Args>,
): u is UpdateStep<Ret, Args> {
  return u.name === def.name;
}

/** A child workflow's result, typed by the child's workflow type when the event names it. */
export function childResult<W extends WorkflowName>(ev: AuditEvent, type: W): WorkflowResult<W> | undefined {
  return ev.child?.workflowType === type ? (ev.result as WorkflowResult<W> | undefined) : undefined;
}

/** A search attribute's value: keyword lists decode as lists (one value here). */
export function firstString(v: unknown): string | undefined {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

const answered = (u: UpdateStep, text: string) => (u.at === null ? `${text} (not answered yet)` : text);

/** The trail of a workflow type nobody taught the auditor yet: every activity and message as is. */
export const genericReading: ReadingFactory<WorkflowName> = () => ({
  otherActivity: (s) => [activityEntry(s, s.name, `${s.local ? 'local activity' : 'activity'} ${s.name}`)],
  otherUpdate: (u) => [updateEntry(u, `message ${u.name} ${plain(u.args[0] ?? '')}`)],
  searchAttributes: (changed, ev) => [
    { at: ev.at, eventId: ev.id, kind: 'search-attributes', summary: plain(changed), detail: changed },
  ],
  facts: () => ({}),
});

/** A message whose input the engine's keys do not open: shown, never read (the worker refused it too). */
const refusedEntry = (ev: AuditEvent, what: string): TimelineEntry => ({
  at: ev.at,
  eventId: ev.id,
  kind: 'refused',
  summary: `${what} refused: ${ev.refused ?? ''}; it changed nothing`,
  outcome: 'rejected',
});

const CLOSED: Record<string, Status> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timed-out',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionContinuedAsNew: 'continued-as-new',
};

/** Dispatch to the reading's tables: the one place where a recorded name gives a payload its type. */
function dispatcher<W extends WorkflowName>(it: Reading<W>) {
  const activities = it.activities as Partial<Record<string, (s: Step) => TimelineEntry[]>> | undefined;
  const updates = new Map((it.updates ?? []).map((u) => [u.name, u]));
  const signals = new Map((it.signals ?? []).map((s) => [s.name, s]));
  const other = (s: Step) => [activityEntry(s, s.name, `activity ${s.name}`)];
  const otherUpdate = (u: UpdateStep) => [updateEntry(u, answered(u, `message ${u.name}`))];
  return {
    activity: (s: Step) => (activities?.[s.name] ?? it.otherActivity ?? other)(s),
    update: (u: UpdateStep) => updates.get(u.name)?.read(u) ?? (it.otherUpdate ?? otherUpdate)(u),
    signal: (ev: AuditEvent) => signals.get(ev.signalName ?? '')?.read(ev.args ?? [], ev) ?? [],
    args: (ev: AuditEvent) => (ev.args ?? []) as Parameters<Workflows[W]>,
    result: (ev: AuditEvent) => (ev.result ?? null) as WorkflowResult<W> | null,
  };
}

/**
 * One workflow's timeline; `runs` in order when it continued as new (a billing month is several
 * runs): one reading reads them all, so what a run carried over is understood in the next.
 */
export function interpret<W extends WorkflowName>(
  runs: DecodedHistory | DecodedHistory[],
  factory: ReadingFactory<W>,
): Timeline {
  const list = Array.isArray(runs) ? runs : [runs];
  const it = factory();
  const on = dispatcher(it);
  const entries: TimelineEntry[] = [];
  const attributes: Record<string, unknown> = {};
  const summaries: Timeline['runs'] = [];
  let result: unknown = null;
  let final: WorkflowResult<W> | null | undefined;

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
    const step = (ev: AuditEvent, from: AuditEvent | undefined, local: boolean): Step => ({
      name: (local ? ev.activityType : from?.activityType) ?? '(unknown)',
      local,
      args: from?.args,
      scheduledAt: from?.at ?? ev.at,
      at: ev.at,
      eventId: ev.id,
      result: ev.result,
      ...(ev.failure ? { failure: ev.failure } : {}),
    });

    for (const ev of h.events) {
      add(it.events?.[ev.type]?.(ev));
      switch (ev.type) {
        case 'WorkflowExecutionStarted':
          Object.assign(attributes, ev.searchAttributes);
          add(it.started?.(on.args(ev), ev));
          break;
        case 'ActivityTaskScheduled':
          scheduled.set(ev.id, ev);
          break;
        case 'ActivityTaskCompleted':
        case 'ActivityTaskFailed':
        case 'ActivityTaskTimedOut':
          add(on.activity(step(ev, scheduled.get(ev.scheduledEventId ?? -1), false)));
          break;
        case 'MarkerRecorded':
          if (ev.localActivity) add(on.activity(step(ev, undefined, true)));
          break;
        case 'WorkflowExecutionSignaled':
          add(ev.refused === undefined ? on.signal(ev) : [refusedEntry(ev, `signal ${ev.signalName ?? ''}`)]);
          break;
        case 'WorkflowExecutionUpdateAccepted': {
          if (ev.refused !== undefined) {
            add([refusedEntry(ev, `message ${ev.updateName ?? ''}`)]);
            break;
          }
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
          add(on.update(u));
          updates.delete(u.updateId);
          break;
        }
        case 'UpsertWorkflowSearchAttributes': {
          const changed = Object.fromEntries(
            Object.entries(ev.searchAttributes ?? {}).filter(([k, v]) => plain(attributes[k]) !== plain(v)),
          );
          Object.assign(attributes, ev.searchAttributes);
          const state =
            typeof changed.SlaState === 'string' && changed.SlaState ? changed.SlaState : undefined;
          if (Object.keys(changed).length) add(it.searchAttributes?.(changed, ev, state));
          break;
        }
        default: {
          const status = CLOSED[ev.type];
          if (!status) break;
          summary.status = status;
          summary.closedAt = ev.at;
          result = ev.result ?? null;
          if (status === 'continued-as-new' && it.continuedAsNew) {
            add(it.continuedAsNew(on.args(ev), ev));
            break;
          }
          final = on.result(ev);
          const say = it.final?.bind(it);
          add([
            say
              ? finalEntry(ev, final, say, it.unfinished?.(ev))
              : {
                  at: ev.at,
                  eventId: ev.id,
                  kind: status,
                  summary: ev.failure ? `${status}: ${ev.failure.message}` : status,
                  outcome: ev.failure ? 'failed' : 'ok',
                },
          ]);
        }
      }
    }
    // Messages accepted and not answered yet (the history ends while one runs).
    for (const u of updates.values()) add(on.update(u));
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
    facts: { ...it.facts(final), searchAttributes: attributes },
    // In history order (run by run): a message comes before the steps it caused, though
    // answered after them.
    entries: entries.sort((a, b) => (a.run ?? 0) - (b.run ?? 0) || a.eventId - b.eventId),
    result,
    runs: summaries,
  };
}
