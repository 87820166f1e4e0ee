import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { chunks, insertRows } from '../db/insert-rows.js';
import { execScript, type ScriptStatement } from '../db/pg-script.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { BackendTypeConflictError, StorageLevelError, TotalLimitError } from '../errors.js';
import { encodeEventKey, eventKeyHex } from '../ids/event-key.js';
import { shapedQuery } from '../query/query-shapes.js';
import { storageSince } from '../query/storage-since.js';
import { MINUTE_MS, type Resolution } from '../rollup/grains.js';
import { API_CALL_CLASS_CODE, CLASS_ROLLUP_CODE, RESOURCE_BY_CODE, RESOURCE_CODE } from '../types.js';
import { logCommit } from './commit-log.js';
import { reserveEventIds } from './event-ids.js';
import { forgetKeys } from './forget-keys.js';
import { laterStoredReport, type StoredReport, takeFromStoredReport } from './later-report.js';
import type { PendingEvent } from './pending-event.js';
import {
  forgetKeysStatement,
  knownBackends,
  notifyRollupsOnlyStatements,
  notifyStatements,
  type PreludeResult,
  pgPrelude,
  rememberCommitted,
  type StateRow,
  stateUpdateStatement,
  unnestInsertStatement,
} from './pg-ingest.js';
import {
  BACKEND_TOTAL_COLUMNS,
  BACKEND_TOTALS_UPSERT_SUFFIX,
  MinuteCells,
  ROLLUP_COLUMNS,
  rollupUpsertSuffix,
} from './rollup-rows.js';
import { RunningTotals } from './running-totals.js';

const STORAGE = RESOURCE_CODE.storage_used;
const API_CALLS = RESOURCE_CODE.api_calls;
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
  'reported_level',
  'api_class',
] as const;
/** On SQLite a batch with idempotency keys gives its raw rows ids up front (see reserveEventIds), after the other columns. */
const EVENT_COLUMNS_WITH_ID = [...EVENT_COLUMNS, 'id'] as const;
const KEY_COLUMNS = ['backend_id', 'key', 'ts', 'event_id'] as const;

/** The event each TotalLimitError refused, so a batch's refusals can name its index. */
export const refusedEvents = new WeakMap<Error, PendingEvent>();

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
  storageLevels: Map<string, number>;
  /** Backend types found in the database for the names in the batch. */
  types: Map<string, string>;
  /**
   * What the batch changed of events and rollups, when that is only adding: its raw rows, each also counted
   * once in the rollups of every grain. Null when it also changed stored rows (a backdated level report
   * taken from a stored one) or kept rows in rollups only (older than the raw retention): totals kept
   * from before the batch cannot then be brought up to date by adding (see tracker/usage-totals-delta.ts).
   */
  added: AddedEvents | null;
}

/** Raw rows a batch inserted (see IngestOutcome.added). */
export interface AddedEvents {
  /**
   * The rows as inserted, values at ADDED_COLUMN's indexes (amounts as stored: a level report's change).
   * Not copied into objects: most batches are never looked at (only while drill-down totals are kept).
   */
  rows: readonly (readonly unknown[])[];
  /** Name and type of each backend the batch names, by id. */
  backends: ReadonlyMap<number, { name: string; type: string }>;
}

/** Where AddedEvents.rows hold each value (EVENT_COLUMNS order). */
export const ADDED_COLUMN = { ts: 0, backendId: 1, resource: 2, amount: 3, success: 4, path: 7 } as const;

interface State {
  backendId: number;
  storageLevel: number;
  lastEventAt: number | null;
  failuresInRow: number;
  /** The level's extremes since the budget evaluator last consumed them (see notePeak). */
  levelHigh: number | null;
  levelLow: number | null;
  lowAfterHigh: boolean;
  changed: boolean;
}

/**
 * A storage level the store now holds, as the batch applies its events in order: widens the backend's
 * extremes since the budget evaluator last consumed them (budgets/evaluate-plan.ts, storageReadings), so a
 * quota is judged on every level that landed, not only on the one it reads (a spike replaced in one flush).
 * Called where the plan changes the level, so the extremes are the levels the store held as batches applied
 * their events: a backdated report that a later report overrides leaves the level, and so the extremes, as
 * they were (the past it rewrites is not re-judged).
 */
