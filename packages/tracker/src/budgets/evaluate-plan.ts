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
import { toBudgetAlert, toStoredBudget } from './budget-store.js';
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
 * The current definitions of these budgets, by id (a deleted one is missing). Called under lockBudgetWrites,
 * so no set or delete commits between this read and the writes that follow it: an evaluation builds its
 * alerts from these, never from the definitions it read before the lock, which a set may have edited since
 * (a threshold removed, another webhook URL, both under the same revision) or a delete and set replaced
 * (under the same revision and creation time, when the old budget left no trace and the clock did not move).
 */
export function* liveBudgets(db: Kysely<Database>, ids: readonly string[]): Plan<Map<string, StoredBudget>> {
  if (ids.length === 0) return new Map();
  const rows = yield* exec(
    db
      .selectFrom('budgets')
      .selectAll()
      .where('id', 'in', [...new Set(ids)]),
  );
  return new Map(rows.map((r) => [r.id, toStoredBudget(r)]));
}

/**
 * Inserts each candidate unless its key is stored (by this or any process); queues a webhook delivery for
 * each alert really inserted, in the same transaction. Returns the alerts this call raised. The caller
 * holds lockBudgetWrites (on PostgreSQL it makes seq order the commit order, see there) and built the
 * candidates from the budgets' definitions read under it (liveBudgets).
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

/** A threshold's arm row as a storage evaluation leaves it, and the alerts it raised on the way. */
export interface ArmTransition {
  budget: StoredBudget;
  threshold: number;
  /** As read (the update is conditional on it). */
  from: { generation: number; armed: boolean };
  to: { generation: number; armed: boolean };
  /** One per arming that a level reached the threshold in: the generation keys the alert. */
  fire: { generation: number; level: number }[];
}

/**
 * What a storage quota's thresholds call for, given the levels each budget is judged on, oldest first (see
 * storageReadings): each armed threshold a level reaches alerts (keyed by its generation) and is disarmed,
 * each disarmed one a later level has fallen 5% of the limit below is re-armed with the next generation,
 * so a threshold may alert, re-arm and alert again within one evaluation (each alert its own generation).
 * A threshold in `fresh` (its arm row was created by this evaluation: the budget is new or redefined, or the
 * threshold was added; by armKey) is judged on the last level only: the earlier ones may predate it.
 */
export function storageTransitions(
  budgets: readonly StoredBudget[],
  levels: ReadonlyMap<string, readonly number[]>,
  arms: ArmStates,
  fresh: ReadonlySet<string> = new Set(),
): ArmTransition[] {
  const out: ArmTransition[] = [];
  for (const b of budgets) {
    const all = levels.get(b.id) ?? [0];
    for (const threshold of b.thresholds) {
      const judged = fresh.has(armKey(b.id, threshold)) ? all.slice(-1) : all;
      const from = arms.get(armKey(b.id, threshold)) ?? { generation: 0, armed: true };
      let { generation, armed } = from;
      const fire: { generation: number; level: number }[] = [];
      for (const level of judged) {
        if (armed && reachedThresholds(level, b.limit, [threshold]).length > 0) {
          fire.push({ generation, level });
          armed = false;
        } else if (!armed && rearms(level, b.limit, threshold)) {
          generation += 1;
          armed = true;
        }
      }
      if (generation !== from.generation || armed !== from.armed)
        out.push({ budget: b, threshold, from, to: { generation, armed }, fire });
    }
  }
  return out;
}

/** Budgets with a threshold that has no arm row (at their revision) yet: its first evaluation is due. */
export function unarmed(budgets: readonly StoredBudget[], arms: ArmStates): StoredBudget[] {
  return budgets.filter((b) => b.thresholds.some((threshold) => !arms.has(armKey(b.id, threshold))));
}

/** What storageReadings read: the levels of each budget, and the backend_state rows whose extremes they hold. */
export interface StorageReadings {
  /** By budget id: the levels to judge, oldest first; the last is the level now. */
  levels: Map<string, number[]>;
  /** backend_state rows with extremes kept (consumed by evaluateStorage). */
  peaked: number[];
}

/**
 * The levels each storage quota is judged on. A quota on one backend: the extremes the writes kept since the
 * last consumption (backend_state.level_high/level_low, in the order they were reached), then the level now;
 * so a level that landed and was replaced before this evaluation is judged too. A quota on every backend:
 * the sum of the levels now only (a peak of a sum is not the sum of the backends' peaks, which need not have
 * been held at the same time). With `lock` (PostgreSQL, in evaluateStorage's transaction) the backend_state
 * rows are locked FOR UPDATE in id order, as ingest locks them, so no batch changes them before they are
 * consumed; ingest never waits on a budget lock, so this, taken after lockBudgetWrites and the arm rows,
 * closes no cycle.
 */
