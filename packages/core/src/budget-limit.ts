// A budget's amounts as people type and read them: dollars for cost, bytes (with units) for bandwidth and
// storage, calls for api_calls. Shared by the CLI (`budget set --limit`) and the dashboard's budget form.
import type { BudgetMetric } from './budgets/budget.js';
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

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

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
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(clean);
  const unit = BYTE_UNITS[(match?.[2] || 'b').toLowerCase()];
  if (match && unit !== undefined) value = Number(match[1]) * unit;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      `A byte limit is a positive whole number of bytes, optionally with a unit (e.g. 500GiB, 1.5TB); got "${text}".`,
    );
  }
  return value;
}