function notePeak(state: State): void {
  const level = state.storageLevel;
  if (state.levelHigh === null || state.levelLow === null) {
    state.levelHigh = level;
    state.levelLow = level;
    state.lowAfterHigh = false;
    return;
  }
  if (level > state.levelHigh) {
    state.levelHigh = level;
    state.lowAfterHigh = false;
  }
  if (level < state.levelLow) {
    state.levelLow = level;
    state.lowAfterHigh = true;
  }
}

/**
 * Stores one batch: backends, raw rows and the rollups of every grain in one transaction, so a rollup
 * never counts a row that is not there. Duplicate ids (within the batch or already stored for the same
 * backend) are skipped; events under a backend name stored with another type are refused and reported.
 *
 * Several writers at once (processes on one SQLite file take turns on its write lock; on PostgreSQL they
 * run together in READ COMMITTED) stay exact because every row read to decide a write is locked first,
 * always in the same order, so two batches cannot deadlock: backend names (new ones only, see below), idempotency keys
 * (inserted sorted by backend and key, ON CONFLICT DO NOTHING RETURNING: only keys really inserted feed
 * rows and rollups; a key another uncommitted batch holds waits for it), backend_state rows (FOR UPDATE,
 * by id: from here on the batch owns its backends' levels, raw rows and rollups), then the running totals'
 * advisory lock (shared or exclusive, see running-totals.ts). Rollups are upserted (totals, counts and failures add; min/max widen),
 * and so are the backends' all-time totals (backend_totals, from the same minute cells).
 *
 * On PostgreSQL the same statements go out as a few scripts (record/pg-ingest.ts): the reads and locks
 * before the per-event checks (the keys first, on their own when there are keys: state rows and totals are
 * locked for the events that are not duplicates only), then every write with the commit. `beforeCommit` may throw
 * to refuse the batch whole (ingestBatch's all-or-nothing): it runs once every event is checked, before
 * that final script.
 */
