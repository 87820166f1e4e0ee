// The checks of a budget's input, shared by the tracker (which stores it) and any caller that wants to
// refuse bad input before a round trip. Every failure is a ValidationError naming the field to fix.

import { ValidationError } from '../errors.js';
import { assertBackendName, describe, hasUnsafeCharacters, MAX_NAME_LENGTH } from '../event-rules.js';
import { assertTimeZone } from '../time-zone.js';
import { fromGraphQLEnum } from '../vocabulary.js';
import { BUDGET_METRICS, type BudgetDefinition, type BudgetInput, DEFAULT_THRESHOLDS } from './budget.js';

/** Most thresholds one budget may have. */
export const MAX_THRESHOLDS = 20;
/** Highest threshold percentage (a budget may warn at 10× its limit). */
export const MAX_THRESHOLD_PERCENT = 1000;
/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Longest budget id accepted. */
export const MAX_BUDGET_ID_LENGTH = 64;

const invalid = (message: string, field: string) => new ValidationError('INVALID_BUDGET', message, field);

/** A checked budget input: the stored definition, its id null when the budget is new. */
export type CheckedBudget = Omit<BudgetDefinition, 'id'> & { id: string | null };

/**
 * Checks a budget's input and applies the defaults (zone UTC, thresholds 50/80/100 sorted and without
 * duplicates, forecast alerts on, no webhook). Metrics may be given as GraphQL names (BANDWIDTH_UPLOAD).
 * Throws ValidationError: INVALID_BUDGET (field named), INVALID_TIMEZONE or INVALID_BACKEND_NAME.
 * @example checkBudgetInput({ name: 'egress', metric: 'bandwidth_download', limit: 2 ** 40 }).thresholds // [50, 80, 100]
 */
export function checkBudgetInput(input: BudgetInput): CheckedBudget {
  if (input === null || typeof input !== 'object') throw invalid('A budget object is required.', 'budget');
  const id = input.id === undefined || input.id === null ? null : checkId(input.id);
  const name = checkName(input.name);
  const backend = input.backend === undefined || input.backend === null ? null : input.backend;
  if (backend !== null) assertBackendName(backend);
  const metric = typeof input.metric === 'string' ? fromGraphQLEnum(input.metric, BUDGET_METRICS) : undefined;
  if (!metric)
    throw invalid(`metric must be one of ${BUDGET_METRICS.join(', ')}; got ${describe(input.metric)}.`, 'metric');
  if (typeof input.limit !== 'number' || !Number.isSafeInteger(input.limit) || input.limit <= 0) {
    throw invalid(`limit must be a whole number > 0 and ≤ 2^53 − 1; got ${describe(input.limit)}.`, 'limit');
  }
  const timezone = assertTimeZone(input.timezone ?? 'UTC');
  const thresholds = checkThresholds(input.thresholds ?? DEFAULT_THRESHOLDS);
  if (input.alertOnForecast !== undefined && typeof input.alertOnForecast !== 'boolean') {
    throw invalid(`alertOnForecast must be a boolean; got ${describe(input.alertOnForecast)}.`, 'alertOnForecast');
  }
  const webhookUrl =
    input.webhookUrl === undefined || input.webhookUrl === null ? null : checkWebhookUrl(input.webhookUrl);
  return {
    id,
    name,
    backend,
    metric,
    limit: input.limit,
    timezone,
    thresholds,
    // A storage level has no month end to project: the flag is kept false so reads say what happens.
    alertOnForecast: metric === 'storage_level' ? false : (input.alertOnForecast ?? true),
    webhookUrl,
  };
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_BUDGET_ID_LENGTH || !/^[A-Za-z0-9_.:-]+$/.test(id)) {
    throw invalid(`id must be 1 to ${MAX_BUDGET_ID_LENGTH} letters, digits or _ . : -; got ${describe(id)}.`, 'id');
  }
  return id;
}

function checkName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    name.trim() !== name ||
    hasUnsafeCharacters(name)
  ) {
    throw invalid(
      `name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters without surrounding spaces or control characters; got ${describe(name)}.`,
      'name',
    );
  }
  return name;
}

function checkThresholds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_THRESHOLDS) {
    throw invalid(`thresholds must list 1 to ${MAX_THRESHOLDS} percentages.`, 'thresholds');
  }
  const seen = new Set<number>();
  value.forEach((t: unknown, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_THRESHOLD_PERCENT) {
      throw invalid(
        `Each threshold must be a whole percentage from 1 to ${MAX_THRESHOLD_PERCENT}; got ${describe(t)}.`,
        `thresholds[${i}]`,
      );
    }
    seen.add(t);
  });
  return [...seen].sort((a, b) => a - b);
}

/**
 * A webhook URL: absolute http or https, no credentials in it (they would be logged and shown), no
 * fragment. Whether its host may be a private address is the tracker's setting, checked there.
 */
export function checkWebhookUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_WEBHOOK_URL_LENGTH) {
    throw invalid(`webhookUrl must be an http(s) URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters.`, 'webhookUrl');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`webhookUrl is not a URL: ${describe(value)}.`, 'webhookUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`webhookUrl must use http or https; got ${describe(url.protocol)}.`, 'webhookUrl');
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid('webhookUrl must not carry a user name or password; receivers verify the signature.', 'webhookUrl');
  }
  if (url.hash !== '') throw invalid('webhookUrl must not have a #fragment.', 'webhookUrl');
  return url.href;
}
