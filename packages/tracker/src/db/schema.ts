import type { Generated } from 'kysely';

/** One row per backend name; `type` never changes after the row is written. */
export interface BackendsTable {
  id: Generated<number>;
  name: string;
  type: string;
  created_at: number;
}

/**
 * Raw events, kept for the raw retention. Times are ms since the epoch; amounts are integers in the
 * resource's unit. An event recorded with an id has a row in event_keys (the key is stored there only),
 * which answers the event's id while the key is kept.
 */
export interface EventsTable {
  id: Generated<number>;
  ts: number;
  backend_id: number;
  resource: number;
  amount: number;
  success: number;
  duration_ms: number | null;
  operation_id: string | null;
  path: string | null;
  metadata: string | null;
  reported_level: number | null;
  /** API_CALL_CLASS_CODE of an api_calls event's price class; null when it has none. */
  api_class: number | null;
}

/**
 * Per-bucket totals written in the same transaction as the raw rows they count. `level` holds a grain
 * code from rollup/grains.ts (the column keeps its first name: migrations are frozen); `bucket` is the
 * bucket's start in ms since the epoch (UTC aligned).
 */
export interface RollupsTable {
  level: number;
  bucket: number;
  backend_id: number;
  resource: number;
  total: number;
  count: number;
  failures: number;
  min: number;
  max: number;
  /**
   * Σ delta × (ts − bucket) of storage_used rows in byte-ms, as delta_time_hi × 2^32 + delta_time_lo (each
   * event adds floor(x / 2^32) and x mod 2^32: one 2^53-byte change late in a day bucket is a 2^80 product).
   * With `total` it gives the byte-time of the bucket's changes (core's storageByteMs); see pricing/delta-time.ts.
   */
  delta_time_lo: number;
  delta_time_hi: number;
}

/** What a backend's status needs in O(1): its storage level and the run of failures, as of the newest event. */
export interface BackendStateTable {
  backend_id: number;
  storage_level: number;
  last_event_at: number | null;
  consecutive_failures: number;
  /**
   * Highest and lowest storage level the store held since the budget evaluator last consumed them (null:
   * none since), kept by every batch that changes the level, in its transaction (migration 0014).
   */
  level_high: number | null;
  level_low: number | null;
  /** 1 when the lowest of them was reached after the highest. */
  level_low_after_high: Generated<number>;
}

/** API bearer tokens: only the sha-256 of each secret is stored; `scopes` is a comma-separated list. */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string | null;
  token_hash: string;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
}

/**
 * Idempotency keys, one per (backend, key), kept for the dedupe window: `ts` is when the key was stored
 * (ms since the epoch), what retention prunes by. The key is the encoded form of ids/event-key.ts.
 */
export interface EventKeysTable {
  backend_id: number;
  key: Uint8Array;
  ts: number;
  /** The raw row stored with the key (events.id), so the event's id reads back; null when none was kept. */
  event_id: number | null;
}

/** All-time total of each resource over every backend, but storage_used; kept at most 2^53 - 1 by ingest. */
export interface ResourceTotalsTable {
  resource: number;
  total: number;
}

/**
 * PostgreSQL: a share of a resource's all-time total, added by the connections whose slot it is, so
 * concurrent writers do not queue on one row; the total is resource_totals' row plus every slot.
 */
export interface ResourceTotalSlotsTable {
  resource: number;
  slot: number;
  total: number;
}

/**
 * Each backend's all-time total, count and failures of the resources /metrics counts (bandwidth_upload,
 * bandwidth_download, api_calls, operation_cost; not storage_used, nor the API call classes): the sum of
 * its day rollups, added to in the same transaction as the rollups, so a scrape reads one row per backend
 * and resource (query/get-backend-totals.ts).
 */
export interface BackendTotalsTable {
  backend_id: number;
  resource: number;
  total: number;
  count: number;
  failures: number;
}

/** Price plans (issue 11): the checked plan as JSON, one per backend and start. */
export interface PricePlansTable {
  backend: string;
  /** The plan's effectiveFrom in ms, -1 when it prices all usage before the next plan. */
  starts_at: number;
  plan: string;
  updated_at: number;
}

/** Budgets (issue 12): one row per budget; thresholds as a JSON array; the webhook secret as `whsec_…`. */
export interface BudgetsTable {
  id: string;
  name: string;
  backend: string | null;
  metric: string;
  limit_value: number;
  timezone: string;
  thresholds: string;
  alert_on_forecast: number;
  webhook_url: string | null;
  webhook_secret: string | null;
  /** Bumped when what the budget measures changes: alerts are unique per revision. */
  revision: number;
  created_at: number;
  updated_at: number;
  /** When the current definition began (creation, or a set that changed what it measures or alerts on). */
  revised_at: number;
  /** The secret before the last rotation: deliveries are signed with it too until previous_secret_until. */
  previous_webhook_secret: string | null;
  previous_secret_until: number | null;
  /** 1: set through a process that refuses private webhook targets; every process refuses them (0012). */
  refuse_private: Generated<number>;
}

/** SQLite only: one row per write transaction that stored events (see budgets/foreign-commits.ts). */
export interface EventCommitsTable {
  seq: Generated<number>;
  /** Earliest event time the transaction wrote (raw rows or rollups only). */
  min_ts: number;
  /** Comma-separated ids of the backends it wrote. */
  backend_ids: string;
}

/** Alerts raised; unique on (budget_id, revision, period_key, threshold, kind): each is raised once. */
export interface BudgetAlertsTable {
  seq: Generated<number>;
  id: string;
  budget_id: string;
  budget_name: string;
  revision: number;
  kind: string;
  threshold: number;
  value: number;
  limit_value: number;
  /** Billing month start (ms) for monthly metrics; the arm generation for storage quotas. */
  period_key: number;
  period_start: string | null;
  raised_at: number;
}

/** Armed state of each storage-quota threshold (see budgets/evaluate-plan.ts). */
export interface BudgetArmsTable {
  budget_id: string;
  revision: number;
  threshold: number;
  generation: number;
  armed: number;
}

/** The webhook outbox: one row per alert of a budget with a webhook. */
export interface WebhookDeliveriesTable {
  alert_id: string;
  budget_id: string;
  url: string;
  body: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number;
  lease_owner: string | null;
  created_at: number;
  /** 1: refuse private targets for this delivery, whatever its budget says now (0012). */
  refuse_private: Generated<number>;
}

/** Every attempt to deliver a webhook. */
export interface WebhookAttemptsTable {
  alert_id: string;
  attempt: number;
  at: number;
  status: number | null;
  error: string | null;
  delivered: number;
}

export interface Database {
  budgets: BudgetsTable;
  budget_alerts: BudgetAlertsTable;
  budget_arms: BudgetArmsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  price_plans: PricePlansTable;
  api_tokens: ApiTokensTable;
  backends: BackendsTable;
  events: EventsTable;
  rollups: RollupsTable;
  backend_state: BackendStateTable;
  resource_totals: ResourceTotalsTable;
  resource_total_slots: ResourceTotalSlotsTable;
  backend_totals: BackendTotalsTable;
  event_keys: EventKeysTable;
  event_commits: EventCommitsTable;
}
