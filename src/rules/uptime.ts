/**
 * Monthly uptime (C1, C3, C4, C14 as read by I8 and I9): how long the accounting month was, how
 * much of it planned maintenance excludes (E), how much of the rest was down (D), and
 * uptime = (T − E − D) / (T − E) as an exact ratio, so that credit tiers (I10, ./credits.ts)
 * never compare floating-point numbers.
 *
 * Instants are epoch milliseconds (UTC), as in src/calendar: callers holding ISO strings (ledger
 * records, the CLI) convert with Date.parse at their edge, and this file stays free of parsing.
 * Every interval is half-open, [start, end).
 *
 * Cost: O(n log n) — the intervals are sorted by start once (a native sort of packed keys) and
 * swept; bench/uptime.bench.ts measures a month of 10,000 outage records against a per-minute
 * bitmap.
 */
import { DateTime, IANAZone } from 'luxon';
import type { OutageClassification } from '../ledger/types';
import { noticeCover, type NoticeInput, type Span } from './maintenance';

const DAY_MS = 86_400_000;

/**
 * Decimals of `uptimePercent` strings (display only: tiers use the exact ratio, I10). The policy
 * refuses a tier threshold or target finer than this, which keeps a truncated display on the
 * same side of every threshold as the exact ratio.
 */
export const UPTIME_DECIMALS = 4;

/** An exact non-negative ratio; a percentage is 100 × numerator / denominator. */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

export interface OutageInput {
  id?: string;
  start: number;
  end: number;
  classification: OutageClassification;
  /** Deployment regions hit; absent or empty means every region. */
  regions?: readonly string[];
}

export interface MaintenanceInput {
  id?: string;
  /** The window as finally announced: where the work ran unless actualStart/actualEnd say otherwise. */
  start: number;
  end: number;
  /** The customer's notices of it in the order sent (I9 as amended): they decide what is excluded. */
  notices: readonly NoticeInput[];
  /** When it really ran; an absent (or null) end of it means that end ran as announced. */
  actualStart?: number | null;
  actualEnd?: number | null;
  regions?: readonly string[];
}

export interface UptimeInput {
  /** "YYYY-MM" */
  month: string;
  /** The policy's month time zone (policy.month.timeZone, I8). */
  zone: string;
  /** Notice a window needs to be excluded (policy.maintenanceNoticeHours, C1). */
  noticeHours: number;
  /** The customer's deployment region; absent means every record counts. */
  region?: string;
  /**
   * I15: the parts of the month the contract is in force, each with the region in force then,
   * sorted and disjoint (clipped to the month). T is their total; a record counts at an instant
   * only if it affects the region in force then. Absent: the whole month in `region`.
   */
  periods?: readonly Period[];
  outages: readonly OutageInput[];
  maintenance: readonly MaintenanceInput[];
}

/** A part of the month in force and its region (I15); no region: every record counts. */
export interface Period {
  start: number;
  end: number;
  region?: string;
}

/** A connected stretch of counted downtime and the records behind it (in input order). */
export interface Incident {
  /** First and last counted instant (the stretch may have excluded maintenance inside it). */
  start: number;
  end: number;
  downtimeMs: number;
  outageIds: string[];
  /** Maintenance that counted as downtime here: overrun, early start, or not announced in time. */
  maintenanceIds: string[];
}

export interface MonthUptime {
  month: string;
  /** The month's instants, [start, end). */
  start: number;
  end: number;
  /** T: real elapsed length of the month (I8), or of the parts of it in force (I15). */
  totalMs: number;
  /** E: qualifying maintenance (I9). */
  excludedMs: number;
  /** D: counted downtime outside E (I9). */
  downtimeMs: number;
  /** (T − E − D) / (T − E), unreduced, in milliseconds. */
  uptime: Ratio;
  /** 100 × uptime, truncated to UPTIME_DECIMALS for display (formatPercent). */
  uptimePercent: string;
  /** Outages that contributed downtime this month (an id, else "outages[i]"), in input order. */
  countedOutageIds: string[];
  /** Windows that contributed excluded time this month (an id, else "maintenance[i]"), in input order. */
  qualifyingMaintenanceIds: string[];
  incidents: Incident[];
}

