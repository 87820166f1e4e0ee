'use server';
import { parseBudgetLimit, toGraphQLEnum, ValidationError } from '@bytemeter/core';
import { BUDGET_METRICS, type BudgetMetric } from '@bytemeter/core/budgets';
import { revalidatePath } from 'next/cache';
import { deleteBudget, setBudget } from '@/lib/server/budgets';
import { errorCode } from '@/lib/server/bytemeter';

export interface BudgetFormState {
  error: string | null;
  /** The name of the budget just saved, for the confirmation. */
  saved: string | null;
  /** A webhook secret created by this save: shown once, never stored by the dashboard. */
  webhookSecret: string | null;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** Why the API refused a write, in words for the form. */
function explain(error: unknown): string {
  const code = errorCode(error);
  if (code === 'FORBIDDEN') {
    return 'Changing budgets needs the admin scope, which a dashboard session never holds. Set BYTEMETER_WEB_ADMIN_TOKEN (a token with the admin scope) where the dashboard server runs, or use `bytemeter budget set`.';
  }
  if (code === 'NETWORK') return 'The bytemeter API cannot be reached; nothing was saved.';
  if (error instanceof Error) return error.message.replace(/^[A-Z_]+: /, '');
  return String(error);
}

/** The budget form's action: checks the fields, saves through the API and says what happened. */
export async function saveBudget(_previous: BudgetFormState, form: FormData): Promise<BudgetFormState> {
  const fail = (error: string): BudgetFormState => ({ error, saved: null, webhookSecret: null });
  const name = text(form, 'name');
  if (!name) return fail('Give the budget a name.');
  const metric = text(form, 'metric').toLowerCase();
  if (!(BUDGET_METRICS as readonly string[]).includes(metric)) return fail('Choose what the budget limits.');
  const thresholdsText = text(form, 'thresholds') || '50,80,100';
  const thresholds = thresholdsText.split(',').map((t) => Number(t.trim()));
  if (thresholds.some((t) => !Number.isInteger(t) || t < 1 || t > 1000)) {
    return fail(
      `Thresholds are whole percentages from 1 to 1000, comma-separated (e.g. 50,80,100); got "${thresholdsText}".`,
    );
  }
  let limit: number;
  try {
    limit = parseBudgetLimit(metric as BudgetMetric, text(form, 'limit'));
  } catch (error) {
    if (error instanceof ValidationError) return fail(error.message);
    throw error;
  }
  const id = text(form, 'id');
  const backend = text(form, 'backend');
  const webhookUrl = text(form, 'webhookUrl');
  try {
    const saved = await setBudget({
      ...(id ? { id } : {}),
      name,
      backend: backend || null,
      metric: toGraphQLEnum(metric as BudgetMetric),
      limit,
      timezone: text(form, 'timezone') || 'UTC',
      thresholds,
      alertOnForecast: form.get('alertOnForecast') === 'on',
      webhookUrl: webhookUrl || null,
    });
    revalidatePath('/budgets');
    return { error: null, saved: saved.name, webhookSecret: saved.webhookSecret ?? null };
  } catch (error) {
    // Next's redirect (to the login page) travels as an error too; it must go on.
    if (errorCode(error) === null) throw error;
    return fail(explain(error));
  }
}

/** A budget card's delete button (a plain form: works without JavaScript). */
export async function removeBudget(form: FormData): Promise<void> {
  const id = text(form, 'id');
  if (id) await deleteBudget(id);
  revalidatePath('/budgets');
}
