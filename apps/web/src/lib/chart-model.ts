// What a chart draws, built on the server from the API's buckets and handed to the browser as plain data
// (a client component's props must be serialisable, so units are named, not passed as functions).
// Nothing here re-buckets: every bucket is one the API returned, with the start it returned.

import { formatBytes, formatCalls, formatCount, formatDollars, formatMbps } from '@bytemeter/core';
import { bucketEnd, niceTicks } from './chart-scale';
import type { Granularity, ResourceType } from './types';

export type ChartUnit = 'BYTES' | 'CALLS' | 'DOLLARS' | 'MBPS';

/** One API bucket: its start as returned (ISO with the zone's offset), and its start/end in epoch ms. */
export interface ChartBucket {
  t: string;
  start: number;
  /** The bucket's end, cut at the range's end (the current bucket reaches past "now"). */
  end: number;
  /** The bucket is still filling: its full end is after the moment the page was drawn. */
  partial: boolean;
}

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour (`--up`), so dark mode changes it with the page. */
  color: string;
  /** One value per bucket, in the bucket order; 0 where the API had no bucket for this series. */
  values: number[];
}

export interface ChartModel {
  /** The range asked of the API, as sent. */
  range: { from: string; to: string };
  /** Bars per bucket, a level line (value at each bucket's end), or bars stacked by series. */
  kind: 'bar' | 'line' | 'stacked';
  unit: ChartUnit;
  granularity: Granularity;
  timeZone: string;
  /** The x axis in epoch ms: the requested range, widened to the first bucket's start if it begins earlier. */
  xMin: number;
  xMax: number;
  buckets: ChartBucket[];
  series: ChartSeries[];
  /** Only for `line`: the level at xMin, the line's first vertex. */
  startLevel?: number;
}

/** The unit of a resource's amounts. @example unitOf('OPERATION_COST') // 'DOLLARS' */
export function unitOf(resourceType: ResourceType): ChartUnit {
  if (resourceType === 'API_CALLS') return 'CALLS';
  if (resourceType === 'OPERATION_COST') return 'DOLLARS';
  return 'BYTES';
}

/**
 * The buckets at the given starts (as the API returned them, in its order), each with its end and whether it
 * is still filling at `now`.
 * @example chartBuckets(['2026-12-03T00:00:00+05:30'], 'DAY', range, Date.now())
 */
export function chartBuckets(
  starts: readonly string[],
  granularity: Granularity,
  range: { from: string; to: string },
  now: number,
): ChartBucket[] {
  const to = Date.parse(range.to);
  return starts.map((t) => {
    const fullEnd = bucketEnd(t, granularity);
    return { t, start: Date.parse(t), end: Math.min(fullEnd, to), partial: fullEnd > now };
  });
}

function xBounds(buckets: ChartBucket[], range: { from: string; to: string }): { xMin: number; xMax: number } {
  return { xMin: Math.min(Date.parse(range.from), ...buckets.map((b) => b.start)), xMax: Date.parse(range.to) };
}

interface Common {
  range: { from: string; to: string };
  granularity: Granularity;
  timeZone: string;
  now: number;
}

/**
 * One series of bars (or a level line): exactly one bucket per API point.
 * @example barModel({ points: [{ t, v: 1024 }], label: 'Uploaded', color: '--up', unit: 'BYTES', range, granularity: 'HOUR', timeZone: 'UTC', now })
 */
export function barModel(
  args: Common & {
    points: readonly { t: string; v: number }[];
    label: string;
    color: string;
    unit: ChartUnit;
    kind?: 'bar' | 'line';
    startLevel?: number;
  },
): ChartModel {
  const buckets = chartBuckets(
    args.points.map((p) => p.t),
    args.granularity,
    args.range,
    args.now,
  );
  return {
    range: args.range,
    kind: args.kind ?? 'bar',
    unit: args.unit,
    granularity: args.granularity,
    timeZone: args.timeZone,
    ...xBounds(buckets, args.range),
    buckets,
    series: [{ label: args.label, color: args.color, values: args.points.map((p) => p.v) }],
    ...(args.startLevel === undefined ? {} : { startLevel: args.startLevel }),
  };
}

/** One colour per backend in a stacked chart (overview trend, Cost page days), largest first; the last is "Other". */
export const BACKEND_COLORS: readonly string[] = ['--s1', '--s2', '--s3', '--s4', '--s5', '--s6'];

/**
 * Bars stacked by backend from a timeSeries answer without a backend filter (one point per bucket and
 * backend). The buckets are the API's distinct bucket starts in time order; a backend without a point in a
 * bucket has 0 there (the API leaves empty buckets out). Backends are ordered largest total first, so the
 * biggest sits at the bottom; at most `colors.length` backends get their own colour, the rest share the last
 * series ("Other"), which adds amounts of the same API bucket and never merges buckets.
 * @example stackedModel({ points: series, colors: ['--s1', '--s2'], unit: 'BYTES', range, granularity: 'DAY', timeZone, now })
 */
