/**
 * A token bucket per caller (a bearer token, or an address when there is none): `burst`
 * requests at once, refilled at `perSecond`. Buckets idle long enough to be full again are
 * forgotten, so callers that come and go do not grow the map without bound.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token: 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.limit.burst / this.limit.perSecond) * 1000;
    if (now - this.lastSweep < Math.max(fullAfterMs, 1000)) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(key);
  }
}
