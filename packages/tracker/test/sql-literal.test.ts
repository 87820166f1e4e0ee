import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqlArray, sqlString } from '../src/db/sql-literal.js';
import { encodedKeyHex, encodeEventKey, eventKeyHex } from '../src/ids/event-key.js';

// PostgreSQL's ingest sends its values written into the statement text (db/pg-script.ts): each literal must
// read back on a real server exactly as the same value sent as a parameter.

const AWKWARD = [
  "it's",
  "''",
  '\\',
  "\\'",
  "a'b\\c",
  "E'x'",
  '{a,b}',
  '"q"',
  'NULL',
  '',
  ' ',
  'ключ ✓ 😀',
  '$$',
  '$1',
  ';commit;',
];

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
});
afterAll(() => client.end());

describe('sqlString and sqlArray', () => {
  it('read back as the parameter would, under either standard_conforming_strings', async () => {
    for (const setting of ['on', 'off']) {
      await client.query(`set standard_conforming_strings = ${setting}`);
      for (const text of AWKWARD) {
        const { rows } = await client.query(`select ${sqlString(text)}::text as lit, $1::text as param`, [text]);
        expect(rows[0].lit, `${setting} ${JSON.stringify(text)}`).toBe(rows[0].param);
      }
      const { rows } = await client.query(`select ${sqlArray('text', [...AWKWARD, null])} as a`);
      expect(rows[0].a).toEqual([...AWKWARD, null]);
    }
    await client.query('reset standard_conforming_strings');
  });

  it('reads back any text and exact integers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.string({ unit: 'grapheme' }), { nil: null }), { maxLength: 8 }),
        fc.array(fc.option(fc.maxSafeInteger(), { nil: null }), { maxLength: 8 }),
        async (texts, numbers) => {
          const { rows } = await client.query(
            `select ${sqlArray('text', texts)} as t, ${sqlArray('bigint', numbers)}::text[] as n`,
          );
          expect(rows[0].t).toEqual(texts);
          expect(rows[0].n).toEqual(numbers.map((n) => (n === null ? null : String(n))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses values a literal cannot carry', () => {
    expect(() => sqlArray('bytea', [Buffer.from([1])])).toThrow();
    expect(() => sqlArray('bigint', ['1'])).toThrow();
  });
});

describe('encodedKeyHex', () => {
  it('is the hex of the stored form of every kind of key', () => {
    const keys = [
      '0190f5a2-7c4e-7b3a-8f00-000000000001',
      '0190F5A2-7C4E-7B3A-8F00-000000000001',
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'order-17',
      '',
      'ключ',
    ];
    for (const key of keys) expect(encodedKeyHex(key), key).toBe(eventKeyHex(encodeEventKey(key)));
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string()), (key) => {
        expect(encodedKeyHex(key)).toBe(eventKeyHex(encodeEventKey(key)));
      }),
    );
  });
});