export function* ingestPlan(
  db: Kysely<Database>,
  batch: readonly PendingEvent[],
  ctx: IngestContext,
  beforeCommit?: (errors: readonly Error[]) => void,
): Plan<IngestOutcome> {
  const errors: Error[] = [];
  const types = new Map<string, string>();
  const pg = isPostgres(db);
  // First-seen order, not sorted: backend ids (and so the order reads list backends in) follow it. Two
  // batches creating the same new names in opposite orders can deadlock on PostgreSQL; that happens only
  // when backends are first seen, and the runner retries the whole batch (40P01).
  const names = [...new Set(batch.map((e) => e.backend))];

  // Backends: create the unknown ones, then read back ids and the type each name is fixed to.
  const firstType = new Map<string, string>();
  for (const e of batch) if (!firstType.has(e.backend)) firstType.set(e.backend, e.backendType);
  // PostgreSQL: names a committed write of this process already stored need no round trip (pg-ingest.ts).
  let unknown = names;
  if (pg) {
    const known = knownBackends(db);
    unknown = [];
    for (const name of names) {
      const backend = known.get(name);
      if (!backend) {
        unknown.push(name);
        continue;
      }
      ctx.backendIds.set(name, backend.id);
      types.set(name, backend.type);
    }
  }
  for (const chunk of chunks(unknown, IN_CHUNK)) {
    const created = chunk.flatMap((name) => [name, firstType.get(name)!]);
    yield* exec(
      shapedQuery(db, `ingest:backends-insert:${chunk.length}`, [ctx.now, ...created], (v) =>
        db
          .insertInto('backends')
          .values(chunk.map((_, i) => ({ name: v(1 + 2 * i), type: v(2 + 2 * i), created_at: v(0) })))
          .onConflict((oc) => oc.column('name').doNothing()),
      ),
    );
    const rows = yield* exec(
      shapedQuery(db, `ingest:backends-select:${chunk.length}`, chunk, (v) =>
        db
          .selectFrom('backends')
          .select(['id', 'name', 'type'])
          .where(
            'name',
            'in',
            chunk.map((_, i) => v(i)),
          ),
      ),
    );
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

  let duplicates = 0;
  let fresh: PendingEvent[];
  let rawIds: Map<PendingEvent, number>;
  let totals: RunningTotals;
  const states = new Map<string, State>();
  const nameById = new Map<number, string>();
  for (const [name, id] of ctx.backendIds) nameById.set(id, name);
  // Keys of events refused below were inserted: they are taken out again, so a resend is not a duplicate.
  let forgetKey: (e: PendingEvent) => void;
  const refusedKeys: [number, Uint8Array][] = [];
  const refusedPgKeys: [number, string][] = [];
  let prelude: PreludeResult | null = null;
  if (pg) {
    // Keys, state rows, totals (pg-ingest.ts), in the order of the SQLite statements below.
    prelude = yield* pgPrelude(db, accepted, ctx.backendIds, ctx.now, ctx.keepRawFrom, batch);
    ({ fresh, duplicates, rawIds, totals } = prelude);
    for (const row of prelude.states) setState(states, nameById, row);
    const keyHex = prelude.keyHex;
    forgetKey = (e) => {
      const hex = keyHex.get(e);
      if (hex !== undefined) refusedPgKeys.push([ctx.backendIds.get(e.backend)!, hex]);
    };
  } else {
    const local = yield* localPrelude(db, accepted, ctx, refusedKeys);
    ({ fresh, duplicates, rawIds, forgetKey } = local);
    for (const row of local.states) setState(states, nameById, row);
    totals = yield* RunningTotals.load(db, fresh);
  }

  // Set when a stored row's amount (and its rollups) changed: then the batch did more than add.
  let changedStored = false;
  const refuseTotal = (e: PendingEvent, total: number, amount: number) => {
    const error = new TotalLimitError(e.backend, RESOURCE_BY_CODE[e.resource] ?? String(e.resource), total, amount);
    refusedEvents.set(error, e);
    errors.push(error);
    forgetKey(e);
  };

  const rows: unknown[][] = [];
  const minuteCells = new MinuteCells();
  for (const e of fresh) {
    const state = states.get(e.backend)!;
    let amount = e.amount;
    if (e.resource !== STORAGE && !totals.admit(e.resource, amount)) {
      refuseTotal(e, totals.totalOf(e.resource), amount);
      continue;
    }
    if (e.resource === STORAGE) {
      if (e.isLevelReport) {
        let levelThen = state.storageLevel;
        let later: LaterReport | null = null;
        if (state.lastEventAt !== null && e.ts < state.lastEventAt) {
          // A report dated before newer events: the level then is today's minus what came after it.
          levelThen -= yield* storageSince(db, state.backendId, e.ts, ctx.now, ctx.resolution);
          for (const prior of rows)
            if (prior[1] === state.backendId && prior[2] === STORAGE && (prior[0] as number) >= e.ts)
              levelThen -= prior[3] as number;
          later = yield* earliestLaterReport(db, state.backendId, e.ts, rows);
        }
        amount = e.amount - levelThen;
        if (later) {
          // A report dated after this one still says the level from its time on: it implies less change now,
          // and the current level stays what it was.
          if (later.row) {
            later.row[3] = (later.row[3] as number) - amount;
            const minute = Math.floor(later.ts / MINUTE_MS);
            const inCell: number[] = [];
            for (const r of rows)
              if (r[1] === state.backendId && r[2] === STORAGE && Math.floor((r[0] as number) / MINUTE_MS) === minute)
                inCell.push(r[3] as number);
            minuteCells.adjust(later.ts, state.backendId, STORAGE, -amount, inCell);
          } else {
            yield* takeFromStoredReport(db, state.backendId, later.stored!, amount);
            changedStored = true;
          }
          rows.push(eventRow(e, state.backendId, amount, rawIds.get(e)));
          minuteCells.add(e.ts, state.backendId, e.resource, amount, e.success);
          continue;
        }
      } else if (state.storageLevel + amount < 0) {
        // Refused and not recorded: another writer lowered the level after this process checked it.
        errors.push(new StorageLevelError(e.backend, state.storageLevel, amount));
        forgetKey(e);
        continue;
      }
      if (!totals.admit(STORAGE, amount)) {
        refuseTotal(e, totals.totalOf(STORAGE), amount);
        continue;
      }
      state.storageLevel += amount;
      notePeak(state);
      state.changed = true;
    }
    if (state.lastEventAt === null || e.ts >= state.lastEventAt) {
      state.lastEventAt = e.ts;
      // The run counts operations, not events: an instrumented call records its bytes and storage under the
      // call's operationId beside one API_CALLS event, which alone carries the call's outcome. A bytes event
      // of a failing call must neither reset the run nor count the same failure twice; an event recorded on
      // its own (no operationId) is an operation by itself.
      if (e.resource === API_CALLS || e.operationId == null) {
        state.failuresInRow = e.success ? 0 : state.failuresInRow + 1;
      }
      state.changed = true;
    }
    rows.push(eventRow(e, state.backendId, amount, rawIds.get(e)));
    minuteCells.add(e.ts, state.backendId, e.resource, amount, e.success);
    if (e.apiClass) minuteCells.add(e.ts, state.backendId, CLASS_ROLLUP_CODE[e.apiClass], amount, e.success);
  }

  const kept = rows.filter((row) => (row[0] as number) >= ctx.keepRawFrom);
  const storageLevels = new Map<string, number>();
  const changed: State[] = [];
  for (const [name, state] of states) {
    storageLevels.set(name, state.storageLevel);
    if (state.changed) changed.push(state);
  }
  // Events kept in rollups only have no id to announce: other processes' budget watchers hear their time
  // and backends (of the rows not kept: the older ones).
  const older = kept.length < rows.length ? rows.filter((row) => (row[0] as number) < ctx.keepRawFrom) : [];
  const added = changedStored || kept.length < rows.length ? null : addedEvents(rows, ctx.backendIds, types);
  // Last chance to refuse the batch whole: PostgreSQL's final script below commits as it writes.
  beforeCommit?.(errors);
  if (prelude) {
    // The commit with it: every write of the batch, then the announcements of its ids. The statements with
    // user text (keys taken back, events with a text column) come first, parameterised, a round trip each;
    // the rest go as one simple query with the COMMIT (db/pg-script.ts).
    const statements = [
      forgetKeysStatement(refusedPgKeys),
      unnestInsertStatement('events', EVENT_COLUMNS_WITH_ID, kept, ''),
      // On PostgreSQL the new ids are announced at commit, for the live feeds of every process (feed/).
      ...notifyStatements(kept.map((row) => row[11] as number)),
      ...(older.length === 0 ? [] : notifyRollupsOnlyStatements(earliestOf(older), backendIdsOf(older))),
      unnestInsertStatement('rollups', ROLLUP_COLUMNS, minuteCells.grainRows(), rollupUpsertSuffix(db)),
      // The backends' all-time totals (what /metrics reads), from the same cells: rows of the backends whose
      // backend_state rows the prelude locked, so they add no lock another batch could wait on first.
      unnestInsertStatement(
        'backend_totals',
        BACKEND_TOTAL_COLUMNS,
        minuteCells.backendTotalRows(),
        BACKEND_TOTALS_UPSERT_SUFFIX,
      ),
      totals.pgSaveStatement(),
      stateUpdateStatement(changed),
    ].filter((statement): statement is ScriptStatement => statement !== null);
    if (statements.length > 0) {
      yield* execScript(statements, true);
      // Committed: what the batch stored of its backends holds for every later batch.
      rememberCommitted(
        db,
        names.flatMap((name) => {
          const id = ctx.backendIds.get(name);
          const type = types.get(name);
          return id === undefined || type === undefined
            ? []
            : [[name, { id, type }] as [string, { id: number; type: string }]];
        }),
        prelude.stateIds,
      );
    }
    return { written: rows.length, duplicates, errors, storageLevels, types, added };
  }
  yield* forgetKeys(db, refusedKeys);
  const columns = rawIds.size > 0 ? EVENT_COLUMNS_WITH_ID : EVENT_COLUMNS;
  yield* insertRows(db, 'events', columns, kept, '');
  // SQLite has no NOTIFY: the commit is logged for other processes' budget watchers (record/commit-log.ts).
  if (rows.length > 0) yield* logCommit(db, earliestOf(rows), backendIdsOf(rows));
  yield* insertRows(db, 'rollups', ROLLUP_COLUMNS, minuteCells.grainRows(), rollupUpsertSuffix(db));
  yield* insertRows(
    db,
    'backend_totals',
    BACKEND_TOTAL_COLUMNS,
    minuteCells.backendTotalRows(),
    BACKEND_TOTALS_UPSERT_SUFFIX,
  );
  yield* totals.save(db);
  for (const state of changed) {
    yield* exec(
      shapedQuery(
        db,
        'ingest:state-update',
        [
          state.storageLevel,
          state.lastEventAt,
          state.failuresInRow,
          state.levelHigh,
          state.levelLow,
          state.lowAfterHigh ? 1 : 0,
          state.backendId,
        ],
        (v) =>
          db
            .updateTable('backend_state')
            .set({
              storage_level: v(0),
              last_event_at: v(1),
              consecutive_failures: v(2),
              level_high: v(3),
              level_low: v(4),
              level_low_after_high: v(5),
            })
            .where('backend_id', '=', v(6)),
      ),
    );
  }
  return { written: rows.length, duplicates, errors, storageLevels, types, added };
}

/** The earliest event time of these rows. */
function earliestOf(rows: readonly unknown[][]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const row of rows) min = Math.min(min, row[0] as number);
  return min;
}

