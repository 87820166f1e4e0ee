import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UnsafeIntegerError } from '../errors.js';
import type { Database as Schema } from './schema.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const INTEGER_TEXT = /^-?\d+$/;

/**
 * Parses a bigint (or a numeric, what SUM of bigints returns) to an exact JavaScript integer. Anything a
 * number cannot hold exactly (past 2^53 - 1, or a fraction, which no column of ours can produce) throws.
 */
export function parseExactInteger(text: string): number {
  const value = Number(text);
  if (!INTEGER_TEXT.test(text) || !Number.isSafeInteger(value)) throw new UnsafeIntegerError(text);
  return value;
}

const exactTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseExactInteger;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

export interface OpenedPostgres {
  pool: pg.Pool;
  db: Kysely<Schema>;
}

/**
 * A Kysely instance on a `pg` pool for one database URL. The parsers are the pool's own (not pg's global
 * registry), so another library in the process keeps pg's defaults. `max` connections: each flush or read
 * holds one for its transaction.
 * @example const { db } = openPostgres('postgres://postgres@127.0.0.1:5432/usage')
 */
export function openPostgres(url: string, max = 4): OpenedPostgres {
  // allowExitOnIdle: idle connections must not keep a script alive after its last flush (as a file would not).
  const pool = new pg.Pool({ connectionString: url, max, types: exactTypes, allowExitOnIdle: true });
  // An idle client whose server went away must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // The pool listens on idle clients only: a checked-out client (Kysely's reads hold one for a transaction)
  // whose session the server ends (pg_terminate_backend, a restart) emits 'error' with nobody listening,
  // an uncaught exception. Its pending query rejects anyway, and the pool drops the dead client on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { pool, db };
}

/** Whether a database setting names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL without its password, to show where a tracker writes. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
