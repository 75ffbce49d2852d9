/**
 * Planned maintenance rules (C1, I9) as plain functions: whether a window's notice qualifies it
 * for exclusion from the uptime figure, how long it overran, and the notice's Message-ID.
 */

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