export interface DayUptime {
  /** Local date "YYYY-MM-DD" in the month's zone. */
  date: string;
  /** The local day's length (23, 24 or 25 hours around DST changes). */
  totalMs: number;
  downtimeMs: number;
  excludedMs: number;
  uptimePercent: string;
}

/** I8: a calendar month in `zone`; its length is real elapsed time (DST months differ by an hour). */
export function accountingMonth(month: string, zone: string): { start: number; end: number } {
  const { year, month: m, tz } = parseMonth(month, zone);
  return {
    start: firstInstantOf(year, m, tz),
    end: firstInstantOf(m === 12 ? year + 1 : year, (m % 12) + 1, tz),
  };
}

/** The accounting month as the ledger's range, ISO [from, to): the records overlapping it matter (I8). */
export function accountingMonthRange(month: string, zone: string): { from: string; to: string } {
  const { start, end } = accountingMonth(month, zone);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

function parseMonth(month: string, zone: string): { year: number; month: number; tz: IANAZone } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new RangeError(`month: expected "YYYY-MM", got ${JSON.stringify(month)}`);
  // IANAZone.create is cached by luxon; isValidZone would build a new Intl formatter every call.
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new RangeError(`zone: not an IANA time zone: ${zone}`);
  return { year: Number(match[1]), month: Number(match[2]), tz };
}

/** Local midnight of a month's first day; luxon moves a midnight that a DST change skips forward. */
function firstInstantOf(year: number, month: number, tz: IANAZone): number {
  return DateTime.fromObject({ year, month, day: 1 }, { zone: tz }).toMillis();
}

/** The month's figures (I9); see the file comment and `collect` for every choice made. */
export function monthUptime(input: UptimeInput): MonthUptime {
  return figuresOf(input, analyse(input));
}

function figuresOf(input: UptimeInput, a: Analysis): MonthUptime {
  const totalMs = a.totalMs;
  const excludedMs = lengthOf(a.excluded);
  const downtimeMs = a.incidents.reduce((sum, i) => sum + i.downtimeMs, 0);
  const uptime = uptimeRatio(totalMs, excludedMs, downtimeMs);
  return {
    month: input.month,
    start: a.start,
    end: a.end,
    totalMs,
    excludedMs,
    downtimeMs,
    uptime,
    uptimePercent: formatPercent(uptime),
    countedOutageIds: a.countedOutageIds,
    qualifyingMaintenanceIds: a.qualifyingMaintenanceIds,
    incidents: a.incidents,
  };
}

/** The same figures per local day of the month, for the report's "uptime per day" chart. */
export function dailyUptime(input: UptimeInput): DayUptime[] {
  const a = analyse(input);
  const { year, month, tz } = parseMonth(input.month, input.zone);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Local midnights: 24 h after the previous one unless the UTC offset changed in between (a DST
  // day), which luxon then works out; the same shortcut as src/calendar/zone-days.ts.
  const bounds: number[] = [a.start];
  for (let day = 2; day <= days; day++) {
    const previous = bounds[bounds.length - 1]!;
    const guess = previous + DAY_MS;
    const sameOffset = tz.offset(guess) === tz.offset(previous);
    bounds.push(sameOffset ? guess : DateTime.fromObject({ year, month, day }, { zone: tz }).toMillis());
  }
  bounds.push(a.end);
  const dates = Array.from({ length: days }, (_, d) => `${input.month}-${String(d + 1).padStart(2, '0')}`);
  const excluded = perBucket(a.excluded, bounds);
  const down = perBucket(a.down, bounds);
  return dates.map((date, d) => {
    const totalMs = bounds[d + 1]! - bounds[d]!;
    return {
      date,
      totalMs,
      downtimeMs: down[d]!,
      excludedMs: excluded[d]!,
      uptimePercent: formatPercent(uptimeRatio(totalMs, excluded[d]!, down[d]!)),
    };
  });
}

/** I9: (T − E − D) / (T − E). A stretch wholly under qualifying maintenance had no time to be down: 100 %. */
function uptimeRatio(totalMs: number, excludedMs: number, downtimeMs: number): Ratio {
  const denominator = BigInt(totalMs - excludedMs);
  if (denominator === 0n) return { numerator: 1n, denominator: 1n };
  return { numerator: BigInt(totalMs - excludedMs - downtimeMs), denominator };
}

/**
 * 100 × ratio as a decimal string, truncated (toward zero; the ratio is never negative). Not
 * rounded: half-up showed 99.94995 % as "99.9500" beside its 25 % credit, and any downtime at
 * all as "100.0000". Truncated, the display of an uptime below a threshold of at most `decimals`
 * decimals is below it too, and one at or above it shows at or above it: "99.9500" always means
 * no credit, and "100.0000" no downtime.
 */
export function formatPercent(ratio: Ratio, decimals = UPTIME_DECIMALS): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = (100n * scale * ratio.numerator) / ratio.denominator;
  if (decimals === 0) return scaled.toString();
  return `${scaled / scale}.${(scaled % scale).toString().padStart(decimals, '0')}`;
}

