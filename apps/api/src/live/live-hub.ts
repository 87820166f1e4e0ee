import type { BackendStatus, BudgetAlert, ResourceTracker, ResourceType, UsageEvent } from '@bytemeter/tracker';
import { Repeater, type RepeaterBuffer, SlidingBuffer } from 'graphql-yoga';
import { AlertFeed } from './alert-feed.js';
import { type BandwidthSample, bandwidthSource } from './bandwidth-source.js';
import { eventSource, MissedEvents } from './event-source.js';
import { SharedTicker } from './shared-ticker.js';
import { statusSource } from './status-source.js';

/** Samples a slow subscriber may fall behind by before the oldest are dropped. */
const BUFFER = 64;
/**
 * Events a usageEvents subscriber may fall behind by (about 3 s at 30,000 events/s on one replica); past
 * it, newer events are dropped and the subscriber gets one EVENTS_MISSED error saying how many.
 */
export const EVENT_BUFFER = 100_000;

/** A queue that never refuses a push (the hub bounds it) and tells its length. */
class QueueBuffer implements RepeaterBuffer {
  private items: unknown[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  get empty(): boolean {
    return this.size === 0;
  }
  get full(): boolean {
    return false;
  }
  add(value: unknown): void {
    this.items.push(value);
  }
  remove(): unknown {
    if (this.empty) throw new Error('The buffer is empty.');
    const value = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return value;
  }
}

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

  /**
   * Every matching event, each once, in feed order; a MissedEvents where some could not be delivered (the
   * feed jumped past them, or this subscriber fell EVENT_BUFFER events behind), counting events of any
   * backend and type.
   */
  usageEvents(filter: {
    backend?: string | null;
    resourceType?: ResourceType | null;
  }): AsyncIterable<UsageEvent | MissedEvents> {
    const buffer = new QueueBuffer();
    return new Repeater<UsageEvent | MissedEvents>(async (push, stop) => {
      let missed = 0;
      const room = () => buffer.size < EVENT_BUFFER;
      const tellMissed = () => {
        if (missed > 0 && room()) {
          void push(new MissedEvents(missed));
          missed = 0;
        }
      };
      const unlisten = this.ticker.listen(
        'events',
        () => eventSource(this.tracker),
        (items: (UsageEvent | MissedEvents)[]) => {
          for (const e of items) {
            if (e instanceof MissedEvents) {
              missed += e.count;
              continue;
            }
            if (filter.backend != null && e.backend !== filter.backend) continue;
            if (filter.resourceType != null && e.resourceType !== filter.resourceType) continue;
            tellMissed();
            if (room()) void push(e);
            else missed++;
          }
          tellMissed();
        },
      );
      await stop;
      unlisten();
    }, buffer);
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
