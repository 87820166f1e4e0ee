import { type Compilable, type CompiledQuery, createQueryId, type Kysely } from 'kysely';

/** Stands for `values[index]` while a shape is compiled; Kysely passes it through as a parameter. */
class Slot {
  constructor(readonly index: number) {}
}

interface Shape {
  compiled: CompiledQuery;
  /** For each parameter of the SQL: the index of the value it takes, or -1 for a constant of the shape. */
  slots: number[];
}

/** Compiled shapes per Kysely instance (each has its own dialect), then by shape key. */
const shapes = new WeakMap<object, Map<string, Shape>>();
/** Shapes kept per instance: keys name counts (spans, backend ids), so a few dozen cover every read. */
const MAX_SHAPES = 256;

/**
 * A read compiled once per shape instead of once per call: building and compiling a Kysely query costs
 * more than running it on SQLite (about a third of a usageSummary read). `key` must name everything that
 * changes the SQL text (which filters are present, how many values a list holds); every value that varies
 * between calls goes through `value(i)` and is taken from `values[i]`. The SQL comes from the instance's own
 * compiler, so a shape is as dialect-neutral as the builder that made it.
 * @example
 * const q = shapedQuery(db, 'rollups:1', [level, from, to], (v) =>
 *   db.selectFrom('rollups').selectAll().where('level', '=', v(0)).where('bucket', '>=', v(1)).where('bucket', '<', v(2)));
 */
export function shapedQuery<R, DB>(
  db: Kysely<DB>,
  key: string,
  values: readonly unknown[],
  build: (value: (index: number) => never) => Compilable<R>,
): CompiledQuery<R> {
  let byKey = shapes.get(db);
  if (!byKey) {
    byKey = new Map();
    shapes.set(db, byKey);
  }
  let shape = byKey.get(key);
  if (!shape) {
    const compiled = build((index) => new Slot(index) as never).compile();
    shape = { compiled, slots: compiled.parameters.map((p) => (p instanceof Slot ? p.index : -1)) };
    if (byKey.size >= MAX_SHAPES) byKey.clear();
    byKey.set(key, shape);
  }
  const { compiled, slots } = shape;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    parameters[i] = slot < 0 ? compiled.parameters[i] : values[slot];
  }
  return { query: compiled.query, sql: compiled.sql, parameters, queryId: createQueryId() } as CompiledQuery<R>;
}
