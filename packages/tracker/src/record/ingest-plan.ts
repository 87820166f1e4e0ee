import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { BackendTypeConflictError, StorageLevelError } from '../errors.js';
import { encodeEventKey, eventKeyHex } from '../ids/event-key.js';
import { aggregateRanges } from '../query/aggregate.js';
import { LEVELS, MINUTE_MS, type Resolution } from '../rollup/levels.js';
import { RESOURCE_CODE } from '../types.js';
import type { PendingEvent } from './pending-event.js';

const STORAGE = RESOURCE_CODE.storage_used;
const IN_CHUNK = 500;
const EVENT_COLUMNS = [
  'ts',
  'backend_id',
  'resource',
  'amount',
  'success',
  'duration_ms',
  'operation_id',
  'path',
  'metadata',
  'key',
  'reported_level',
] as const;
const ROLLUP_COLUMNS = [
  'level',
  'bucket',
  'backend_id',
  'resource',
  'total',
  'count',
  'failures',
  'min',
  'max',
] as const;
/** Rows per multi-row statement, powers of two so only a handful of statement texts are ever compiled. */
const ROW_CHUNKS = [256, 64, 16, 4, 1];

export interface IngestContext {
  now: number;
  /** Raw rows older than this are not kept (retention); their rollups still are. */
  keepRawFrom: number;
  resolution: Resolution;
  /** Backend ids by name already known to this process; filled in by the plan. */
  backendIds: Map<string, number>;
}

export interface IngestOutcome {
  written: number;
  duplicates: number;
  errors: Error[];
  /** Storage level of each backend in the batch after it, by name. */
  levels: Map<string, number>;
  /** Backend types found in the database for the names in the batch. */
  types: Map<string, string>;
}

interface MinuteCell {
  bucket: number;
  backendId: number;
  resource: number;
  total: number;
  count: number;
  failures: number;
  min: number;
  max: number;
}

interface State {
  backendId: number;
  level: number;
  lastEventAt: number | null;
  failuresInRow: number;
  changed: boolean;
}

/**
 * Stores one batch: backends, raw rows and every rollup level in one transaction, so a rollup never counts
 * a row that is not there. Duplicate ids (within the batch or already stored) are skipped; events under a
 * backend name stored with another type are refused and reported.
 */
