import { MINUTE_MS } from '../rollup/grains.js';

const HOUR_MS = 3_600_000;

/** A part of a drill-down range whose totals are read on their own, and whether they may be kept between reads. */
export interface TotalsPiece {
  from: number;
  to: number;
  keep: boolean;
}

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;
const ceilTo = (t: number, size: number) => Math.ceil(t / size) * size;

/**
 * The disjoint parts, covering [from, to) end to end, a page's totals are summed from. A fixed range (the
 * same for every call of its query) is one part, kept whole. A range ending at the clock moves every
 * millisecond, so it is cut at bucket marks: whole hours in the middle, the same for an hour; whole minutes
 * on either side of them, the same for a minute; each kept between commits as a fixed range's totals are.
 * Only the slivers before the first minute mark and after the last are read every time: raw events of one
 * minute in all, as both ends of a `hoursBack` range lie the same distance past a minute mark.
 * Sums, counts and extremes of disjoint parts combine to those of their union, so the parts answer exactly
 * what the whole range does.
 */
export function totalsPieces(range: { from: number; to: number }, fixed: boolean): TotalsPiece[] {
  const { from, to } = range;
  if (fixed) return [{ from, to, keep: true }];
  const firstMinute = ceilTo(from, MINUTE_MS);
  const lastMinute = floorTo(to, MINUTE_MS);
  if (firstMinute >= lastMinute) return [{ from, to, keep: false }];
  const firstHour = ceilTo(from, HOUR_MS);
  const lastHour = floorTo(to, HOUR_MS);
  const cuts: TotalsPiece[] =
    firstHour < lastHour
      ? [
          { from, to: firstMinute, keep: false },
          { from: firstMinute, to: firstHour, keep: true },
          { from: firstHour, to: lastHour, keep: true },
          { from: lastHour, to: lastMinute, keep: true },
          { from: lastMinute, to, keep: false },
        ]
      : [
          { from, to: firstMinute, keep: false },
          { from: firstMinute, to: lastMinute, keep: true },
          { from: lastMinute, to, keep: false },
        ];
  return cuts.filter((p) => p.from < p.to);
}