/** What one record contributes to a month (the explanation of a customer's month, I9). */
export interface RecordShare {
  /** Its time in E (maintenance only; several windows may exclude the same instant). */
  excludedMs: number;
  /** Its counted time in force (I15) that is not its own exclusion. */
  downMs: number;
  /** Of downMs: the part inside E (another window's exclusion), hence not downtime. */
  underExclusionMs: number;
  /** Of downMs: the part in D that no other record counts too. */
  soleMs: number;
}

/**
 * The month's figures and each record's share of them, for the explanation of a customer's
 * month: whatever downMs − underExclusionMs − soleMs leaves is downtime another counted record
 * explains as well (I9: never counted twice). Costs one more sort and sweep than monthUptime.
 */
export function monthUptimeShares(input: UptimeInput): {
  uptime: MonthUptime;
  outages: RecordShare[];
  maintenance: RecordShare[];
} {
  const a = analyse(input);
  const n = input.outages.length + input.maintenance.length;
  const shares = Array.from({ length: n }, () => ({
    excludedMs: 0,
    downMs: 0,
    underExclusionMs: 0,
    soleMs: 0,
  }));
  const { excluded, down } = a.collected;
  excluded.owners.forEach(
    (owner, k) => (shares[owner]!.excludedMs += excluded.ends[k]! - excluded.starts[k]!),
  );
  // A sweep over the down intervals and E: where exactly one interval is open outside E, its
  // owner alone explains the downtime. The XOR of the open owners is that owner then.
  const events: [at: number, open: number, owner: number][] = [];
  down.owners.forEach((owner, k) => {
    const share = shares[owner]!;
    share.downMs += down.ends[k]! - down.starts[k]!;
    share.underExclusionMs += overlapWith(down.starts[k]!, down.ends[k]!, a.excluded);
    events.push([down.starts[k]!, 1, owner], [down.ends[k]!, -1, owner]);
  });
  for (const e of a.excluded) events.push([e.start, 1, -1], [e.end, -1, -1]);
  events.sort((x, y) => x[0] - y[0]);
  let open = 0;
  let excludedOpen = 0;
  let xor = 0;
  let at = a.start;
  for (const [t, delta, owner] of events) {
    if (t > at && open === 1 && excludedOpen === 0) shares[xor]!.soleMs += t - at;
    at = t;
    if (owner < 0) excludedOpen += delta;
    else {
      open += delta;
      xor ^= owner;
    }
  }
  const outageCount = input.outages.length;
  return {
    uptime: figuresOf(input, a),
    outages: shares.slice(0, outageCount),
    maintenance: shares.slice(outageCount),
  };
}

