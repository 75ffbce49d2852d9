/**
 * One customer's month from the ledger's records (I9 as amended, I10, I15): the figures its
 * credit entry states and an explanation detailed enough to redo them by hand — the terms in
 * force and when, each outage counted or not and why, each maintenance window excluded or not
 * for this customer and why (which notice, when it reached them), T, E, D, the exact ratio, the
 * tier, the fee with its proration, and the credit. The explanation is plain JSON (ISO instants,
 * numbers, bigints as decimal strings) for `sla credits explain` and its page.
 */
import type {
  CustomerNotice,
  CustomerTerms,
  CustomerVersion,
  MaintenanceRecord,
  OutageClassification,
  OutageRecord,
} from '../ledger/types';
import type { Policy } from '../policy/schema';
import { computeCredit, type Credit, type CreditTier } from './credits';
import { maintenanceInputs, outageInputs, termsPeriods, type TermsPeriod } from './ledger-inputs';
import { noticeCovers, type NoticeCover, type NoticeInput } from './maintenance';
import {
  accountingMonth,
  monthUptime,
  monthUptimeShares,
  type MonthUptime,
  type RecordShare,
  type UptimeInput,
} from './uptime';

export interface CustomerMonthInput {
  /** "YYYY-MM" in `zone` (I8). */
  month: string;
  /** The month's policy (I15): policy.month.timeZone, maintenanceNoticeHours, uptime.creditTiers. */
  zone: string;
  noticeHours: number;
  tiers: readonly CreditTier[];
  customerId: string;
  /** The customer's versions that bear on the month (CustomerTermsInRange.versions). */
  versions: readonly CustomerVersion[];
  /** The records overlapping the month. */
  outages: readonly OutageRecord[];
  maintenance: readonly MaintenanceRecord[];
  /** The notices of those windows; rows of other customers are ignored. */
  notices: readonly CustomerNotice[];
}

/** What customerMonth reads of the policy that judges the month (I15): its zone, notice hours and tiers. */
export function monthRules(policy: Policy): Pick<CustomerMonthInput, 'zone' | 'noticeHours' | 'tiers'> {
  return {
    zone: policy.month.timeZone,
    noticeHours: policy.maintenanceNoticeHours,
    tiers: policy.uptime.creditTiers,
  };
}

/** The monthly fee as the entry states it (I10, I15). */
export interface MonthFee {
  /** The annual fee and currency in force at the first instant of the month the contract covers. */
  annualFeeMinor: number;
  currency: string;
  /** That version's effectiveAt (ISO). */
  versionEffectiveAt: string;
  /** T: the part of the month in force; monthMs: the month's length (I8). */
  coveredMs: number;
  monthMs: number;
  /** round-half-up(annual × coveredMs / (12 × monthMs)). */
  monthlyFeeMinor: number;
}

export interface CustomerMonth {
  customerId: string;
  month: string;
  uptime: MonthUptime;
  credit: Credit;
  fee: MonthFee;
  /** The regions in force during the month, in order of their first period. */
  regions: string[];
  explanation: MonthExplanation;
}

export interface MonthExplanation {
  customerId: string;
  month: string;
  zone: string;
  /** The month's instants [monthStart, monthEnd) and length (I8). */
  monthStart: string;
  monthEnd: string;
  monthMs: number;
  noticeHours: number;
  /** The parts of the month in force (I15): T is their total. */
  periods: PeriodExplanation[];
  fee: MonthFee & { prorated: boolean };
  outages: OutageExplanation[];
  maintenance: WindowExplanation[];
  totalMs: number;
  excludedMs: number;
  downtimeMs: number;
  /** (T − E − D) / (T − E), unreduced, in milliseconds, as decimal strings. */
  uptime: { numerator: string; denominator: string; percent: string };
  /** The tier that applied (I10): uptime strictly below `below` %. */
  tier: { below: string; creditPercent: number } | null;
  creditPercent: number;
  monthlyFeeMinor: number;
  /** round-half-up(creditPercent × monthlyFeeMinor / 100). */
  creditMinor: number;
}

export interface PeriodExplanation {
  /** The version in force (its effectiveAt), and where it applies inside the month. */
  versionEffectiveAt: string;
  from: string;
  to: string;
  ms: number;
  region: string;
}

/**
 * Where a record's time falls: inside the periods in force whose region it affects, inside ones
 * whose region it does not, or outside the month and the contract; the three add up to its length.
 */
export interface Placement {
  inForceMs: number;
  otherRegionMs: number;
  clippedMs: number;
}

