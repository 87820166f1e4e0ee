import { MINUTE_MS } from '../rollup/grains.js';

const HOUR_MS = 3_600_000;

/**
 * The marks a range ending at the clock is cut at, finest first. Each coarser one divides the next; the
 * finest bounds what is read every time (see totalsPieces). A second: at 1M events a day the two slivers
 * hold ~12 raw events, against ~700 for a minute, and the pieces between a second mark and the next
 * minute mark change once a second, so they are read once per second and kept in between.
 */
const MARKS = [1_000, 10_000, MINUTE_MS, HOUR_MS] as const;

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
 * millisecond, so it is cut at marks (MARKS): whole hours in the middle, the same for an hour; whole minutes
 * on either side of them, the same for a minute; whole ten seconds and whole seconds outside those; each kept
 * between commits as a fixed range's totals are. Only the slivers before the first second mark and after the
 * last are read every time: raw events of one second in all, as both ends of a `hoursBack` range lie the same
 * distance past a second mark.
 * Sums, counts and extremes of disjoint parts combine to those of their union, so the parts answer exactly
 * what the whole range does.
 */
export function totalsPieces(range: { from: number; to: number }, fixed: boolean): TotalsPiece[] {
  const { from, to } = range;
  if (fixed) return [{ from, to, keep: true }];
  // The marks inside the range at each size, as long as a whole block of that size fits: the older edge's
  // marks rise and the newer edge's fall as the size grows, so the pieces between them are disjoint.
  const older = [from];
  const newer = [to];
  for (const size of MARKS) {
    const first = ceilTo(from, size);
    const last = floorTo(to, size);
    if (first >= last) break;
    older.push(first);
    newer.push(last);
  }
  if (older.length === 1) return [{ from, to, keep: false }];
  const pieces: TotalsPiece[] = [];
  for (let i = 0; i + 1 < older.length; i++) pieces.push({ from: older[i]!, to: older[i + 1]!, keep: i > 0 });
  pieces.push({ from: older.at(-1)!, to: newer.at(-1)!, keep: true });
  for (let i = newer.length - 1; i > 0; i--) pieces.push({ from: newer[i]!, to: newer[i - 1]!, keep: i > 1 });
  return pieces.filter((p) => p.from < p.to);
}
