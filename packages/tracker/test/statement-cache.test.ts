import Database from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { expect, it, vi } from 'vitest';
import { exec, SqliteRunner, STATEMENT_CACHE_SIZE } from '../src/db/runner.js';

// The SQLite runner keeps compiled statements by text, least recently used evicted: a long-running process
// meets ever more insert texts (column subsets times row counts), and its hot statements must stay compiled.

it('keeps a hot statement compiled after more distinct texts than the cache holds, and evicts cold ones', async () => {
  const sqlite = new Database(':memory:');
  try {
    const prepare = vi.spyOn(sqlite, 'prepare');
    const runner = new SqliteRunner(sqlite);
    const hot = CompiledQuery.raw('select ? as v', [1]);
    const preparedHot = () => prepare.mock.calls.filter(([text]) => text === hot.sql).length;
    const texts = STATEMENT_CACHE_SIZE * 3;
    const cold = (i: number) => CompiledQuery.raw(`select ${i} as v`) as CompiledQuery<{ v: number }>;
    // The cache is full before the hot statement is first seen (a process that ran a while).
    for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) await runner.read(() => exec(cold(i)));
    for (let i = STATEMENT_CACHE_SIZE; i < texts; i++) {
      const [row] = await runner.read(function* () {
        yield* exec(hot);
        return yield* exec(cold(i));
      });
      expect(row!.v).toBe(i);
    }
    expect(preparedHot()).toBe(1);
    // A cold text of the start was evicted (prepared again); the newest is still kept.
    const before = prepare.mock.calls.length;
    await runner.read(function* () {
      yield* exec(CompiledQuery.raw(`select ${texts - 1} as v`));
    });
    expect(prepare.mock.calls.length).toBe(before);
    await runner.read(function* () {
      yield* exec(CompiledQuery.raw('select 0 as v'));
    });
    expect(prepare.mock.calls.length).toBe(before + 1);
  } finally {
    sqlite.close();
  }
});