/** The distinct backend ids of these rows. */
function backendIdsOf(rows: readonly unknown[][]): Set<number> {
  return new Set(rows.map((row) => row[1] as number));
}

/** The batch's rows as AddedEvents, with the names and types of its backends. */
function addedEvents(
  rows: readonly unknown[][],
  backendIds: ReadonlyMap<string, number>,
  types: ReadonlyMap<string, string>,
): AddedEvents {
  const backends = new Map<number, { name: string; type: string }>();
  for (const [name, type] of types) {
    const id = backendIds.get(name);
    if (id !== undefined) backends.set(id, { name, type });
  }
  return { rows, backends };
}

/** A backend_state row read by a prelude, as the plan's working state. */
function setState(states: Map<string, State>, nameById: ReadonlyMap<number, string>, row: StateRow): void {
  states.set(nameById.get(Number(row.backend_id))!, {
    backendId: Number(row.backend_id),
    storageLevel: Number(row.storage_level),
    lastEventAt: row.last_event_at === null ? null : Number(row.last_event_at),
    failuresInRow: Number(row.consecutive_failures),
    levelHigh: row.level_high === null ? null : Number(row.level_high),
    levelLow: row.level_low === null ? null : Number(row.level_low),
    lowAfterHigh: Number(row.level_low_after_high) === 1,
    changed: false,
  });
}