export interface OutageExplanation extends Placement {
  outageId: string;
  start: string;
  end: string;
  classification: OutageClassification;
  regions: string[];
  counted: boolean;
  reason: string;
  /** Of inForceMs: under excluded maintenance (never downtime, I9). */
  underExclusionMs: number;
  /** Of inForceMs: downtime another counted record covers too (counted once, I9). */
  overlappedMs: number;
  /** Of inForceMs: downtime only this outage explains. */
  soleMs: number;
}

export interface WindowExplanation extends Placement {
  maintenanceId: string;
  status: MaintenanceRecord['status'];
  regions: string[];
  /** The window as finally announced, and when the work ran. */
  start: string;
  end: string;
  ranFrom: string;
  ranTo: string;
  /**
   * Whose notices decided: the customer's own rows; the rounds' publication (no administrators
   * then, I9); or the record's single notice (written before notices were kept per customer).
   */
  noticesFrom: 'customer' | 'publication' | 'record';
  notices: NoticeExplanation[];
  /** Its running time in force excluded for this customer (E), and counted as downtime. */
  excludedMs: number;
  downtimeMs: number;
  /** Of downtimeMs: under another window's exclusion, or also counted by another record. */
  underExclusionMs: number;
  overlappedMs: number;
  reason: string;
}

export interface NoticeExplanation {
  /** Its place in the order sent (0-based): what `withdrawnBy` refers to. */
  index: number;
  /** The window announced; null for a withdrawal. */
  windowStart: string | null;
  windowEnd: string | null;
  /** When it reached the customer; null: never. */
  sentAt: string | null;
  /** Whole minutes (floor) from sentAt to the announced start. */
  leadMinutes: number | null;
  qualifies: boolean;
  /** What it still excludes after the later notices, if it qualifies. */
  coverFrom: string | null;
  coverTo: string | null;
  /** The first later notice that withdrew part or all of its window. */
  withdrawnBy: number | null;
  reason: string;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * One customer's month (I9 as amended, I10, I15): null when no part of it is in force. Each
 * maintenance is judged on the customer's own notices (see maintenanceInputs for records
 * written before those were kept); the fee is prorated to the part of the month in force.
 */
export function customerMonth(input: CustomerMonthInput): CustomerMonth | null {
  const month = accountingMonth(input.month, input.zone);
  const periods = termsPeriods(input.versions, month);
  if (!periods.length) return null;
  const sorted = [...input.versions].sort((x, y) => Date.parse(x.effectiveAt) - Date.parse(y.effectiveAt));
  const termsAt = (at: number): CustomerTerms | null => {
    let terms: CustomerTerms | null = null;
    for (const v of sorted) if (Date.parse(v.effectiveAt) <= at) terms = v.terms;
    return terms;
  };
  const uptimeInput: UptimeInput = {
    month: input.month,
    zone: input.zone,
    noticeHours: input.noticeHours,
    periods: periods.map(({ start, end, region }) => ({ start, end, region })),
    outages: outageInputs(input.outages),
    maintenance: maintenanceInputs(input.maintenance, {
      customerId: input.customerId,
      notices: input.notices,
      termsAt,
    }),
  };
  const shares = monthUptimeShares(uptimeInput);
  const u = shares.uptime;
  const first = periods[0]!.version;
  const monthMs = month.end - month.start;
  const share = u.totalMs < monthMs ? { coveredMs: u.totalMs, monthMs } : undefined;
  const credit = computeCredit(u.uptime, first.terms.annualFeeMinor, input.tiers, share);
  const fee: MonthFee = {
    annualFeeMinor: first.terms.annualFeeMinor,
    currency: first.terms.currency,
    versionEffectiveAt: first.effectiveAt,
    coveredMs: u.totalMs,
    monthMs,
    monthlyFeeMinor: credit.monthlyFeeMinor,
  };
  const regions = [...new Set(periods.map((p) => p.region))];
  return {
    customerId: input.customerId,
    month: input.month,
    uptime: u,
    credit,
    fee,
    regions,
    explanation: {
      customerId: input.customerId,
      month: input.month,
      zone: input.zone,
      monthStart: iso(month.start),
      monthEnd: iso(month.end),
      monthMs,
      noticeHours: input.noticeHours,
      periods: periods.map((p) => ({
        versionEffectiveAt: p.version.effectiveAt,
        from: iso(p.start),
        to: iso(p.end),
        ms: p.end - p.start,
        region: p.region,
      })),
      fee: { ...fee, prorated: share !== undefined },
      outages: input.outages.map((o, i) =>
        explainOutage(o, uptimeInput.outages[i]!, shares.outages[i]!, periods),
      ),
      maintenance: explainWindows(input, uptimeInput, shares.maintenance, periods),
      totalMs: u.totalMs,
      excludedMs: u.excludedMs,
      downtimeMs: u.downtimeMs,
      uptime: {
        numerator: u.uptime.numerator.toString(),
        denominator: u.uptime.denominator.toString(),
        percent: u.uptimePercent,
      },
      tier: credit.tier ? { below: credit.tier.below, creditPercent: credit.tier.creditPercent } : null,
      creditPercent: credit.creditPercent,
      monthlyFeeMinor: credit.monthlyFeeMinor,
      creditMinor: credit.creditMinor,
    },
  };
}

