import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../src/rfc3339.js';

const iso = (text: string, options?: { secondsOptional?: boolean }) =>
  parseRfc3339(text, options)?.toISOString() ?? null;

describe('parseRfc3339', () => {
  it('reads valid date-times with Z or an offset', () => {
    expect(iso('2026-11-30T23:59:59Z')).toBe('2026-11-30T23:59:59.000Z');
    expect(iso('2026-11-27T10:00:00+05:30')).toBe('2026-11-27T04:30:00.000Z');
    expect(iso('2026-11-27t10:00:00-01:00')).toBe('2026-11-27T11:00:00.000Z');
    expect(iso('2024-02-29T00:00:00z')).toBe('2024-02-29T00:00:00.000Z');
    expect(iso('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(iso('2026-01-01T00:00:00.07Z')).toBe('2026-01-01T00:00:00.070Z');
    expect(iso('2026-01-01T00:00:00.123456789Z')).toBe('2026-01-01T00:00:00.123Z');
    expect(iso('0099-01-01T00:00:00Z')).toBe('0099-01-01T00:00:00.000Z');
  });

  it('refuses days that do not exist instead of rolling them over', () => {
    expect(iso('2026-11-31T00:00:00Z')).toBeNull();
    expect(iso('2025-02-30T00:00:00Z')).toBeNull();
    expect(iso('2025-02-29T00:00:00Z')).toBeNull();
    expect(iso('1900-02-29T00:00:00Z')).toBeNull();
    expect(iso('2026-04-31T00:00:00Z')).toBeNull();
    expect(iso('2026-00-10T00:00:00Z')).toBeNull();
    expect(iso('2026-13-01T00:00:00Z')).toBeNull();
    expect(iso('2026-01-00T00:00:00Z')).toBeNull();
  });

  it('refuses times out of range (24:00:00, minute or second 60, offset hour 24)', () => {
    expect(iso('2026-11-27T24:00:00Z')).toBeNull();
    expect(iso('2026-11-27T23:60:00Z')).toBeNull();
    expect(iso('2026-11-27T23:59:60Z')).toBeNull();
    expect(iso('2026-11-27T10:00:00+24:00')).toBeNull();
    expect(iso('2026-11-27T10:00:00+05:60')).toBeNull();
  });

  it('refuses other shapes: no offset, date only, extra text, seconds missing unless allowed', () => {
    for (const text of [
      '2026-11-27T10:00:00',
      '2026-11-27',
      '2026-11-27 10:00:00Z',
      '2026-11-27T10:00:00Z ',
      '2026-11-27T10:00:00.Z',
      '2026-11-27T10:00:00.1234567890Z',
      '+002026-11-27T10:00:00Z',
      '1732701600000',
      '',
    ]) {
      expect(iso(text), text).toBeNull();
    }
    expect(iso('2026-11-27T10:00Z')).toBeNull();
    expect(iso('2026-11-27T10:00Z', { secondsOptional: true })).toBe('2026-11-27T10:00:00.000Z');
    expect(iso('2026-11-31T10:00Z', { secondsOptional: true })).toBeNull();
  });

  it('agrees with Date.parse on every valid instant it accepts', () => {
    // A day-by-day walk over four years (leap year included), at a time with an offset.
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const text = new Date(t).toISOString().replace('Z', '+02:15');
      expect(parseRfc3339(text)?.getTime()).toBe(Date.parse(text));
    }
  });
});
