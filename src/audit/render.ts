/**
 * The shapes of a timeline and the one way each kind of step becomes an entry: what every
 * workflow's reading (src/audit/*-timeline.ts) shares, so that an activity, a message, an email or
 * the close reads the same in every timeline.
 */
import type { AuditEvent, AuditFailure } from './history';

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

export type Status =
  'running' | 'completed' | 'failed' | 'terminated' | 'timed-out' | 'canceled' | 'continued-as-new';

export interface Timeline {
  workflowId: string;
  runId: string | undefined;
  workflowType: string;
  status: Status;
  startedAt: string;
  closedAt: string | null;
  facts: Record<string, unknown>;
  entries: TimelineEntry[];
  result: unknown;
  /** Every run of a continue-as-new chain, in order (one for most workflows). */
  runs: { runId: string | undefined; startedAt: string; closedAt: string | null; status: Status }[];
}

/** What one activity, local or not, did: its arguments (not recorded for local ones) and outcome. */
export interface Step<Args = unknown[], Result = unknown> {
  name: string;
  local: boolean;
  args: Args | undefined;
  scheduledAt: string;
  at: string;
  eventId: number;
  result?: Result;
  failure?: AuditFailure;
}

/** A message (update) from its acceptance to its answer; `at` is null while it is unanswered. */
export interface UpdateStep<Ret = unknown, Args extends unknown[] = unknown[]> {
  name: string;
  updateId: string;
  args: Args;
  acceptedAt: string;
  eventId: number;
  at: string | null;
  result?: Ret;
  failure?: AuditFailure;
}

/** An instant to the second, as the summaries give it. */
export const short = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '—');
export const minutes = (m: unknown) => (typeof m === 'number' ? String(Math.round(m * 100) / 100) : '?');
export const plain = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** An entry of an event that is no activity's or message's (opened, a state change, a timer…). */
export function eventEntry(
  ev: { at: string; id: number },
  kind: string,
  summary: string,
  detail?: unknown,
): TimelineEntry {
  return { at: ev.at, eventId: ev.id, kind, summary, detail };
}

/** A step that did or did not go through: a failed activity, a rejected message, says why. */
function outcomeEntry(
  at: string,
  eventId: number,
  kind: string,
  summary: string,
  failure: AuditFailure | undefined,
  refusal: 'failed' | 'rejected',
  detail: unknown,
): TimelineEntry {
  return {
    at,
    eventId,
    kind,
    summary: failure ? `${summary} — ${refusal}: ${failure.message}` : summary,
    outcome: failure ? refusal : 'ok',
    detail,
  };
}

export function activityEntry(s: Step, kind: string, summary: string, detail?: unknown): TimelineEntry {
  const recorded = { ...(s.args ? { args: s.args } : {}), result: s.result, failure: s.failure };
  return outcomeEntry(s.at, s.eventId, kind, summary, s.failure, 'failed', detail ?? recorded);
}

/** A ledger write: what was written and the ledger's answer ('written' or 'exists'). */
export function ledgerEntry(s: Step, summary: string, written: Record<string, unknown>): TimelineEntry {
  return activityEntry(s, 'ledger-write', summary, { ...written, result: s.result, failure: s.failure });
}

/** An email (C6–C9 notices, escalations): its id, recipients and subject. */
export function emailEntry(s: Step<[{ messageId: string; to: string[]; subject: string }]>): TimelineEntry {
  const m = s.args?.[0];
  return activityEntry(
    s,
    'email',
    `email ${m?.messageId ?? ''} to ${m?.to.length ?? 0} recipient(s): "${m?.subject ?? ''}"`,
    { messageId: m?.messageId, to: m?.to, subject: m?.subject, result: s.result, failure: s.failure },
  );
}

export function updateEntry(u: UpdateStep, summary: string, kind = 'message'): TimelineEntry {
  const detail = {
    updateId: u.updateId,
    args: u.args[0],
    answeredAt: u.at,
    result: u.result,
    failure: u.failure,
  };
  return outcomeEntry(u.acceptedAt, u.eventId, kind, summary, u.failure, 'rejected', detail);
}

/** The close of a run: the workflow's final status in its words, or how it closed without one. */
export function finalEntry<T>(
  ev: AuditEvent,
  final: T | null,
  say: (final: T) => string,
  unfinished = `closed: ${ev.type}${ev.failure ? ` — ${ev.failure.message}` : ''}`,
): TimelineEntry {
  return {
    at: ev.at,
    eventId: ev.id,
    kind: 'final',
    summary: final ? say(final) : unfinished,
    outcome: ev.failure ? 'failed' : 'ok',
    detail: final,
  };
}
