// Raising alerts exactly once across processes. Monthly budgets: an alert row is inserted with
// ON CONFLICT DO NOTHING on the unique key (budget, revision, billing month, threshold, kind), so of two
// processes that see the same crossing only one inserts (and only it publishes and queues the webhook).
// Storage quotas: each threshold has an armed state and a generation (budget_arms) changed in the same
// transaction as the alert; the generation is the alert's key, so each arming alerts at most once.
// Every write here runs under lockBudgetWrites (budget-store.ts), taken first in the transaction.

import { randomUUID } from 'node:crypto';
import {
  type AlertKind,
  type BudgetAlert,
  type BudgetAlertWebhookBody,
  reachedThresholds,
  rearms,
} from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { loadBackends } from '../query/backends.js';
import { toIsoInZone } from '../time/zone.js';
import type { StoredBudget } from './budget-store.js';
import { toBudgetAlert } from './budget-store.js';
import type { BudgetValue } from './budget-values.js';

/** An alert that may be due: raised unless its key is already stored. */
export interface AlertCandidate {
  budget: StoredBudget;
  kind: AlertKind;
  threshold: number;
  value: number;
  periodKey: number;
  periodStart: string | null;
}

/** The key of an alert as the unique index has it. */
export const alertKey = (budgetId: string, revision: number, periodKey: number, threshold: number, kind: string) =>
  `${budgetId}\u0000${revision}\u0000${periodKey}\u0000${threshold}\u0000${kind}`;

/** Keys of the alerts already stored for these budgets' billing months. */
export function* storedAlertKeys(
  db: Kysely<Database>,
  budgetIds: readonly string[],
  periodKeys: readonly number[],
): Plan<Set<string>> {
  if (budgetIds.length === 0 || periodKeys.length === 0) return new Set();
  const rows = yield* exec(
    db
      .selectFrom('budget_alerts')
      .select(['budget_id', 'revision', 'period_key', 'threshold', 'kind'])
      .where('budget_id', 'in', budgetIds)
      .where('period_key', 'in', periodKeys),
  );
  return new Set(
    rows.map((r) => alertKey(r.budget_id, Number(r.revision), Number(r.period_key), Number(r.threshold), r.kind)),
  );
}

/** The alerts a monthly budget's value calls for that are not stored yet. */
export function monthlyCandidates(b: StoredBudget, v: BudgetValue, stored: ReadonlySet<string>): AlertCandidate[] {
  if (v.month === null) return [];
  const periodKey = v.month.start;
  const periodStart = toIsoInZone(v.month.start, b.timezone);
  const out: AlertCandidate[] = [];
  for (const threshold of reachedThresholds(v.current, b.limit, b.thresholds)) {
    if (!stored.has(alertKey(b.id, b.revision, periodKey, threshold, 'actual')))
      out.push({ budget: b, kind: 'actual', threshold, value: v.current, periodKey, periodStart });
  }
  if (b.alertOnForecast && v.forecast !== null && reachedThresholds(v.forecast, b.limit, [100]).length > 0) {
    if (!stored.has(alertKey(b.id, b.revision, periodKey, 100, 'forecast')))
      out.push({ budget: b, kind: 'forecast', threshold: 100, value: v.forecast, periodKey, periodStart });
  }
  return out;
}

/** The JSON body POSTed for an alert. */
function webhookBody(alert: BudgetAlert, b: StoredBudget): string {
  const body: BudgetAlertWebhookBody = {
    type: 'budget.alert',
    timestamp: alert.raisedAt,
    data: { ...alert, metric: b.metric, backend: b.backend },
  };
  return JSON.stringify(body);
}

/**
 * The ids of these budgets (as an evaluation read them) that are still stored as read: the same revision,
 * and the same creation (a budget deleted and created again under its id gets a new revision when the old
 * one left alerts or arm rows, else possibly the same one: its creation time tells them apart). Called
 * under lockBudgetWrites, so no set or delete commits between this check and the writes that follow it.
 */
