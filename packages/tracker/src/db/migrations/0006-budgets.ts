import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 12, budgets: budgets stored in the database (every process and replica evaluates the same ones),
 * the alert history whose unique key makes each alert happen once across processes, the armed state of
 * storage-quota thresholds, and the webhook outbox with every attempt kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';

  await db.schema
    .createTable('budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('backend', 'text')
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('limit_value', bigint, (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    // JSON array of whole percentages, sorted.
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('alert_on_forecast', 'smallint', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', 'text')
    // Bumped when what the budget measures changes (metric, backend, limit, zone): its alerts start afresh.
    .addColumn('revision', bigint, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('budget_alerts')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('budget_id', 'text', (c) => c.notNull())
    .addColumn('budget_name', 'text', (c) => c.notNull())
    .addColumn('revision', bigint, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('value', bigint, (c) => c.notNull())
    .addColumn('limit_value', bigint, (c) => c.notNull())
    // The billing month's start (ms) for monthly metrics; the threshold's arm generation for storage quotas.
    .addColumn('period_key', bigint, (c) => c.notNull())
    .addColumn('period_start', 'text')
    .addColumn('raised_at', bigint, (c) => c.notNull())
    .execute();
  // Exactly once: a second process inserting the same alert gets a conflict, not a second row.
  await db.schema
    .createIndex('budget_alerts_once')
    .on('budget_alerts')
    .columns(['budget_id', 'revision', 'period_key', 'threshold', 'kind'])
    .unique()
    .execute();

  // Storage quotas: a threshold alerts while armed; the alert disarms it, a level below it re-arms it with
  // the next generation (the generation is the alert's period_key, so each arming alerts at most once).
  await db.schema
    .createTable('budget_arms')
    .addColumn('budget_id', 'text', (c) => c.notNull())
    .addColumn('revision', bigint, (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('generation', bigint, (c) => c.notNull())
    .addColumn('armed', 'smallint', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_arms_pk', ['budget_id', 'revision', 'threshold'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('alert_id', 'text', (c) => c.primaryKey())
    .addColumn('budget_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // 'pending', 'delivered' or 'failed' (retries exhausted, or the budget was deleted).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', bigint, (c) => c.notNull())
    // A process claims an attempt until lease_until; another may take it over only after that.
    .addColumn('lease_until', bigint, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('delivered', 'smallint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['alert_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'budget_arms', 'budget_alerts', 'budgets']) {
    await db.schema.dropTable(table).execute();
  }
}
