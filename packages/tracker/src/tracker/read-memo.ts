import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { exec, type Plan } from '../db/runner.js';

/** How many answers a memo keeps (a dashboard asks a handful of distinct questions). */
const MAX_ANSWERS = 64;

/**
 * A number that changes whenever the data a read sees may have changed, or null when that cannot be told
 * cheaply (then nothing is memoised).
 */
export type DataVersion = () => string | null;

/**
 * The data version of a SQLite connection: `data_version` changes when another connection (another
 * process, the CLI, an exit write) commits; `total_changes()` counts this connection's own row changes.
 * Both only grow, so an answer stored under one version is never served again once either moved.
 */
export function sqliteDataVersion(sqlite: BetterSqlite3.Database): DataVersion {
  let probe: BetterSqlite3.Statement<[], [number, number]> | undefined;
  return () => {
    probe ??= sqlite
      .prepare<[], [number, number]>('select data_version, total_changes() from pragma_data_version')
      .raw();
    const row = probe.get();
    return row === undefined ? null : `${row[0]}:${row[1]}`;
  };
}

/**
 * A SQLite connection's `data_version` alone: it moves when another connection commits, never for this
 * one's own writes, so a change means some other process (or tracker) wrote.
 */
export function sqliteOthersCommitted(sqlite: BetterSqlite3.Database): () => number {
  let probe: BetterSqlite3.Statement<[], number> | undefined;
  return () => {
    probe ??= sqlite.prepare<[], number>('pragma data_version').pluck();
    return probe.get() ?? 0;
  };
}

/**
 * PostgreSQL's version of the data a read sees: the snapshot (`xmin:xmax:in-progress xids`), read either as
 * the first statement of a REPEATABLE READ transaction (ReadMemo.getInSnapshot), so it is the very snapshot
 * every later query of the read uses, or alone (TrackerReads.summaryVersion), as the server's current one.
 * On a primary, two equal snapshots see the same set of committed transactions, hence the same rows, on any
 * number of servers' writers; any commit anywhere on the server moves xmax (a miss, never a wrong answer).
 * One round trip instead of the read's queries, and no row every writer must update.
 *
 * On a hot standby (`pg_is_in_recovery()`) the text is not a version: a recovery snapshot keeps the
 * primary's in-progress xids in a list `pg_current_snapshot()` does not print, so the text can stay the same
 * while a transaction in that list commits and its rows become visible. There `v` is null (nothing is
 * memoised, no version is given); it is asked in the same statement each time, since a standby can be
 * promoted.
 */
export const PG_SNAPSHOT_PROBE = CompiledQuery.raw(
  'select case when pg_is_in_recovery() then null else pg_current_snapshot()::text end as v',
) as CompiledQuery<{ v: string | null }>;

/**
 * What a read in its own snapshot answers: the answer, the snapshot it saw (null: not a version, see
 * PG_SNAPSHOT_PROBE), and whether it came from memory.
 */
interface SnapshotAnswer<T> {
  version: string | null;
  answer: T;
  cached: boolean;
}

/**
 * Answers of reads kept while the database is unchanged: when many viewers ask the same question between
 * two flushes, it is read once. Exact, not a TTL: the version is read after pending events are written
 * and before the read, so an answer is served only while no commit of any connection came after the one
 * it saw. Callers get a copy, so changing an answer never changes the next one.
 */
export class ReadMemo {
  private version: string | null = null;
  private readonly answers = new Map<string, unknown>();
  /** The keys last kept for each group (see replaceGroup), in use order like the answers. */
  private readonly groups = new Map<string, readonly string[]>();

  constructor(private readonly dataVersion: DataVersion | undefined) {}

  /**
   * The answer for `key` (which must name everything the read depends on but the data), from `read` or,
   * when the data has not changed since it was read, from memory.
   */
  async get<T>(key: string, read: () => Promise<T>, copy: (answer: T) => T): Promise<T> {
    const version = this.dataVersion?.() ?? null;
    if (version === null) return read();
    if (version !== this.version) {
      this.clear();
      this.version = version;
    } else {
      const known = this.touch(key) as T | undefined;
      if (known !== undefined) return copy(known);
    }
    const answer = await read();
    // A commit may have come while the read was awaited: then the answer is newer than `version` claims,
    // which only costs a read (the next probe differs); an older answer is never stored under a newer version.
    if (this.version === version) this.store(key, answer);
    return copy(answer);
  }

