import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/index.js';

describe('uuidv7', () => {
  it('makes version-7 ids that sort in the order they were made, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_800_000_000_000 + Math.floor(i / 1000)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries the millisecond time stamp in its first 48 bits', () => {
    const ms = 1_893_456_000_123;
    const id = uuidv7(ms);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBeGreaterThanOrEqual(ms);
    const later = uuidv7(ms + 10_000);
    expect(Number.parseInt(later.replaceAll('-', '').slice(0, 12), 16)).toBe(ms + 10_000);
  });

  it('never goes backwards when the clock does', () => {
    const a = uuidv7(1_900_000_000_000);
    const b = uuidv7(1_899_999_999_000);
    expect(b > a).toBe(true);
  });
});
