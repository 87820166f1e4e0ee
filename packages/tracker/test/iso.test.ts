import { describe, expect, it } from 'vitest';
import { toIso } from '../src/time/zone.js';

// toIso formats by arithmetic within a day; it must give Date#toISOString's string for every instant.
describe('toIso', () => {
  it('equals Date#toISOString for random instants, in and out of order, and at day edges', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const day = 86_400_000;
    const instants: number[] = [0, -1, day - 1, day, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001];
    let t = Date.UTC(2026, 9, 25);
    for (let i = 0; i < 50_000; i++) {
      // Mostly forward in small steps (as pages and exports go), sometimes a jump anywhere from 1970 to 2100.
      t = random() < 0.01 ? Math.floor(random() * 4_102_444_800_000) : t + Math.floor(random() * 90_000);
      instants.push(t, t - Math.floor(random() * 3 * day));
    }
    for (const ms of instants) expect(toIso(ms)).toBe(new Date(ms).toISOString());
  });
});
