// The pure rules behind budget alerts: which thresholds a value has reached, when a storage quota's
// threshold re-arms, and how a month-end total and a storage full date are projected. Values are whole
// units (micros, bytes, calls) below 2^53, so comparisons run in BigInt and are exact.

import { DAY_MS } from '../vocabulary.js';
import { REARM_HYSTERESIS_PERCENT } from './budget.js';

/** Recent window of the projections: the same 7 days as the cost forecast. */
export const BUDGET_RATE_WINDOW_MS = 7 * DAY_MS;

/**
 * The thresholds (percentages) `value` has reached: value × 100 ≥ threshold × limit, exactly.
 * @example reachedThresholds(80, 100, [50, 80, 100]) // [50, 80]
 */
export function reachedThresholds(value: number, limit: number, thresholds: readonly number[]): number[] {
  const v = BigInt(Math.max(0, Math.trunc(value))) * 100n;
  const l = BigInt(limit);
  return thresholds.filter((t) => v >= BigInt(t) * l);
}

/**
 * Whether a storage quota's threshold, once alerted, is armed again at `level`: only when the level has
 * fallen below the threshold by REARM_HYSTERESIS_PERCENT of the limit (80% re-arms below 75%), so a level
 * wobbling on the line alerts once.
 * @example rearms(74, 100, 80) // true; rearms(76, 100, 80) // false
 */
export function rearms(level: number, limit: number, threshold: number): boolean {
  return BigInt(Math.max(0, Math.trunc(level))) * 100n < BigInt(threshold - REARM_HYSTERESIS_PERCENT) * BigInt(limit);
}

/** current / limit × 100 (a float for display; the alert rules above are exact). */
export function percentOf(value: number, limit: number): number {
  return (value * 100) / limit;
}

/**
 * The month-end total of a monthly metric: the month so far plus the recent daily rate (the total over
 * the `windowMs` before `at`, default 7 days) for the time left, rounded down to a whole unit.
 * @example projectMonthEnd({ monthToDate: 10, recent: 7, at: 0, monthEnd: 3 * 86_400_000 }) // 13
 */
export function projectMonthEnd(o: {
  monthToDate: number;
  recent: number;
  at: number;
  monthEnd: number;
  windowMs?: number;
}): number {
  const windowMs = o.windowMs ?? BUDGET_RATE_WINDOW_MS;
  const left = Math.max(0, o.monthEnd - o.at);
  const projected = (BigInt(o.recent) * BigInt(left)) / BigInt(windowMs);
  const total = BigInt(o.monthToDate) + projected;
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(total);
}

/**
 * When a storage level reaches `limit` at its recent growth rate: the net change over the window before
 * `at` (`change` bytes over `windowMs`) continued in a straight line. null when the level is not growing
 * (or there is no window yet); `at` itself when the level is already at or past the limit.
 * @example projectFullAt({ level: 50, change: 10, windowMs: 86_400_000, at: 0, limit: 100 }) // 5 days later
 */
export function projectFullAt(o: {
  level: number;
  change: number;
  windowMs: number;
  at: number;
  limit: number;
}): number | null {
  if (o.level >= o.limit) return o.at;
  if (o.change <= 0 || o.windowMs <= 0) return null;
  const ms = (BigInt(o.limit - o.level) * BigInt(Math.trunc(o.windowMs))) / BigInt(o.change);
  const at = BigInt(o.at) + ms;
  // Past the year 9999 there is no date to show: the level is as good as not growing.
  return at > 253_402_300_799_000n ? null : Number(at);
}
