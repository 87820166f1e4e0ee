import { describe, expect, it } from 'vitest';
import { jsonDeeperThan } from '../src/limits/nesting-guard.js';

/** `levels` objects or arrays nested in one another around a number. */
function nested(levels: number, kind: 'object' | 'array' | 'mixed'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) {
    const array = kind === 'array' || (kind === 'mixed' && i % 2 === 1);
    value = array ? [0, value] : { a: 0, b: value };
  }
  return value;
}

describe('jsonDeeperThan', () => {
  it('counts each object and array as one level, at the exact bound', () => {
    for (const kind of ['object', 'array', 'mixed'] as const) {
      expect(jsonDeeperThan(nested(32, kind), 32)).toBe(false);
      expect(jsonDeeperThan(nested(33, kind), 32)).toBe(true);
    }
  });

  it('finds the one deep branch among wide shallow ones, and passes scalars and null', () => {
    const wide = Array.from({ length: 1000 }, (_, i) => ({ backend: `b${i}`, metadata: { x: [1, { y: null }] } }));
    expect(jsonDeeperThan(wide, 5)).toBe(false);
    expect(jsonDeeperThan(wide, 4)).toBe(true);
    wide[500] = { backend: 'deep', metadata: nested(10, 'mixed') as never };
    expect(jsonDeeperThan(wide, 11)).toBe(true);
    expect(jsonDeeperThan(wide, 12)).toBe(false);
    for (const scalar of [null, undefined, 1, 'x', true]) expect(jsonDeeperThan(scalar, 0)).toBe(false);
    expect(jsonDeeperThan({}, 0)).toBe(true);
  });

  it('reads own properties only, as Object.values does', () => {
    const inherited = Object.create({ deep: nested(5, 'object') }) as Record<string, unknown>;
    inherited.own = 1;
    expect(jsonDeeperThan(inherited, 1)).toBe(false);
  });
});
