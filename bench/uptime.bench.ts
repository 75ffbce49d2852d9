/**
 * Uptime benchmark (C1, I9): monthUptime for March 2026 (the DST month) with 10,000 outage
 * records and 40 maintenance windows, beside a naive per-minute bitmap of the same month
 * (test/helpers/uptime-bitmap.ts) on the same inputs in the same run. Both must give the same
 * excluded time and downtime, or the bench fails. Timings are per month computed, p50 and p99
 * over repeated runs (target: ≤ 50 ms).
 *
 * The bitmap's cost grows with the minutes the records cover and needs minute-aligned input; ours
 * grows with the number of records (sort + sweep) and is exact to the millisecond.
 */
import { loadPolicy } from '../src/policy';
import {
  accountingMonth,
  monthUptime,
  type MaintenanceInput,
  type OutageInput,
  type UptimeInput,
} from '../src/rules/uptime';
import { announcedOnce } from '../test/helpers/notices';
import { bitmapUptime } from '../test/helpers/uptime-bitmap';
import { seededRandom, type BenchResult } from './util';

const OUTAGES = 10_000;
const WINDOWS = 40;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const REGIONS = ['ca-east', 'ca-west', 'eu-west'];

export async function uptimeBench(): Promise<BenchResult[]> {
  const input = monthOfRecords();
  const ours = timings(() => monthUptime(input), 200);
  const naive = timings(() => bitmapUptime(input), 50);

  const a = monthUptime(input);
  const b = bitmapUptime(input);
  if (a.downtimeMs !== b.downtimeMs || a.excludedMs !== b.excludedMs) {
    throw new Error(
      `uptime: monthUptime and the bitmap disagree: D ${a.downtimeMs} vs ${b.downtimeMs}, ` +
        `E ${a.excludedMs} vs ${b.excludedMs}`,
    );
  }
  const ratio = naive.p50 / ours.p50;
  console.log(
    `uptime: ${OUTAGES} outages + ${WINDOWS} windows in ${input.month} (${input.region}): ` +
      `D ${a.downtimeMs} ms, E ${a.excludedMs} ms, ${a.incidents.length} incidents, uptime ${a.uptimePercent} % — ` +
      'same D and E as the bitmap',
  );
  console.log(
    `uptime: monthUptime p50 ${ms(ours.p50)}, p99 ${ms(ours.p99)}, CPU ${ms(ours.cpu)}/run (target ≤ 50 ms)`,
  );
  console.log(
    `uptime: per-minute bitmap p50 ${ms(naive.p50)}, p99 ${ms(naive.p99)}, CPU ${ms(naive.cpu)}/run`,
  );
  console.log(`uptime: bitmap ÷ monthUptime at p50: ${ratio.toFixed(2)}`);
  return [
    { name: `uptime: monthUptime p50, ${OUTAGES} outages`, opsPerSecond: ours.p50 * 1000, unit: 'µs' },
    {
      name: `uptime: monthUptime p99, ${OUTAGES} outages`,
      opsPerSecond: ours.p99 * 1000,
      unit: 'µs',
      target: '≤ 50 ms',
      met: ours.p99 <= 50,
    },
    { name: 'uptime: per-minute bitmap p50, same month', opsPerSecond: naive.p50 * 1000, unit: 'µs' },
    { name: 'uptime: bitmap ÷ monthUptime (p50)', opsPerSecond: ratio, unit: 'ratio' },
  ];
}

/**
 * A busy month: outages from a day before to a day after the month (so some cross its bounds),
 * mostly minutes long with a tail of hours, most of them unexpected, in one to three regions;
 * maintenance with and without 24 h notice, some overrunning, some ending early.
 */
function monthOfRecords(): UptimeInput {
  const { policy } = loadPolicy({});
  const random = seededRandom(20260308);
  const { start, end } = accountingMonth('2026-03', policy.month.timeZone);
  const minuteIn = (from: number, to: number) =>
    from + Math.floor((random() * (to - from)) / MINUTE) * MINUTE;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  const outages: OutageInput[] = Array.from({ length: OUTAGES }, (_, i) => {
    const from = minuteIn(start - 24 * HOUR, end + 24 * HOUR);
    const minutes = random() < 0.9 ? 1 + Math.floor(random() * 15) : 15 + Math.floor(random() * 105);
    return {
      id: `o-${i}`,
      start: from,
      end: from + minutes * MINUTE,
      classification: pick(['unexpected', 'unexpected', 'unexpected', 'partial', 'external'] as const),
      regions: REGIONS.filter(() => random() < 0.5),
    };
  });
  const maintenance: MaintenanceInput[] = Array.from({ length: WINDOWS }, (_, i) => {
    const from = minuteIn(start, end);
    const to = from + (1 + Math.floor(random() * 4)) * HOUR;
    const notice = pick([48 * HOUR, 24 * HOUR, 24 * HOUR - MINUTE, 2 * HOUR]);
    const drift = pick([0, 0, 30 * MINUTE, -30 * MINUTE]);
    return announcedOnce(from, to, random() < 0.1 ? null : from - notice, {
      id: `m-${i}`,
      actualEnd: drift ? to + drift : null,
      regions: random() < 0.5 ? [] : [pick(REGIONS)],
    });
  });
  return {
    month: '2026-03',
    zone: policy.month.timeZone,
    noticeHours: policy.maintenanceNoticeHours,
    region: 'ca-east',
    outages,
    maintenance,
  };
}

/**
 * Wall-clock milliseconds per run after a warm-up (median and 99th percentile), and the mean CPU
 * time per run, which a machine busy with other processes inflates much less than wall time.
 */
function timings(run: () => unknown, runs: number): { p50: number; p99: number; cpu: number } {
  for (let i = 0; i < 5; i++) run();
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const cpuUsed = process.cpuUsage(cpuBefore);
  samples.sort((x, y) => x - y);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), cpu: (cpuUsed.user + cpuUsed.system) / 1000 / runs };
}

function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}
