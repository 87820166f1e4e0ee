// Budgets live in the database (table budgets), so every process and replica on the same file or server
// evaluates the same ones. Rows map to core's BudgetDefinition here and never leave the package.

import { randomBytes, randomUUID } from 'node:crypto';
import type { BudgetAlert, BudgetDefinition, BudgetMetric, CheckedBudget } from '@bytemeter/core/budgets';
import { type Kysely, type Selectable, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { BudgetAlertsTable, Database } from '../db/schema.js';

/** A stored budget: its definition, what alerts are keyed by, and its webhook secret. */
export interface StoredBudget extends BudgetDefinition {
  revision: number;
  webhookSecret: string | null;
  /** When the budget was first stored (tracker clock). */
  createdAt: number;
  /**
   * When its current definition began (tracker clock): creation, or the last set that changed what it
   * measures or alerts on. Billing months that ended before it are not this definition's (no backfill alerts).
   */
  revisedAt: number;
  updatedAt: number;
}

/** Every budget, oldest first (then by id). */
export function* loadBudgets(db: Kysely<Database>): Plan<StoredBudget[]> {
  const rows = yield* exec(budgetsQuery(db));
  return rows.map(toStoredBudget);
}

/** Every budget, oldest first: a text without parameters, so a script may carry it (loadBudgetsForValues). */
export const budgetsQuery = (db: Kysely<Database>) =>
  db.selectFrom('budgets').selectAll().orderBy('created_at').orderBy('id').compile();

/** A stored budget row as a StoredBudget. */
export function toStoredBudget(r: Selectable<Database['budgets']>): StoredBudget {
  return {
    id: r.id,
    name: r.name,
    backend: r.backend,
    metric: r.metric as BudgetMetric,
    limit: Number(r.limit_value),
    timezone: r.timezone,
    thresholds: JSON.parse(r.thresholds) as number[],
    alertOnForecast: Number(r.alert_on_forecast) === 1,
    webhookUrl: r.webhook_url,
    revision: Number(r.revision),
    webhookSecret: r.webhook_secret,
    createdAt: Number(r.created_at),
    revisedAt: revisionStart(r),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * When the budget's revision began. A row written by a process older than migration 0011 (running while
 * the database was migrated) has the column's default 0: its revision began no earlier than the budget.
 */
function revisionStart(r: { revised_at: number | string | bigint; created_at: number | string | bigint }): number {
  return Math.max(Number(r.revised_at), Number(r.created_at));
}

/** A new webhook secret in the form Standard Webhooks reads: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** What storing a budget did. */
export interface StoreOutcome {
  budget: StoredBudget;
  /** The secret created by this call (the budget had none), to show once; else null. */
  createdSecret: string | null;
}

/** The advisory lock key that orders budget and alert writes on PostgreSQL (any constant unique to this use). */
const BUDGET_WRITES_LOCK = 0x62_6d_61_6c; // "bmal"

/**
 * Takes the budgets' write lock (PostgreSQL: one transaction-scoped advisory lock; SQLite's single writer
 * already orders every write transaction). Every transaction that writes budgets, their arms or their
 * alerts takes it as its FIRST statement, before any row lock, so all of them lock in one order: this
 * lock, then budgets rows, then budget_arms rows, then (a storage evaluation consuming the levels' extremes)
 * backend_state rows in id order; ingest locks backend_state rows in id order too but never this lock nor a
 * budget or arm row, so it closes no cycle with them. Why first:
 * - Deadlocks: an evaluation that raised monthly alerts under this lock and then locked arm rows, against
 *   one that locked arm rows (a storage quota) and then wanted this lock to raise its alert, waited on each
 *   other (40P01: retried, the alert late). One order, no cycle.
 * - Alert order: PostgreSQL hands out budget_alerts.seq at insert, not at commit; alerts of two processes
 *   could commit in the other order, and a follower reading "seq after the last one seen" (getBudgetAlerts
 *   ({ afterId }), the API's budgetAlertRaised poller, `bytemeter alerts --follow`) would skip the
 *   later-committing one for good. Alert inserts under one lock make seq order the commit order.
 * - Revisions: storeBudget reads an id's alert history and picks a revision above it; an alert of a deleted
 *   budget committing after that read would take the new budget's key. Under the lock, with READ COMMITTED,
 *   every statement after it sees all that the lock's previous holders committed.
 */
export function* lockBudgetWrites(db: Kysely<Database>): Plan<void> {
  if (isPostgres(db)) yield* exec(sql`select pg_advisory_xact_lock(${BUDGET_WRITES_LOCK})`.compile(db));
}

/**
 * The highest revision an id has left a trace of: its alerts (kept when a budget is deleted) and arm rows.
 * null when none.
 */
function* revisionHistory(db: Kysely<Database>, id: string): Plan<number | null> {
  const rows = yield* exec(
    db
      .selectFrom('budget_alerts')
      .select((eb) => eb.fn.max('revision').as('revision'))
      .where('budget_id', '=', id)
      .unionAll(
        db
          .selectFrom('budget_arms')
          .select((eb) => eb.fn.max('revision').as('revision'))
          .where('budget_id', '=', id),
      ),
  );
  const known = rows.flatMap((r) => (r.revision === null ? [] : [Number(r.revision)]));
  return known.length === 0 ? null : Math.max(...known);
}

/**
 * Creates or replaces a budget. A replaced budget keeps its secret and revision unless what it measures
 * changed (metric, backend, limit, zone: then the revision moves on and its alerts start afresh). Its
 * revision start (revised_at) moves to now with the revision: a backfill then evaluates only billing months
 * that ended after it, so a redefinition never raises alerts for months the new definition did not exist
 * in. Thresholds, the forecast flag, the name and the webhook keep it: the budget measures the same, so an
 * earlier month's line that was crossed and never raised (a late event after an edit on the 1st) still
 * alerts once, keyed by the same revision; a line added by the edit can then alert for such a month too.
 *
 * A new revision (a budget created, or redefined) is above every revision the id has left a trace of: a
 * deleted budget's alerts stay (history), and a budget created again under its id would otherwise alert
 * under the old one's keys, conflict with its alerts and never alert (monthly: for that month; storage
 * quotas: for those generations). A revision that left no trace (no alert, no arm row) may be used again:
 * an evaluation builds its alerts from the definitions it reads under the lock, not from those it read
 * before (evaluate-plan.ts, liveBudgets), so an old budget's evaluation never alerts under the new one's keys.
 */
export function* storeBudget(db: Kysely<Database>, input: CheckedBudget, now: number): Plan<StoreOutcome> {
  const id = input.id ?? `bud_${randomUUID()}`;
  // First, so a set, a delete and an evaluation of the same id run one after the other (lockBudgetWrites).
  yield* lockBudgetWrites(db);
  const [old] = yield* exec(db.selectFrom('budgets').selectAll().where('id', '=', id));
  const measuresSame =
    old !== undefined &&
    old.metric === input.metric &&
    old.backend === input.backend &&
    Number(old.limit_value) === input.limit &&
    old.timezone === input.timezone;
  const revision = measuresSame
    ? Number(old.revision)
    : Math.max(Number(old?.revision ?? 0), (yield* revisionHistory(db, id)) ?? 0) + 1;
  const revisedAt = measuresSame ? revisionStart(old) : now;
  const oldSecret = old?.webhook_secret ?? null;
  const createdSecret = input.webhookUrl !== null && oldSecret === null ? newWebhookSecret() : null;
  const secret = createdSecret ?? oldSecret;
  const values = {
    name: input.name,
    backend: input.backend,
    metric: input.metric,
    limit_value: input.limit,
    timezone: input.timezone,
    thresholds: JSON.stringify(input.thresholds),
    alert_on_forecast: input.alertOnForecast ? 1 : 0,
    webhook_url: input.webhookUrl,
    webhook_secret: secret,
    revision,
    revised_at: revisedAt,
    updated_at: now,
  };
  if (old === undefined) {
    yield* exec(db.insertInto('budgets').values({ id, ...values, created_at: now }));
  } else {
    yield* exec(db.updateTable('budgets').set(values).where('id', '=', id));
    if (revision !== Number(old.revision)) yield* exec(db.deleteFrom('budget_arms').where('budget_id', '=', id));
  }
  const { id: _ignored, ...definition } = input;
  return {
    budget: {
      ...definition,
      id,
      revision,
      webhookSecret: secret,
      createdAt: Number(old?.created_at ?? now),
      revisedAt,
      updatedAt: now,
    },
    createdSecret,
  };
}

/**
 * How long after a rotation deliveries are signed with the old secret too, by default: a day, as long as
 * an alert's deliveries are retried by default, so a receiver has that long to switch.
 */
export const WEBHOOK_SECRET_GRACE_MS = 24 * 3_600_000;

/** What rotating a budget's webhook secret did: the new secret, or why there was none to rotate. */
export type RotateOutcome = { secret: string } | 'missing' | 'no-webhook';

/**
 * Replaces a budget's webhook secret with a new one. Deliveries read the secrets when they are attempted
 * (webhook-outbox.ts), so every attempt from the commit on, retries of alerts queued before included, is
 * signed with the new secret, and until `keepOldUntil` (wall-clock ms, as the delivery worker reads it;
 * null: not at all) with the replaced one too (two signatures in one
 * header, as Standard Webhooks allows): a receiver verifies with either. Only the secret replaced now is
 * kept: a second rotation within the grace period ends the first one's.
 */
export function* rotateWebhookSecret(
  db: Kysely<Database>,
  id: string,
  now: number,
  keepOldUntil: number | null,
): Plan<RotateOutcome> {
  const [row] = yield* exec(db.selectFrom('budgets').select(['webhook_url', 'webhook_secret']).where('id', '=', id));
  if (row === undefined) return 'missing';
  if (row.webhook_url === null) return 'no-webhook';
  const secret = newWebhookSecret();
  const keepOld = keepOldUntil !== null && row.webhook_secret !== null;
  yield* exec(
    db
      .updateTable('budgets')
      .set({
        webhook_secret: secret,
        previous_webhook_secret: keepOld ? row.webhook_secret : null,
        previous_secret_until: keepOld ? keepOldUntil : null,
        updated_at: now,
      })
      .where('id', '=', id),
  );
  return { secret };
}

/**
 * Removes a budget, its thresholds' armed state and its undelivered webhooks; true when it existed. Its
 * alerts stay (history): a budget created again under its id gets a revision above theirs (storeBudget).
 */
export function* removeBudget(db: Kysely<Database>, id: string): Plan<boolean> {
  yield* lockBudgetWrites(db);
  const rows = yield* exec(db.deleteFrom('budgets').where('id', '=', id).returning('id'));
  if (rows.length === 0) return false;
  yield* exec(db.deleteFrom('budget_arms').where('budget_id', '=', id));
  yield* exec(
    db
      .updateTable('webhook_deliveries')
      .set({ state: 'failed' })
      .where('budget_id', '=', id)
      .where('state', '=', 'pending'),
  );
  return true;
}

export function toBudgetAlert(r: Selectable<BudgetAlertsTable>): BudgetAlert {
  return {
    id: r.id,
    budgetId: r.budget_id,
    budgetName: r.budget_name,
    kind: r.kind === 'forecast' ? 'forecast' : 'actual',
    threshold: Number(r.threshold),
    value: Number(r.value),
    limit: Number(r.limit_value),
    periodStart: r.period_start,
    raisedAt: new Date(Number(r.raised_at)).toISOString(),
  };
}

/**
 * Alerts newest first: the newest `first`, or (after `afterId`) the `first` raised right after that one,
 * so a follower paging with the newest id it has seen misses none. null when no alert has `afterId`.
 */
export function* loadBudgetAlerts(
  db: Kysely<Database>,
  first: number,
  afterId: string | undefined,
): Plan<BudgetAlert[] | null> {
  if (afterId === undefined) {
    const rows = yield* exec(db.selectFrom('budget_alerts').selectAll().orderBy('seq', 'desc').limit(first));
    return rows.map(toBudgetAlert);
  }
  const [after] = yield* exec(db.selectFrom('budget_alerts').select('seq').where('id', '=', afterId));
  if (!after) return null;
  const rows = yield* exec(
    db.selectFrom('budget_alerts').selectAll().where('seq', '>', Number(after.seq)).orderBy('seq').limit(first),
  );
  return rows.reverse().map(toBudgetAlert);
}