export function* ingestPlan(
  db: Kysely<Database>,
  batch: readonly PendingEvent[],
  ctx: IngestContext,
): Plan<IngestOutcome> {
  const errors: Error[] = [];
  const types = new Map<string, string>();
  const names = [...new Set(batch.map((e) => e.backend))];

  // Backends: create the unknown ones, then read back ids and the type each name is fixed to.
  const firstType = new Map<string, string>();
  for (const e of batch) if (!firstType.has(e.backend)) firstType.set(e.backend, e.backendType);
  for (const chunk of chunks(names, IN_CHUNK)) {
    yield* exec(
      db
        .insertInto('backends')
        .values(chunk.map((name) => ({ name, type: firstType.get(name)!, created_at: ctx.now })))
        .onConflict((oc) => oc.column('name').doNothing()),
    );
    const rows = yield* exec(db.selectFrom('backends').select(['id', 'name', 'type']).where('name', 'in', chunk));
    for (const row of rows) {
      ctx.backendIds.set(row.name, Number(row.id));
      types.set(row.name, row.type);
    }
  }
  const conflicted = new Set<string>();
  const accepted: PendingEvent[] = [];
  for (const e of batch) {
    const type = types.get(e.backend);
    if (type !== e.backendType) {
      if (!conflicted.has(`${e.backend}\0${e.backendType}`)) {
        conflicted.add(`${e.backend}\0${e.backendType}`);
        errors.push(new BackendTypeConflictError(e.backend, String(type), e.backendType));
      }
      continue;
    }
    accepted.push(e);
  }

  // Idempotency: drop events whose key repeats in the batch or is already stored.
  let duplicates = 0;
  const keys = new Map<PendingEvent, Uint8Array>();
  const seen = new Set<string>();
  let fresh: PendingEvent[] = [];
  for (const e of accepted) {
    if (e.key === null) {
      fresh.push(e);
      continue;
    }
    // Different key strings never share a stored form, so the string itself tells repeats apart.
    if (seen.has(e.key)) {
      duplicates++;
      continue;
    }
    seen.add(e.key);
    keys.set(e, encodeEventKey(e.key));
    fresh.push(e);
  }
  if (keys.size > 0) {
    const stored = new Set<string>();
    for (const chunk of chunks([...keys.values()], IN_CHUNK)) {
      const rows = yield* exec(db.selectFrom('events').select('key').where('key', 'in', chunk));
      for (const row of rows) if (row.key) stored.add(eventKeyHex(row.key));
    }
    if (stored.size > 0) {
      fresh = fresh.filter((e) => {
        const key = keys.get(e);
        if (key && stored.has(eventKeyHex(key))) {
          duplicates++;
          return false;
        }
        return true;
      });
    }
  }

  // Backend state: storage level and failures in a row, as of the newest event.
  const states = new Map<string, State>();
  const ids = [...new Set(fresh.map((e) => ctx.backendIds.get(e.backend)!))];
  for (const chunk of chunks(ids, IN_CHUNK)) {
    yield* exec(
      db
        .insertInto('backend_state')
        .values(
          chunk.map((backend_id) => ({ backend_id, storage_level: 0, last_event_at: null, consecutive_failures: 0 })),
        )
        .onConflict((oc) => oc.column('backend_id').doNothing()),
    );
    const rows = yield* exec(db.selectFrom('backend_state').selectAll().where('backend_id', 'in', chunk));
    const nameById = new Map([...ctx.backendIds].map(([name, id]) => [id, name]));
    for (const row of rows) {
      states.set(nameById.get(Number(row.backend_id))!, {
        backendId: Number(row.backend_id),
        level: Number(row.storage_level),
        lastEventAt: row.last_event_at === null ? null : Number(row.last_event_at),
        failuresInRow: Number(row.consecutive_failures),
        changed: false,
      });
    }
  }

  const rows: unknown[][] = [];
  // Cells per backend id, keyed by number (minute index * 8 + resource): no string built per event.
  const minuteCells = new Map<number, Map<number, MinuteCell>>();
  for (const e of fresh) {
    const state = states.get(e.backend)!;
    let amount = e.amount;
    if (e.resource === STORAGE) {
      if (e.isLevelReport) {
        let levelThen = state.level;
        if (state.lastEventAt !== null && e.ts < state.lastEventAt) {
          // A report dated before newer events: the level then is today's minus what came after it.
          levelThen -= yield* storageSince(db, state.backendId, e.ts, ctx);
          for (const prior of rows)
            if (prior[1] === state.backendId && prior[2] === STORAGE && (prior[0] as number) >= e.ts)
              levelThen -= prior[3] as number;
        }
        amount = e.amount - levelThen;
      } else if (state.level + amount < 0) {
        // Refused and not recorded: another writer lowered the level after this process checked it.
        errors.push(new StorageLevelError(e.backend, state.level, amount));
        continue;
      }
      state.level += amount;
      state.changed = true;
    }
    if (state.lastEventAt === null || e.ts >= state.lastEventAt) {
      state.lastEventAt = e.ts;
      state.failuresInRow = e.success ? 0 : state.failuresInRow + 1;
      state.changed = true;
    }
    const row = [
      e.ts,
      state.backendId,
      e.resource,
      amount,
      e.success ? 1 : 0,
      e.durationMs,
      e.operationId,
      e.path,
      e.metadata,
      keys.get(e) ?? null,
      e.isLevelReport ? e.amount : null,
    ];
    rows.push(row);

    const minuteIndex = Math.floor(e.ts / MINUTE_MS);
    let backendCells = minuteCells.get(state.backendId);
    if (!backendCells) {
      backendCells = new Map();
      minuteCells.set(state.backendId, backendCells);
    }
    const cellId = minuteIndex * 8 + e.resource;
    const cell = backendCells.get(cellId);
    const failed = e.success ? 0 : 1;
    if (cell) {
      cell.total += amount;
      cell.count += 1;
      cell.failures += failed;
      if (amount < cell.min) cell.min = amount;
      if (amount > cell.max) cell.max = amount;
    } else {
      backendCells.set(cellId, {
        bucket: minuteIndex * MINUTE_MS,
        backendId: state.backendId,
        resource: e.resource,
        total: amount,
        count: 1,
        failures: failed,
        min: amount,
        max: amount,
      });
    }
  }

  const kept = rows.filter((row) => (row[0] as number) >= ctx.keepRawFrom);
  yield* insertRows(db, 'events', EVENT_COLUMNS, kept, '');

  // Every level is derived from the minute cells, so each event costs one map update, not one per level.
  const levelRows: unknown[][] = [];
  for (const backendCells of minuteCells.values()) {
    // One map per level for this backend, keyed by bucket index * 8 + resource.
    const byLevel = LEVELS.map(() => new Map<number, unknown[]>());
    for (const cell of backendCells.values()) {
      for (let l = 0; l < LEVELS.length; l++) {
        const level = LEVELS[l]!;
        const bucketIndex = Math.floor(cell.bucket / level.size);
        const bucket = bucketIndex * level.size;
        const id = bucketIndex * 8 + cell.resource;
        const row = byLevel[l]!.get(id);
        if (!row) {
          const created = [
            level.code,
            bucket,
            cell.backendId,
            cell.resource,
            cell.total,
            cell.count,
            cell.failures,
            cell.min,
            cell.max,
          ];
          byLevel[l]!.set(id, created);
          levelRows.push(created);
        } else {
          row[4] = (row[4] as number) + cell.total;
          row[5] = (row[5] as number) + cell.count;
          row[6] = (row[6] as number) + cell.failures;
          row[7] = Math.min(row[7] as number, cell.min);
          row[8] = Math.max(row[8] as number, cell.max);
        }
      }
    }
  }
  yield* insertRows(db, 'rollups', ROLLUP_COLUMNS, levelRows, rollupUpsertSuffix(db));

  const levels = new Map<string, number>();
  for (const [name, state] of states) {
    levels.set(name, state.level);
    if (!state.changed) continue;
    yield* exec(
      db
        .updateTable('backend_state')
        .set({
          storage_level: state.level,
          last_event_at: state.lastEventAt,
          consecutive_failures: state.failuresInRow,
        })
        .where('backend_id', '=', state.backendId),
    );
  }
  return { written: rows.length, duplicates, errors, levels, types };
}

