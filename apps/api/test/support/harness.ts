import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker, openTokenStore, type ResourceTracker, type TokenStore } from '@bytemeter/tracker';
import { parse, print, type TypedQueryDocumentNode } from 'graphql';
import { inject } from 'vitest';
import { type Api, type ApiOptions, createApi } from '../../src/create-api.js';
import type { LiveHub } from '../../src/live/live-hub.js';
import { createPostgresDatabase } from '../../src/testing/postgres-database.js';

/** One GraphQL error as the API sends it. */
export interface WireError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; trackerCode?: string; [key: string]: unknown };
}

export interface OperationResult<TData> {
  status: number;
  data?: TData | null;
  errors?: WireError[];
}

/** A fresh database file in its own temp directory. */
export function tempDbPath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-api-'));
  return { path: join(dir, 'tracker.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDatabasePrefix: string;
  }
}

/** The store this run of the suite uses: the vitest project (see vitest.config.ts) sets it. */
export const DIALECT: 'sqlite' | 'postgres' = process.env.BYTEMETER_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

/** A new store of the run's dialect: what the API, the tracker and the token store are opened on. */
export interface TestStore {
  /** The SQLite file (on PostgreSQL an unused path: settings need one). */
  path: string;
  /** The PostgreSQL database, or null on SQLite. */
  databaseUrl: string | null;
  /** Spread into openResourceTracker / openTokenStore options. */
  options: { path: string } | { databaseUrl: string };
  /** Spread into ApiSettings. */
  settings: { dbPath: string; databaseUrl: string | null };
  /** Environment of an API or tracker child process on this store. */
  env: Record<string, string>;
  cleanup(): void;
}

let databases = 0;

/**
 * A fresh SQLite file, or on the PostgreSQL run a new database on the run's server (the tracker's
 * globalSetup drops every database of the run at the end).
 * @example const db = await testStore('auth'); await startApiServer({ settings: { ...readSettings({}), ...db.settings } })
 */
export async function testStore(label = 'api', dialect = DIALECT): Promise<TestStore> {
  const file = tempDbPath();
  let databaseUrl: string | null = null;
  if (dialect === 'postgres') {
    const name = `${inject('pgDatabasePrefix')}api_${process.pid}_${databases++}_${label.slice(0, 10)}`;
    databaseUrl = await createPostgresDatabase(inject('pgAdminUrl'), name.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
  }
  return {
    path: file.path,
    databaseUrl,
    options: databaseUrl ? { databaseUrl } : { path: file.path },
    settings: { dbPath: file.path, databaseUrl },
    env: { BYTEMETER_DB: file.path, ...(databaseUrl ? { BYTEMETER_DATABASE_URL: databaseUrl } : {}) },
    cleanup: file.cleanup,
  };
}

export interface TestApi {
  yoga: Api;
  live: LiveHub;
  tracker: ResourceTracker;
  tokens: TokenStore;
  dbPath: string;
  /** The store under test, for opening another tracker or token store on it. */
  store: TestStore;
  /**
   * Runs one operation in-process through yoga.fetch; `token` adds a bearer header.
   * @example const r = await api.execute<{ backends: { name: string }[] }>('{ backends { name } }')
   */
  execute<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string },
  ): Promise<OperationResult<TData>>;
  /**
   * Runs a typed document: its result and variables types travel with it, so a test cannot ask for one
   * shape and read another.
   * @example const Backends = gql<{ backends: { name: string }[] }>('{ backends { name } }'); (await api.executeOperation(Backends)).data?.backends
   */
  executeOperation<TData extends Record<string, unknown>, TVariables extends Record<string, unknown>>(
    document: TypedQueryDocumentNode<TData, TVariables>,
    variables?: TVariables,
    options?: { token?: string },
  ): Promise<OperationResult<TData>>;
  close(): Promise<void>;
}

/** The API over a real tracker and token store on a new store of the run's dialect (testStore). */
export async function createTestApi(
  options: Partial<Omit<ApiOptions, 'tracker' | 'tokens'>> = {},
  dialect = DIALECT,
): Promise<TestApi> {
  const db = await testStore('api', dialect);
  const tracker = openResourceTracker({ ...db.options, flushOnExit: false });
  await tracker.ready;
  const tokens = await openTokenStore(db.options);
  const { yoga, live } = createApi({ tracker, tokens, dbPath: db.path, ...options });
  async function execute<TData>(query: string, variables?: Record<string, unknown>, opts: { token?: string } = {}) {
    const body = JSON.stringify({ query, variables });
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      body,
    });
    const json = (await response.json()) as { data?: TData | null; errors?: WireError[] };
    return { status: response.status, ...json };
  }
  return {
    yoga,
    live,
    tracker,
    tokens,
    dbPath: db.path,
    store: db,
    execute,
    executeOperation: (document, variables, opts) => execute(print(document), variables, opts),
    async close() {
      await tokens.close();
      await tracker.close();
      db.cleanup();
    },
  };
}

/** The codes of a result's errors, for compact assertions. */
export const codes = (r: { errors?: WireError[] }) => (r.errors ?? []).map((e) => e.extensions?.code);

/**
 * A typed document from GraphQL source (what codegen's client preset would generate).
 * @example const Q = gql<{ backends: { name: string }[] }>('{ backends { name } }')
 */
export function gql<
  TData extends Record<string, unknown>,
  TVariables extends Record<string, unknown> = Record<string, never>,
>(source: string): TypedQueryDocumentNode<TData, TVariables> {
  return parse(source) as TypedQueryDocumentNode<TData, TVariables>;
}
