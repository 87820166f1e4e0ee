import type { EventFeedPage, ResourceTracker, UsageEvent } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { eventSource, MissedEvents } from '../src/live/event-source.js';
import { LiveHub } from '../src/live/live-hub.js';
import { nextMatching } from './support/next-matching.js';
import { waitUntil } from './support/wait-until.js';

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

  it('keeps one log of at most the cap: a stalled subscriber is told once, even when the feed goes quiet, and ends', async () => {
    const cap = 1_500;
    const pages: Omit<EventFeedPage, 'cursor'>[] = [{ events: [event(0)] }];
    const hub = new LiveHub(feedOf(pages), { eventLogCap: cap });
    const stalled = hub.usageEvents({})[Symbol.asyncIterator]();
    const fast = hub.usageEvents({})[Symbol.asyncIterator]();
    const filtered = hub.usageEvents({ backend: 'b' })[Symbol.asyncIterator]();
    const firstFast = fast.next();
    const firstFiltered = filtered.next();
    // The stalled subscriber reads one event and then never again.
    expect((await stalled.next()).value).toEqual(event(0));
    expect((await firstFast).value).toEqual(event(0));
    // 4,000 more events, a full page of 1,000 per tick, one of them for 'b'.
    const many = Array.from({ length: 4_000 }, (_, i) => event(i + 1, i === 3_500 ? 'b' : 'a'));
    const seen: UsageEvent[] = [];
    let most = 0;
    for (let p = 0; p < 4; p++) {
      pages.push({ events: many.slice(p * 1000, (p + 1) * 1000) });
      while (seen.length < (p + 1) * 1000) {
        const step = await fast.next();
        seen.push(step.value as UsageEvent);
        most = Math.max(most, hub.retainedEvents);
      }
    }
    // The fast subscriber got every event once, in order; the shared log never held more than the cap
    // and one tick's read.
    expect(seen).toEqual(many);
    expect(most).toBeLessThanOrEqual(cap + 1000);
    expect((await firstFiltered).value).toEqual(many[3_500]);
    // The stalled one holds nothing: only the two live readers are left, and once they have passed every
    // entry (the filtered one waiting for its next 'b') nothing is kept.
    expect(hub.eventReaders).toBe(2);
    const filteredNext = filtered.next();
    await waitUntil(() => hub.retainedEvents === 0);
    // The feed is quiet now (no tick hands out anything); the stalled subscriber still learns, once, then ends.
    await new Promise((resolve) => setTimeout(resolve, 700));
    // The second tick (end 2,001) put it more than 1,500 behind, and it ends there: it missed every entry from
    // its position (1) to the log's end then, 2,000, not only the 500 the log dropped for it.
    expect(await stalled.next()).toEqual({ done: false, value: new MissedEvents(2000) });
    expect(await stalled.next()).toEqual({ done: true, value: undefined });
    await fast.return?.();
    await filtered.return?.();
    expect(await filteredNext).toEqual({ done: true, value: undefined });
    expect(hub.eventReaders).toBe(0);
    expect(hub.retainedEvents).toBe(0);
    expect(hub.ticker.listenerCounts().events).toBeUndefined();
  });

  it('keeps a subscriber that had read everything, however many events one tick brings', async () => {
    const pages: Omit<EventFeedPage, 'cursor'>[] = [];
    const hub = new LiveHub(feedOf(pages), { eventLogCap: 100 });
    const it = hub.usageEvents({})[Symbol.asyncIterator]();
    const first = it.next();
    await waitUntil(() => hub.eventReaders === 1);
    const many = Array.from({ length: 3_000 }, (_, i) => event(i));
    for (let p = 0; p < 3; p++) pages.push({ events: many.slice(p * 1000, (p + 1) * 1000) });
    const seen = [(await first).value];
    for (let i = 1; i < many.length; i++) seen.push((await it.next()).value);
    expect(seen).toEqual(many);
    await it.return?.();
  });

  it('ends a waiting pull when the subscription is returned', async () => {
    const hub = new LiveHub(feedOf([]));
    const it = hub.usageEvents({})[Symbol.asyncIterator]();
    const pending = it.next();
    await waitUntil(() => hub.eventReaders === 1);
    await it.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(hub.ticker.listenerCounts().events).toBeUndefined();
  });
});

describe('usageEvents poller', () => {
  it('reads on after full pages and ends the tick at a short one', async () => {
    const tracker = feedOf([
      { events: Array.from({ length: 1000 }, (_, i) => event(i)) },
      { events: [event(1000)] },
      { events: [event(1001)] },
    ]);
    const source = eventSource(tracker);
    const cursor = await source.init();
    const first = await source.tick(cursor, 0);
    // The full page and the short one after it; the third waits for the next tick, which is not hurried.
    expect([first.value?.length, first.state, first.again]).toEqual([1001, 2, false]);
    const second = await source.tick(first.state, 0);
    expect([second.value, second.state, second.again]).toEqual([[event(1001)], 3, false]);
    expect((tracker as unknown as { served: number }).served).toBe(3);
  });
});
