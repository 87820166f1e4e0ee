import Database from 'better-sqlite3';
import pg from 'pg';
import { beforeAll, describe } from 'vitest';
import type { TrackerOptions } from '../../src/index.js';
import { createTestDatabase } from './postgres.js';
import { tempDbPaths } from './temp-db.js';

/** The stores every dialect-neutral suite runs on, as kysely's own tests loop over their dialects. */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Where one test's tracker keeps its data: spread into openResourceTracker's options. */
export type StoreOptions = Pick<TrackerOptions, 'path' | 'databaseUrl'>;

/**
 * New stores of one dialect for a test file: a SQLite file in the file's temporary directory, or a new
 * PostgreSQL database (dropped when the run ends). Reopening the returned options reopens the same store.
 * @example const newStore = testStores(dialect, 'idempotency'); const store = await newStore('a'); openResourceTracker({ ...store })
 */
export function testStores(dialect: Dialect, prefix: string): (name: string) => Promise<StoreOptions> {
  if (dialect === 'postgres')
    return (name) => createTestDatabase(`${prefix}_${name}`).then((databaseUrl) => ({ databaseUrl }));
  const paths = tempDbPaths(prefix);
  return async (name) => ({ path: paths(`${name}.db`) });
}

/** Runs one SQL query on a store through its own connection, outside any tracker. */
export async function queryStore<T = Record<string, unknown>>(store: StoreOptions, text: string): Promise<T[]> {
  return readStore(store, (query) => query<T>(text));
}

type ReadQuery = <T = Record<string, unknown>>(text: string) => Promise<T[]>;

/**
 * Runs `read` with one read-only connection to a store (outside any tracker), closed afterwards: for helpers
 * that ask several queries, which on PostgreSQL would otherwise pay a connection each.
 */
export async function readStore<R>(store: StoreOptions, read: (query: ReadQuery) => Promise<R>): Promise<R> {
  if (store.databaseUrl) {
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      return await read(async <T>(text: string) => (await client.query(text)).rows as T[]);
    } finally {
      await client.end();
    }
  }
  const db = new Database(store.path!, { readonly: true, fileMustExist: true });
  try {
    return await read(async <T>(text: string) => db.prepare(text).all() as T[]);
  } finally {
    db.close();
  }
}

/**
 * Runs one writing statement on a store through its own connection, outside any tracker (to plant rows an
 * older version could have written). Parameters are `?` in the text, numbered for PostgreSQL.
 */
export async function writeStore(store: StoreOptions, text: string, params: unknown[] = []): Promise<void> {
  if (store.databaseUrl) {
    let n = 0;
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      await client.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      );
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(store.path!, { fileMustExist: true });
  try {
    db.prepare(text).run(...params);
  } finally {
    db.close();
  }
}

/** Row count of one table, read through a separate connection. */
export async function countStoreRows(store: StoreOptions, table: string): Promise<number> {
  const [row] = await queryStore<{ n: number | string }>(store, `select count(*) as n from ${table}`);
  return Number(row!.n);
}

/**
 * Every row of the usage tables as one comparable string (a separate connection): two equal snapshots
 * mean the store did not change.
 */
export async function snapshotStore(store: StoreOptions): Promise<string> {
  // One connection for all ten queries: validation.test.ts alone takes about 200 snapshots.
  return readStore(store, async (query) => {
    const parts: string[] = [];
    for (const table of ['backends', 'backend_state', 'events', 'rollups', 'backend_totals', 'event_keys']) {
      const exists = await query(
        store.databaseUrl
          ? `select 1 from information_schema.tables where table_name = '${table}'`
          : `select 1 from sqlite_master where name = '${table}'`,
      );
      if (exists.length === 0) continue;
      const rows = await query<Record<string, unknown>>(`select * from ${table} order by 1, 2, 3`);
      const text = rows.map((r) =>
        JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
      );
      parts.push(`${table}:\n${text.join('\n')}`);
    }
    return parts.join('\n');
  });
}

let currentStores: ((name: string) => Promise<StoreOptions>) | null = null;
let currentScratch: (() => Promise<StoreOptions>) | null = null;

/**
 * Runs a file's suites once per dialect (describe.each over DIALECTS); inside, newStore() gives a store of
 * the dialect being run, also to helpers defined outside the describe blocks.
 * @example describeEachDialect('retention', () => { it('…', async () => { const t = openResourceTracker({ ...(await newStore()) }) }) })
 */
export function describeEachDialect(title: string, body: (dialect: Dialect) => void): void {
  describe.each(DIALECTS)(`${title} (%s)`, (dialect) => {
    const stores = testStores(dialect, title);
    let scratch: StoreOptions | null = null;
    const emptyScratch = async (): Promise<StoreOptions> => {
      if (dialect === 'sqlite') return { path: ':memory:' };
      if (!scratch) scratch = { databaseUrl: await createTestDatabase(title) };
      else await emptyStore(scratch);
      return scratch;
    };
    beforeAll(() => {
      currentStores = stores;
      currentScratch = emptyScratch;
    });
    body(dialect);
  });
}

/**
 * A store of the dialect the enclosing describeEachDialect is running. With a name: a new one, to reopen
 * by its options. Without: an empty private one (SQLite ':memory:'; on PostgreSQL the file's scratch
 * database, emptied: only for tests that close their tracker before the next one opens).
 */
export function newStore(name?: string): Promise<StoreOptions> {
  if (!currentStores || !currentScratch) throw new Error('newStore() runs only inside describeEachDialect.');
  return name === undefined ? currentScratch() : currentStores(name);
}

/** Deletes every usage row of a PostgreSQL store (the schema stays), ids restarting from 1. */
async function emptyStore(store: StoreOptions): Promise<void> {
  const [row] = await queryStore<{ t: string | null }>(store, "select to_regclass('event_keys')::text as t");
  if (!row?.t) return;
  await queryStore(
    store,
    'truncate table backends, events, rollups, backend_state, resource_totals, resource_total_slots, backend_totals, event_keys, api_tokens, price_plans, budgets, budget_alerts, budget_arms, webhook_deliveries, webhook_attempts restart identity',
  );
}