/**
 * SQLite's prelude, a statement at a time (each costs no round trip): idempotency keys, then the backends'
 * state rows (SQLite's write lock already covers the whole file). `refusedKeys` collects what `forgetKey` takes out.
 */
function* localPrelude(
  db: Kysely<Database>,
  accepted: readonly PendingEvent[],
  ctx: IngestContext,
  refusedKeys: [number, Uint8Array][],
): Plan<{
  fresh: PendingEvent[];
  duplicates: number;
  rawIds: Map<PendingEvent, number>;
  forgetKey: (e: PendingEvent) => void;
  states: StateRow[];
}> {
  // Idempotency: drop events whose key repeats in the batch or is already stored for the backend. One
  // identity per keyed event, its stored form (backend id and encoded key, which no two different key
  // strings share): it tells repeats in the batch apart and matches the key rows the insert returns.
  let duplicates = 0;
  const keys = new Map<PendingEvent, Uint8Array>();
  const keyed = new Map<string, PendingEvent>();
  let fresh: PendingEvent[] = [];
  for (const e of accepted) {
    if (e.key === null) {
      fresh.push(e);
      continue;
    }
    const key = encodeEventKey(e.key);
    const id = keyIdentity(ctx.backendIds.get(e.backend)!, key);
    if (keyed.has(id)) {
      duplicates++;
      continue;
    }
    keyed.set(id, e);
    keys.set(e, key);
    fresh.push(e);
  }
  // The key is stored once, in event_keys, with the id of its raw row (reserved now, in batch order, for
  // every row this batch may keep raw); the id a duplicate or a refused event was given stays unused.
  const rawIds = new Map<PendingEvent, number>();
  if (keys.size > 0) {
    const raw = fresh.filter((e) => e.ts >= ctx.keepRawFrom);
    const reserved = yield* reserveEventIds(db, raw.length);
    for (const [i, e] of raw.entries()) rawIds.set(e, reserved[i]!);
    const keyRows = fresh
      .filter((e) => keys.has(e))
      .map(
        (e) =>
          [ctx.backendIds.get(e.backend)!, keys.get(e)!, ctx.now, rawIds.get(e) ?? null] as [
            number,
            Uint8Array,
            number,
            number | null,
          ],
      )
      .sort((a, b) => a[0] - b[0] || Buffer.compare(a[1], b[1]));
    const returned = yield* insertRows(
      db,
      'event_keys',
      KEY_COLUMNS,
      keyRows,
      ' on conflict (backend_id, key) do nothing returning backend_id, key',
    );
    // What the insert did not return was already stored: those events are duplicates.
    for (const row of returned) keyed.delete(keyIdentity(Number(row.backend_id), row.key as Uint8Array));
    if (keyed.size > 0) {
      const stored = new Set(keyed.values());
      duplicates += stored.size;
      fresh = fresh.filter((e) => !stored.has(e));
    }
  }
  const forgetKey = (e: PendingEvent) => {
    const key = keys.get(e);
    if (key) refusedKeys.push([ctx.backendIds.get(e.backend)!, key]);
  };

  // Backend state: storage level and failures in a row, as of the newest event.
  const states: StateRow[] = [];
  const ids = [...new Set(fresh.map((e) => ctx.backendIds.get(e.backend)!))].sort((a, b) => a - b);
  for (const chunk of chunks(ids, IN_CHUNK)) {
    yield* exec(
      shapedQuery(db, `ingest:state-insert:${chunk.length}`, chunk, (v) =>
        db
          .insertInto('backend_state')
          .values(
            chunk.map((_, i) => ({ backend_id: v(i), storage_level: 0, last_event_at: null, consecutive_failures: 0 })),
          )
          .onConflict((oc) => oc.column('backend_id').doNothing()),
      ),
    );
    const rows = yield* exec(
      shapedQuery(db, `ingest:state-select:${chunk.length}`, chunk, (v) =>
        db
          .selectFrom('backend_state')
          .selectAll()
          .where(
            'backend_id',
            'in',
            chunk.map((_, i) => v(i)),
          )
          .orderBy('backend_id'),
      ),
    );
    for (const row of rows) states.push(row as StateRow);
  }
  return { fresh, duplicates, rawIds, forgetKey, states };
}

