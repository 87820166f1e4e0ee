'use server';
import { parseBudgetLimit, parseThresholds, toGraphQLEnum, ValidationError } from '@bytemeter/core';
import { BUDGET_METRICS, type BudgetMetric } from '@bytemeter/core/budgets';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { deleteBudget, rotateBudgetWebhookSecret, setBudget } from '@/lib/server/budgets';
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
  let thresholds: number[];
  let limit: number;
  try {
    thresholds = parseThresholds(text(form, 'thresholds') || '50,80,100');
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

export interface RotateSecretState {
  error: string | null;
  /** The new webhook secret: shown once in the card that asked, never stored by the dashboard. */
  webhookSecret: string | null;
}

/** A budget card's "new webhook secret" button: rotates through the API and hands the secret to that card only. */
export async function rotateSecret(_previous: RotateSecretState, form: FormData): Promise<RotateSecretState> {
  const id = text(form, 'id');
  if (!id) return { error: 'No budget was given.', webhookSecret: null };
  try {
    const rotated = await rotateBudgetWebhookSecret(id);
    return { error: null, webhookSecret: rotated.webhookSecret ?? null };
  } catch (error) {
    if (errorCode(error) === null) throw error;
    return { error: explain(error), webhookSecret: null };
  }
}