  /**
   * The answer for `key` where the version is read inside the read's own transaction (PostgreSQL, see
   * PG_SNAPSHOT_PROBE): `run` runs a plan in one read snapshot; the plan probes the version first and
   * answers from memory when it equals the one the stored answer was read under, else reads and stores.
   * A null version (a hot standby) reads and stores nothing.
   */
  async getInSnapshot<T>(
    key: string,
    run: (plan: () => Plan<SnapshotAnswer<T>>) => Promise<SnapshotAnswer<T>>,
    read: () => Plan<T>,
    copy: (answer: T) => T,
  ): Promise<T> {
    const memo = this;
    const result = await run(function* (): Plan<SnapshotAnswer<T>> {
      const [row] = yield* exec(PG_SNAPSHOT_PROBE);
      const version = row?.v ?? null;
      if (version === null) return { version, answer: yield* read(), cached: false };
      const known = version === memo.version ? (memo.touch(key) as T | undefined) : undefined;
      if (known !== undefined) return { version, answer: known, cached: true };
      return { version, answer: yield* read(), cached: false };
    });
    if (!result.cached && result.version !== null) {
      // Reads finishing out of order may store an older snapshot's answers: each is kept under its own
      // snapshot, so it is served only to a read that sees exactly that snapshot.
      if (result.version !== this.version) {
        this.clear();
        this.version = result.version;
      }
      this.store(key, result.answer);
    }
    return copy(result.answer);
  }

  /**
   * For parts of a read kept inside a larger one (drill-down totals beside their page): the current version
   * and, when the data has not changed since they were kept, the part kept under each key (one version for
   * all of them; a null key names a part never kept). Null when the version cannot be told (nothing is kept
   * then: PostgreSQL, whose summaries use getInSnapshot instead). Read after pending events are written,
   * before the read; check isCurrent after it.
   */
  lookup<T>(keys: readonly (string | null)[]): { version: string; known: (T | undefined)[] } | null {
    const version = this.dataVersion?.() ?? null;
    if (version === null) return null;
    if (version !== this.version) {
      this.clear();
      this.version = version;
    }
    return { version, known: keys.map((key) => (key === null ? undefined : (this.touch(key) as T | undefined))) };
  }

  /** Whether the data version is still `version` (from lookup): no commit of any connection since. */
  isCurrent(version: string): boolean {
    return (this.dataVersion?.() ?? null) === version;
  }

  /** Keeps a part read under `version` (from lookup); a commit seen since then keeps nothing. */
  keep(version: string, key: string, answer: unknown): void {
    if (this.version === version) this.store(key, answer);
  }

  /**
   * Makes `keys` the answers kept for `group` (parts of one query kept by a read at `version`, from lookup)
   * and drops the group's earlier ones it does not name: the pieces a range ending at the clock is kept in
   * move with the clock (see totalsPieces), and those its latest read no longer uses are never asked again.
   * Left in place, one polled dashboard would fill the memo, push out the answers of other queries and make
   * every own commit bring them all forward (TrackerReads.committed). A commit seen since keeps nothing.
   */
  replaceGroup(version: string, group: string, keys: readonly string[]): void {
    if (this.version !== version) return;
    const latest = new Set(keys);
    for (const key of this.groups.get(group) ?? []) if (!latest.has(key)) this.answers.delete(key);
    this.groups.delete(group);
    if (this.groups.size >= MAX_ANSWERS) this.groups.delete(this.groups.keys().next().value!);
    this.groups.set(group, keys);
  }

  /**
   * Brings kept answers past one commit of this connection: `before` and `after` are the versions right
   * before and right after the commit (read inside its transaction, which nothing else can interleave
   * with), `update` gives an answer's value after it, or undefined when it cannot tell (that one is dropped).
   * Anything else that committed since the answers were kept (another connection, another write of this
   * one) left the memo at another version than `before`: then nothing is brought forward, and the next
   * lookup starts afresh.
   */
  advance(before: string, after: string, update: (answer: unknown) => unknown): void {
    if (this.version !== before || before === after) return;
    for (const [key, answer] of this.answers) {
      const next = update(answer);
      if (next === undefined) this.answers.delete(key);
      else this.answers.set(key, next);
    }
    this.version = after;
  }

  /** How many answers are kept (what bringing them forward costs). */
  get size(): number {
    return this.answers.size;
  }

  private clear(): void {
    this.answers.clear();
    this.groups.clear();
  }

  /** The answer kept under `key`, now the most recently used. */
  private touch(key: string): unknown {
    const answer = this.answers.get(key);
    if (answer !== undefined) {
      this.answers.delete(key);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private store(key: string, answer: unknown): void {
    // The least recently used answer goes first (the map is in use order, see touch), so many distinct
    // questions push out the ones no longer asked. Pieces a range ending at the clock no longer uses are
    // dropped as soon as its next read keeps its own (replaceGroup).
    this.answers.delete(key);
    if (this.answers.size >= MAX_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, answer);
  }
}
