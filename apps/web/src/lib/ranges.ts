import type { Granularity } from './types';

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