export interface RegionMonthInput {
  month: string;
  zone: string;
  noticeHours: number;
  /** The deployment region; absent: the service as a whole (every record counts). */
  region?: string;
  outages: readonly OutageRecord[];
  maintenance: readonly MaintenanceRecord[];
}

/**
 * A region's month as the uptime math takes it: the same math as a customer of that region
 * without administrators, in force all month, each round's publication its notice (I9). For the
 * report's region rows and `sla uptime --region` (monthUptime and dailyUptime of it).
 */
export function regionUptimeInput(input: RegionMonthInput): UptimeInput {
  return {
    month: input.month,
    zone: input.zone,
    noticeHours: input.noticeHours,
    ...(input.region === undefined ? {} : { region: input.region }),
    outages: outageInputs(input.outages),
    maintenance: maintenanceInputs(input.maintenance, { region: input.region }),
  };
}

/** A region's month figures (see regionUptimeInput). */
export function regionMonth(input: RegionMonthInput): MonthUptime {
  return monthUptime(regionUptimeInput(input));
}

// ---------------------------------------------------------------------------------------------

function placement(
  start: number,
  end: number,
  regions: readonly string[],
  periods: readonly TermsPeriod[],
): Placement {
  let inForceMs = 0;
  let otherRegionMs = 0;
  for (const p of periods) {
    const ms = Math.max(0, Math.min(end, p.end) - Math.max(start, p.start));
    if (regions.length === 0 || regions.includes(p.region)) inForceMs += ms;
    else otherRegionMs += ms;
  }
  return { inForceMs, otherRegionMs, clippedMs: end - start - inForceMs - otherRegionMs };
}

const CLASSIFIED: Record<Exclude<OutageClassification, 'unexpected'>, string> = {
  partial: 'partial (C4): other members could use the system; recorded, never counted',
  external: 'caused outside the vendor’s control (C3); recorded, never counted',
};

function explainOutage(
  o: OutageRecord,
  input: UptimeInput['outages'][number],
  share: RecordShare,
  periods: readonly TermsPeriod[],
): OutageExplanation {
  const place = placement(input.start, input.end, o.regions, periods);
  const overlappedMs = share.downMs - share.underExclusionMs - share.soleMs;
  const counted = share.downMs - share.underExclusionMs > 0;
  const where = [
    place.clippedMs ? `${place.clippedMs} ms outside the month or the contract (clipped)` : '',
    place.otherRegionMs ? `${place.otherRegionMs} ms while the region in force was not one it hit` : '',
    share.underExclusionMs ? `${share.underExclusionMs} ms under excluded maintenance` : '',
    overlappedMs ? `${overlappedMs} ms also counted by another record (once, I9)` : '',
  ].filter(Boolean);
  let reason: string;
  if (o.classification !== 'unexpected') reason = CLASSIFIED[o.classification];
  else if (place.inForceMs === 0) {
    reason = place.otherRegionMs
      ? 'did not hit the region in force (I9, I15)'
      : 'outside the month or the contract (I8, I15)';
  } else if (!counted) reason = 'wholly under excluded maintenance (I9)';
  else reason = `counted: ${place.inForceMs} ms in force${where.length ? `; ${where.join('; ')}` : ''}`;
  return {
    outageId: o.outageId,
    start: o.start,
    end: o.end,
    classification: o.classification,
    regions: o.regions,
    counted: o.classification === 'unexpected' && counted,
    reason,
    ...place,
    ...(o.classification === 'unexpected'
      ? { underExclusionMs: share.underExclusionMs, overlappedMs, soleMs: share.soleMs }
      : { underExclusionMs: 0, overlappedMs: 0, soleMs: 0 }),
  };
}

