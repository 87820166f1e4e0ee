// Budgets (issue 12): the shapes every package shares. A budget limits one metric of one backend (or of all
// of them) per billing month in its zone, or the storage level (a quota); alerts say which line was crossed.

/** What a budget limits. Every metric but storage_level is a total per billing month. */
export const BUDGET_METRICS = ['cost', 'bandwidth_upload', 'bandwidth_download', 'api_calls', 'storage_level'] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

/** An alert is raised by the value itself (actual) or by its month-end projection (forecast). */
export const ALERT_KINDS = ['actual', 'forecast'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Threshold percentages when none are given. */
export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 100];

/**
 * A storage quota re-arms a threshold only once the level has fallen below it by this share of the limit
 * (5%): a level wobbling on the line alerts once.
 */
export const REARM_HYSTERESIS_PERCENT = 5;

/** What setBudget accepts (GraphQL BudgetInput, enum values in lower case). */
export interface BudgetInput {
  /** An existing budget's id replaces that budget; omitted: a new budget with a new id. */
  id?: string;
  name: string;
  /** null or omitted: every backend together. */
  backend?: string | null;
  metric: BudgetMetric;
  /** Micros for cost, bytes for bandwidth and storage, calls for api_calls: a whole number > 0, ≤ 2^53 − 1. */
  limit: number;
  /** Zone of the billing month; default 'UTC'. */
  timezone?: string;
  /** Whole percentages 1..1000 that raise an alert; default [50, 80, 100]. Sorted, duplicates removed. */
  thresholds?: number[];
  /** Also alert when the month-end forecast reaches 100% (ignored for storage_level); default true. */
  alertOnForecast?: boolean;
  /** http(s) URL POSTed a Standard Webhooks signed JSON body for every alert; null: none. */
  webhookUrl?: string | null;
}

/** A budget as checked and stored. */
export interface BudgetDefinition {
  id: string;
  name: string;
  backend: string | null;
  metric: BudgetMetric;
  limit: number;
  timezone: string;
  thresholds: number[];
  alertOnForecast: boolean;
  webhookUrl: string | null;
}

/** A budget with its value now, read from rollups (GraphQL Budget). */
export interface BudgetState extends BudgetDefinition {
  /** This billing month's total so far, or the storage level now. */
  current: number;
  /** current / limit × 100. */
  percentUsed: number;
  /** Month-end projection of current; null for storage_level. */
  forecast: number | null;
  /**
   * storage_level only: when the level reaches the limit at the recent growth rate (ISO 8601 UTC); null when
   * not growing (or not a storage budget). Already at or past the limit: the time of the reading.
   */
  projectedFullAt: string | null;
  /** When the budget was last set (ISO 8601 UTC). */
  updatedAt: string;
}

/** An alert raised, once per (budget, billing month, threshold, kind) across every process. */
export interface BudgetAlert {
  id: string;
  budgetId: string;
  budgetName: string;
  kind: AlertKind;
  /** The threshold percentage crossed (100 for a forecast alert). */
  threshold: number;
  /** The value that crossed it (the forecast for a forecast alert). */
  value: number;
  limit: number;
  /** Start of the billing month it belongs to (ISO 8601 in the budget's zone); null for storage_level. */
  periodStart: string | null;
  /** ISO 8601 UTC. */
  raisedAt: string;
}

/** One attempt to POST an alert to its budget's webhook. */
export interface WebhookAttempt {
  alertId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** When it was made (ISO 8601 UTC). */
  at: string;
  /** The HTTP status answered; null when no answer came (refused, timed out). */
  status: number | null;
  /** Why it failed, in words; null when delivered. */
  error: string | null;
  delivered: boolean;
}

/** The JSON body POSTed for an alert (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface BudgetAlertWebhookBody {
  type: 'budget.alert';
  /** When the alert was raised (ISO 8601 UTC). */
  timestamp: string;
  data: BudgetAlert & { metric: BudgetMetric; backend: string | null };
}
