import 'server-only';
// Budgets and alerts for the dashboard's pages. Reads use the session's read token like every page; writes
// need the admin scope, which a session never carries (see verify-read-token.ts): they go out with the
// dashboard server's own BYTEMETER_WEB_ADMIN_TOKEN when the operator set one, else with the session's token,
// which an API without tokens (loopback, open) accepts.
import type { Budget, BudgetAlertRecord, BudgetInput, RotatedBudgetSecret, SetBudgetResult } from '@bytemeter/client';
import { clientFor, read } from './bytemeter';
import { sessionToken } from './session';

/**
 * Every budget with its state now.
 * @example const budgets = await getBudgets()
 */
export function getBudgets(): Promise<Budget[]> {
  return read((c) => c.getBudgets());
}

/**
 * The latest alerts, newest first, each with its webhook attempts.
 * @example const alerts = await getBudgetAlerts(50)
 */
export function getBudgetAlerts(first: number): Promise<BudgetAlertRecord[]> {
  return read((c) => c.getBudgetAlerts(first));
}

/** The client budget writes go through; the caller must hold a session the API accepts for reading first. */
async function writeClient() {
  // The session is checked first: a visitor the API refuses (no or a revoked token) goes to the login page
  // instead of borrowing the dashboard's admin token.
  await read((c) => c.getBackends());
  return clientFor(process.env.BYTEMETER_WEB_ADMIN_TOKEN || (await sessionToken()));
}

/**
 * Creates or replaces a budget (admin scope, see above); the answer carries a new webhook secret once.
 * @example const saved = await setBudget({ name: 'egress', metric: 'BANDWIDTH_DOWNLOAD', limit: 2 ** 40 })
 */
export async function setBudget(input: BudgetInput): Promise<SetBudgetResult> {
  return (await writeClient()).setBudget(input);
}

/**
 * Removes a budget (admin scope); true when one was removed.
 * @example await deleteBudget(id)
 */
export async function deleteBudget(id: string): Promise<boolean> {
  return (await writeClient()).deleteBudget(id);
}

/**
 * Gives a budget with a webhook a new signing secret (admin scope); the answer carries it, this once.
 * @example const { webhookSecret } = await rotateBudgetWebhookSecret(id)
 */
export async function rotateBudgetWebhookSecret(id: string): Promise<RotatedBudgetSecret> {
  return (await writeClient()).rotateBudgetWebhookSecret(id);
}
