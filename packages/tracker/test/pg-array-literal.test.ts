import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pgArrayParameter } from '../src/db/pg-array-literal.js';

// The literal pgArrayParameter builds must be read by the server exactly as the array `pg` would have
// encoded itself: both go to one real PostgreSQL in the same statement and their text forms are compared.

/** Text that array syntax gives a meaning to, blanks, the word NULL, and characters beyond ASCII. */
const AWKWARD = [
  '',
  'NULL',
  'null',
  ' ',
  ' padded ',
  '\t\n\r',
  '"',
  '\\',
  '\\"',
  '"\\',
  'a"b\\c',
  '{',
  '}',
  '{}',
  '{a,b}',
  '{"x":"}"}',
  ',',
  'comma, here',
  "it's",
  'ключ ✓ 😀',
  'e\u0301',
  'NaN',
];

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
});
afterAll(() => client.end());

/** The server's text of `values` as an array of `type`, sent as pgArrayParameter's literal and as pg's own. */
async function bothWays(type: string, values: unknown[]): Promise<{ literal: string; pgOwn: string }> {
  const { rows } = await client.query<{ literal: string; pg_own: string }>(
    `select $1::${type}[]::text as literal, $2::${type}[]::text as pg_own`,
    [pgArrayParameter(type, values), values],
  );
  return { literal: rows[0]!.literal, pgOwn: rows[0]!.pg_own };
}

describe('pgArrayParameter', () => {
  it('writes integer columns bare and nulls as NULL', () => {
    expect(pgArrayParameter('bigint', [1, null, -3, undefined, 2n ** 63n - 1n])).toBe(
      '{1,NULL,-3,NULL,9223372036854775807}',
    );
    expect(pgArrayParameter('smallint', [])).toBe('{}');
    expect(pgArrayParameter('text', ['a,b', null, 'NULL', ''])).toBe('{"a,b",NULL,"NULL",""}');
  });

  it('leaves other types and values to pg', () => {
    const keys = [Buffer.from([1, 2]), null];
    expect(pgArrayParameter('bytea', keys)).toBe(keys);
    const flags = [1, true];
    expect(pgArrayParameter('smallint', flags)).toBe(flags);
    const mixed = ['a', 1];
    expect(pgArrayParameter('text', mixed)).toBe(mixed);
  });

  it('is read by the server as pg’s own encoding: awkward text, one at a time and all together', async () => {
    for (const text of AWKWARD) {
      const { literal, pgOwn } = await bothWays('text', [text, null, text]);
      expect(literal, JSON.stringify(text)).toBe(pgOwn);
    }
    const { rows } = await client.query<{ a: (string | null)[] }>('select $1::text[] as a', [
      pgArrayParameter('text', [...AWKWARD, null]),
    ]);
    expect(rows[0]!.a).toEqual([...AWKWARD, null]);
  });

  it('is read by the server as pg’s own encoding: exact integers at the edges', async () => {
    const edges = [0, -0, 1, -1, 32767, -32768, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, null];
    const bigints = [2n ** 63n - 1n, -(2n ** 63n), 0n, null];
    const big = await bothWays('bigint', [...edges, ...bigints]);
    expect(big.literal).toBe(big.pgOwn);
    const small = await bothWays('smallint', [32767, -32768, 0, null]);
    expect(small.literal).toBe(small.pgOwn);
    expect(small.literal).toBe('{32767,-32768,0,NULL}');
  });

  it('is read by the server as pg’s own encoding: any text (property)', async () => {
    // NUL is the one character PostgreSQL text cannot hold, either way.
    const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
    const mixed = fc.string({
      unit: fc.constantFrom('"', '\\', ',', '{', '}', ' ', 'N', 'U', 'L', 'a', 'é'),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.oneof(text, mixed), { freq: 5 }), { maxLength: 20 }), async (values) => {
        const { literal, pgOwn } = await bothWays('text', values);
        expect(literal).toBe(pgOwn);
      }),
      { numRuns: 300 },
    );
  });
});
