import type BetterSqlite3 from 'better-sqlite3';
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { isStorageFull, StorageFullError } from '../errors.js';
import { scriptOf } from './pg-script.js';

/**
 * A unit of database work written once for every dialect: it yields compiled queries and receives their
 * rows. The SQLite runner drives it synchronously through better-sqlite3 (so it can also run at process
 * exit); an async runner drives it through Kysely's driver.
 */
export type Plan<T> = Generator<CompiledQuery, T, unknown>;

/** Runs one query inside a plan: `const rows = yield* exec(db.selectFrom(...))`. */
export function* exec<R>(query: Compilable<R> | CompiledQuery<R>): Generator<CompiledQuery, R[], unknown> {
  const compiled = isCompiled(query) ? query : query.compile();
  return (yield compiled) as R[];
}

function isCompiled<R>(q: Compilable<R> | CompiledQuery<R>): q is CompiledQuery<R> {
  return typeof (q as Compilable<R>).compile !== 'function';
}

export interface Runner {
  /** Runs a plan in a read snapshot. */
  read<T>(plan: () => Plan<T>): Promise<T>;
  /** Runs a plan in one write transaction; retried whole when another process holds the lock too long. */
  write<T>(plan: () => Plan<T>): Promise<T>;
}

/**
 * A runner that can also finish a plan on the caller's stack (SQLite): the recording check of a backdated
 * level report reads synchronously, and the flush at process exit must write synchronously.
 */
export interface SyncRunner extends Runner {
  readSync<T>(plan: () => Plan<T>): T;
  writeSync<T>(plan: () => Plan<T>): T;
}

const BUSY_RETRIES = 20;

/**
 * Compiled statements a SQLite runner keeps. Inserts leave all-null columns out (db/insert-rows.ts), so the
 * events insert alone has up to 64 column subsets times 5 row counts, with and without RETURNING: a
 * long-running process meets more texts than a fixed set, and the least recently used give way.
 */
export const STATEMENT_CACHE_SIZE = 500;

/** better-sqlite3: synchronous, with a statement cache keyed by SQL text (least recently used evicted). */
export class SqliteRunner implements SyncRunner {
  /** In use order, oldest first: a hit moves its statement to the end. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly cacheSize = STATEMENT_CACHE_SIZE,
  ) {}

  read<T>(plan: () => Plan<T>): Promise<T> {
    try {
      return Promise.resolve(this.readSync(plan));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  write<T>(plan: () => Plan<T>): Promise<T> {
    try {
      return Promise.resolve(this.writeSync(plan));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  readSync<T>(plan: () => Plan<T>): T {
    this.sqlite.exec('BEGIN');
    try {
      const result = this.drive(plan());
      this.sqlite.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      throw error;
    }
  }

  writeSync<T>(plan: () => Plan<T>): T {
    for (let attempt = 0; ; attempt++) {
      try {
        // IMMEDIATE takes the write lock first, so a read-then-write plan never deadlocks on upgrade.
        this.sqlite.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if (isBusy(error) && attempt < BUSY_RETRIES) continue;
        throw error;
      }
      try {
        const result = this.drive(plan());
        this.sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        if (isBusy(error) && attempt < BUSY_RETRIES) continue;
        // A full disk gets its own typed error, so callers can keep the events and retry instead of failing.
        throw isStorageFull(error) ? new StorageFullError(error) : error;
      }
    }
  }

  private drive<T>(gen: Plan<T>): T {
    let step = gen.next();
    while (!step.done) {
      let rows: unknown[];
      try {
        rows = this.run(step.value);
      } catch (error) {
        gen.return(undefined as T);
        throw error;
      }
      step = gen.next(rows);
    }
    return step.value;
  }

  private run(query: CompiledQuery): unknown[] {
    let statement = this.statements.get(query.sql);
    if (statement) {
      this.statements.delete(query.sql);
    } else {
      statement = this.sqlite.prepare(query.sql);
      // better-sqlite3 has no finalize: an evicted statement is freed when it is garbage collected.
      if (this.statements.size >= this.cacheSize) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(query.sql, statement);
    const params = query.parameters as unknown[];
    if (statement.reader) return statement.all(...params);
    statement.run(...params);
    return [];
  }
}

/** Attempts of one write plan when PostgreSQL aborts it for a serialization failure or a deadlock. */
const PG_RETRIES = 30;
/** SQLSTATEs after which the whole transaction may simply run again: nothing of it was kept. */
const PG_RETRYABLE = new Set(['40001', '40P01']);
/** disk_full: the server is out of space, as SQLITE_FULL is for a file. */
const PG_DISK_FULL = '53100';

/**
 * Any Kysely dialect (PostgreSQL): each plan on one pooled connection, inside one transaction. Reads run
 * in a read-only REPEATABLE READ snapshot, so every query of one read sees the same committed state (as a
 * SQLite read transaction does). Writes run in READ COMMITTED, named whatever the database's default, and
 * take row locks where they read what they then write (see record/ingest-plan.ts); a serialization failure
 * or deadlock reruns the plan whole.
 */
export class KyselyRunner implements Runner {
  /**
   * `pool`: the `pg` pool under `db`. With it, writes run on its clients directly, so a plan's scripts
   * (db/pg-script.ts) go out as one simple query each, the transaction's BEGIN in front of its first script
   * and COMMIT behind its final one; without it, a script's statements are sent one by one.
   */
  constructor(
    private readonly db: Kysely<any>,
    private readonly pool: pg.Pool | null = null,
  ) {}

