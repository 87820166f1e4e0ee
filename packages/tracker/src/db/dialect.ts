import { type Kysely, PostgresAdapter } from 'kysely';

/** The few places where SQL differs by dialect ask this, never the driver. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The two-argument smallest and largest of values: `least`/`greatest` on PostgreSQL, whose `min`/`max` are
 * aggregates only; SQLite's scalar `min`/`max`.
 */
export function extremeFunctions(db: Kysely<any>): { least: string; greatest: string } {
  return isPostgres(db) ? { least: 'least', greatest: 'greatest' } : { least: 'min', greatest: 'max' };
}
