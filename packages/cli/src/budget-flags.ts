import { BUDGET_METRICS, type BudgetMetric, type ResourceType } from '@bytemeter/tracker';
import { CliError } from './cli-error.js';
import { parseBytes } from './commands/track.js';

// `bytemeter budget set` values, checked before anything is opened so a typo changes nothing.

/** Short words a person types, beside the full metric names (cost, bandwidth_upload, storage_level, …). */
const METRIC_WORDS: Record<string, BudgetMetric> = {
  upload: 'bandwidth_upload',
  download: 'bandwidth_download',
  egress: 'bandwidth_download',
  calls: 'api_calls',
  storage: 'storage_level',
  quota: 'storage_level',
};

/**
 * A budget metric: a full name (any case, - or _) or a short word (upload, download, calls, storage).
 * @example parseMetric('storage') // 'storage_level'
 */
export function parseMetric(value: string | undefined): BudgetMetric {
  if (value === undefined) throw new CliError(`--metric is required: one of ${BUDGET_METRICS.join(', ')}.`);
  const word = value.toLowerCase().replaceAll('-', '_');
  const metric = (BUDGET_METRICS as readonly string[]).includes(word) ? (word as BudgetMetric) : METRIC_WORDS[word];
  if (!metric) {
    throw new CliError(
      `--metric must be one of ${BUDGET_METRICS.join(', ')} (or upload, download, calls, storage); got "${value}".`,
    );
  }
  return metric;
}

/** The resource whose unit a metric's values are in (for formatAmount). */
export const METRIC_UNIT: Record<BudgetMetric, ResourceType> = {
  cost: 'operation_cost',
  bandwidth_upload: 'bandwidth_upload',
  bandwidth_download: 'bandwidth_download',
  api_calls: 'api_calls',
  storage_level: 'storage_used',
};

/**
 * Dollars (`200`, `$0.50`, up to six decimals) as exact micros: no float ever touches the digits.
 * @example parseDollars('$12.5') // 12_500_000
 */
export function parseDollars(text: string): number {
  const match = /^\$?(\d+)(?:\.(\d{1,6}))?$/.exec(text.replaceAll('_', '').replaceAll(',', ''));
  const micros = match ? Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0')) : Number.NaN;
  if (!Number.isSafeInteger(micros) || micros <= 0) {
    throw new CliError(`A cost limit is a positive number of dollars, e.g. 200 or $0.50; got "${text}".`);
  }
  return micros;
}

/**
 * --limit in the metric's unit: dollars for cost, bytes with an optional unit for bandwidth and storage,
 * a whole number of calls for api_calls.
 * @example parseLimit('storage_level', '500GiB') // 536870912000
 */
export function parseLimit(metric: BudgetMetric, text: string | undefined): number {
  if (text === undefined)
    throw new CliError('--limit is required (dollars for cost, bytes for bandwidth and storage, calls for api_calls).');
  if (metric === 'cost') return parseDollars(text);
  if (metric === 'api_calls') {
    const calls = Number(text.replaceAll('_', ''));
    if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(calls) || calls <= 0) {
      throw new CliError(`An api_calls limit is a positive whole number of calls; got "${text}".`);
    }
    return calls;
  }
  const bytes = parseBytes(text, false);
  if (bytes <= 0) throw new CliError(`A byte limit must be more than 0; got "${text}".`);
  return bytes;
}

/**
 * Comma-separated whole percentages.
 * @example parseThresholds('50,80,100') // [50, 80, 100]
 */
export function parseThresholds(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || values.some((v) => v < 1 || v > 1000)) {
    throw new CliError(
      `--thresholds takes whole percentages from 1 to 1000, comma-separated, e.g. 50,80,100; got "${text}".`,
    );
  }
  return values;
}
