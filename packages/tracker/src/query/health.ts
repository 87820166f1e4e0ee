import type { HealthStatus } from '../types.js';

/**
 * How a backend's health is judged from the operations observed in the window; every threshold is a
 * tracker option. Operations, not events, are counted: one instrumented call writes several events (an S3
 * put writes its API call, its upload bytes and its stored-bytes change), so a backend whose window holds
 * successful API calls (the S3 adapter, trackApi, operation scopes that add calls) is judged by its API
 * calls alone; a backend without any (the trackUpload/trackDownload wrappers write one bytes event per
 * successful call and one failed API call per failure) counts each event as one operation (operationsIn).
 *
 * - `idle`: no operation in the last `windowMs`.
 * - `unhealthy`: the newest `unhealthyConsecutiveFailures` operations all failed (at any volume), or, with
 *   at least `minOperations` in the window, an error rate >= `unhealthyErrorRate`.
 * - `degraded`: with at least `minOperations` in the window, an error rate >= `degradedErrorRate`.
 * - `healthy`: otherwise. Below `minOperations` an error rate says too little to leave HEALTHY: one failed
 *   call among a handful would otherwise turn a backend Degraded and Healthy again within a minute.
 *
 * A backend is active when its newest event is younger than `activeWindowMs`.
 */
export interface HealthThresholds {
  /** Window for the error rate and the idle test. Default 15 minutes. */
  windowMs: number;
  /** Default 5 minutes. */
  activeWindowMs: number;
  /** Default 0.05 (5 %). */
  degradedErrorRate: number;
  /** Default 0.25 (25 %). */
  unhealthyErrorRate: number;
  /** Default 5. */
  unhealthyConsecutiveFailures: number;
  /** Operations the window must hold before its error rate can leave HEALTHY. Default 20. */
  minOperations: number;
}

export const DEFAULT_HEALTH: HealthThresholds = {
  windowMs: 15 * 60_000,
  activeWindowMs: 5 * 60_000,
  degradedErrorRate: 0.05,
  unhealthyErrorRate: 0.25,
  unhealthyConsecutiveFailures: 5,
  minOperations: 20,
};

export interface HealthJudgement {
  status: HealthStatus;
  errorRate: number;
  /** Why, in one sentence: e.g. "3 of 120 calls failed in the last 15 min." */
  reason: string;
}

/** One resource's events in the window: how many, and how many failed. */
export interface ResourceCounts {
  count: number;
  failures: number;
}

/** Operations and failed operations of one backend, from its events per resource (see HealthThresholds). */
export function operationsIn(apiCalls: ResourceCounts | undefined, others: Iterable<ResourceCounts>): ResourceCounts {
  if (apiCalls && apiCalls.count > apiCalls.failures) return { count: apiCalls.count, failures: apiCalls.failures };
  const all = { count: apiCalls?.count ?? 0, failures: apiCalls?.failures ?? 0 };
  for (const c of others) {
    all.count += c.count;
    all.failures += c.failures;
  }
  return all;
}

export function judgeHealth(
  operations: number,
  failures: number,
  consecutiveFailures: number,
  t: HealthThresholds,
): HealthJudgement {
  const errorRate = operations === 0 ? 0 : failures / operations;
  const window = `in the last ${minutes(t.windowMs)}`;
  const tally = `${failures} of ${operations} ${operations === 1 ? 'call' : 'calls'} failed ${window}`;
  if (operations === 0) return { status: 'idle', errorRate, reason: `No calls ${window}.` };
  if (consecutiveFailures >= t.unhealthyConsecutiveFailures) {
    return { status: 'unhealthy', errorRate, reason: `The last ${consecutiveFailures} calls failed; ${tally}.` };
  }
  if (operations < t.minOperations) {
    return {
      status: 'healthy',
      errorRate,
      reason: `${tally}: too few to judge (at least ${t.minOperations} needed).`,
    };
  }
  if (errorRate >= t.unhealthyErrorRate) return { status: 'unhealthy', errorRate, reason: `${tally}.` };
  if (errorRate >= t.degradedErrorRate) return { status: 'degraded', errorRate, reason: `${tally}.` };
  return { status: 'healthy', errorRate, reason: `${tally}.` };
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return Number.isInteger(m) ? `${m} min` : `${Math.round(ms / 1000)} s`;
}
