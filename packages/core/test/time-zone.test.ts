import { describe, expect, it } from 'vitest';
import { assertTimeZone, fixedOffsetMs, wallClockAt } from '../src/index.js';
import { billingMonth } from '../src/pricing/index.js';

// One zone check for the whole product (tracker periods, billing months, API, CLI): IANA names in any case
// and fixed offsets, each with one canonical spelling.

describe('assertTimeZone', () => {
  it('accepts fixed offsets in the forms Temporal takes and spells them ±HH:MM', () => {
    expect(assertTimeZone('+05:30')).toBe('+05:30');
    expect(assertTimeZone('+0530')).toBe('+05:30');
    expect(assertTimeZone('-08')).toBe('-08:00');
    expect(assertTimeZone('-00:00')).toBe('+00:00');
    expect(assertTimeZone('+23:59')).toBe('+23:59');
    expect(fixedOffsetMs('-03:30')).toBe(-(3 * 60 + 30) * 60_000);
    expect(fixedOffsetMs('Europe/Berlin')).toBeUndefined();
  });

  it('refuses offsets out of range or with seconds, and look-alikes, as INVALID_TIMEZONE naming the field', () => {
    for (const bad of ['+24:00', '+05:60', '+05:30:00', '+5', '+5:30', 'Z', 'z', '+', '05:30', '−05:00']) {
      expect(() => assertTimeZone(bad, 'plan.timezone'), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_TIMEZONE', field: 'plan.timezone' }),
      );
    }
  });

  it('accepts every zone Intl lists, links as written, and names in any case', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) expect(assertTimeZone(zone)).toBe(zone);
    expect(assertTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(assertTimeZone('US/Eastern')).toBe('US/Eastern');
    expect(assertTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(assertTimeZone('utc')).toBe('UTC');
    for (const bad of ['Mars/Olympus', '', ' UTC', 'UTC ', 'x'.repeat(65), 5, null]) {
      expect(() => assertTimeZone(bad)).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
    }
  });

  it('a fixed offset is a zone like any other: wall clocks and billing months', () => {
    const t = Date.UTC(2026, 2, 31, 20, 0, 0, 123);
    expect(wallClockAt(t, '+05:30')).toBe(Date.UTC(2026, 3, 1, 1, 30, 0));
    // No DST in Kolkata: its months and those of +05:30 are the same instants.
    expect(billingMonth(t, '+0530')).toEqual(billingMonth(t, 'Asia/Kolkata'));
    const m = billingMonth(t, '-08:00');
    expect([m.start, m.end]).toEqual([Date.UTC(2026, 2, 1, 8), Date.UTC(2026, 3, 1, 8)]);
  });
});
