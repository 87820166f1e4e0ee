// The webhook outbox: a delivery row per alert of a budget with a webhook, written in the alert's own
// transaction, and every attempt kept. A process claims due deliveries with a lease, so two processes
// never send the same attempt at once; a lease left by a process that died runs out and another takes over.

import type { WebhookAttempt } from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { WebhookRetry } from '../tracker/options.js';

/** A delivery claimed by this process: what to POST, where, and with which secret. */
export interface ClaimedDelivery {
  alertId: string;
  url: string;
  body: string;
  secret: string | null;
  /** The secret before the last rotation, while its grace period lasts (signed with too); else null. */
  previousSecret: string | null;
  /**
   * Private targets are refused for this delivery whatever the delivering process allows: its budget was set
   * through a process that refuses them, or the delivery was queued for a URL that was (webhook-restriction.ts).
   */
  refusePrivate: boolean;
  /** The number of the attempt about to be made (1 for the first). */
  attempt: number;
  createdAt: number;
}

/** Whether any delivery is due: a read, so an idle poll never takes the write lock. */
export function* anyDue(db: Kysely<Database>, now: number): Plan<boolean> {
  const rows = yield* exec(
    db
      .selectFrom('webhook_deliveries')
      .select('alert_id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '<=', now)
      .limit(1),
  );
  return rows.length > 0;
}

/** Claims up to `limit` due deliveries for `owner` until now + leaseMs. */
export function* claimDeliveries(
  db: Kysely<Database>,
  owner: string,
  now: number,
  leaseMs: number,
  limit: number,
): Plan<ClaimedDelivery[]> {
  const due = yield* exec(
    db
      .selectFrom('webhook_deliveries')
      .select('alert_id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit),
  );
  const claimed: ClaimedDelivery[] = [];
  for (const { alert_id } of due) {
    // The conditions again on the row itself: of two processes that saw it due, only one updates it.
    const [row] = yield* exec(
      db
        .updateTable('webhook_deliveries')
        .set({ lease_until: now + leaseMs, lease_owner: owner })
        .where('alert_id', '=', alert_id)
        .where('state', '=', 'pending')
        .where('lease_until', '<=', now)
        .returning(['alert_id', 'url', 'body', 'attempts', 'budget_id', 'created_at', 'refuse_private']),
    );
    if (!row) continue;
    const [budget] = yield* exec(
      db
        .selectFrom('budgets')
        .select(['webhook_secret', 'previous_webhook_secret', 'previous_secret_until', 'refuse_private'])
        .where('id', '=', row.budget_id),
    );
    const graceLasts = budget?.previous_secret_until != null && Number(budget.previous_secret_until) > now;
    claimed.push({
      alertId: row.alert_id,
      url: row.url,
      body: row.body,
      secret: budget?.webhook_secret ?? null,
      previousSecret: graceLasts ? (budget?.previous_webhook_secret ?? null) : null,
      refusePrivate: Number(row.refuse_private) === 1 || Number(budget?.refuse_private ?? 0) === 1,
      attempt: Number(row.attempts) + 1,
      createdAt: Number(row.created_at),
    });
  }
  return claimed;
}

/** The outcome of one attempt. */
export interface AttemptOutcome {
  status: number | null;
  error: string | null;
  delivered: boolean;
  /** No retry can help (the budget is gone, the address is refused). */
  final?: boolean;
}

/** Delay before attempt n + 1 after n attempts failed: doubling from initialDelayMs, at most maxDelayMs. */
export function retryDelay(failedAttempts: number, retry: WebhookRetry): number {
  return Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(40, failedAttempts - 1));
}

/**
 * What follows an attempt made at `at`: delivered; failed for good (no retry can help, or the give-up time
 * has come); else the next attempt, after the backoff delay, but never later than the give-up time
 * (createdAt + giveUpAfterMs): a retry the backoff would start past it starts at it instead, so the retries
 * span the whole window whatever the delays (an attempt is never dropped because the next would start late).
 */
export function nextAttempt(
  claim: Pick<ClaimedDelivery, 'attempt' | 'createdAt'>,
  outcome: AttemptOutcome,
  at: number,
  retry: WebhookRetry,
): { state: 'delivered' | 'failed' | 'pending'; next: number } {
  const giveUpAt = claim.createdAt + retry.giveUpAfterMs;
  const next = Math.min(at + retryDelay(claim.attempt, retry), giveUpAt);
  if (outcome.delivered) return { state: 'delivered', next };
  if (outcome.final || at >= giveUpAt) return { state: 'failed', next };
  return { state: 'pending', next };
}

/**
 * Records an attempt and releases the lease: delivered, retried later (backoff, the last retry at the
 * give-up time: nextAttempt), or failed for good. Only the lease holder records (a lease taken over
 * meanwhile leaves the row to its new holder).
 */
export function* recordAttempt(
  db: Kysely<Database>,
  claim: ClaimedDelivery,
  owner: string,
  outcome: AttemptOutcome,
  at: number,
  retry: WebhookRetry,
): Plan<void> {
  const { state, next } = nextAttempt(claim, outcome, at, retry);
  const updated = yield* exec(
    db
      .updateTable('webhook_deliveries')
      .set({ state, attempts: claim.attempt, next_attempt_at: next, lease_until: 0, lease_owner: null })
      .where('alert_id', '=', claim.alertId)
      .where('lease_owner', '=', owner)
      .returning('alert_id'),
  );
  if (updated.length === 0) return;
  yield* exec(
    db
      .insertInto('webhook_attempts')
      .values({
        alert_id: claim.alertId,
        attempt: claim.attempt,
        at,
        status: outcome.status,
        error: outcome.error,
        delivered: outcome.delivered ? 1 : 0,
      })
      .onConflict((oc) => oc.columns(['alert_id', 'attempt']).doNothing()),
  );
}

/** Every attempt of one alert's webhook, oldest first. */
export function* loadAttempts(db: Kysely<Database>, alertId: string): Plan<WebhookAttempt[]> {
  const rows = yield* exec(
    db.selectFrom('webhook_attempts').selectAll().where('alert_id', '=', alertId).orderBy('attempt'),
  );
  return rows.map((r) => ({
    alertId: r.alert_id,
    attempt: Number(r.attempt),
    at: new Date(Number(r.at)).toISOString(),
    status: r.status === null ? null : Number(r.status),
    error: r.error,
    delivered: Number(r.delivered) === 1,
  }));
}
