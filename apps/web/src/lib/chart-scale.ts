import type { Granularity } from './types';

/** One API bucket on a chart: its start as returned, its value, and its start/end in epoch ms. */
export interface Bucket {
  t: string;
  v: number;
  start: number;
  end: number;
}

const STEP_MS: Record<Exclude<Granularity, 'MONTH'>, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
};

/**
 * A bucket's nominal length, for drawing widths only (a month as 30 days; a bucket's real end is bucketEnd).
 * @example nominalStepMs('HOUR') // 3_600_000
 */
export function nominalStepMs(granularity: Granularity): number {
  return granularity === 'MONTH' ? 30 * STEP_MS.DAY : STEP_MS[granularity];
}

/**
 * The end (epoch ms) of the API bucket that starts at `t` (ISO with the zone's offset, as the API returns
 * it): one step later on the wall clock of that offset, so a month is a calendar month. A day or week that
 * crosses a DST change is drawn an hour too wide or narrow; only the drawing uses this, never a value.
 * @example bucketEnd('2026-12-01T00:00:00+05:30', 'MONTH') // Date.parse('2027-01-01T00:00:00+05:30')
 */
export function bucketEnd(t: string, granularity: Granularity): number {
  const start = Date.parse(t);
  if (granularity !== 'MONTH') return start + STEP_MS[granularity];
  const offset = /([+-])(\d\d):(\d\d)$/.exec(t);
  const offsetMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  const local = new Date(start + offsetMs);
  local.setUTCMonth(local.getUTCMonth() + 1);
  return local.getTime() - offsetMs;
}

/**
 * Gridline values covering [min, max]: four or five steps of 1, 2 or 5 × 10^k, starting at or below min.
 * @example niceTicks(0, 930) // [0, 200, 400, 600, 800, 1000]
 */
export function niceTicks(min: number, max: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) {
    if (max === 0) return [0];
    const pad = Math.abs(max) * 0.1;
    return niceTicks(min - pad, max + pad);
  }
  const raw = (max - min) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < max + step; t += step) {
    ticks.push(Math.round(t * 1e6) / 1e6);
    if (t >= max) break;
  }
  return ticks;
}

/**
 * The live chart's y maximum: the next round value above the highest rate seen, never lower than before,
 * so the axis grows when traffic does and otherwise stays put.
 * @example liveScaleMax(10, [3.2, 12.5]) // 15
 */
export function liveScaleMax(current: number, rates: readonly number[]): number {
  const peak = Math.max(1, ...rates);
  return peak > current ? (niceTicks(0, peak).at(-1) ?? peak) : current;
}