export function stackedModel(
  args: Common & {
    points: readonly { bucketStart: string; backend: string; totalAmount: number }[];
    colors: readonly string[];
    unit: ChartUnit;
  },
): ChartModel {
  const starts = [...new Set(args.points.map((p) => p.bucketStart))].sort((a, b) => Date.parse(a) - Date.parse(b));
  const index = new Map(starts.map((t, i) => [t, i]));
  const totals = new Map<string, number>();
  for (const p of args.points) totals.set(p.backend, (totals.get(p.backend) ?? 0) + p.totalAmount);
  const backends = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const own = backends.length > args.colors.length ? args.colors.length - 1 : backends.length;
  const series: ChartSeries[] = backends.slice(0, own).map((backend, i) => ({
    label: backend,
    color: args.colors[i]!,
    values: starts.map(() => 0),
  }));
  if (own < backends.length) {
    series.push({ label: `Other (${backends.length - own})`, color: args.colors[own]!, values: starts.map(() => 0) });
  }
  const seriesOf = new Map(backends.map((b, i) => [b, series[Math.min(i, own)]!]));
  for (const p of args.points) seriesOf.get(p.backend)!.values[index.get(p.bucketStart)!]! += p.totalAmount;
  const buckets = chartBuckets(starts, args.granularity, args.range, args.now);
  return {
    range: args.range,
    kind: 'stacked',
    unit: args.unit,
    granularity: args.granularity,
    timeZone: args.timeZone,
    ...xBounds(buckets, args.range),
    buckets,
    series,
  };
}

/**
 * The running sums a stacked bar chart draws: row i is the top of series i (series 0 at the bottom).
 * @example stackTops([[1, 2], [3, 4]]) // [[1, 2], [4, 6]]
 */
export function stackTops(values: readonly (readonly number[])[]): number[][] {
  const tops: number[][] = [];
  values.forEach((row, i) => {
    tops.push(row.map((v, j) => v + (i === 0 ? 0 : tops[i - 1]![j]!)));
  });
  return tops;
}

/**
 * The index of the bucket that holds instant `x` (start ≤ x < end), or -1 between or outside buckets.
 * @example bucketAt([{ start: 0, end: 10 }], 5) // 0
 */
export function bucketAt(buckets: readonly { start: number; end: number }[], x: number): number {
  return buckets.findIndex((b) => b.start <= x && x < b.end);
}

const KIB = 1024;

/**
 * Gridline values for the y axis, in round steps of the unit: bytes in binary steps (0, 256 KiB, 512 KiB… or
 * 0, 2 MiB, 4 MiB…), calls in whole numbers, others in 1-2-5 steps. Bars grow from zero; a level (`fromZero`
 * false) gets a scale around its own movement, so a change of 1% is visible.
 * @example axisTicks('BYTES', 0, 900 * 1024, true) // [0, 500 * 1024, 1000 * 1024]
 */
export function axisTicks(unit: ChartUnit, min: number, max: number, fromZero: boolean): number[] {
  const lo = fromZero ? Math.min(0, min) : min;
  const hi = fromZero ? Math.max(0, max) : max;
  if (unit !== 'BYTES') {
    const ticks = niceTicks(lo, hi);
    // Fractions of a call do not exist: a range of 0–3 calls is drawn 0, 1, 2, 3.
    return unit === 'CALLS' ? ticks.filter((t) => Number.isInteger(t)) : ticks;
  }
  const size = Math.max(Math.abs(lo), Math.abs(hi), Math.abs(hi - lo));
  // The binary unit of the spread (KiB, MiB…), so steps are round in the unit the labels show.
  const power = size < KIB ? 0 : Math.floor(Math.log(size) / Math.log(KIB));
  const scale = KIB ** power;
  const ticks = niceTicks(lo / scale, hi / scale).map((t) => t * scale);
  return power === 0 ? ticks.filter((t) => Number.isInteger(t)) : ticks;
}

/** Drops a formatter's trailing ".00" where an axis label has no use for it. */
const short = (s: string) => s.replace(/\.00(?= |$)/, '').replace(/(\.\d)0(?= |$)/, '$1');

/**
 * An axis label in the unit, via @bytemeter/core's formatters (binary units for bytes).
 * @example axisLabel('BYTES', 512 * 1024) // '512 KiB'
 */
export function axisLabel(unit: ChartUnit, v: number): string {
  if (unit === 'BYTES') return short(formatBytes(v));
  if (unit === 'CALLS') return formatCount(v);
  if (unit === 'MBPS') return short(formatMbps(v));
  return formatDollars(v);
}

/**
 * The exact value for a tooltip: the formatted amount and, where that rounds, the integer the API sent.
 * @example exactValue('BYTES', 1262) // '1.23 KiB (1,262 B)'
 * @example exactValue('DOLLARS', 1_234_567) // '$1.23 ($1.234567)'
 */
export function exactValue(unit: ChartUnit, v: number): string {
  if (unit === 'BYTES') return Math.abs(v) < KIB ? formatBytes(v) : `${formatBytes(v)} (${formatCount(v)} B)`;
  if (unit === 'CALLS') return formatCalls(v);
  if (unit === 'MBPS') return formatMbps(v);
  const dollars = formatDollars(v);
  // Integer arithmetic on the micros, so the exact form never goes through a float.
  const abs = Math.abs(v);
  const micros = String(abs % 1_000_000)
    .padStart(6, '0')
    .replace(/(\d\d\d*?)0*$/, '$1');
  const full = `${v < 0 ? '-' : ''}$${formatCount(Math.floor(abs / 1_000_000))}.${micros}`;
  return dollars === full || abs < 10_000 ? dollars : `${dollars} (${full})`;
}
