import type { BackendStatus, BudgetAlert, ResourceTracker, ResourceType, UsageEvent } from '@bytemeter/tracker';
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { AlertFeed } from './alert-feed.js';
import { type BandwidthSample, bandwidthSource } from './bandwidth-source.js';
import { eventSource } from './event-source.js';
import { SharedTicker } from './shared-ticker.js';
import { statusSource } from './status-source.js';

/** Samples a slow subscriber may fall behind by before the oldest are dropped. */
const BUFFER = 64;

/**
 * Every live feed of one process, each computed once per tick however many subscribers it has:
 * bandwidth per (backend, interval), one event poller, one status poller, one budget alert feed.
 */
export class LiveHub {
  readonly ticker: SharedTicker;
  private readonly alerts: AlertFeed;

  constructor(private readonly tracker: ResourceTracker) {
    this.ticker = new SharedTicker((error) => {
      process.stderr.write(`bytemeter api: live feed failed: ${(error as Error)?.message ?? String(error)}\n`);
    });
    this.alerts = new AlertFeed(tracker, this.ticker);
  }

  /** Key of the shared bandwidth computation for a backend (null: all) and interval. */
  static bandwidthKey(backend: string | null, intervalMs: number): string {
    return `bandwidth:${intervalMs}:${backend === null ? '*' : `=${backend}`}`;
  }

  bandwidth(backend: string | null, intervalMs: number): AsyncIterable<BandwidthSample> {
    const key = LiveHub.bandwidthKey(backend, intervalMs);
    return this.feed(
      key,
      () => bandwidthSource(this.tracker, backend, intervalMs),
      (sample, push) => push(sample),
    );
  }

  usageEvents(filter: { backend?: string | null; resourceType?: ResourceType | null }): AsyncIterable<UsageEvent> {
    return this.feed(
      'events',
      () => eventSource(this.tracker),
      (events: UsageEvent[], push) => {
        for (const e of events) {
          if (filter.backend != null && e.backend !== filter.backend) continue;
          if (filter.resourceType != null && e.resourceType !== filter.resourceType) continue;
          push(e);
        }
      },
    );
  }

  statusChanges(backend: string | null): AsyncIterable<BackendStatus> {
    return this.feed(
      'status',
      () => statusSource(this.tracker),
      (changed: BackendStatus[], push) => {
        for (const s of changed) if (backend === null || s.backend === backend) push(s);
      },
    );
  }

  /** Every budget alert raised by any process, once each (see AlertFeed). */
  budgetAlerts(): AsyncIterable<BudgetAlert> {
    return new Repeater<BudgetAlert>(async (push, stop) => {
      const unlisten = this.alerts.listen((alert) => void push(alert));
      await stop;
      unlisten();
    }, new SlidingBuffer(BUFFER));
  }

  private feed<V, T>(
    key: string,
    source: () => import('./shared-ticker.js').TickSource<unknown, V>,
    deliver: (value: V, push: (item: T) => void) => void,
  ): AsyncIterable<T> {
    return new Repeater<T>(async (push, stop) => {
      const unlisten = this.ticker.listen(key, source, (value: V) => deliver(value, (item) => void push(item)));
      await stop;
      unlisten();
    }, new SlidingBuffer(BUFFER));
  }
}
