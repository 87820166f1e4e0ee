'use server';
import { parseBudgetLimit, toGraphQLEnum, ValidationError } from '@bytemeter/core';
import { BUDGET_METRICS, type BudgetMetric } from '@bytemeter/core/budgets';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { deleteBudget, setBudget } from '@/lib/server/budgets';
import { errorCode } from '@/lib/server/bytemeter';
import { writeProblem } from './write-problems';

export interface BudgetFormState {
  error: string | null;
  /** The name of the budget just saved, for the confirmation. */
  saved: string | null;
  /** A webhook secret created by this save: shown once, never stored by the dashboard. */
  webhookSecret: string | null;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** Why the API refused a write, in words for the form: the API's own message for bad input. */
function explain(error: unknown): string {
  const known = writeProblem(errorCode(error));
  if (known) return known;
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

/** A budget card's delete button (a plain form: works without JavaScript); a refusal is shown on the page. */
export async function removeBudget(form: FormData): Promise<void> {
  const id = text(form, 'id');
  let problem: string | null = null;
  try {
    if (id) await deleteBudget(id);
  } catch (error) {
    const code = errorCode(error);
    if (code === null) throw error;
    problem = writeProblem(code) ? code : 'FAILED';
  }
  revalidatePath('/budgets');
  if (problem) redirect(`/budgets?problem=${problem}`);
}