/** A keyed event's identity: its backend id and stored key, as text (a Map key). */
function keyIdentity(backendId: number, key: Uint8Array): string {
  return `${backendId}:${eventKeyHex(key)}`;
}

/** A raw row's values in EVENT_COLUMNS order, then its reserved id when the batch reserved ids. */
function eventRow(e: PendingEvent, backendId: number, amount: number, id: number | undefined): unknown[] {
  const row = [
    e.ts,
    backendId,
    e.resource,
    amount,
    e.success ? 1 : 0,
    e.durationMs,
    e.operationId,
    e.path,
    e.metadata,
    e.isLevelReport ? e.amount : null,
    e.apiClass ? API_CALL_CLASS_CODE[e.apiClass] : null,
  ];
  if (id !== undefined) row.push(id);
  return row;
}

/** A level report dated at or after a backdated one: a row of this batch, or a stored one. */
interface LaterReport {
  ts: number;
  row?: unknown[];
  stored?: StoredReport;
}

/** The earliest level report dated at or after `from`, among this batch's rows so far and the stored ones. */
function* earliestLaterReport(
  db: Kysely<Database>,
  backendId: number,
  from: number,
  rows: readonly unknown[][],
): Plan<LaterReport | null> {
  let found: LaterReport | null = null;
  for (const row of rows) {
    const ts = row[0] as number;
    if (row[1] !== backendId || row[2] !== STORAGE || row[9] === null || ts < from) continue;
    if (!found || ts < found.ts) found = { ts, row };
  }
  const stored = yield* laterStoredReport(db, backendId, from);
  if (stored && (!found || stored.ts < found.ts)) found = { ts: stored.ts, stored };
  return found;
}
