import type { Kysely } from 'kysely';
import { unnestInsertStatement } from '../db/insert-rows.js';
import { pgArrayParameter } from '../db/pg-array-literal.js';
import { execScript, type ScriptStatement } from '../db/pg-script.js';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { sqlArray, sqlString } from '../db/sql-literal.js';
import { EVENTS_CHANNEL, idRangePayloads, rollupsOnlyPayloads } from '../feed/event-notify.js';
import { encodedKeyHex } from '../ids/event-key.js';
import type { PendingEvent } from './pending-event.js';
import { RunningTotals } from './running-totals.js';

// PostgreSQL's side of record/ingest-plan.ts: a batch's reads and writes as scripts (db/pg-script.ts), where
// it took a round trip per statement (16 for a keyed batch of one backend). User text (keys, paths, metadata,
// operation ids) goes as parameters, never into a statement's text, so a statement carrying it is a round
// trip of its own: a keyed batch of a known backend takes 4 (BEGIN, keys, state rows and totals, writes with
// COMMIT), 5 when an event has a text column; a keyless one 2, or 3. Same statements, same order of locks
// (keys, state rows, advisory locks), same checks in between.

/** What a committed write told this process of a backend: its id, its type, and that its state row exists. */
interface KnownBackend {
  id: number;
  type: string;
}

/**
 * Per database, backends known to be committed (learnt only after a final script returned, so after its
 * commit): a batch of these names skips the backends round trip. A backend row is never deleted and its
 * type never changes, so what was committed once stays true.
 */
const committed = new WeakMap<Kysely<Database>, Map<string, KnownBackend>>();
/** Per database, backend ids whose backend_state row is committed (never deleted either). */
const committedStates = new WeakMap<Kysely<Database>, Set<number>>();

export function knownBackends(db: Kysely<Database>): Map<string, KnownBackend> {
  let known = committed.get(db);
  if (!known) {
    known = new Map();
    committed.set(db, known);
  }
  return known;
}

function knownStates(db: Kysely<Database>): Set<number> {
  let known = committedStates.get(db);
  if (!known) {
    known = new Set();
    committedStates.set(db, known);
  }
  return known;
}

/** After the final script returned (its commit is done): the backends and state rows it relied on are stored. */
export function rememberCommitted(
  db: Kysely<Database>,
  backends: Iterable<[string, KnownBackend]>,
  stateIds: Iterable<number>,
): void {
  const known = knownBackends(db);
  for (const [name, backend] of backends) known.set(name, backend);
  const states = knownStates(db);
  for (const id of stateIds) states.add(id);
}

export interface StateRow {
  backend_id: number;
  storage_level: number;
  last_event_at: number | null;
  consecutive_failures: number;
  level_high: number | null;
  level_low: number | null;
  level_low_after_high: number;
}

export interface PreludeResult {
  /** The candidates whose key was really inserted (or that had none), in batch order. */
  fresh: PendingEvent[];
  /** Candidates whose key was already stored. */
  duplicates: number;
  /** The raw-row id reserved for each candidate kept raw. */
  rawIds: Map<PendingEvent, number>;
  /** Each keyed candidate's stored key, as hex. */
  keyHex: Map<PendingEvent, string>;
  /** backend_state rows of the candidates' backends, locked, by id. */
  states: StateRow[];
  /** The backend ids whose state rows the batch locked (they exist now). */
  stateIds: number[];
  totals: RunningTotals;
}

/**
 * The reads and locks of a batch: reserve raw-row ids and insert the idempotency keys (sorted by backend and
 * key; ON CONFLICT DO NOTHING, so a key another uncommitted batch holds waits for it); then, for the backends
 * of the events that are not duplicates only (keyless ones, or keys this batch inserted), create missing
 * backend_state rows and lock them (FOR UPDATE, by id), then the totals' advisory locks and, in the next
 * statement (a snapshot taken once they are held), the totals. A resend of stored keys alone (an SDK retry
 * after a lost ack) so takes no lock a live writer holds. Repeats of a key within the batch are dropped here
 * already (`inBatchDuplicates`). The keys are user text: their insert is a parameterised statement, a round
 * trip of its own (db/pg-script.ts); without keys, everything is one script.
 */