/** Milliseconds of [start, end) inside the disjoint sorted `spans`. */
function overlapWith(start: number, end: number, spans: Span[]): number {
  let sum = 0;
  for (let h = Math.max(0, lastStartingBy(spans, start)); h < spans.length && spans[h]!.start < end; h++) {
    sum += Math.max(0, Math.min(end, spans[h]!.end) - Math.max(start, spans[h]!.start));
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------

/**
 * Intervals as parallel arrays, with the record behind each: owner i < outages.length is
 * outages[i], the others are maintenance[owner − outages.length]. Records are numbered rather
 * than named until the output, so a month of 10,000 records allocates no strings.
 */
interface Intervals {
  starts: number[];
  ends: number[];
  owners: number[];
}

interface Analysis {
  start: number;
  end: number;
  /** T: the month's length in force (I15). */
  totalMs: number;
  collected: { excluded: Intervals; down: Intervals };
  /** E as sorted, disjoint, non-touching spans. */
  excluded: Span[];
  /** D as sorted, disjoint spans. */
  down: Span[];
  incidents: Incident[];
  countedOutageIds: string[];
  qualifyingMaintenanceIds: string[];
}

function analyse(input: UptimeInput): Analysis {
  const month = accountingMonth(input.month, input.zone);
  const collected = collect(input, month);
  const excluded = groupsOf(collected.excluded, month.start).spans;
  const { spans: groups, groupOf } = groupsOf(collected.down, month.start);
  const outageCount = input.outages.length;
  const idOf = (owner: number) =>
    owner < outageCount
      ? (input.outages[owner]!.id ?? `outages[${owner}]`)
      : (input.maintenance[owner - outageCount]!.id ?? `maintenance[${owner - outageCount}]`);

  // D = union(counted) − E (I9: overlaps never counted twice; E is never downtime). Groups are
  // swept in order, so the cursor into E only moves forward.
  const down: Span[] = [];
  const incidents: (Omit<Incident, 'outageIds' | 'maintenanceIds'> & { owners: number[] })[] = [];
  const incidentOfGroup = new Int32Array(groups.length).fill(-1);
  let cursor = 0;
  groups.forEach((group, g) => {
    while (cursor < excluded.length && excluded[cursor]!.end <= group.start) cursor++;
    const pieces = subtract(group, excluded, cursor);
    if (pieces.length === 0) return;
    incidentOfGroup[g] = incidents.length;
    down.push(...pieces);
    incidents.push({
      start: pieces[0]!.start,
      end: pieces[pieces.length - 1]!.end,
      downtimeMs: lengthOf(pieces),
      owners: [],
    });
  });

  // Who is behind each incident: every record with an interval in its group that E does not
  // wholly cover. Intervals come in record order, so each owner list is in input order.
  const counted = new Uint8Array(outageCount);
  const { starts, ends, owners } = collected.down;
  for (let k = 0; k < starts.length; k++) {
    const incident = incidents[incidentOfGroup[groupOf[k]!]!];
    if (!incident || coveredBy(starts[k]!, ends[k]!, excluded)) continue;
    const owner = owners[k]!;
    if (incident.owners[incident.owners.length - 1] === owner) continue;
    incident.owners.push(owner);
    if (owner < outageCount) counted[owner] = 1;
  }

  const countedOutageIds: string[] = [];
  for (let i = 0; i < outageCount; i++) if (counted[i]) countedOutageIds.push(idOf(i));
  return {
    ...month,
    totalMs: collected.totalMs,
    collected,
    excluded,
    down,
    incidents: incidents.map(({ start, end, downtimeMs, owners: behind }) => {
      const outageIds: string[] = [];
      const maintenanceIds: string[] = [];
      for (const owner of behind) (owner < outageCount ? outageIds : maintenanceIds).push(idOf(owner));
      return { start, end, downtimeMs, outageIds, maintenanceIds };
    }),
    countedOutageIds,
    qualifyingMaintenanceIds: [...new Set(collected.excluded.owners)].map(idOf),
  };
}

/**
 * Turns the records into excluded and downtime intervals clipped to the parts of the month in
 * force (I9, I15):
 * - Outages: only `unexpected` ones count; `partial` (C4: other members could use the system)
 *   and `external` (C3: outside the vendor's control) are recorded elsewhere, never counted.
 * - Maintenance (I9 as amended): its running time inside the customer's notice cover
 *   (noticeCover: notices that reached them in time, less what later notices withdrew) is
 *   excluded; the rest of its running time — an early start, an overrun, an extension announced
 *   late, a notice that never reached them — is downtime.
 * - Region (I9: an outage counts where it hits the customer's region; I15: the region in force
 *   at that instant): a record counts in a period only if it lists the period's region; a record
 *   listing no region affects every region.
 */
function collect(
  input: UptimeInput,
  month: { start: number; end: number },
): { excluded: Intervals; down: Intervals; totalMs: number } {
  if (!Number.isFinite(input.noticeHours) || input.noticeHours < 0) {
    throw new RangeError(`noticeHours: expected a non-negative number, got ${input.noticeHours}`);
  }
  const periods = periodsIn(input, month);
  const excluded: Intervals = { starts: [], ends: [], owners: [] };
  const down: Intervals = { starts: [], ends: [], owners: [] };
  const push = (
    into: Intervals,
    start: number,
    end: number,
    owner: number,
    regions: readonly string[] | undefined,
  ) => {
    const anywhere = !regions || regions.length === 0;
    for (let k = 0; k < periods.length; k++) {
      const p = periods[k]!;
      if (!anywhere && p.region !== undefined && !regions.includes(p.region)) continue;
      const s = Math.max(start, p.start);
      const e = Math.min(end, p.end);
      if (e <= s) continue;
      into.starts.push(s);
      into.ends.push(e);
      into.owners.push(owner);
    }
  };

  const outages = input.outages;
  for (let i = 0; i < outages.length; i++) {
    const o = outages[i]!;
    checkSpan('outages', i, o.start, o.end, 'start', 'end');
    if (o.classification === 'unexpected') push(down, o.start, o.end, i, o.regions);
  }

  input.maintenance.forEach((m, i) => {
    checkSpan('maintenance', i, m.start, m.end, 'start', 'end');
    const ranFrom = m.actualStart ?? m.start;
    const ranTo = m.actualEnd ?? m.end;
    checkSpan('maintenance', i, ranFrom, ranTo, 'actualStart', 'actualEnd');
    checkNotices(m.notices, i);
    const owner = outages.length + i;
    let at = ranFrom;
    for (const c of noticeCover(m.notices, input.noticeHours)) {
      const s = Math.max(c.start, at);
      const e = Math.min(c.end, ranTo);
      if (e <= s) continue;
      push(down, at, s, owner, m.regions);
      push(excluded, s, e, owner, m.regions);
      at = e;
    }
    push(down, at, ranTo, owner, m.regions);
  });
  return { excluded, down, totalMs: periods.reduce((sum, p) => sum + (p.end - p.start), 0) };
}

/** The periods in force clipped to the month (I15), checked sorted and disjoint; absent: the month. */
function periodsIn(input: UptimeInput, month: { start: number; end: number }): Period[] {
  if (!input.periods) return [{ ...month, region: input.region }];
  const periods: Period[] = [];
  input.periods.forEach((p, i) => {
    checkSpan('periods', i, p.start, p.end, 'start', 'end');
    const previous = input.periods![i - 1];
    if (previous && p.start < previous.end) {
      throw new RangeError(`periods[${i}].start: must not be before periods[${i - 1}].end`);
    }
    const start = Math.max(p.start, month.start);
    const end = Math.min(p.end, month.end);
    if (end > start) periods.push({ start, end, region: p.region });
  });
  return periods;
}

function checkNotices(notices: readonly NoticeInput[], i: number): void {
  for (let k = 0; k < notices.length; k++) {
    const { sentAt, window } = notices[k]!;
    if (sentAt !== null && !Number.isSafeInteger(sentAt)) {
      throw new RangeError(`maintenance[${i}].notices[${k}].sentAt: expected epoch milliseconds or null`);
    }
    // The path is only spelled out for a bad window: this runs for every window of the month.
    if (
      window &&
      !(Number.isSafeInteger(window.start) && Number.isSafeInteger(window.end) && window.end >= window.start)
    ) {
      checkSpan(`maintenance[${i}].notices`, k, window.start, window.end, 'start', 'end');
    }
  }
}

function checkSpan(list: string, i: number, start: number, end: number, from: string, to: string) {
  if (!Number.isSafeInteger(start))
    throw new RangeError(`${list}[${i}].${from}: expected epoch milliseconds`);
  if (!Number.isSafeInteger(end)) throw new RangeError(`${list}[${i}].${to}: expected epoch milliseconds`);
  if (end < start) throw new RangeError(`${list}[${i}].${to}: must not be before ${from}`);
}

/** Interval indices fit in the low 21 bits of a sort key (see `startOrder`). */
const INDEX_SPAN = 2 ** 21;

/**
 * The union as connected groups (touching intervals join), sorted and disjoint, and the group of
 * each interval: one pass in start order, extending the current group while intervals overlap it.
 */
function groupsOf(intervals: Intervals, monthStart: number): { spans: Span[]; groupOf: Int32Array } {
  const { starts, ends } = intervals;
  const spans: Span[] = [];
  const groupOf = new Int32Array(starts.length);
  let current: Span | undefined;
  for (const k of startOrder(starts, monthStart)) {
    const start = starts[k]!;
    const end = ends[k]!;
    if (current && start <= current.end) {
      if (end > current.end) current.end = end;
    } else {
      current = { start, end };
      spans.push(current);
    }
    groupOf[k] = spans.length - 1;
  }
  return { spans, groupOf };
}

/**
 * Interval indices in order of start. Each key packs the start (ms into the month, < 2^32: the
 * intervals are clipped to it) above the index (< 2^21), so the key is an exact double below
 * 2^53 and one native numeric sort of a typed array orders them — several times faster than
 * sorting objects with a comparator.
 */
function startOrder(starts: number[], monthStart: number): Uint32Array {
  const n = starts.length;
  if (n >= INDEX_SPAN) {
    throw new RangeError(`too many intervals in one month: ${n} (at most ${INDEX_SPAN - 1})`);
  }
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = (starts[k]! - monthStart) * INDEX_SPAN + k;
  keys.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % INDEX_SPAN;
  return order;
}

/** `span` minus the disjoint sorted `holes`, starting the scan at `from`. */
function subtract(span: Span, holes: Span[], from: number): Span[] {
  const pieces: Span[] = [];
  let at = span.start;
  for (let h = from; h < holes.length && holes[h]!.start < span.end; h++) {
    const hole = holes[h]!;
    if (hole.start > at) pieces.push({ start: at, end: hole.start });
    if (hole.end > at) at = hole.end;
  }
  if (span.end > at) pieces.push({ start: at, end: span.end });
  return pieces;
}

/** Index of the last of the sorted `spans` starting at or before `t` (−1 if none). */
function lastStartingBy(spans: Span[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.start <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Whether one of the disjoint, non-touching sorted `spans` wholly covers [start, end). */
function coveredBy(start: number, end: number, spans: Span[]): boolean {
  const candidate = spans[lastStartingBy(spans, start)];
  return candidate !== undefined && candidate.end >= end;
}

/** Milliseconds of the disjoint sorted `spans` that fall in each [bounds[d], bounds[d + 1]). */
function perBucket(spans: Span[], bounds: number[]): number[] {
  const sums = new Array<number>(bounds.length - 1).fill(0);
  let d = 0;
  for (const s of spans) {
    while (d < sums.length && bounds[d + 1]! <= s.start) d++;
    for (let k = d; k < sums.length && bounds[k]! < s.end; k++) {
      sums[k]! += Math.min(s.end, bounds[k + 1]!) - Math.max(s.start, bounds[k]!);
    }
  }
  return sums;
}

function lengthOf(spans: Span[]): number {
  return spans.reduce((sum, s) => sum + (s.end - s.start), 0);
}
