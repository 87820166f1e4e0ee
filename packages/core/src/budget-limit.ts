// A budget's amounts as people type and read them: dollars for cost, bytes (with units) for bandwidth and
// storage, calls for api_calls; its thresholds as typed; and how full a bar looks. Shared by the CLI
// (`budget set`, `budget list`) and the dashboard's budget form and bars.

import type { BudgetMetric } from './budgets/budget.js';
import { MAX_THRESHOLD_PERCENT } from './budgets/budget-input.js';
import { parseByteSize } from './byte-size.js';
import { ValidationError } from './errors.js';
import { formatAmount } from './format.js';
import type { ResourceType } from './vocabulary.js';

/** The resource whose unit a metric's values are in: cost in micros, bytes, calls. */
export const BUDGET_METRIC_UNIT: Record<BudgetMetric, ResourceType> = {
  cost: 'operation_cost',
  bandwidth_upload: 'bandwidth_upload',
  bandwidth_download: 'bandwidth_download',
  api_calls: 'api_calls',
  storage_level: 'storage_used',
};

/**
 * A value of a budget (limit, current, forecast, alert value) in its metric's unit; takes the GraphQL spelling too.
 * @example formatBudgetAmount('STORAGE_LEVEL', 2 ** 30) // '1.00 GiB'
 */
export function formatBudgetAmount(metric: BudgetMetric | Uppercase<BudgetMetric>, value: number): string {
  return formatAmount(BUDGET_METRIC_UNIT[metric.toLowerCase() as BudgetMetric], value);
}

const invalid = (message: string) => new ValidationError('INVALID_BUDGET', message, 'limit');

/**
 * A limit as typed, in the metric's unit: dollars (`200`, `$0.50`, up to 6 decimals, exact to the micro) for
 * cost; bytes with an optional unit (`500GiB`, `1.5 TB`) for bandwidth and storage; whole calls for
 * api_calls. Throws ValidationError INVALID_BUDGET (field `limit`) for anything else, or a limit of 0.
 * @example parseBudgetLimit('cost', '$12.5') // 12_500_000
 * @example parseBudgetLimit('storage_level', '500GiB') // 536_870_912_000
 */
export function parseBudgetLimit(metric: BudgetMetric | Uppercase<BudgetMetric>, text: string): number {
  const m = metric.toLowerCase() as BudgetMetric;
  const clean = text.trim().replaceAll('_', '').replaceAll(',', '');
  let value = Number.NaN;
  if (m === 'cost') {
    const match = /^\$?(\d+)(?:\.(\d{1,6}))?$/.exec(clean);
    // Whole dollars and the micros after the point, added as integers: no float touches the digits.
    if (match) value = Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw invalid(`A cost limit is a positive number of dollars, e.g. 200 or $0.50; got "${text}".`);
    }
    return value;
  }
  if (m === 'api_calls') {
    if (/^\d+$/.test(clean)) value = Number(clean);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw invalid(`An API calls limit is a positive whole number of calls; got "${text}".`);
    }
    return value;
  }
  value = parseByteSize(clean) ?? Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      `A byte limit is a positive whole number of bytes, optionally with a unit (e.g. 500GiB, 1.5TB); got "${text}".`,
    );
  }
  return value;
}

/**
 * Thresholds as typed: comma-separated whole percentages from 1 to MAX_THRESHOLD_PERCENT, written in digits
 * (`50,80,100`; spaces around each allowed; `50.0`, `5e1` or an empty part are refused, so what is typed is
 * what is stored). Throws ValidationError INVALID_BUDGET (field `thresholds`). How many, duplicates and
 * order are checkBudgetInput's (it sorts and keeps each once).
 * @example parseThresholds(' 50, 80,100') // [50, 80, 100]
 */
export function parseThresholds(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || values.some((v) => v < 1 || v > MAX_THRESHOLD_PERCENT)) {
    throw new ValidationError(
      'INVALID_BUDGET',
      `Thresholds are whole percentages from 1 to ${MAX_THRESHOLD_PERCENT}, comma-separated (e.g. 50,80,100); got "${text}".`,
      'thresholds',
    );
  }
  return values;
}

/** How full a budget looks: under its warning line, from it on, or from its red line (see budgetLevel). */
export type BudgetLevel = 'ok' | 'warning' | 'over';

/**
 * The level a bar or a table cell shows for `percent` of a limit. The red line is the last threshold or the
 * limit itself (100%), whichever comes first: a budget at or past its limit is 'over' whatever its
 * thresholds (a threshold past 100 still alerts, but does not keep a spent budget amber or green). From the
 * first threshold below the red line it is 'warning'; else 'ok'. Thresholds ascending, as stored.
 * @example budgetLevel(85, [50, 80, 100]) // 'warning'
 * @example budgetLevel(120, [50, 150]) // 'over'
 * @example budgetLevel(80, [80]) // 'over' (one threshold: no warning band)
 */
export function budgetLevel(percent: number, thresholds: readonly number[]): BudgetLevel {
  const red = Math.min(thresholds.at(-1) ?? 100, 100);
  if (percent >= red) return 'over';
  if (percent >= (thresholds[0] ?? 100)) return 'warning';
  return 'ok';
}
