import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import { pgArrayParameter } from './pg-array-literal.js';
import type { ScriptStatement } from './pg-script.js';
import { exec, type Plan } from './runner.js';
import type { Database } from './schema.js';
import { sqlArray } from './sql-literal.js';

/** Rows per multi-row statement, powers of two so only a handful of statement texts are ever compiled. */
const ROW_CHUNKS = [256, 64, 16, 4, 1];

const statementCache = new WeakMap<Kysely<Database>, Map<string, string>>();

/** Rows per PostgreSQL statement: one array per column, so the parameter count does not grow with the rows. */
const PG_ARRAY_ROWS = 5000;

/**
 * PostgreSQL type of every column insertRows writes (a column name means the same type in every table), for
 * the `unnest($n::type[])` arrays. A column missing here is a programming error, thrown at the first insert.
 */
const PG_COLUMN_TYPES: Readonly<Record<string, string>> = {
  id: 'bigint',
  event_id: 'bigint',
  ts: 'bigint',
  backend_id: 'bigint',
  resource: 'smallint',
  amount: 'bigint',
  success: 'smallint',
  duration_ms: 'bigint',
  operation_id: 'text',
  path: 'text',
  metadata: 'text',
  key: 'bytea',
  reported_level: 'bigint',
  api_class: 'smallint',
  level: 'smallint',
  bucket: 'bigint',
  total: 'bigint',
  count: 'bigint',
  failures: 'bigint',
  min: 'bigint',
  max: 'bigint',
  delta_time_lo: 'bigint',
  delta_time_hi: 'bigint',
};

/**
 * Multi-row INSERT with the SQL text compiled once per (table, columns bound, row count) and reused with new parameters:
 * compiling a 256-row statement per flush would cost more than running it. Each row lists its values in
 * the order of `columns`; `suffix` is appended to the statement (an ON CONFLICT clause, maybe RETURNING),
 * and the rows the statements return are returned, in order.
 * @example yield* insertRows(db, 'events', ['ts', 'backend_id'], [[1, 2]], '')
 */
export function* insertRows(
  db: Kysely<Database>,
  table: 'events' | 'rollups' | 'backend_totals' | 'event_keys',
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix: string,
): Plan<Record<string, unknown>[]> {
  const returned: Record<string, unknown>[] = [];
  const cache = statementCache.get(db) ?? new Map<string, string>();
  statementCache.set(db, cache);
  if (isPostgres(db)) {
    for (const part of chunks(rows, PG_ARRAY_ROWS)) {
      // Like SQLite's rows below: columns null in every row are left out (the server would otherwise parse
      // and unnest an array of NULLs per column for every 5,000 rows).
      const written = writtenColumns(columns, part);
      const names = written.map((c) => columns[c]!);
      const arrays = written.map((c) =>
        pgArrayParameter(
          PG_COLUMN_TYPES[columns[c]!] ?? '',
          part.map((row) => row[c] ?? null),
        ),
      );
      const out = yield* exec(CompiledQuery.raw(unnestInsert(cache, table, names, suffix), arrays));
      for (const row of out) returned.push(row as Record<string, unknown>);
    }
    return returned;
  }
  const written = writtenColumns(columns, rows);
  const names = written.map((c) => columns[c]!);
  const width = written.length;
  let offset = 0;
  while (offset < rows.length) {
    const left = rows.length - offset;
    const n = ROW_CHUNKS.find((size) => size <= left)!;
    const cacheKey = `${table}(${names.join()}):${n}:${suffix}`;
    let text = cache.get(cacheKey);
    if (!text) {
      const template = Object.fromEntries(names.map((c) => [c, 0]));
      text =
        db
          .insertInto(table)
          .values(Array.from({ length: n }, () => template) as never)
          .compile().sql + suffix;
      cache.set(cacheKey, text);
    }
    // Filled by index into an array of its final length.
    const params = new Array<unknown>(n * width);
    for (let i = 0; i < n; i++) {
      const row = rows[offset + i]!;
      for (let c = 0; c < width; c++) params[i * width + c] = row[written[c]!];
    }
    const out = yield* exec(CompiledQuery.raw(text, params));
    for (const row of out) returned.push(row as Record<string, unknown>);
    offset += n;
  }
  return returned;
}

/**
 * PostgreSQL, for a script (db/pg-script.ts): the statement insertRows would run for these rows, all rows in
 * one statement. Numbers only: its arrays written in as literals (a literal has no parameter limit). With a
 * text column (path, metadata, operation id: user text, which must not reach the server's logs through a
 * failed statement's text): a parameterised statement, one array parameter per column. Null when no rows.
 * @example unnestInsertStatement('rollups', ROLLUP_COLUMNS, rows, rollupUpsertSuffix(db))
 */
