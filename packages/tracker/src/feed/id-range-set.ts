import type { IdRange } from './event-notify.js';

/**
 * The ranges sorted, with overlapping and touching ones joined.
 * @example mergeRanges([[5, 6], [1, 3], [4, 4]]) // [[1, 6]]
 */
export function mergeRanges(ranges: readonly IdRange[]): IdRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/**
 * The ids of `from` that are not in `minus`, as ranges in ascending order; `minus` must be merged
 * (mergeRanges), `from` may come in any order.
 * @example subtractRanges([[1, 10]], [[3, 4], [8, 20]]) // [[1, 2], [5, 7]]
 */
export function subtractRanges(from: readonly IdRange[], minus: readonly IdRange[]): IdRange[] {
  const out: IdRange[] = [];
  for (const [lo, hi] of mergeRanges(from)) {
    // The first range of `minus` that can overlap [lo, hi]: binary search on its end.
    let a = 0;
    let b = minus.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (minus[mid]![1] < lo) a = mid + 1;
      else b = mid;
    }
    let next = lo;
    for (let i = a; i < minus.length && minus[i]![0] <= hi && next <= hi; i++) {
      const [mlo, mhi] = minus[i]!;
      if (mlo > next) out.push([next, mlo - 1]);
      next = Math.max(next, mhi + 1);
    }
    if (next <= hi) out.push([next, hi]);
  }
  return out;
}

/**
 * The ids above `after` that are in none of `ranges` (merged), as ranges; the last one is open-ended
 * (ends at Number.MAX_SAFE_INTEGER).
 * @example holesAbove(2, [[5, 6], [9, 9]]) // [[3, 4], [7, 8], [10, Number.MAX_SAFE_INTEGER]]
 */
export function holesAbove(after: number, ranges: readonly IdRange[]): IdRange[] {
  const out: IdRange[] = [];
  let next = after + 1;
  for (const [lo, hi] of ranges) {
    if (hi < next) continue;
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  out.push([next, Number.MAX_SAFE_INTEGER]);
  return out;
}

/**
 * The first `count` ids of ascending, disjoint ranges.
 * @example firstIds([[1, 3], [7, 9]], 4) // [[1, 3], [7, 7]]
 */
export function firstIds(ranges: readonly IdRange[], count: number): IdRange[] {
  const out: IdRange[] = [];
  let left = count;
  for (const [lo, hi] of ranges) {
    if (left <= 0) break;
    const to = Math.min(hi, lo + left - 1);
    out.push([lo, to]);
    left -= to - lo + 1;
  }
  return out;
}