export function* storageReadings(
  db: Kysely<Database>,
  budgets: readonly StoredBudget[],
  lock: boolean,
): Plan<StorageReadings> {
  const levels = new Map<string, number[]>();
  const peaked: number[] = [];
  if (budgets.length === 0) return { levels, peaked };
  const names = [...new Set(budgets.flatMap((b) => (b.backend === null ? [] : [b.backend])))];
  const byName = new Map<string, number[]>();
  if (names.length > 0) {
    const ids = yield* exec(db.selectFrom('backends').select(['id', 'name']).where('name', 'in', names));
    const nameById = new Map(ids.map((r) => [Number(r.id), r.name]));
    if (ids.length > 0) {
      let query = db
        .selectFrom('backend_state')
        .select(['backend_id', 'storage_level', 'level_high', 'level_low', 'level_low_after_high'])
        .where('backend_id', 'in', [...nameById.keys()])
        .orderBy('backend_id');
      if (lock && isPostgres(db)) query = query.forUpdate();
      for (const r of yield* exec(query)) {
        const now = Number(r.storage_level);
        const name = nameById.get(Number(r.backend_id))!;
        if (r.level_high === null || r.level_low === null) {
          byName.set(name, [now]);
          continue;
        }
        peaked.push(Number(r.backend_id));
        const high = Number(r.level_high);
        const low = Number(r.level_low);
        byName.set(name, Number(r.level_low_after_high) === 1 ? [high, low, now] : [low, high, now]);
      }
    }
  }
  const all = budgets.some((b) => b.backend === null) ? yield* loadBackends(db) : [];
  for (const b of budgets) {
    levels.set(
      b.id,
      b.backend === null ? [all.reduce((total, row) => total + row.storageLevel, 0)] : (byName.get(b.backend) ?? [0]),
    );
  }
  return { levels, peaked };
}

/**
 * Storage quotas, in one write transaction: the arm rows are created if missing and locked (PostgreSQL:
 * FOR UPDATE, in key order), then the levels read (storageReadings, locking the backend_state rows after the
 * arm rows), then each threshold's transitions over those levels (storageTransitions) written: its arm row
 * once, conditional on the state read, and an alert per firing keyed by its generation. The backends'
 * extremes are consumed (set back to null) in the same transaction, so each landed level is judged by
 * exactly one evaluation. Two processes at once: the second waits for the first's locks and sees its
 * result. The caller holds lockBudgetWrites, taken before these row locks, and passes the budgets'
 * definitions read under it (liveBudgets): a deleted one's arms are not touched, an edited or re-created
 * one is judged as it is defined now.
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
  const created = yield* exec(
    db
      .insertInto('budget_arms')
      .values(rows)
      .onConflict((oc) => oc.columns(['budget_id', 'revision', 'threshold']).doNothing())
      .returning(['budget_id', 'threshold']),
  );
  const fresh = new Set(created.map((r) => armKey(r.budget_id, Number(r.threshold))));
  const arms = yield* loadArms(db, budgets, true);
  const { levels, peaked } = yield* storageReadings(db, budgets, true);
  const transitions = storageTransitions(budgets, levels, arms, fresh);
  for (const t of transitions) {
    yield* exec(
      db
        .updateTable('budget_arms')
        .set({ armed: t.to.armed ? 1 : 0, generation: t.to.generation })
        .where('budget_id', '=', t.budget.id)
        .where('revision', '=', t.budget.revision)
        .where('threshold', '=', t.threshold)
        .where('generation', '=', t.from.generation)
        .where('armed', '=', t.from.armed ? 1 : 0),
    );
  }
  if (peaked.length > 0) {
    yield* exec(
      db
        .updateTable('backend_state')
        .set({ level_high: null, level_low: null, level_low_after_high: 0 })
        .where('backend_id', 'in', peaked),
    );
  }
  return yield* raiseAlerts(
    db,
    transitions.flatMap((t) =>
      t.fire.map((f) => ({
        budget: t.budget,
        kind: 'actual' as const,
        threshold: t.threshold,
        value: f.level,
        periodKey: f.generation,
        periodStart: null,
      })),
    ),
    now,
  );
}
