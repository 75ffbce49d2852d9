/**
 * Ledger records as the uptime math's inputs (I9, I15): the one conversion from records to
 * inputs, shared by the billing activities, the monthly report and the explanation of a
 * customer's month, so all count exactly the same things.
 */
import type {
  CustomerNotice,
  CustomerTerms,
  CustomerVersion,
  MaintenanceRecord,
  NoticeRoundRecord,
  OutageRecord,
} from '../ledger/types';
import type { NoticeInput } from './maintenance';
import type { MaintenanceInput, OutageInput, Period } from './uptime';

export function outageInputs(outages: readonly OutageRecord[]): OutageInput[] {
  return outages.map((o) => ({
    id: o.outageId,
    start: Date.parse(o.start),
    end: Date.parse(o.end),
    classification: o.classification,
    regions: o.regions,
  }));
}

/** Whose notices decide the exclusion: one customer's (I9 as amended), or a region's publication. */
export type NoticeAudience =
  | {
      customerId: string;
      notices: readonly CustomerNotice[];
      /** The customer's terms in force at an instant (I15): who received a round's publication. */
      termsAt: (at: number) => CustomerTerms | null;
    }
  | { region?: string };

/**
 * The windows as one audience received them. A customer: the notices of it the ledger holds for
 * them, in the order sent; without one for a round, the round's publication if they had no
 * administrators then (I9), else a notice that never reached them. A region (the report's region
 * rows, `sla uptime`), like a customer without administrators: each round's publication is its
 * notice, a round that does not affect the region withdrawing.
 * A record written before notices were kept (no rounds, no rows) has one notice for everyone: its
 * last notice if the maintenance workflow found it in time for every customer (C1), else none.
 * A cancelled window that never ran is dropped: neither excluded nor downtime.
 */
export function maintenanceInputs(
  maintenance: readonly MaintenanceRecord[],
  audience: NoticeAudience = {},
): MaintenanceInput[] {
  const mine = 'customerId' in audience ? noticesByWindow(audience.notices, audience.customerId) : null;
  const inputs: MaintenanceInput[] = [];
  for (const m of maintenance) {
    if (m.status === 'cancelled' && m.actualStart === null && m.actualEnd === null) continue;
    const notices =
      'customerId' in audience
        ? (mine!.get(m.maintenanceId) ?? customerPublication(m, audience.termsAt))
        : publication(m, () => audience.region);
    inputs.push({
      id: m.maintenanceId,
      start: Date.parse(m.start),
      end: Date.parse(m.end),
      notices,
      actualStart: m.actualStart ? Date.parse(m.actualStart) : null,
      actualEnd: m.actualEnd ? Date.parse(m.actualEnd) : null,
      regions: m.regions,
    });
  }
  return inputs;
}

/**
 * A window's notices as published (see maintenanceInputs), for the region `regionAt` gives at
 * each round's publication (undefined: every region). A record without rounds has one notice for
 * everyone: its last, if the maintenance workflow found it in time for every customer (C1).
 */
function publication(m: MaintenanceRecord, regionAt: (at: number) => string | undefined): NoticeInput[] {
  if (!m.rounds) {
    const window = { start: Date.parse(m.start), end: Date.parse(m.end) };
    const sentAt = m.qualifies && m.announcedAt ? Date.parse(m.announcedAt) : null;
    // A cancelled window that ran anyway: its last round withdrew it.
    return m.status === 'cancelled'
      ? [
          { sentAt, window },
          { sentAt, window: null },
        ]
      : [{ sentAt, window }];
  }
  return roundsInOrder(m.rounds).map((r) => {
    const sentAt = Date.parse(r.publishedAt);
    const region = regionAt(sentAt);
    const elsewhere = region !== undefined && r.regions.length > 0 && !r.regions.includes(region);
    return { sentAt, window: r.kind === 'cancelled' || elsewhere ? null : windowOf(r) };
  });
}

/**
 * A customer's notices of a window the ledger holds no row of for them: none for a record with
 * rounds (nothing reached them) unless they had no administrators when a round was published,
 * which then counts as published for them (I9); the record's one notice for an older record.
 */
function customerPublication(
  m: MaintenanceRecord,
  termsAt: (at: number) => CustomerTerms | null,
): NoticeInput[] {
  const published = publication(m, (at) => termsAt(at)?.region);
  if (!m.rounds) return published;
  return published.map((n) => {
    const terms = termsAt(n.sentAt!);
    return terms?.administrators.length === 0 ? n : { sentAt: null, window: n.window };
  });
}

const roundsInOrder = (rounds: readonly NoticeRoundRecord[]) =>
  [...rounds].sort((x, y) => x.version - y.version);
const windowOf = (r: { start: string; end: string }) => ({
  start: Date.parse(r.start),
  end: Date.parse(r.end),
});

/**
 * One customer's notices per window, in the order sent (by round). A window with rounds but no
 * row for the customer maps to []: nothing reached them. Windows without rounds are left out, so
 * the caller falls back to the record's own notice.
 */
function noticesByWindow(notices: readonly CustomerNotice[], customerId: string): Map<string, NoticeInput[]> {
  const rows = notices.filter((n) => n.customerId === customerId).sort((x, y) => x.version - y.version);
  const byWindow = new Map<string, NoticeInput[]>();
  for (const n of rows) {
    const list = byWindow.get(n.maintenanceId) ?? [];
    list.push({
      sentAt: n.sentAt === null ? null : Date.parse(n.sentAt),
      window: n.kind === 'withdrawn' ? null : windowOf(n),
    });
    byWindow.set(n.maintenanceId, list);
  }
  return byWindow;
}

/** A part of a period in force (I15) and the version of the terms in force then. */
export type TermsPeriod = Period & {
  region: string;
  version: CustomerVersion & { terms: CustomerTerms };
};

/**
 * The parts of `range` a customer's contract is in force, each with its version (I15): a version
 * runs until the next one's effectiveAt; a version without terms ends the contract.
 */
export function termsPeriods(
  versions: readonly CustomerVersion[],
  range: { start: number; end: number },
): TermsPeriod[] {
  const sorted = [...versions].sort((x, y) => Date.parse(x.effectiveAt) - Date.parse(y.effectiveAt));
  const periods: TermsPeriod[] = [];
  sorted.forEach((v, i) => {
    const next = sorted[i + 1];
    const start = Math.max(Date.parse(v.effectiveAt), range.start);
    const end = Math.min(next ? Date.parse(next.effectiveAt) : Infinity, range.end);
    if (v.terms && end > start) {
      periods.push({ start, end, region: v.terms.region, version: { ...v, terms: v.terms } });
    }
  });
  return periods;
}

/** Rows by their customer, in input order: a batch's notices, a month's tickets and entries. */
export function byCustomer<T extends { customerId: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.customerId);
    if (group) group.push(row);
    else groups.set(row.customerId, [row]);
  }
  return groups;
}
