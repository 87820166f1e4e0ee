import type { BudgetAlert, ResourceTracker } from '@bytemeter/tracker';
import type { TickSource } from './shared-ticker.js';

/** How often the shared budgetAlertRaised poller reads new alerts from the database. */
export const ALERT_POLL_MS = 1000;
/** Alerts read per poll: far more than thresholds can raise in a second. */
const PAGE = 500;

/**
 * Alerts stored since the last poll, by any process (the application's tracker, another replica), oldest
 * first. The state is the newest alert id seen; one poller per process serves every subscriber.
 */
export function alertSource(tracker: ResourceTracker): TickSource<string | null, BudgetAlert[]> {
  return {
    intervalMs: ALERT_POLL_MS,
    init: async () => (await tracker.getBudgetAlerts({ first: 1 }))[0]?.id ?? null,
    tick: async (afterId) => {
      const newestFirst = await tracker.getBudgetAlerts({ first: PAGE, ...(afterId !== null ? { afterId } : {}) });
      if (newestFirst.length === 0) return { state: afterId, value: undefined };
      return { state: newestFirst[0]!.id, value: newestFirst.reverse() };
    },
  };
}
