import { performance } from 'node:perf_hooks';

/** Middle value of a sample (mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Percentile by linear interpolation between closest ranks; 50 is the median. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export const nowMs = (): number => performance.now();

/** Times one async call in milliseconds. */
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = nowMs();
  await fn();
  return nowMs() - start;
}

/** Times one sync call in milliseconds. */
export function timeSync(fn: () => unknown): number {
  const start = nowMs();
  fn();
  return nowMs() - start;
}

/** "12.3×" style ratio text, with sensible precision for both tiny and huge ratios. */
export function ratio(value: number, baseline: number): string {
  const r = value / baseline;
  if (!Number.isFinite(r)) return 'n/a';
  return `${fmt(r)}×`;
}

/** Number with 3 significant digits, thousands separated. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  if (abs === 0) return '0';
  return x.toPrecision(3);
}

/** Mebibytes, one decimal. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
