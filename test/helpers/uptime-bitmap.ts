/**
 * A deliberately naive uptime (I9) over a per-minute bitmap of the month: every minute of every
 * record is marked one by one, and each maintenance minute is classified on its own (inside the
 * announced window or not). It shares no interval arithmetic with src/rules/uptime.ts, so it
 * serves as the oracle of the property tests and as the peer of bench/uptime.bench.ts.
 * Only for minute-aligned instants.
 */
import { accountingMonth, type UptimeInput } from '../../src/rules/uptime';

const MINUTE_MS = 60_000;

export function bitmapUptime(input: UptimeInput): {
  totalMs: number;
  excludedMs: number;
  downtimeMs: number;
} {
  const { start, end } = accountingMonth(input.month, input.zone);
  const minutes = (end - start) / MINUTE_MS;
  const excluded = new Uint8Array(minutes);
  const down = new Uint8Array(minutes);
  const slot = (t: number) => {
    if ((t - start) % MINUTE_MS !== 0) throw new Error(`not minute-aligned: ${new Date(t).toISOString()}`);
    return (t - start) / MINUTE_MS;
  };
  const inMonth = (t: number) => t >= start && t < end;
  const affects = (regions: readonly string[] | undefined) =>
    input.region === undefined || !regions?.length || regions.includes(input.region);

  for (const o of input.outages) {
    if (o.classification !== 'unexpected' || !affects(o.regions)) continue;
    for (let t = o.start; t < o.end; t += MINUTE_MS) if (inMonth(t)) down[slot(t)] = 1;
  }
  const noticeMs = input.noticeHours * 3_600_000;
  for (const m of input.maintenance) {
    if (!affects(m.regions)) continue;
    const qualifies = m.announcedAt !== null && m.start - m.announcedAt >= noticeMs;
    for (let t = m.actualStart ?? m.start; t < (m.actualEnd ?? m.end); t += MINUTE_MS) {
      if (!inMonth(t)) continue;
      if (qualifies && t >= m.start && t < m.end) excluded[slot(t)] = 1;
      else down[slot(t)] = 1;
    }
  }
  let excludedMinutes = 0;
  let downMinutes = 0;
  for (let i = 0; i < minutes; i++) {
    if (excluded[i]) excludedMinutes++;
    else if (down[i]) downMinutes++;
  }
  return {
    totalMs: end - start,
    excludedMs: excludedMinutes * MINUTE_MS,
    downtimeMs: downMinutes * MINUTE_MS,
  };
}
