import { formatBudgetAmount } from '@bytemeter/core';
import { type BudgetAlert, type BudgetMetric, escapeControlChars } from '@bytemeter/tracker';
import type { Output, Piece } from '../paint.js';
import type { BudgetSource } from '../source/budget-source.js';

/** Which metric each budget id measures, so an alert's amounts print in their unit (a deleted budget's: plain numbers). */
export type MetricOf = (budgetId: string) => BudgetMetric | undefined;

/** One alert as a log line: time, budget, kind and threshold, value of limit. */
export function alertLine(a: BudgetAlert, metricOf: MetricOf = () => undefined): Piece[] {
  const what = a.kind === 'forecast' ? 'forecast reaches' : 'crossed';
  const metric = metricOf(a.budgetId);
  const amount = (n: number) => (metric ? formatBudgetAmount(metric, n) : String(n));
  return [
    { text: `${a.raisedAt}  `, color: 'dim' },
    { text: escapeControlChars(a.budgetName), color: 'bold' },
    { text: `  ${what} ` },
    { text: `${a.threshold}%`, color: a.threshold >= 100 ? 'red' : 'yellow' },
    {
      text: `  ${amount(a.value)} of ${amount(a.limit)}${a.periodStart ? ` (month from ${a.periodStart})` : ''}  [alert ${a.id}]`,
    },
  ];
}

/**
 * `bytemeter alerts`: the last `limit` alerts as a log, oldest first (so --follow appends below); --json
 * prints them newest first as the API does.
 * @example print(await alertsList(source, { limit: 50, json: false }))
 */
export async function alertsList(
  source: Pick<BudgetSource, 'getBudgetAlerts'>,
  flags: { limit: number; json: boolean },
  metricOf: MetricOf = () => undefined,
): Promise<{ output: Output; seen: BudgetAlert[] }> {
  const alerts = await source.getBudgetAlerts(flags.limit);
  if (flags.json) return { output: JSON.stringify(alerts, null, 2), seen: alerts };
  if (alerts.length === 0) return { output: 'No alerts raised yet.', seen: alerts };
  const pieces: Piece[] = [];
  for (const a of [...alerts].reverse()) {
    if (pieces.length > 0) pieces.push({ text: '\n' });
    pieces.push(...alertLine(a, metricOf));
  }
  return { output: pieces, seen: alerts };
}
