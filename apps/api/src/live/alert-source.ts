import { type BudgetAlert, BytemeterError, type ResourceTracker } from '@bytemeter/tracker';
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
  const newestId = async () => (await tracker.getBudgetAlerts({ first: 1 }))[0]?.id ?? null;
  return {
    intervalMs: ALERT_POLL_MS,
    init: newestId,
    tick: async (afterId) => {
      let newestFirst: BudgetAlert[];
      try {
        newestFirst = await tracker.getBudgetAlerts({ first: PAGE, ...(afterId !== null ? { afterId } : {}) });
      } catch (error) {
        // The alert the cursor names is gone (the history was replaced, e.g. by a copy): follow from the newest.
        if (error instanceof BytemeterError && error.code === 'INVALID_CURSOR')
          return { state: await newestId(), value: undefined };
        throw error;
      }
      if (newestFirst.length === 0) return { state: afterId, value: undefined };
      return { state: newestFirst[0]!.id, value: newestFirst.reverse() };
    },
  };
}
