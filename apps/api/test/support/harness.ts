import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker, openTokenStore, type ResourceTracker, type TokenStore } from '@bytemeter/tracker';
import { parse, print, type TypedQueryDocumentNode } from 'graphql';
import { type Api, type ApiOptions, createApi } from '../../src/create-api.js';
import type { LiveHub } from '../../src/live/live-hub.js';

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

export interface TestApi {
  yoga: Api;
  live: LiveHub;
  tracker: ResourceTracker;
  tokens: TokenStore;
  dbPath: string;
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

/** The API over a real tracker and token store on a temp SQLite file. */
export async function createTestApi(options: Partial<Omit<ApiOptions, 'tracker' | 'tokens'>> = {}): Promise<TestApi> {
  const db = tempDbPath();
  const tracker = openResourceTracker({ path: db.path, flushOnExit: false });
  await tracker.ready;
  const tokens = await openTokenStore({ path: db.path });
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
