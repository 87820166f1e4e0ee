import { fromGraphQLEnum, parseBudgetLimit, parseThresholds as parseThresholdText } from '@bytemeter/core';
import { BUDGET_METRICS, type BudgetMetric } from '@bytemeter/tracker';
import { CliError } from './cli-error.js';

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
  const word = value.replaceAll('-', '_');
  const metric = fromGraphQLEnum(word, BUDGET_METRICS) ?? METRIC_WORDS[word.toLowerCase()];
  if (!metric) {
    throw new CliError(
      `--metric must be one of ${BUDGET_METRICS.join(', ')} (or upload, download, calls, storage); got "${value}".`,
    );
  }
  return metric;
}

/**
 * --limit in the metric's unit (core's parseBudgetLimit: dollars for cost, bytes with an optional unit for
 * bandwidth and storage, whole calls for api_calls); a bad one is INVALID_BUDGET, exit 2.
 * @example parseLimit('storage_level', '500GiB') // 536870912000
 */
export function parseLimit(metric: BudgetMetric, text: string | undefined): number {
  if (text === undefined) {
    throw new CliError('--limit is required (dollars for cost, bytes for bandwidth and storage, calls for api_calls).');
  }
  return parseBudgetLimit(metric, text);
}

/**
 * --thresholds: comma-separated whole percentages (core's parseThresholds, the dashboard form's rule too);
 * a bad one is INVALID_BUDGET, exit 2.
 * @example parseThresholds('50,80,100') // [50, 80, 100]
 */
export function parseThresholds(text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : parseThresholdText(text);
}
