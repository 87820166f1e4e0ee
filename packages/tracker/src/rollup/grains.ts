/**
 * Rollup grains: UTC-aligned bucket sizes, each dividing the next. 15 minutes is the finest any IANA zone
 * needs for its hour, day, week and month boundaries (every offset in use is a multiple of 15 minutes);
 * minutes serve minute series, rolling windows and live bandwidth. "Grain" is the rollup word; "level"
 * is kept for a backend's storage level (its column in `rollups` is still named `level`: frozen schema).
 */
export const GRAINS = [
  { code: 1, size: 60_000 },
  { code: 2, size: 900_000 },
  { code: 3, size: 3_600_000 },
  { code: 4, size: 86_400_000 },
] as const;

/** Not a rollup: the part is served by raw events. */
export const RAW_GRAIN = 0;
export const MINUTE_GRAIN = 1;
export const MINUTE_MS = 60_000;
export const QUARTER_MS = 900_000;

/** A piece of a range served by one source: raw events (RAW_GRAIN) or the rollups of one grain. */
export interface CoverPart {
  grain: number;
  from: number;
  to: number;
}

export interface Resolution {
  /** Raw events are complete for ts >= rawFrom (older ones may have been pruned). */
  rawFrom: number;
  /** Minute rollups are complete for buckets >= minuteFrom. */
  minuteFrom: number;
}

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;
const ceilTo = (t: number, size: number) => Math.ceil(t / size) * size;

/**
 * Where data is no longer kept at full resolution, moves a range edge down to the finest resolution still
 * available: the millisecond inside the raw retention, the minute inside the minute-rollup retention (or
 * the raw retention, where that is longer), else the quarter hour. Calendar periods in any zone are
 * quarter-hour aligned and so always exact.
 */
export function snapEdge(t: number, res: Resolution): number {
  let snapped = t;
  if (snapped % MINUTE_MS !== 0 && floorTo(snapped, MINUTE_MS) < res.rawFrom) snapped = floorTo(snapped, MINUTE_MS);
  const quarter = floorTo(snapped, QUARTER_MS);
  // Raw events kept longer than minute rollups still serve the sub-quarter edge (see aggregateRanges).
  if (snapped % QUARTER_MS !== 0 && quarter < res.minuteFrom && quarter < res.rawFrom) snapped = quarter;
  return snapped;
}

/**
 * Splits [from, to) into the fewest pieces served by the coarsest grain that fits: raw events for the
 * sub-minute edges, then minutes, quarters, hours, and whole UTC days in the middle. Edges must already be
 * snapped (snapEdge) so that every piece has data.
 */
export function cover(from: number, to: number): CoverPart[] {
  const parts: CoverPart[] = [];
  if (from >= to) return parts;
  let lo = from;
  let hi = to;
  let fine: number = RAW_GRAIN;
  for (const grain of GRAINS) {
    const l = ceilTo(lo, grain.size);
    const h = floorTo(hi, grain.size);
    if (l >= h) {
      parts.push({ grain: fine, from: lo, to: hi });
      return parts;
    }
    if (lo < l) parts.push({ grain: fine, from: lo, to: l });
    if (h < hi) parts.push({ grain: fine, from: h, to: hi });
    lo = l;
    hi = h;
    fine = grain.code;
  }
  parts.push({ grain: fine, from: lo, to: hi });
  return parts;
}

/** Bucket size of a grain code, in ms (1 for raw events). */
export function grainSize(code: number): number {
  return GRAINS.find((g) => g.code === code)?.size ?? 1;
}
