import { describe, expect, it } from 'vitest';
import { formatInstant } from '../src/lib/format';
import { DATE_TIME_PATTERN, isoToZonedLocal, zonedLocalToIso } from '../src/lib/zoned-time';

describe('the one 24-hour date format', () => {
  it('shows an instant as YYYY-MM-DD HH:mm on the zone’s wall clock, afternoons past 12', () => {
    expect(isoToZonedLocal('2026-12-03T09:45:00.000Z', 'Asia/Kolkata')).toBe('2026-12-03 15:15');
    expect(isoToZonedLocal('2026-12-03T22:05:09.000Z', 'America/New_York', true)).toBe('2026-12-03 17:05:09');
    expect(formatInstant('2026-11-27T13:05:00Z', 'Europe/Berlin')).toBe('2026-11-27 14:05');
  });

  it('reads a typed wall time back in the zone (and the T of older links), round trip included', () => {
    expect(zonedLocalToIso('2026-12-03 10:00', 'Asia/Kolkata')).toBe('2026-12-03T04:30:00.000Z');
    expect(zonedLocalToIso('2026-12-03T10:00', 'Asia/Kolkata')).toBe('2026-12-03T04:30:00.000Z');
    expect(zonedLocalToIso('2026-07-01 23:59', 'America/New_York')).toBe('2026-07-02T03:59:00.000Z');
    const iso = '2026-03-29T01:30:00.000Z'; // Berlin's DST change morning
    expect(zonedLocalToIso(isoToZonedLocal(iso, 'Europe/Berlin'), 'Europe/Berlin')).toBe(iso);
  });

  it('refuses what is not a real time instead of rolling it into another day', () => {
    for (const bad of [
      '2026-02-30 10:00',
      '2026-12-03 24:00',
      '2026-13-01 00:00',
      '2026-12-03 10:60',
      '3 Dec 10:00',
      '',
    ]) {
      expect(zonedLocalToIso(bad, 'UTC'), bad).toBeUndefined();
    }
  });

  it('gives the browser a pattern that takes exactly the 24-hour form', () => {
    const field = new RegExp(`^(?:${DATE_TIME_PATTERN})$`, 'v');
    expect(field.test('2026-12-03 23:59')).toBe(true);
    expect(field.test('2026-12-03 00:00')).toBe(true);
    for (const bad of ['2026-12-03 24:00', '2026-12-03T10:00', '2026-12-03 9:00', '12/03/2026 10:00 PM']) {
      expect(field.test(bad), bad).toBe(false);
    }
  });
});
