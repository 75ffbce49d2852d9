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
