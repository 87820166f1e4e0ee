import type { FeedCursor, ResourceTracker, UsageEvent } from '@bytemeter/tracker';
import type { TickSource } from './shared-ticker.js';

/** How often the shared usageEvents poller reads new rows. */
export const EVENT_POLL_MS = 500;
const MAX_PAGES_PER_TICK = 20;

/**
 * Every event stored since the last poll, by any process, oldest first. One poller per process serves
 * every usageEvents subscriber; each filters the batch in memory.
 */
export function eventSource(tracker: ResourceTracker): TickSource<FeedCursor, UsageEvent[]> {
  return {
    intervalMs: EVENT_POLL_MS,
    init: async () => (await tracker.getEventFeed({})).cursor,
    tick: async (after) => {
      const events: UsageEvent[] = [];
      let cursor = after;
      for (let page = 0; page < MAX_PAGES_PER_TICK; page++) {
        const next = await tracker.getEventFeed({ after: cursor });
        events.push(...next.events);
        const done = next.cursor === cursor || next.events.length === 0;
        cursor = next.cursor;
        if (done) break;
      }
      return { state: cursor, value: events.length > 0 ? events : undefined };
    },
  };
}
