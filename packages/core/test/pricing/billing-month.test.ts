import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { assertTimeZone, billingMonth, splitByMonth } from '../../src/pricing/index.js';
import { DAY, instant, zone } from './support.js';

const HOUR = 3_600_000;

/** The month holding `t` by Temporal (an independent implementation of the calendar). */
function temporalMonth(t: number, timeZone: string) {
  const first = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone).with({ day: 1 });
  const start = first.startOfDay();
  const end = first.toPlainDate().add({ months: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds;
  return { start: start.epochMilliseconds, end };
}

describe('billing months', () => {
  it('are calendar months in UTC by default arithmetic', () => {
    const m = billingMonth(Date.UTC(2026, 1, 14, 12), 'UTC');
    expect(m).toEqual({
      year: 2026,
      month: 2,
      start: Date.UTC(2026, 1, 1),
      end: Date.UTC(2026, 2, 1),
      lengthMs: 28 * DAY,
    });
    expect(billingMonth(Date.UTC(2028, 1, 29), 'UTC').lengthMs).toBe(29 * DAY);
  });

  it('follow DST: March in New York is an hour short, November an hour long', () => {
    const march = billingMonth(Date.UTC(2026, 2, 20), 'America/New_York');
    expect(march.start).toBe(Date.UTC(2026, 2, 1, 5)); // EST, UTC−5
    expect(march.end).toBe(Date.UTC(2026, 3, 1, 4)); // EDT, UTC−4
    expect(march.lengthMs).toBe(31 * DAY - HOUR);
    const november = billingMonth(Date.UTC(2026, 10, 20), 'America/New_York');
    expect(november.lengthMs).toBe(30 * DAY + HOUR);
    // Berlin moves its clocks on the last Sunday of March and October.
    expect(billingMonth(Date.UTC(2026, 2, 15), 'Europe/Berlin').lengthMs).toBe(31 * DAY - HOUR);
    expect(billingMonth(Date.UTC(2026, 9, 15), 'Europe/Berlin').lengthMs).toBe(31 * DAY + HOUR);
  });

  it('start after the gap when the 1st begins by springing forward at midnight (Cairo, August 2014)', () => {
    const m = billingMonth(Date.UTC(2014, 7, 10), 'Africa/Cairo');
    // 00:00 on 1 August 2014 did not exist in Cairo: clocks went from 23:59:59 (UTC+2) to 01:00 (UTC+3).
    expect(m.start).toBe(Date.UTC(2014, 6, 31, 22));
    expect(m.lengthMs).toBe(31 * DAY - HOUR);
  });

  it('hold instants at their local date near the edges', () => {
    // Kolkata is UTC+5:30: 18:29 UTC on 31 January is 23:59 there, a minute later it is February.
    const lastMinute = Date.UTC(2026, 0, 31, 18, 29);
    expect(billingMonth(lastMinute, 'Asia/Kolkata').month).toBe(1);
    expect(billingMonth(lastMinute + 60_000, 'Asia/Kolkata').month).toBe(2);
    expect(billingMonth(Date.UTC(2026, 1, 1, 3), 'America/Los_Angeles').month).toBe(1);
  });

  it('agree with Temporal for any instant in any IANA zone', () => {
    fc.assert(
      fc.property(instant(), zone(), (t, z) => {
        const m = billingMonth(t, z);
        const expected = temporalMonth(t, z);
        expect({ start: m.start, end: m.end }).toEqual(expected);
        expect(m.start <= t && t < m.end).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('split a range into month pieces that tile it', () => {
    fc.assert(
      fc.property(instant(), fc.integer({ min: 0, max: 400 * DAY }), zone(), (from, length, z) => {
        const pieces = splitByMonth(from, from + length, z);
        let t = from;
        for (const p of pieces) {
          expect(p.from).toBe(t);
          expect(p.month.start <= p.from && p.to <= p.month.end).toBe(true);
          t = p.to;
        }
        expect(t).toBe(length === 0 ? from : from + length);
      }),
      { numRuns: 100 },
    );
  });

  it('refuse unknown zones and instants outside 1970–9999 with typed errors', () => {
    expect(assertTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(assertTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(assertTimeZone('utc')).toBe('UTC');
    for (const bad of ['Mars/Olympus_Mons', '', ' UTC', 5]) {
      expect(() => assertTimeZone(bad)).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
    }
    expect(() => billingMonth(0, 'Nowhere/Land')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
    expect(() => billingMonth(-1, 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTAMP' }));
    expect(() => billingMonth(1.5, 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTAMP' }));
  });
});
