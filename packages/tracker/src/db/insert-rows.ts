import { CompiledQuery, type Kysely } from 'kysely';
import { exec, type Plan } from './runner.js';
import type { Database } from './schema.js';

/** Rows per multi-row statement, powers of two so only a handful of statement texts are ever compiled. */
const ROW_CHUNKS = [256, 64, 16, 4, 1];

const statementCache = new WeakMap<Kysely<Database>, Map<string, string>>();

/**
 * Multi-row INSERT with the SQL text compiled once per (table, row count) and reused with new parameters:
 * compiling a 256-row statement per flush would cost more than running it. Each row lists its values in
 * the order of `columns`; `suffix` is appended to the statement (an ON CONFLICT clause, maybe RETURNING),
 * and the rows the statements return are returned, in order.
 * @example yield* insertRows(db, 'events', ['ts', 'backend_id'], [[1, 2]], '')
 */
export function* insertRows(
  db: Kysely<Database>,
  table: 'events' | 'rollups' | 'event_keys',
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix: string,
): Plan<Record<string, unknown>[]> {
  const returned: Record<string, unknown>[] = [];
  const cache = statementCache.get(db) ?? new Map<string, string>();
  statementCache.set(db, cache);
  let offset = 0;
  while (offset < rows.length) {
    const left = rows.length - offset;
    const n = ROW_CHUNKS.find((size) => size <= left)!;
    const cacheKey = `${table}(${columns.join()}):${n}:${suffix}`;
    let text = cache.get(cacheKey);
    if (!text) {
      const template = Object.fromEntries(columns.map((c) => [c, 0]));
      text =
        db
          .insertInto(table)
          .values(Array.from({ length: n }, () => template) as never)
          .compile().sql + suffix;
      cache.set(cacheKey, text);
    }
    const params: unknown[] = [];
    for (let i = offset; i < offset + n; i++) for (const value of rows[i]!) params.push(value);
    const out = yield* exec(CompiledQuery.raw(text, params));
    for (const row of out) returned.push(row as Record<string, unknown>);
    offset += n;
  }
  return returned;
}

/** Splits a list for `IN (…)` lists and multi-row statements that must stay under the parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
