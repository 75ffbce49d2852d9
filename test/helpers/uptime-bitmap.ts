/**
 * A deliberately naive uptime (I9) over a per-minute bitmap of the month: every minute of every
 * record is marked one by one, and each maintenance minute is classified on its own (covered by
 * the customer's notices or not), each minute in the period in force with its region (I15). It shares no interval arithmetic with src/rules/uptime.ts, so it
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
  // I15: the period in force at t (absent: the whole month in input.region).
  const wholeMonth = { region: input.region };
  const inForce = (t: number) =>
    input.periods ? input.periods.find((p) => t >= p.start && t < p.end) : wholeMonth;
  const affects = (regions: readonly string[] | undefined, t: number) => {
    const period = inForce(t);
    return (
      period !== undefined &&
      (period.region === undefined || !regions?.length || regions.includes(period.region))
    );
  };

  for (const o of input.outages) {
    if (o.classification !== 'unexpected') continue;
    for (let t = o.start; t < o.end; t += MINUTE_MS)
      if (inMonth(t) && affects(o.regions, t)) down[slot(t)] = 1;
  }
  const noticeMs = input.noticeHours * 3_600_000;
  // I9 as amended, read literally for one minute: some notice reached the customer in time for
  // the window it announced, that window holds t, and so does every later notice's.
  const excludes = (notices: UptimeInput['maintenance'][number]['notices'], t: number) =>
    notices.some(
      (n, i) =>
        n.sentAt !== null &&
        n.window !== null &&
        n.window.start - n.sentAt >= noticeMs &&
        notices
          .slice(i)
          .every((later) => later.window !== null && t >= later.window.start && t < later.window.end),
    );
  for (const m of input.maintenance) {
    for (let t = m.actualStart ?? m.start; t < (m.actualEnd ?? m.end); t += MINUTE_MS) {
      if (!inMonth(t) || !affects(m.regions, t)) continue;
      if (excludes(m.notices, t)) excluded[slot(t)] = 1;
      else down[slot(t)] = 1;
    }
  }
  let totalMinutes = 0;
  let excludedMinutes = 0;
  let downMinutes = 0;
  for (let i = 0; i < minutes; i++) {
    if (inForce(start + i * MINUTE_MS)) totalMinutes++;
    if (excluded[i]) excludedMinutes++;
    else if (down[i]) downMinutes++;
  }
  return {
    totalMs: totalMinutes * MINUTE_MS,
    excludedMs: excludedMinutes * MINUTE_MS,
    downtimeMs: downMinutes * MINUTE_MS,
  };
}