function* storageSince(db: Kysely<Database>, backendId: number, from: number, ctx: IngestContext): Plan<number> {
  const { cells } = yield* aggregateRanges(
    db,
    [{ from, to: ctx.now + 2 * 86_400_000 }],
    { backendIds: [backendId], resources: [STORAGE] },
    ctx.resolution,
  );
  let sum = 0;
  for (const cell of cells[0]!.values()) sum += cell.total;
  return sum;
}

const statementCache = new WeakMap<Kysely<Database>, Map<string, string>>();

/**
 * Multi-row INSERT with the SQL text compiled once per (table, row count) and reused with new parameters:
 * compiling a 256-row statement per flush would cost more than running it.
 */
function* insertRows(
  db: Kysely<Database>,
  table: 'events' | 'rollups',
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix: string,
): Plan<void> {
  const cache = statementCache.get(db) ?? new Map<string, string>();
  statementCache.set(db, cache);
  let offset = 0;
  while (offset < rows.length) {
    const left = rows.length - offset;
    const n = ROW_CHUNKS.find((size) => size <= left)!;
    const cacheKey = `${table}:${n}:${suffix}`;
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
    yield* exec(CompiledQuery.raw(text, params));
    offset += n;
  }
}

function rollupUpsertSuffix(db: Kysely<Database>): string {
  const least = isPostgres(db) ? 'least' : 'min';
  const greatest = isPostgres(db) ? 'greatest' : 'max';
  // Written as text once: Kysely has no builder for appending ON CONFLICT to a precompiled VALUES list.
  return (
    ' on conflict (level, bucket, backend_id, resource) do update set' +
    ' total = rollups.total + excluded.total, count = rollups.count + excluded.count,' +
    ' failures = rollups.failures + excluded.failures,' +
    ` min = ${least}(rollups.min, excluded.min), max = ${greatest}(rollups.max, excluded.max)`
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
