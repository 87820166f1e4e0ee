import type { EventFeedPage, ResourceTracker, UsageEvent } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { MissedEvents } from '../src/live/event-source.js';
import { EVENT_BUFFER, LiveHub } from '../src/live/live-hub.js';
import { nextMatching } from './support/next-matching.js';

function event(i: number, backend = 'a'): UsageEvent {
  return {
    id: `e-${i}`,
    timestamp: new Date(0),
    backend,
    backendType: 's3',
    resourceType: 'api_calls',
    amount: 1,
    success: true,
  } as unknown as UsageEvent;
}

/** A tracker whose event feed hands out the given pages in turn, then nothing. */
function feedOf(pages: Omit<EventFeedPage, 'cursor'>[]): ResourceTracker {
  let served = 0;
  return {
    getEventFeed: async (q: { after?: number }) => {
      if (q.after === undefined) return { events: [], cursor: 0 };
      const page = pages[q.after];
      if (!page) return { events: [], cursor: q.after };
      served++;
      return { ...page, cursor: q.after + 1 };
    },
    get served() {
      return served;
    },
  } as unknown as ResourceTracker;
}

describe('usageEvents gaps', () => {
  it('tells a subscriber how many events the feed jumped over, in their place', async () => {
    const hub = new LiveHub(feedOf([{ events: [event(1)] }, { events: [event(2, 'b'), event(3)], skipped: 7 }]));
    const it = hub.usageEvents({ backend: 'a' })[Symbol.asyncIterator]();
    const items = [];
    for (let i = 0; i < 3; i++) items.push((await nextMatching(it, () => true, 5_000)).item);
    expect(items).toEqual([event(1), new MissedEvents(7), event(3)]);
    await it.return?.();
  });

  it('drops what a subscriber is too far behind to take and counts it once it has room', async () => {
    const many = Array.from({ length: EVENT_BUFFER + 10 }, (_, i) => event(i));
    const pages: Omit<EventFeedPage, 'cursor'>[] = [{ events: many }];
    const hub = new LiveHub(feedOf(pages));
    const it = hub.usageEvents({})[Symbol.asyncIterator]();
    const first = await nextMatching(it, () => true, 5_000);
    expect(first.item).toEqual(event(0));
    // The first page: one handed straight to the waiting read, EVENT_BUFFER buffered, 9 dropped.
    for (let i = 1; i <= EVENT_BUFFER; i++) expect((await it.next()).value).toBe(many[i]);
    pages.push({ events: [event(-1)] });
    const rest = [];
    for (let i = 0; i < 2; i++) rest.push((await nextMatching(it, () => true, 5_000)).item);
    expect(rest).toEqual([new MissedEvents(9), event(-1)]);
    await it.return?.();
  });
});