export function* liveBudgets(db: Kysely<Database>, budgets: readonly StoredBudget[]): Plan<Set<string>> {
  if (budgets.length === 0) return new Set();
  const rows = yield* exec(
    db
      .selectFrom('budgets')
      .select(['id', 'revision', 'created_at'])
      .where('id', 'in', [...new Set(budgets.map((b) => b.id))]),
  );
  const stored = new Map(rows.map((r) => [r.id, r]));
  const live = new Set<string>();
  for (const b of budgets) {
    const r = stored.get(b.id);
    if (r !== undefined && Number(r.revision) === b.revision && Number(r.created_at) === b.createdAt) live.add(b.id);
  }
  return live;
}

/**
 * Inserts each candidate unless its key is stored (by this or any process); queues a webhook delivery for
 * each alert really inserted, in the same transaction. Returns the alerts this call raised. The caller
 * holds lockBudgetWrites (on PostgreSQL it makes seq order the commit order, see there) and has dropped
 * the candidates of budgets deleted or changed since they were read (liveBudgets).
 */
export function* raiseAlerts(
  db: Kysely<Database>,
  candidates: readonly AlertCandidate[],
  now: number,
): Plan<BudgetAlert[]> {
  if (candidates.length === 0) return [];
  const raised: BudgetAlert[] = [];
  for (const c of candidates) {
    const b = c.budget;
    const rows = yield* exec(
      db
        .insertInto('budget_alerts')
        .values({
          id: `alert_${randomUUID()}`,
          budget_id: b.id,
          budget_name: b.name,
          revision: b.revision,
          kind: c.kind,
          threshold: c.threshold,
          value: c.value,
          limit_value: b.limit,
          period_key: c.periodKey,
          period_start: c.periodStart,
          raised_at: now,
        })
        .onConflict((oc) => oc.columns(['budget_id', 'revision', 'period_key', 'threshold', 'kind']).doNothing())
        .returningAll(),
    );
    const row = rows[0];
    if (!row) continue;
    const alert = toBudgetAlert(row);
    raised.push(alert);
    if (b.webhookUrl !== null) {
      // The outbox runs on the wall clock (retries and leases are real time), whatever the tracker's clock.
      const wall = Date.now();
      yield* exec(
        db.insertInto('webhook_deliveries').values({
          alert_id: alert.id,
          budget_id: b.id,
          url: b.webhookUrl,
          body: webhookBody(alert, b),
          state: 'pending',
          attempts: 0,
          next_attempt_at: wall,
          lease_until: 0,
          lease_owner: null,
          created_at: wall,
        }),
      );
    }
  }
  return raised;
}

/** Armed state of a storage quota's thresholds, by `${budgetId}\0${threshold}`. */
export type ArmStates = Map<string, { generation: number; armed: boolean }>;
const armKey = (budgetId: string, threshold: number) => `${budgetId}\u0000${threshold}`;

/** The armed state of these budgets' thresholds (a threshold without a row is armed, generation 0). */
export function* loadArms(db: Kysely<Database>, budgets: readonly StoredBudget[], lock: boolean): Plan<ArmStates> {
  const arms: ArmStates = new Map();
  if (budgets.length === 0) return arms;
  let query = db
    .selectFrom('budget_arms')
    .select(['budget_id', 'revision', 'threshold', 'generation', 'armed'])
    .where(
      'budget_id',
      'in',
      budgets.map((b) => b.id),
    )
    .orderBy('budget_id')
    .orderBy('revision')
    .orderBy('threshold');
  if (lock && isPostgres(db)) query = query.forUpdate();
  const rows = yield* exec(query);
  const revision = new Map(budgets.map((b) => [b.id, b.revision]));
  for (const r of rows) {
    if (revision.get(r.budget_id) !== Number(r.revision)) continue;
    arms.set(armKey(r.budget_id, Number(r.threshold)), {
      generation: Number(r.generation),
      armed: Number(r.armed) === 1,
    });
  }
  return arms;
}

