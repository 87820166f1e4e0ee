import type { BudgetAlert, BudgetInput, BudgetState, WebhookAttempt } from '@bytemeter/core/budgets';

/** What setBudget answers: the budget, and its webhook secret when one was created by this call. */
export interface SetBudgetResult {
  budget: BudgetState;
  /** `whsec_…`, returned once, when this call gave the budget its webhook secret; null otherwise. */
  webhookSecret: string | null;
}

/** A page of the alert history, newest first. */
export interface BudgetAlertQuery {
  /** At most this many (default 50, at most 1000). */
  first?: number;
  /** Only alerts raised after the one with this id (by any process): what a follower polls with. */
  afterId?: string;
}

/** A listener for the alerts this process raises. */
export type BudgetAlertListener = (alert: BudgetAlert) => void;

export type { BudgetAlert, BudgetInput, BudgetState, WebhookAttempt };
