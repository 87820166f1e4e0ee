// @bytemeter/core/budgets: budget and alert shapes, the checks of a budget's input, and the pure rules of
// crossing, re-arming and projecting that the tracker applies to values read from rollups.

export {
  BUDGET_RATE_WINDOW_MS,
  percentOf,
  projectFullAt,
  projectMonthEnd,
  reachedThresholds,
  rearms,
} from './alert-rules.js';
export {
  ALERT_KINDS,
  type AlertKind,
  BUDGET_METRICS,
  type BudgetAlert,
  type BudgetAlertWebhookBody,
  type BudgetDefinition,
  type BudgetInput,
  type BudgetMetric,
  type BudgetState,
  DEFAULT_THRESHOLDS,
  REARM_HYSTERESIS_PERCENT,
  type WebhookAttempt,
} from './budget.js';
export {
  type CheckedBudget,
  checkBudgetInput,
  checkWebhookUrl,
  MAX_BUDGET_ID_LENGTH,
  MAX_THRESHOLD_PERCENT,
  MAX_THRESHOLDS,
  MAX_WEBHOOK_URL_LENGTH,
} from './budget-input.js';