/** What a storage quota's thresholds call for at this level: alerts to raise and thresholds to re-arm. */
export function storageTransitions(
  budgets: readonly StoredBudget[],
  levels: ReadonlyMap<string, number>,
  arms: ArmStates,
): {
  fire: { budget: StoredBudget; threshold: number; generation: number; level: number }[];
  rearm: { budget: StoredBudget; threshold: number; generation: number }[];
} {
  const fire: { budget: StoredBudget; threshold: number; generation: number; level: number }[] = [];
  const rearm: { budget: StoredBudget; threshold: number; generation: number }[] = [];
  for (const b of budgets) {
    const level = levels.get(b.id) ?? 0;
    const reached = new Set(reachedThresholds(level, b.limit, b.thresholds));
    for (const threshold of b.thresholds) {
      const state = arms.get(armKey(b.id, threshold)) ?? { generation: 0, armed: true };
      if (state.armed && reached.has(threshold))
        fire.push({ budget: b, threshold, generation: state.generation, level });
      else if (!state.armed && rearms(level, b.limit, threshold))
        rearm.push({ budget: b, threshold, generation: state.generation });
    }
  }
  return { fire, rearm };
}

/** Storage level of each budget now: one backend's, or every backend's together. */
export function* storageLevels(db: Kysely<Database>, budgets: readonly StoredBudget[]): Plan<Map<string, number>> {
  const backends = yield* loadBackends(db);
  const levels = new Map<string, number>();
  for (const b of budgets) {
    const rows = b.backend === null ? backends : backends.filter((row) => row.name === b.backend);
    levels.set(
      b.id,
      rows.reduce((total, row) => total + row.storageLevel, 0),
    );
  }
  return levels;
}

/**
 * Storage quotas, in one write transaction: the arm rows are created if missing and locked (PostgreSQL:
 * FOR UPDATE, in key order), the levels read after the lock, then each armed threshold reached alerts
 * (keyed by its generation) and is disarmed, and each disarmed one the level has fallen 5% of the limit
 * below is re-armed with the next generation. Two processes at once: the second waits for the first's
 * locks and sees its result. The caller holds lockBudgetWrites, taken before these row locks, and passes
 * only budgets still stored as read (liveBudgets): a deleted or redefined one's arms are not touched.
 */
export function* evaluateStorage(
  db: Kysely<Database>,
  budgets: readonly StoredBudget[],
  now: number,
): Plan<BudgetAlert[]> {
  if (budgets.length === 0) return [];
  const rows = budgets.flatMap((b) =>
    b.thresholds.map((threshold) => ({ budget_id: b.id, revision: b.revision, threshold, generation: 0, armed: 1 })),
  );
  yield* exec(
    db
      .insertInto('budget_arms')
      .values(rows)
      .onConflict((oc) => oc.columns(['budget_id', 'revision', 'threshold']).doNothing()),
  );
  const arms = yield* loadArms(db, budgets, true);
  const levels = yield* storageLevels(db, budgets);
  const { fire, rearm } = storageTransitions(budgets, levels, arms);
  for (const r of rearm) {
    yield* exec(
      db
        .updateTable('budget_arms')
        .set({ armed: 1, generation: r.generation + 1 })
        .where('budget_id', '=', r.budget.id)
        .where('revision', '=', r.budget.revision)
        .where('threshold', '=', r.threshold)
        .where('generation', '=', r.generation)
        .where('armed', '=', 0),
    );
  }
  for (const f of fire) {
    yield* exec(
      db
        .updateTable('budget_arms')
        .set({ armed: 0 })
        .where('budget_id', '=', f.budget.id)
        .where('revision', '=', f.budget.revision)
        .where('threshold', '=', f.threshold)
        .where('generation', '=', f.generation),
    );
  }
  return yield* raiseAlerts(
    db,
    fire.map((f) => ({
      budget: f.budget,
      kind: 'actual' as const,
      threshold: f.threshold,
      value: f.level,
      periodKey: f.generation,
      periodStart: null,
    })),
    now,
  );
}
