import { describe, expect, it } from 'vitest';
import { customRange, granularityFor } from '../src/lib/ranges';

describe('customRange', () => {
  it('reads both bounds as wall times in the zone and picks a readable granularity', () => {
    expect(customRange('2026-12-01T00:00', '2026-12-03T00:00', 'Asia/Kolkata')).toEqual({
      from: '2026-11-30T18:30:00.000Z',
      to: '2026-12-02T18:30:00.000Z',
      granularity: 'HOUR',
    });
    expect(customRange('2026-11-01T00:00', '2026-12-01T00:00', 'America/New_York')).toEqual({
      from: '2026-11-01T04:00:00.000Z',
      to: '2026-12-01T05:00:00.000Z', // DST ended on 1 Nov: the offsets differ
      granularity: 'DAY',
    });
  });

  it('refuses a missing, malformed, reversed or too long range with a reason', () => {
    expect(customRange(undefined, '2026-12-03T00:00', 'UTC')).toHaveProperty('error');
    expect(customRange('yesterday', '2026-12-03T00:00', 'UTC')).toHaveProperty('error');
    expect(customRange('2026-12-03T00:00', '2026-12-03T00:00', 'UTC')).toEqual({
      error: 'The custom range must end after it starts.',
    });
    expect(customRange('2016-01-01T00:00', '2026-12-03T00:00', 'UTC')).toEqual({
      error: 'The custom range can be at most five years long.',
    });
  });
});

describe('granularityFor', () => {
  it('keeps the number of buckets readable', () => {
    expect(granularityFor(3_600_000)).toBe('MINUTE');
    expect(granularityFor(7 * 86_400_000)).toBe('HOUR');
    expect(granularityFor(90 * 86_400_000)).toBe('DAY');
    expect(granularityFor(365 * 86_400_000)).toBe('WEEK');
    expect(granularityFor(3 * 365 * 86_400_000)).toBe('MONTH');
  });
});
