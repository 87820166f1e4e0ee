import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodRange } from '../src/time/zone.js';
import type { Period } from '../src/types.js';
import { periodBounds } from './support/zone-reference.js';

const HOUR = 3_600_000;
const ZONES = ['UTC', 'America/New_York', 'America/Santiago', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu'];
const PERIODS: Period[] = ['day', 'week', 'month'];
// Around DST changes and local midnights, where a remembered range must stop being reused.
const HOTSPOTS = [
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 3, 5, 3),
  Date.UTC(2026, 8, 6, 4),
  Date.UTC(2025, 11, 31, 18, 15),
  Date.UTC(2026, 0, 31, 18, 30),
];
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2026, 11, 31) }),
  fc.tuple(fc.constantFrom(...HOTSPOTS), fc.integer({ min: -40 * HOUR, max: 40 * HOUR })).map(([h, d]) => h + d),
);

describe('periodRange (the last range per period and zone remembered)', () => {
  it('equals the independent reference for any sequence of instants, periods and zones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(instant, fc.constantFrom(...PERIODS), fc.constantFrom(...ZONES)), {
          minLength: 1,
          maxLength: 40,
        }),
        (asks) => {
          for (const [ms, period, zone] of asks) {
            // Each instant twice (the second answer comes from what the first remembered), then the edges:
            // the next period's first instant and the last instant before this one.
            const bounds = periodBounds(ms, period, zone);
            for (const at of [ms, ms, bounds.end, ms, bounds.start - 1, bounds.start]) {
              const { start, end } = periodBounds(at, period, zone);
              expect(periodRange(at, period, zone)).toEqual({ from: start, to: end });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hands out a fresh object each call, so a caller changing it changes nothing remembered', () => {
    const at = Date.UTC(2026, 4, 10, 12);
    const first = periodRange(at, 'month', 'Asia/Kolkata');
    first.from = 0;
    expect(periodRange(at, 'month', 'Asia/Kolkata').from).toBe(Date.UTC(2026, 3, 30, 18, 30));
  });
});
