import type { Granularity } from './types';
import { DATE_TIME_FORMAT, zonedLocalToIso } from './zoned-time';

/** The ranges the backend page offers; each picks a granularity that gives a readable number of buckets. */
export const RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000, granularity: 'MINUTE' },
  '24h': { label: 'Last 24 hours', ms: 86_400_000, granularity: 'HOUR' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'HOUR' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'DAY' },
  '90d': { label: 'Last 90 days', ms: 90 * 86_400_000, granularity: 'WEEK' },
} as const satisfies Record<string, { label: string; ms: number; granularity: Granularity }>;

export type RangeKey = keyof typeof RANGES;

const UNIT_MS: Record<Granularity, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 86_400_000,
  MONTH: 86_400_000,
};

/**
 * The half-open range ending at the next minute boundary after `now`, its start aligned to the granularity.
 * @example rangeFor('24h') // { from: '…T10:00:00.000Z', to: '…T10:01:00.000Z', granularity: 'HOUR' }
 */
export function rangeFor(key: RangeKey, now = Date.now()): { from: string; to: string; granularity: Granularity } {
  const { ms, granularity } = RANGES[key];
  const to = Math.ceil((now + 1) / 60_000) * 60_000;
  const unit = UNIT_MS[granularity];
  const from = Math.floor((to - ms) / unit) * unit;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), granularity };
}

/** Narrows a search parameter to a known range key. @example parseRangeKey('7d') // '7d' */
export function parseRangeKey(value: string | undefined, fallback: RangeKey = '24h'): RangeKey {
  return value !== undefined && value in RANGES ? (value as RangeKey) : fallback;
}

/** Longest custom range the backend page draws (the API's bucket limits keep every granularity readable). */
const MAX_CUSTOM_MS = 5 * 366 * 86_400_000;

/**
 * The granularity that gives a readable number of buckets for a span: minutes up to 3 hours, hours up to
 * 8 days, days up to 120 days, weeks up to 2 years, months beyond.
 * @example granularityFor(86_400_000) // 'HOUR'
 */
export function granularityFor(spanMs: number): Granularity {
  if (spanMs <= 3 * 3_600_000) return 'MINUTE';
  if (spanMs <= 8 * 86_400_000) return 'HOUR';
  if (spanMs <= 120 * 86_400_000) return 'DAY';
  if (spanMs <= 2 * 366 * 86_400_000) return 'WEEK';
  return 'MONTH';
}

export type CustomRange = { from: string; to: string; granularity: Granularity } | { error: string };

/**
 * A custom range from two date fields ("YYYY-MM-DD HH:mm", 24-hour), read as wall times in `timeZone`;
 * an error (and no range) when either is missing or not a time, when `to` is not after `from`, or when the
 * span is longer than five years.
 * @example customRange('2026-12-01 00:00', '2026-12-03 00:00', 'Asia/Kolkata') // { from: '2026-11-30T18:30:00.000Z', to: '2026-12-02T18:30:00.000Z', granularity: 'HOUR' }
 */
export function customRange(from: string | undefined, to: string | undefined, timeZone: string): CustomRange {
  const start = zonedLocalToIso(from, timeZone);
  const end = zonedLocalToIso(to, timeZone);
  if (!start || !end) return { error: `Enter both dates of the custom range as ${DATE_TIME_FORMAT} (24-hour).` };
  const span = Date.parse(end) - Date.parse(start);
  if (span <= 0) return { error: 'The custom range must end after it starts.' };
  if (span > MAX_CUSTOM_MS) return { error: 'The custom range can be at most five years long.' };
  return { from: start, to: end, granularity: granularityFor(span) };
}

/** The `at` search parameter (an instant to view the period holding it) as ISO, or undefined when absent or not a date. */
export function parseAt(param: string | undefined): string | undefined {
  return param && !Number.isNaN(Date.parse(param)) ? new Date(param).toISOString() : undefined;
}
