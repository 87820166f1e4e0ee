import { describe, expect, it } from 'vitest';
import {
  axisLabel,
  axisTicks,
  barModel,
  bucketAt,
  chartBuckets,
  exactValue,
  stackedModel,
  stackTops,
} from '../src/lib/chart-model';
import { liveScaleMax } from '../src/lib/chart-scale';

const HOUR = 3_600_000;
const KIB = 1024;

describe('chartBuckets', () => {
  const range = { from: '2026-12-02T18:30:00.000Z', to: '2026-12-03T10:01:00.000Z' };
  it('keeps every API start as sent, ends each bucket one step later, cut at the range end', () => {
    const buckets = chartBuckets(
      ['2026-12-03T00:00:00+05:30', '2026-12-03T15:00:00+05:30'],
      'HOUR',
      range,
      Date.parse('2026-12-03T10:00:30Z'),
    );
    expect(buckets.map((b) => b.t)).toEqual(['2026-12-03T00:00:00+05:30', '2026-12-03T15:00:00+05:30']);
    expect(buckets[0]).toMatchObject({
      start: Date.parse('2026-12-02T18:30:00Z'),
      end: Date.parse('2026-12-02T19:30:00Z'),
    });
    // 15:00 Kolkata is 09:30Z: its hour ends 10:30Z, after now (partial) and after the range end (cut there).
    expect(buckets[1]).toMatchObject({ end: Date.parse(range.to), partial: true });
    expect(buckets[0]!.partial).toBe(false);
  });

  it('ends a week bucket seven days on and a month bucket at the next calendar month in its offset', () => {
    const [week] = chartBuckets(['2026-11-30T00:00:00-05:00'], 'WEEK', { from: '2026-01-01', to: '2027-01-01' }, 0);
    expect(week!.end - week!.start).toBe(7 * 24 * HOUR);
    const [month] = chartBuckets(['2026-02-01T00:00:00+05:30'], 'MONTH', { from: '2026-01-01', to: '2027-01-01' }, 0);
    expect(new Date(month!.end).toISOString()).toBe('2026-02-28T18:30:00.000Z');
  });
});

describe('barModel', () => {
  it('has one bucket per API point and widens the x axis to a first bucket that starts before the range', () => {
    const model = barModel({
      points: [
        { t: '2026-11-30T00:00:00Z', v: 5 },
        { t: '2026-12-07T00:00:00Z', v: 7 },
      ],
      label: 'Uploaded',
      color: '--up',
      unit: 'BYTES',
      range: { from: '2026-12-01T10:00:00.000Z', to: '2026-12-10T00:00:00.000Z' },
      granularity: 'WEEK',
      timeZone: 'UTC',
      now: Date.parse('2026-12-09T00:00:00Z'),
    });
    expect(model.buckets).toHaveLength(2);
    expect(model.series[0]!.values).toEqual([5, 7]);
    expect(model.xMin).toBe(Date.parse('2026-11-30T00:00:00Z'));
    expect(model.xMax).toBe(Date.parse('2026-12-10T00:00:00Z'));
    expect(model.buckets.map((b) => b.partial)).toEqual([false, true]);
  });
});

