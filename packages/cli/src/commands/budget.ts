import { budgetLevel, formatBudgetAmount } from '@bytemeter/core';
import { type BudgetInput, escapeControlChars } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';
import type { Color, Output, Piece } from '../paint.js';
import type { BudgetSource, BudgetView } from '../source/budget-source.js';
import { paintTable } from '../table.js';

const amount = (b: Pick<BudgetView, 'metric'>, value: number) => formatBudgetAmount(b.metric, value);
const percent = (p: number) => `${p.toFixed(1)}%`;

/** core's budgetLevel in colours, as the dashboard's bars show it: red from the last threshold or 100%, yellow from the first. */
const LEVEL_COLOR = { ok: undefined, warning: 'yellow', over: 'red' } as const satisfies Record<
  ReturnType<typeof budgetLevel>,
  Color | undefined
>;
const usedColor = (b: BudgetView): Color | undefined => LEVEL_COLOR[budgetLevel(b.percentUsed, b.thresholds)];

/**
 * `bytemeter budget list`: every budget with its value now, share used, forecast and (quotas) full date.
 * @example print(await budgetList(source, { json: false }))
 */
export async function budgetList(source: Pick<BudgetSource, 'getBudgets'>, flags: { json: boolean }): Promise<Output> {
  const budgets = await source.getBudgets();
  if (flags.json) return JSON.stringify(budgets, null, 2);
  if (budgets.length === 0)
    return 'No budgets yet: add one with `bytemeter budget set --name N --metric cost --limit 200`.';
  return paintTable(
    ['ID', 'NAME', 'BACKEND', 'METRIC', 'LIMIT', 'NOW', 'USED', 'FORECAST', 'FULL BY', 'ALERTS AT'],
    budgets.map((b) => [
      b.id,
      escapeControlChars(b.name),
      escapeControlChars(b.backend ?? '(all)'),
      b.metric,
      amount(b, b.limit),
      amount(b, b.current),
      percent(b.percentUsed),
      b.forecast === null ? '' : amount(b, b.forecast),
      b.projectedFullAt ?? '',
      `${b.thresholds.map((t) => `${t}%`).join(' ')}${b.alertOnForecast && b.metric !== 'storage_level' ? ' +forecast' : ''}`,
    ]),
    new Set([4, 5, 6, 7]),
    (row, col) => (col === 6 ? usedColor(budgets[row]!) : undefined),
  );
}

/**
 * `bytemeter budget set`: creates or (with --id) replaces a budget; a new webhook secret is printed once.
 * @example print(await budgetSet(source, { name: 'egress', metric: 'bandwidth_download', limit: 2 ** 40 }, { json: false }))
 */
export async function budgetSet(
  source: Pick<BudgetSource, 'setBudget'>,
  input: BudgetInput,
  flags: { json: boolean },
): Promise<Output> {
  const { budget, webhookSecret } = await source.setBudget(input);
  if (flags.json) return JSON.stringify({ budget, webhookSecret }, null, 2);
  const pieces: Piece[] = [
    { text: `Budget ${budget.id} "${escapeControlChars(budget.name)}" saved: ` },
    { text: `${amount(budget, budget.limit)}`, color: 'bold' },
    {
      text: ` of ${budget.metric} for ${budget.backend === null ? 'every backend' : escapeControlChars(budget.backend)}; now ${amount(budget, budget.current)} (${percent(budget.percentUsed)}).`,
    },
  ];
  if (webhookSecret) {
    pieces.push(
      { text: '\nWebhook secret (shown only now; keep it to verify deliveries): ' },
      { text: webhookSecret, color: 'bold' },
    );
  }
  return pieces;
}

/**
 * `bytemeter budget rotate-secret <id>`: a new webhook secret, printed once; attempts started after the
 * rotation are signed with it (queued alerts too: the secret is read when an attempt is claimed).
 * @example print(await budgetRotateSecret(source, 'bud_123', { json: false }))
 */
export async function budgetRotateSecret(
  source: Pick<BudgetSource, 'rotateWebhookSecret'>,
  id: string,
  flags: { json: boolean },
): Promise<Output> {
  const { budget, webhookSecret } = await source.rotateWebhookSecret(id);
  if (flags.json) return JSON.stringify({ budget, webhookSecret }, null, 2);
  return [
    { text: `Budget ${budget.id} "${escapeControlChars(budget.name)}" has a new webhook secret. ` },
    {
      text: 'Attempts started from now on, queued alerts too, are signed with it (one already under way may carry the old one); for a day they carry a signature made with the old secret too: update the receiver within that day.',
    },
    { text: '\nWebhook secret (shown only now; keep it to verify deliveries): ' },
    { text: webhookSecret, color: 'bold' },
  ];
}

/**
 * `bytemeter budget delete <id>`: an unknown id is bad usage (exit 2), nothing changed.
 * @example print(await budgetDelete(source, 'b_123'))
 */
export async function budgetDelete(
  source: Pick<BudgetSource, 'deleteBudget'>,
  id: string,
  flags: { json: boolean },
): Promise<Output> {
  const removed = await source.deleteBudget(id);
  if (!removed) throw new CliError(`No budget with id "${id}": \`bytemeter budget list\` shows the ids.`, EXIT.USAGE);
  return flags.json ? JSON.stringify({ deleted: id }) : `Budget ${id} deleted (its alert history stays).`;
}
