/**
 * The outage escalation chain (C9, I7) as plain arithmetic: when the n-th step occurrence fires,
 * and whether an engagement met the target. The chain runs from detection in wall-clock time,
 * 24/7 (I7: no coverage, no holidays), and starts again `repeatMinutes` after its last step for
 * as long as nobody acknowledges.
 */
import type { Policy } from '../policy/schema';

export type OutageStep = Policy['escalation']['outage'][number];

export interface StepOccurrence {
  /** The step's id in the first round, `<id>-r<round>` in later rounds: a page key per round. */
  id: string;
  stepId: string;
  round: number;
  /** Epoch ms. */
  at: number;
  audience: OutageStep['audience'];
  channels: OutageStep['channels'];
  reason: string;
}

const MINUTE = 60_000;

/** The steps in firing order (by afterMinutes; the policy's order among equals). */
export function orderSteps(steps: readonly OutageStep[]): OutageStep[] {
  return steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => a.step.afterMinutes - b.step.afterMinutes || a.i - b.i)
    .map(({ step }) => step);
}

/** The n-th occurrence (0-based) of the repeating chain for an outage detected at `detectedAt`. */
export function stepOccurrence(
  ordered: readonly OutageStep[],
  repeatMinutes: number,
  detectedAt: number,
  n: number,
): StepOccurrence {
  const round = Math.floor(n / ordered.length) + 1;
  const step = ordered[n % ordered.length]!;
  const roundLength = ordered[ordered.length - 1]!.afterMinutes + repeatMinutes;
  return {
    id: round === 1 ? step.id : `${step.id}-r${round}`,
    stepId: step.id,
    round,
    at: detectedAt + ((round - 1) * roundLength + step.afterMinutes) * MINUTE,
    audience: step.audience,
    channels: step.channels,
    reason:
      round === 1
        ? `${step.afterMinutes} min after detection, nobody at Level 3 has acknowledged (C9)`
        : `round ${round}: still unacknowledged ${(round - 1) * roundLength + step.afterMinutes} min after detection (C9)`,
  };
}

/**
 * The occurrences due at `now`, from occurrence `from` on, and the next one to wait for. A chain
 * that fell behind (a detection long before the report, a worker down for a while) fires only
 * the latest round that is due: one page per person, never a page for every round it missed.
 */
export function dueOccurrences(
  ordered: readonly OutageStep[],
  repeatMinutes: number,
  detectedAt: number,
  from: number,
  now: number,
): { due: number[]; next: number } {
  const roundMs = (ordered[ordered.length - 1]!.afterMinutes + repeatMinutes) * MINUTE;
  const startedRounds = Math.floor((now - detectedAt) / roundMs);
  // Rounds before the one before the current one can have nothing left worth firing.
  let n = Math.max(from, (startedRounds - 1) * ordered.length);
  const due: StepOccurrence[] = [];
  const indexes: number[] = [];
  for (let occ = stepOccurrence(ordered, repeatMinutes, detectedAt, n); occ.at <= now;) {
    due.push(occ);
    indexes.push(n++);
    occ = stepOccurrence(ordered, repeatMinutes, detectedAt, n);
  }
  const latest = due.length ? due[due.length - 1]!.round : 0;
  return { due: indexes.filter((_, i) => due[i]!.round === latest), next: due.length ? n : from };
}

/** C9 / I7: the engagement target, `minutes` of wall-clock time from detection. */
export function engagementDue(detectedAt: number, minutes: number): number {
  return detectedAt + minutes * MINUTE;
}

/**
 * The start an outage counts from (I7: detection; C9's clock, the record's start, I9's downtime)
 * for its first report. A webhook's startedAt is a monitor's claim: one more than
 * `backdateLimitMinutes` before the report's receipt opens the outage at receipt, and comes back
 * as `claimedStart` for an on-call to confirm. The on-call role's own report is trusted.
 */
export function countedStart(
  report: { startedAt?: string; receivedAt: string; via?: 'webhook' | 'operator' },
  backdateLimitMinutes: number,
): { start: number; claimedStart: number | null } {
  const received = Date.parse(report.receivedAt);
  const claimed = report.startedAt === undefined ? received : Date.parse(report.startedAt);
  if (report.via === 'webhook' && received - claimed > backdateLimitMinutes * MINUTE)
    return { start: received, claimedStart: claimed };
  return { start: claimed, claimedStart: null };
}

/**
 * Whether C9 was met. An acknowledgement at or before the due instant meets it; a later one is a
 * breach. An outage that ended before the due instant with nobody engaged met it: the contract
 * asks for engagement within 10 minutes of a system that is down, and it no longer was.
 */
export function engagementMet(input: {
  due: number;
  engagedAt: number | null;
  endedAt: number | null;
}): boolean {
  if (input.engagedAt !== null) return input.engagedAt <= input.due;
  return input.endedAt !== null && input.endedAt <= input.due;
}

/**
 * How much earlier than its receipt an acknowledgement's own stated time (the paging provider's
 * `occurred_at`, a CLI's `--at`) may be and still be the engagement time (C9, I7): the
 * provider stamps the acknowledgement when the responder taps it, and its webhook reaches the
 * engine seconds later (delivery, a retry or two, clocks that drift). A minute covers that; a
 * stated time further back cannot be told from a backdated one, so the receipt counts.
 */
export const ACK_STATED_SKEW_MS = 60_000;

/**
 * When an acknowledgement engaged (C9): the time the engine received it, or its stated time when
 * that is at most ACK_STATED_SKEW_MS before the receipt. A stated time after the receipt is the
 * sender's clock running ahead: the receipt counts.
 */
export function acknowledgementInstant(receivedAt: number, statedAt: number | null): number {
  if (statedAt !== null && statedAt <= receivedAt && receivedAt - statedAt <= ACK_STATED_SKEW_MS)
    return statedAt;
  return receivedAt;
}