describe('stackedModel', () => {
  const base = {
    unit: 'BYTES' as const,
    range: { from: '2026-12-01T00:00:00Z', to: '2026-12-04T00:00:00Z' },
    granularity: 'DAY' as const,
    timeZone: 'UTC',
    now: Date.parse('2026-12-05T00:00:00Z'),
  };
  it('lines every backend up on the API bucket starts, 0 where a backend has no point, largest first', () => {
    const model = stackedModel({
      ...base,
      colors: ['--s1', '--s2', '--s3'],
      points: [
        { bucketStart: '2026-12-02T00:00:00Z', backend: 'photos', totalAmount: 10 },
        { bucketStart: '2026-12-01T00:00:00Z', backend: 'docs', totalAmount: 3 },
        { bucketStart: '2026-12-02T00:00:00Z', backend: 'docs', totalAmount: 4 },
      ],
    });
    expect(model.buckets.map((b) => b.t)).toEqual(['2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z']);
    expect(model.series).toEqual([
      { label: 'photos', color: '--s1', values: [0, 10] },
      { label: 'docs', color: '--s2', values: [3, 4] },
    ]);
  });

  it('puts backends beyond the colours into one "Other" series, still per API bucket', () => {
    const model = stackedModel({
      ...base,
      colors: ['--s1', '--s2'],
      points: ['a', 'b', 'c'].flatMap((backend, i) => [
        { bucketStart: '2026-12-01T00:00:00Z', backend, totalAmount: 100 - i },
        { bucketStart: '2026-12-02T00:00:00Z', backend, totalAmount: 1 },
      ]),
    });
    expect(model.series.map((s) => s.label)).toEqual(['a', 'Other (2)']);
    expect(model.series[1]!.values).toEqual([99 + 98, 2]);
    expect(model.buckets).toHaveLength(2);
  });
});

describe('stackTops and bucketAt', () => {
  it('sums each series onto the ones below it', () => {
    expect(
      stackTops([
        [1, 2],
        [3, 4],
        [0, 1],
      ]),
    ).toEqual([
      [1, 2],
      [4, 6],
      [4, 7],
    ]);
  });
  it('finds the bucket holding an instant, half-open, and none in a gap', () => {
    const buckets = [
      { start: 0, end: 10 },
      { start: 20, end: 30 },
    ];
    expect(bucketAt(buckets, 0)).toBe(0);
    expect(bucketAt(buckets, 10)).toBe(-1);
    expect(bucketAt(buckets, 29.9)).toBe(1);
    expect(bucketAt(buckets, 35)).toBe(-1);
  });
});

describe('axisTicks', () => {
  it('steps bytes in round binary units from zero for bars', () => {
    expect(axisTicks('BYTES', 0, 900 * KIB, true)).toEqual([0, 500, 1000].map((k) => k * KIB));
    expect(axisTicks('BYTES', 0, 3.3 * KIB * KIB, true).map((v) => axisLabel('BYTES', v))).toEqual([
      '0 B',
      '1 MiB',
      '2 MiB',
      '3 MiB',
      '4 MiB',
    ]);
  });
  it('spans only the movement of a level, so a small change is visible', () => {
    const ticks = axisTicks('BYTES', 136.72 * KIB, 146.48 * KIB, false);
    expect(ticks[0]).toBeGreaterThan(100 * KIB);
    expect(ticks[0]).toBeLessThanOrEqual(136.72 * KIB);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(146.48 * KIB);
    expect(ticks.map((v) => axisLabel('BYTES', v))).toEqual(['135 KiB', '140 KiB', '145 KiB', '150 KiB']);
  });
  it('never draws a fraction of a call or of a byte', () => {
    expect(axisTicks('CALLS', 0, 3, true)).toEqual([0, 1, 2, 3]);
    expect(axisTicks('BYTES', 0, 3, true)).toEqual([0, 1, 2, 3]);
  });
});

describe('exactValue', () => {
  it('gives the integer the API sent where the unit rounds', () => {
    expect(exactValue('BYTES', 900)).toBe('900 B');
    expect(exactValue('BYTES', 1262)).toBe('1.23 KiB (1,262 B)');
    expect(exactValue('CALLS', 1)).toBe('1 call');
    expect(exactValue('DOLLARS', 1_234_567)).toBe('$1.23 ($1.234567)');
    expect(exactValue('DOLLARS', 1_230_000)).toBe('$1.23');
    expect(exactValue('DOLLARS', 2_500)).toBe('$0.0025');
    expect(exactValue('DOLLARS', 1_234_500_000_001)).toBe('$1,234,500.00 ($1,234,500.000001)');
  });
});

describe('liveScaleMax', () => {
  it('grows to the next round value and never shrinks', () => {
    expect(liveScaleMax(1, [3.2, 12.5])).toBe(15);
    expect(liveScaleMax(15, [0.4])).toBe(15);
    expect(liveScaleMax(15, [])).toBe(15);
  });
});
