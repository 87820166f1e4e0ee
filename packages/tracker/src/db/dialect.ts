import { type Kysely, PostgresAdapter } from 'kysely';

/** The few places where SQL differs by dialect ask this, never the driver. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