export function* pgPrelude(
  db: Kysely<Database>,
  accepted: readonly PendingEvent[],
  backendIds: ReadonlyMap<string, number>,
  now: number,
  keepRawFrom: number,
  batch: object,
): Plan<PreludeResult> {
  const keyHex = new Map<PendingEvent, string>();
  const keyed = new Map<string, PendingEvent>();
  const candidates: PendingEvent[] = [];
  let duplicates = 0;
  for (const e of accepted) {
    if (e.key === null) {
      candidates.push(e);
      continue;
    }
    const hex = encodedKeyHex(e.key);
    const identity = `${backendIds.get(e.backend)!}:${hex}`;
    if (keyed.has(identity)) {
      duplicates++;
      continue;
    }
    keyed.set(identity, e);
    keyHex.set(e, hex);
    candidates.push(e);
  }
  // Positions (1-based) in the reserved ids, in batch order, of the candidates kept raw.
  const rawPos = new Map<PendingEvent, number>();
  for (const e of candidates) if (e.ts >= keepRawFrom) rawPos.set(e, rawPos.size + 1);

  // Hex text sorts as its bytes do: the order the unique index locks keys in, the same for every writer.
  const keyRows = [...keyed].map(([identity, e]) => ({
    identity,
    e,
    id: backendIds.get(e.backend)!,
    hex: keyHex.get(e)!,
  }));
  keyRows.sort((a, b) => a.id - b.id || (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
  const reserve = `ids as (${reserveIdsSql(rawPos.size)})`;
  let keysStatement: ScriptStatement | null = null;
  if (keyRows.length > 0) {
    // The inserted keys are listed only when some were already stored: a subquery in a CASE branch runs
    // only when the branch is taken, where an aggregate beside count(*) encoded every key of every batch.
    keysStatement = {
      sql: `with ${reserve},
      k as (insert into event_keys (backend_id, key, ts, event_id)
        select u.b, decode(u.h, 'hex'), ${Math.trunc(now)}, (select a from ids)[u.p]
        from unnest(${sqlArray(
          'bigint',
          keyRows.map((r) => r.id),
        )}, $1::text[],
          ${sqlArray(
            'integer',
            keyRows.map((r) => rawPos.get(r.e) ?? null),
          )}) as u(b, h, p)
        on conflict (backend_id, key) do nothing
        returning backend_id, key)
      select (select array_to_string(a, ',') from ids) as ids, c.n,
        case when c.n < ${keyRows.length}
          then (select string_agg(k.backend_id || ':' || encode(k.key, 'hex'), ',') from k) end as inserted
      from (select count(*)::int as n from k) as c`,
      parameters: [
        pgArrayParameter(
          'text',
          keyRows.map((r) => r.hex),
        ),
      ],
    };
  } else if (rawPos.size > 0) {
    keysStatement = `with ${reserve} select array_to_string(a, ',') as ids, 0 as n, null as inserted from ids`;
  }

  const rawIds = new Map<PendingEvent, number>();
  let fresh = candidates;
  const readKeys = (row: { ids: string | null; n: number; inserted: string | null }) => {
    if (row.ids) {
      const ids = row.ids.split(',').map(Number);
      for (const [e, pos] of rawPos) rawIds.set(e, ids[pos - 1]!);
    }
    if (Number(row.n) < keyRows.length) {
      // What the insert did not return was already stored: those events are duplicates.
      const inserted = new Set(row.inserted ? row.inserted.split(',') : []);
      const stored = new Set(keyRows.filter((r) => !inserted.has(r.identity)).map((r) => r.e));
      duplicates += stored.size;
      fresh = candidates.filter((e) => !stored.has(e));
    }
  };
  // With keys, the locks below wait for the keys' answer: only the backends of events not stored yet.
  if (keysStatement !== null && keyRows.length > 0) {
    const [rows] = yield* execScript([keysStatement]);
    readKeys(rows![0] as { ids: string | null; n: number; inserted: string | null });
  }

  const statements: ScriptStatement[] = [];
  const keysAt = keysStatement !== null && keyRows.length === 0 ? statements.push(keysStatement) - 1 : -1;
  const stateIds = [...new Set(fresh.map((e) => backendIds.get(e.backend)!))].sort((a, b) => a - b);
  const states = knownStates(db);
  const missing = stateIds.filter((id) => !states.has(id));
  if (missing.length > 0) {
    statements.push(`insert into backend_state (backend_id, storage_level, last_event_at, consecutive_failures)
      select b, 0, null, 0 from unnest(${sqlArray('bigint', missing)}) as b
      on conflict (backend_id) do nothing`);
  }
  const stateAt = statements.length;
  if (stateIds.length > 0) {
    statements.push(`select backend_id, storage_level, last_event_at, consecutive_failures, level_high, level_low,
      level_low_after_high from backend_state
      where backend_id = any(${sqlArray('bigint', stateIds)}) order by backend_id for update`);
  }
  const totals = RunningTotals.pgStatements(db, fresh, batch);
  const totalsAt = statements.length;
  statements.push(...totals.statements);
  const rows = statements.length > 0 ? yield* execScript(statements) : [];
  if (keysAt >= 0) readKeys(rows[keysAt]![0] as { ids: string | null; n: number; inserted: string | null });
  return {
    fresh,
    duplicates,
    rawIds,
    keyHex,
    states: stateIds.length > 0 ? (rows[stateAt] as StateRow[]) : [],
    stateIds,
    totals: totals.finish(rows.slice(totalsAt)),
  };
}

/**
 * A query whose one row's `a` holds `count` new raw-row ids from the events sequence, in the order drawn (null
 * when none). The sequence is named in a scalar subquery, which the server evaluates once: written as a join
 * (or inline), pg_get_serial_sequence, a stable function, ran once per id and cost about 6 times the
 * nextval itself (12 µs an id, measured on this machine).
 * @example `with ids as (${reserveIdsSql(3)}) select a from ids`
 */
export function reserveIdsSql(count: number): string {
  if (count === 0) return 'select null::bigint[] as a';
  return `select array_agg(nextval((select pg_get_serial_sequence('events', 'id')::regclass)) order by g) as a
    from generate_series(1, ${Math.trunc(count)}) as g`;
}

/** The tail's statements that take back keys of refused events, so a resend is not a duplicate. */
export function forgetKeysStatement(keys: readonly (readonly [number, string])[]): ScriptStatement | null {
  if (keys.length === 0) return null;
  // The keys are user text: parameters, never in the statement's text (db/pg-script.ts).
  return {
    sql: `delete from event_keys where (backend_id, key) in (select u.b, decode(u.h, 'hex')
    from unnest(${sqlArray(
      'bigint',
      keys.map(([id]) => id),
    )}, $1::text[]) as u(b, h))`,
    parameters: [
      pgArrayParameter(
        'text',
        keys.map(([, hex]) => hex),
      ),
    ],
  };
}

/** Notifications of the inserted ids (ranges, each payload under the limit) for the live feeds, at commit. */
export function notifyStatements(ids: readonly number[]): string[] {
  return idRangePayloads(ids).map((payload) => `select pg_notify(${sqlString(EVENTS_CHANNEL)}, ${sqlString(payload)})`);
}

/** The notification of events stored in rollups only, from `minTs`. */
export function notifyRollupsOnlyStatements(minTs: number, backendIds: Iterable<number>): string[] {
  return rollupsOnlyPayloads(minTs, backendIds).map(
    (payload) => `select pg_notify(${sqlString(EVENTS_CHANNEL)}, ${sqlString(payload)})`,
  );
}

/** One statement for every changed backend_state row (locked by the prelude), with the level's extremes. */
export function stateUpdateStatement(
  changed: readonly {
    backendId: number;
    storageLevel: number;
    lastEventAt: number | null;
    failuresInRow: number;
    levelHigh: number | null;
    levelLow: number | null;
    lowAfterHigh: boolean;
  }[],
): string | null {
  if (changed.length === 0) return null;
  return `update backend_state as s set storage_level = u.l, last_event_at = u.t, consecutive_failures = u.f,
      level_high = u.h, level_low = u.lo, level_low_after_high = u.o
    from unnest(${sqlArray(
      'bigint',
      changed.map((s) => s.backendId),
    )}, ${sqlArray(
      'bigint',
      changed.map((s) => s.storageLevel),
    )},
      ${sqlArray(
        'bigint',
        changed.map((s) => s.lastEventAt),
      )}, ${sqlArray(
        'bigint',
        changed.map((s) => s.failuresInRow),
      )},
      ${sqlArray(
        'bigint',
        changed.map((s) => s.levelHigh),
      )}, ${sqlArray(
        'bigint',
        changed.map((s) => s.levelLow),
      )}, ${sqlArray(
        'smallint',
        changed.map((s) => (s.lowAfterHigh ? 1 : 0)),
      )}) as u(b, l, t, f, h, lo, o)
    where s.backend_id = u.b`;
}

export { unnestInsertStatement };