  read<T>(plan: () => Plan<T>): Promise<T> {
    const begin = 'begin isolation level repeatable read read only';
    // On the pool's clients a read plan may yield scripts too: BEGIN goes out in front of its first, COMMIT
    // behind its final one, so a read of text-only statements is one round trip (query/backend-status-sums.ts).
    const pool = this.pool;
    if (pool) return this.withRetries(() => inPgTransaction(pool, plan, begin, true));
    return this.withRetries(() => this.inTransaction(plan, begin));
  }

  write<T>(plan: () => Plan<T>): Promise<T> {
    // Named, not inherited: a database or role whose default_transaction_isolation is REPEATABLE READ would
    // take the write's snapshot at its first statement, before the totals' advisory lock is held, and admit
    // against totals missing the batch that held the lock just before (record/running-totals.ts).
    const begin = 'begin isolation level read committed';
    const pool = this.pool;
    if (pool) return this.withRetries(() => inPgTransaction(pool, plan, begin));
    return this.withRetries(() => this.inTransaction(plan, begin));
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        const code = sqlState(error);
        if (code === PG_DISK_FULL) throw new StorageFullError(error);
        if (!PG_RETRYABLE.has(code) || n >= PG_RETRIES) throw error;
        // A little jitter so the transactions that collided do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * n));
      }
    }
  }

  private inTransaction<T>(plan: () => Plan<T>, begin: string): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      await conn.executeQuery(CompiledQuery.raw(begin));
      const gen = plan();
      try {
        let step = gen.next();
        let committed = false;
        while (!step.done) {
          if (committed) throw new Error('A write plan yielded a query after its final script.');
          const script = scriptOf(step.value);
          if (script) {
            // One statement at a time: the rows of each, as a pooled client's single query would return them.
            const rows: unknown[][] = [];
            for (const statement of script.statements) {
              const query =
                typeof statement === 'string'
                  ? CompiledQuery.raw(statement)
                  : CompiledQuery.raw(statement.sql, [...statement.parameters]);
              rows.push([...(await conn.executeQuery(query)).rows]);
            }
            if (script.final) {
              await conn.executeQuery(CompiledQuery.raw('commit'));
              committed = true;
            }
            step = gen.next(rows);
            continue;
          }
          const result = await conn.executeQuery(step.value);
          step = gen.next(result.rows);
        }
        if (!committed) await conn.executeQuery(CompiledQuery.raw('commit'));
        return step.value;
      } catch (error) {
        gen.return(undefined as T);
        // A rollback that fails too (the connection died) leaves nothing to undo: the server drops it.
        await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
        throw error;
      }
    });
  }
}

/**
 * A plan on one client of the pool, in one transaction: BEGIN goes out with the plan's first query
 * when that is a script, COMMIT with its final script, so a plan of scripts alone costs one round trip per
 * script. Rows of a script: one list per statement of it.
 */
async function inPgTransaction<T>(
  pool: pg.Pool,
  plan: () => Plan<T>,
  begin: string,
  /** A read-only transaction: its answer does not wait for the COMMIT (see below). */
  readOnly = false,
): Promise<T> {
  const client = await pool.connect();
  // A client whose connection died (rollback failed, or the server ended the session) is dropped, not
  // handed to the next write. Without a listener, the 'error' a checked-out client emits when the server
  // ends its session (pg_terminate_backend, a restart) would be an uncaught exception; its pending query
  // rejects with the server's error either way, so the plan fails as any failed statement does.
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  const release = (failed: boolean) => {
    client.off('error', onError);
    client.release(broken || failed);
  };
  let released = false;
  try {
    const gen = plan();
    let pendingBegin: string | null = begin;
    let committed = false;
    try {
      let step = gen.next();
      while (!step.done) {
        if (committed) throw new Error('A write plan yielded a query after its final script.');
        const script = scriptOf(step.value);
        if (script) {
          const rows: unknown[][] = [];
          // Text-only statements in a row go out as one simple query (BEGIN in front of the first, COMMIT
          // behind the last of a final script); a parameterised one goes alone, through the extended protocol.
          let texts: string[] = [];
          const sendTexts = async (commit: boolean) => {
            const before = pendingBegin ? [pendingBegin] : [];
            const all = [...before, ...texts, ...(commit ? ['commit'] : [])];
            if (all.length === 0) return;
            pendingBegin = null;
            const result = (await client.query(all.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
            const results = Array.isArray(result) ? result : [result];
            for (const r of results.slice(before.length, before.length + texts.length)) rows.push(r.rows ?? []);
            texts = [];
          };
          for (const statement of script.statements) {
            if (typeof statement === 'string') {
              texts.push(statement);
              continue;
            }
            await sendTexts(false);
            rows.push((await client.query(statement.sql, [...statement.parameters])).rows ?? []);
          }
          await sendTexts(script.final);
          committed = script.final;
          step = gen.next(rows);
          continue;
        }
        if (pendingBegin) {
          await client.query(pendingBegin);
          pendingBegin = null;
        }
        const result = await client.query(step.value.sql, [...step.value.parameters]);
        step = gen.next(result.rows ?? []);
      }
      if (!committed && pendingBegin === null) {
        if (readOnly) {
          // The COMMIT of a read-only transaction changes nothing anyone waits for: the answer goes back
          // now, and the client returns to the pool once the COMMIT is done (queued on it, nothing overtakes
          // it); a failed one drops the client, as a failed rollback does.
          released = true;
          client.query('commit').then(
            () => release(false),
            () => release(true),
          );
        } else await client.query('commit');
      }
      return step.value;
    } catch (error) {
      gen.return(undefined as T);
      if (pendingBegin === null) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
      }
      throw error;
    }
  } finally {
    if (!released) release(false);
  }
}

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}
