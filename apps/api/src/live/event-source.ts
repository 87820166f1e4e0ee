import type { FeedCursor, ResourceTracker, UsageEvent } from '@bytemeter/tracker';
import type { TickSource } from './shared-ticker.js';

/** How often the shared usageEvents poller reads new rows. */
export const EVENT_POLL_MS = 500;
/**
 * Longest one tick reads before it hands over what it read; when more is waiting the next tick starts at
 * once. No page cap: the feed keeps up with whatever the database can be read at.
 */
export const EVENT_TICK_BUDGET_MS = 100;
/** Events per read (the tracker's largest page): a full page means more may be waiting. */
export const EVENT_PAGE = 1000;

/** Events the feed could not deliver: a subscriber is told with an error (EVENTS_MISSED) in their place. */
export class MissedEvents {
  constructor(readonly count: number) {}
}

/**
 * Every event stored since the last poll, by any process, oldest first, and a MissedEvents where the feed
 * had to jump over events (on PostgreSQL, a poller more than 60 s behind the commit log). One poller per
 * process serves every usageEvents subscriber; each filters the batch in memory. It reads on while pages
 * come back full (EVENT_PAGE), for at most EVENT_TICK_BUDGET_MS, then starts the next tick at once (`again`);
 * a short page ends the tick, and the next starts at the next interval. Between pages it yields
 * to the event loop (a SQLite read is synchronous), so a long backlog never holds up the server.
 */
export function eventSource(tracker: ResourceTracker): TickSource<FeedCursor, (UsageEvent | MissedEvents)[]> {
  return {
    intervalMs: EVENT_POLL_MS,
    init: async () => (await tracker.getEventFeed({})).cursor,
    tick: async (after) => {
      const started = performance.now();
      const items: (UsageEvent | MissedEvents)[] = [];
      let cursor = after;
      let again = false;
      for (;;) {
        const next = await tracker.getEventFeed({ after: cursor, limit: EVENT_PAGE });
        if (next.skipped) items.push(new MissedEvents(next.skipped));
        for (const e of next.events) items.push(e);
        // A short page is the end of what is stored: the rest waits for the next tick (a trickle of
        // writes must not keep the poller reading page after small page).
        const done = next.cursor === cursor || next.events.length < EVENT_PAGE;
        cursor = next.cursor;
        if (done) break;
        if (performance.now() - started >= EVENT_TICK_BUDGET_MS) {
          again = true;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { state: cursor, value: items.length > 0 ? items : undefined, again };
    },
  };
}