export function unnestInsertStatement(
  table: 'events' | 'rollups' | 'backend_totals' | 'event_keys',
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix: string,
): ScriptStatement | null {
  if (rows.length === 0) return null;
  const written = writtenColumns(columns, rows);
  const types = written.map((c) => {
    const type = PG_COLUMN_TYPES[columns[c]!];
    if (!type) throw new Error(`insertRows: no PostgreSQL type known for column ${columns[c]}`);
    return type;
  });
  const values = written.map((c) => {
    const column = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) column[r] = rows[r]![c] ?? null;
    return column;
  });
  const names = written.map((c) => columns[c]!);
  if (types.some((type) => !INTEGER_TYPES.has(type))) {
    return {
      sql: unnestInsertSql(table, names, types, suffix),
      parameters: values.map((column, i) => pgArrayParameter(types[i]!, column)),
    };
  }
  const arrays = values.map((column, i) => sqlArray(types[i]!, column));
  return `insert into ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) select * from unnest(${arrays.join(', ')})${suffix}`;
}

/** Column types whose values are numbers we store, never user text: safe to write into a statement's text. */
const INTEGER_TYPES: ReadonlySet<string> = new Set(['bigint', 'smallint', 'integer']);

/**
 * Columns that are nullable with no default in every table insertRows writes: one that is null in every row
 * of a call is left out of the statement (SQLite's multi-row VALUES or PostgreSQL's unnest arrays), which
 * stores the same NULL. Binding parameters is a large share of a row's cost in better-sqlite3 (1,000 raw
 * rows: 1.6 µs a row with all 11 columns bound, 1.0 µs with the 6 that hold values, measured on this
 * machine); PostgreSQL would parse and unnest an array of NULLs per column. Most events carry no path,
 * metadata, duration, level or class.
 */
const NULL_BY_DEFAULT: ReadonlySet<string> = new Set([
  'duration_ms',
  'operation_id',
  'path',
  'metadata',
  'reported_level',
  'api_class',
  'event_id',
]);

/** Indexes (in `columns`) of the columns an insert of these rows binds (either dialect): all but the all-null optional ones. */
function writtenColumns(columns: readonly string[], rows: readonly unknown[][]): number[] {
  const out: number[] = [];
  for (let c = 0; c < columns.length; c++) {
    if (!NULL_BY_DEFAULT.has(columns[c]!) || rows.some((row) => row[c] !== null)) out.push(c);
  }
  return out;
}

/**
 * PostgreSQL: `INSERT … SELECT * FROM unnest($1::t1[], $2::t2[], …)`, one array parameter per column. The
 * server parses a dozen arrays instead of binding 3,000 parameters per 256 rows: a flush's raw rows went from
 * ~10 ms per 256 rows to one statement per 5,000 (measured in bench/ingest.ts, see BENCHMARKS.md).
 */
function unnestInsert(cache: Map<string, string>, table: string, columns: readonly string[], suffix: string): string {
  const cacheKey = `${table}(${columns.join()}):unnest:${suffix}`;
  let text = cache.get(cacheKey);
  if (!text) {
    const types = columns.map((c) => {
      const type = PG_COLUMN_TYPES[c];
      if (!type) throw new Error(`insertRows: no PostgreSQL type known for column ${c}`);
      return type;
    });
    text = unnestInsertSql(table, columns, types, suffix);
    cache.set(cacheKey, text);
  }
  return text;
}

/**
 * The text of `INSERT … SELECT * FROM unnest($1::t1[], …)` for columns of the given PostgreSQL types, its
 * parameters one array per column (columnArrays); `suffix` as for insertRows. Also what a copy writes with.
 */
export function unnestInsertSql(
  table: string,
  columns: readonly string[],
  types: readonly string[],
  suffix: string,
): string {
  const arrays = types.map((type, i) => `$${i + 1}::${type}[]`);
  return `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) select * from unnest(${arrays.join(', ')})${suffix}`;
}

/** A PostgreSQL identifier as a quoted name: exact case, and a `"` inside it doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The rows as one array per column. */
export function columnArrays(columns: readonly string[], rows: readonly unknown[][]): unknown[][] {
  const arrays = columns.map(() => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) arrays[c]![r] = row[c];
  }
  return arrays;
}

/** Splits a list for `IN (…)` lists and multi-row statements that must stay under the parameter limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
