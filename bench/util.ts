/** Small, honest timing helpers: warm up, repeat, report the median rate. */
export interface BenchResult {
  name: string;
  opsPerSecond: number;
  unit?: string;
  target?: string;
  met?: boolean;
}

/** Mulberry32: a seeded generator so every run measures the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function measure(
  name: string,
  opsPerRound: number,
  round: () => unknown,
  rounds: number,
): BenchResult {
  round(); // warm-up: JIT, caches
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    round();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(opsPerRound / seconds);
  }
  rates.sort((a, b) => a - b);
  return { name, opsPerSecond: rates[Math.floor(rates.length / 2)]! };
}

export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

/** Runs `task(i)` for i in [0, n) with `width` in flight; returns the elapsed seconds. */
export async function pool(n: number, width: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

/** Requests in flight when opening tickets or starting workflows. */
export const WIDTH = 32;

export const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
export const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const pcts = (xs: number[]) => {
  const s = sortNum(xs);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
};
export const fmt = (p: { p50: number; p95: number; p99: number }) =>
  `p50 ${Math.round(p.p50)} / p95 ${Math.round(p.p95)} / p99 ${Math.round(p.p99)} ms`;

export const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
