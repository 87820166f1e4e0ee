import type { HealthStatus } from '../types.js';

/**
 * How a backend's health is judged from what was observed; every threshold is a tracker option.
 *
 * - `idle`: no operation in the last `windowMs`.
 * - `unhealthy`: error rate in the window >= `unhealthyErrorRate`, or the newest
 *   `unhealthyConsecutiveFailures` operations all failed.
 * - `degraded`: error rate >= `degradedErrorRate`, or the newest operation failed.
 * - `healthy`: otherwise.
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
}

export const DEFAULT_HEALTH: HealthThresholds = {
  windowMs: 15 * 60_000,
  activeWindowMs: 5 * 60_000,
  degradedErrorRate: 0.05,
  unhealthyErrorRate: 0.25,
  unhealthyConsecutiveFailures: 5,
};

export function judgeHealth(
  operations: number,
  failures: number,
  consecutiveFailures: number,
  t: HealthThresholds,
): { status: HealthStatus; errorRate: number } {
  const errorRate = operations === 0 ? 0 : failures / operations;
  if (operations === 0) return { status: 'idle', errorRate };
  if (errorRate >= t.unhealthyErrorRate || consecutiveFailures >= t.unhealthyConsecutiveFailures) {
    return { status: 'unhealthy', errorRate };
  }
  if (errorRate >= t.degradedErrorRate || consecutiveFailures > 0) return { status: 'degraded', errorRate };
  return { status: 'healthy', errorRate };
}
