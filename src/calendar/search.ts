/** Binary searches over sorted numeric arrays (instants, cumulative minutes). */
type Sorted = ArrayLike<number>;

/** First index whose value is greater than x (values.length when none). */
export function upperBound(values: Sorted, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is greater than or equal to x (values.length when none). */
export function lowerBound(values: Sorted, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