function explainWindows(
  input: CustomerMonthInput,
  uptimeInput: UptimeInput,
  shares: readonly RecordShare[],
  periods: readonly TermsPeriod[],
): WindowExplanation[] {
  const rows = new Set(
    input.notices.filter((n) => n.customerId === input.customerId).map((n) => n.maintenanceId),
  );
  const inputs = new Map(uptimeInput.maintenance.map((w, i) => [w.id!, i]));
  return input.maintenance.map((m) => {
    const i = inputs.get(m.maintenanceId);
    if (i === undefined) return cancelledBeforeRunning(m);
    const w = uptimeInput.maintenance[i]!;
    const share = shares[i]!;
    const ranFrom = w.actualStart ?? w.start;
    const ranTo = w.actualEnd ?? w.end;
    const place = placement(ranFrom, ranTo, m.regions, periods);
    const covers = noticeCovers(w.notices, input.noticeHours);
    const overlappedMs = share.downMs - share.underExclusionMs - share.soleMs;
    const reason =
      place.inForceMs === 0
        ? place.otherRegionMs
          ? 'did not affect the region in force (I9, I15)'
          : 'did not run in the month or the contract (I8, I15)'
        : share.downMs === 0
          ? 'excluded for all its running time in force: notice in time (C1, I9)'
          : share.excludedMs === 0
            ? covers.some((c) => c.qualifies && c.cover)
              ? 'downtime for all its running time in force: it ran wholly outside the window its notices in time announced (early start, overrun or a late change; I9)'
              : 'downtime for all its running time in force: no notice reached the customer in time for it (C1, I9)'
            : 'excluded where a notice in time still covered it, downtime elsewhere (overrun, early start, late change; I9)';
    return {
      ...windowOf(m),
      ranFrom: iso(ranFrom),
      ranTo: iso(ranTo),
      noticesFrom: rows.has(m.maintenanceId) ? 'customer' : m.rounds ? 'publication' : 'record',
      notices: w.notices.map((n, k) => explainNotice(n, covers[k]!, k, input.noticeHours)),
      ...place,
      excludedMs: share.excludedMs,
      downtimeMs: share.downMs,
      underExclusionMs: share.underExclusionMs,
      overlappedMs,
      reason,
    };
  });
}

const windowOf = (m: MaintenanceRecord) => ({
  maintenanceId: m.maintenanceId,
  status: m.status,
  regions: m.regions,
  start: m.start,
  end: m.end,
});

/** A cancelled window that never ran: dropped from the math (maintenanceInputs), listed for the reader. */
function cancelledBeforeRunning(m: MaintenanceRecord): WindowExplanation {
  const length = Date.parse(m.end) - Date.parse(m.start);
  return {
    ...windowOf(m),
    ranFrom: m.start,
    ranTo: m.start,
    noticesFrom: m.rounds ? 'publication' : 'record',
    notices: [],
    inForceMs: 0,
    otherRegionMs: 0,
    clippedMs: 0,
    excludedMs: 0,
    downtimeMs: 0,
    underExclusionMs: 0,
    overlappedMs: 0,
    reason: `cancelled before it ran (${length} ms announced): neither excluded nor downtime (I9)`,
  };
}

const hoursAndMinutes = (minutes: number) =>
  `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;

function explainNotice(
  n: NoticeInput,
  c: NoticeCover,
  index: number,
  noticeHours: number,
): NoticeExplanation {
  const leadMinutes = c.leadMs === null ? null : Math.floor(c.leadMs / 60_000);
  const required = `${noticeHours} h`;
  let reason: string;
  if (!n.window)
    reason = 'withdraws the window (a cancellation, or a reschedule no longer affecting the customer)';
  else if (n.sentAt === null) reason = 'never reached the customer';
  else if (c.leadMs! < 0) reason = `reached the customer after the start (${required} required, C1)`;
  else if (!c.qualifies) {
    reason = `reached the customer ${hoursAndMinutes(leadMinutes!)} before the start, less than the ${required} required (C1)`;
  } else {
    reason = `reached the customer ${hoursAndMinutes(leadMinutes!)} before the start (at least ${required}, C1)`;
    if (c.withdrawnBy !== null) {
      reason += c.cover
        ? `; notice ${c.withdrawnBy} withdrew part of its window`
        : `; notice ${c.withdrawnBy} withdrew all of its window`;
    }
  }
  return {
    index,
    windowStart: n.window ? iso(n.window.start) : null,
    windowEnd: n.window ? iso(n.window.end) : null,
    sentAt: n.sentAt === null ? null : iso(n.sentAt),
    leadMinutes,
    qualifies: c.qualifies,
    coverFrom: c.cover ? iso(c.cover.start) : null,
    coverTo: c.cover ? iso(c.cover.end) : null,
    withdrawnBy: c.withdrawnBy,
    reason,
  };
}
