/**
 * Planned maintenance rules (C1, I9) as plain functions: which running time a customer's notices
 * exclude from the uptime figure (noticeCover), the workflow's status line on whether a round's
 * notices all went out in time (noticeQualification), how long a window overran, and the
 * notice's Message-ID.
 */
import { unionOf, type Interval } from '../calendar/intervals';

/** A half-open span of instants [start, end), epoch milliseconds. */
export type Span = Interval;

/** One notice of a maintenance to one customer, in the order sent (I9 as amended). */
export interface NoticeInput {
  /** When it reached the customer (mail server or outbox accepted it); null: it never did. */
  sentAt: number | null;
  /** The window it announced; null: a withdrawal (a cancellation, or no longer affected). */
  window: Span | null;
}

/** What one notice covers for its customer, and why (the explanation of a month, I9). */
export interface NoticeCover {
  /** start − sentAt, null when it never reached the customer or withdraws. */
  leadMs: number | null;
  /** Reached the customer at least noticeHours before the start of the window it announced (C1). */
  qualifies: boolean;
  /** Its window intersected with every later notice's window; null when it covers nothing. */
  cover: Span | null;
  /** The first later notice (its index) that withdrew part or all of its window; null if none. */
  withdrawnBy: number | null;
}

export interface NoticeCheck {
  /** When the last notice for the window as scheduled went out (epoch ms); null if none did. */
  noticeAt: number | null;
  /** The announced start (epoch ms). */
  start: number;
  /** C1: the policy's minimum notice. */
  noticeHours: number;
  /** Customers the window affects, and how many of them the notice did not reach. */
  affected: number;
  failed: number;
}

export interface Qualification {
  qualifies: boolean;
  /** Notice lead time in whole minutes (floor), null without a notice. */
  leadMinutes: number | null;
  reason: string;
}

const fmtMinutes = (m: number) => `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;

/**
 * C1: a window is excluded only if every affected customer's administrators were told at least
 * `noticeHours` before it starts. Exactly the minimum qualifies; a millisecond less does not.
 * A notice that reached nobody, or missed a customer, does not qualify: that customer was not
 * announced to.
 */
export function noticeQualification(c: NoticeCheck): Qualification {
  const requiredMs = c.noticeHours * 3_600_000;
  const required = fmtMinutes(Math.round(c.noticeHours * 60));
  if (c.affected === 0) {
    return { qualifies: false, leadMinutes: null, reason: 'no customer in these regions: no notice sent' };
  }
  if (c.failed > 0 || c.noticeAt === null) {
    return {
      qualifies: false,
      leadMinutes: null,
      reason: `the notice did not reach ${c.failed} of ${c.affected} customers`,
    };
  }
  const leadMs = c.start - c.noticeAt;
  const leadMinutes = Math.floor(leadMs / 60_000);
  const lead = leadMs < 0 ? `after the start` : `${fmtMinutes(leadMinutes)} before the start`;
  return leadMs >= requiredMs
    ? { qualifies: true, leadMinutes, reason: `notice went out ${lead} (at least ${required} required, C1)` }
    : {
        qualifies: false,
        leadMinutes,
        reason: `notice went out ${lead}, less than the ${required} required (C1)`,
      };
}

/**
 * I9 as amended, per notice: a notice covers its window if it reached the customer at least
 * `noticeHours` before that window's start (exactly the minimum qualifies, a millisecond less
 * does not), less whatever a later notice of the same maintenance no longer announces (a
 * reschedule withdraws what it no longer covers, a withdrawal everything). Quadratic in the
 * notices of one maintenance to one customer: a handful of rounds.
 */
export function noticeCovers(notices: readonly NoticeInput[], noticeHours: number): NoticeCover[] {
  const noticeMs = noticeMsOf(noticeHours);
  return notices.map(({ sentAt, window }, i) => {
    const leadMs = window && sentAt !== null ? window.start - sentAt : null;
    let start = window?.start ?? 0;
    let end = window?.end ?? 0;
    let withdrawnBy: number | null = null;
    for (let j = i + 1; j < notices.length && end > start; j++) {
      const later = notices[j]!.window;
      const [s, e] = later ? [Math.max(start, later.start), Math.min(end, later.end)] : [0, 0];
      if (s !== start || e !== end) withdrawnBy ??= j;
      [start, end] = [s, e];
    }
    const qualifies = leadMs !== null && leadMs >= noticeMs;
    return { leadMs, qualifies, cover: qualifies && end > start ? { start, end } : null, withdrawnBy };
  });
}

/**
 * I9 as amended: the instants a customer's notices exclude, as sorted disjoint spans: the union
 * of noticeCovers' covers (a unit property checks they agree).
 */
export function noticeCover(notices: readonly NoticeInput[], noticeHours: number): Span[] {
  const noticeMs = noticeMsOf(noticeHours);
  // One backward pass without the per-notice details (the month's sweep calls this for every
  // window): [from, to) is what every later notice still announces.
  const spans: Span[] = [];
  let from = -Infinity;
  let to = Infinity;
  for (let i = notices.length - 1; i >= 0; i--) {
    const { sentAt, window } = notices[i]!;
    if (!window) {
      from = Infinity;
      to = -Infinity;
      continue;
    }
    const start = Math.max(window.start, from);
    const end = Math.min(window.end, to);
    if (sentAt !== null && window.start - sentAt >= noticeMs && end > start) spans.push({ start, end });
    from = Math.max(from, window.start);
    to = Math.min(to, window.end);
  }
  return spans.length > 1 ? unionOf(spans) : spans;
}

function noticeMsOf(noticeHours: number): number {
  if (!Number.isFinite(noticeHours) || noticeHours < 0) {
    throw new RangeError(`noticeHours: expected a non-negative number, got ${noticeHours}`);
  }
  return Math.round(noticeHours * 3_600_000);
}

/** I9: an overrun (actual end after the announced end) counts as downtime; 0 when none. */
export function overrunMs(announcedEnd: number, actualEnd: number | null): number {
  return actualEnd === null ? 0 : Math.max(0, actualEnd - announcedEnd);
}

/**
 * The notice's Message-ID, fixed per window, notice version and customer: a retried send is
 * recognisable downstream. Customer ids may hold ":", which a Message-ID's local part may not.
 */
export function noticeMessageId(workflowId: string, version: number, customerId: string): string {
  const local = `${workflowId}.v${version}.${customerId}`.replace(/:/g, '=3A');
  return `<${local}@sla-engine>`;
}
