import type { BackendStatus, BudgetAlert, ResourceTracker, ResourceType, UsageEvent } from '@bytemeter/tracker';
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { AlertFeed } from './alert-feed.js';
import { type BandwidthSample, bandwidthSource } from './bandwidth-source.js';
import { eventSource, MissedEvents } from './event-source.js';
import { SharedTicker } from './shared-ticker.js';
import { statusSource } from './status-source.js';

/** Samples a slow subscriber may fall behind by before the oldest are dropped. */
const BUFFER = 64;
/**
 * Events the hub's one shared usageEvents log may hold (about 3 s at 30,000 events/s on one replica),
 * however many subscribers it serves. Each subscriber reads the log through its own offset; an entry is
 * dropped once every subscriber has passed it, or when the log grows past this cap: a subscriber whose
 * offset falls off the front then gets one EVENTS_MISSED error (how many it missed) and its subscription
 * ends, so a stalled client costs nothing more. A subscriber that had read everything before a tick is
 * kept whatever that tick read, so the log holds at most this many entries plus one tick's read (at most
 * 100 ms of pages).
 */
export const EVENT_LOG_CAP = 100_000;

type FeedItem = UsageEvent | MissedEvents;
type EventFilter = { backend?: string | null; resourceType?: ResourceType | null };

/** One usageEvents subscriber: an offset into the shared log, pulled by its consumer. */
class LogReader implements AsyncIterableIterator<FeedItem> {
  /** Absolute offset of the next entry to read; -1 before the first pull. */
  pos = -1;
  /** Set when the reader fell off the log's front: delivered once, then the iterator ends. */
  overflow: MissedEvents | undefined;
  private closed = false;
  private waiting: ((result: IteratorResult<FeedItem>) => void) | undefined;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: EventLog,
    private readonly filter: EventFilter,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<FeedItem>> {
    // Pulls are served one after another, so each gets the next entry.
    const result = this.pending.then(() => this.pull());
    this.pending = result.catch(() => {});
    return result;
  }

  async return(): Promise<IteratorResult<FeedItem>> {
    this.end();
    return { done: true, value: undefined };
  }

  /** Called by the log when entries were appended or this reader overflowed. */
  wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const result = this.take();
    if (result) {
      this.waiting = undefined;
      waiting(result);
    }
  }

  private pull(): Promise<IteratorResult<FeedItem>> | IteratorResult<FeedItem> {
    if (this.closed && !this.overflow) return { done: true, value: undefined };
    if (this.pos < 0) this.log.add(this);
    return this.take() ?? new Promise((resolve) => (this.waiting = resolve));
  }

  /** The next matching entry, the end, or undefined when the reader must wait for more. */
  private take(): IteratorResult<FeedItem> | undefined {
    if (this.overflow) {
      const missed = this.overflow;
      this.overflow = undefined;
      this.closed = true;
      return { done: false, value: missed };
    }
    if (this.closed) return { done: true, value: undefined };
    const from = this.pos;
    let found: FeedItem | undefined;
    while (found === undefined && this.pos < this.log.end) {
      const item = this.log.at(this.pos++);
      if (item instanceof MissedEvents || this.matches(item)) found = item;
    }
    if (from === this.log.start && this.pos > from) this.log.trimSoon();
    return found === undefined ? undefined : { done: false, value: found };
  }

  private matches(e: UsageEvent): boolean {
    if (this.filter.backend != null && e.backend !== this.filter.backend) return false;
    if (this.filter.resourceType != null && e.resourceType !== this.filter.resourceType) return false;
    return true;
  }

  /** Ends the subscription: a waiting pull resolves done, and the log no longer keeps entries for it. */
  end(): void {
    if (this.closed && !this.overflow) return;
    this.closed = true;
    this.overflow = undefined;
    this.log.remove(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }
}

/**
 * The usageEvents feed of one hub, kept once: entries appended by the one shared poller, read by every
 * subscriber through its own offset, trimmed from the front (see EVENT_LOG_CAP).
 */
class EventLog {
  private items: (FeedItem | undefined)[] = [];
  private head = 0;
  /** Absolute offset of the oldest entry kept. */
  start = 0;
  private readonly readers = new Set<LogReader>();
  private trimScheduled = false;

  constructor(
    private readonly cap: number,
    /** Starts the poller for the first reader; returns what stops it. */
    private readonly listen: (onItems: (items: FeedItem[]) => void) => () => void,
  ) {}
  private unlisten: (() => void) | undefined;

  get end(): number {
    return this.start + this.items.length - this.head;
  }
  get size(): number {
    return this.items.length - this.head;
  }
  get readerCount(): number {
    return this.readers.size;
  }

  at(pos: number): FeedItem {
    return this.items[this.head + pos - this.start]!;
  }

  add(reader: LogReader): void {
    reader.pos = this.end;
    this.readers.add(reader);
    this.unlisten ??= this.listen((items) => this.append(items));
  }

  remove(reader: LogReader): void {
    if (!this.readers.delete(reader)) return;
    if (this.readers.size === 0) {
      this.unlisten?.();
      this.unlisten = undefined;
      this.start = this.end;
      this.items = [];
      this.head = 0;
    } else if (reader.pos === this.start) this.trimSoon();
  }

  private append(items: FeedItem[]): void {
    const batchStart = this.end;
    for (const item of items) this.items.push(item);
    if (this.size > this.cap) {
      // Readers more than the cap behind are told how many they missed and end; the rest keep every entry.
      // A reader that had read everything before this batch is kept however large the batch.
      const front = Math.min(this.end - this.cap, batchStart);
      const fallen: LogReader[] = [];
      for (const reader of this.readers) {
        if (reader.pos >= front) continue;
        // Everything from its position on: it ends here, so what the log still holds past the front is lost to it too.
        let missed = 0;
        for (let p = reader.pos; p < this.end; p++) {
          const item = this.at(p);
          missed += item instanceof MissedEvents ? item.count : 1;
        }
        this.readers.delete(reader);
        reader.overflow = new MissedEvents(missed);
        fallen.push(reader);
      }
      for (const reader of fallen) reader.wake();
      // The last reader gone this way: stop polling for no one, as remove() does.
      if (fallen.length > 0 && this.readers.size === 0) {
        this.unlisten?.();
        this.unlisten = undefined;
        this.start = this.end;
        this.items = [];
        this.head = 0;
      }
    }
    this.trim();
    for (const reader of [...this.readers]) reader.wake();
  }

  /** Trims once this turn of the event loop is over (readers advance many times per turn). */
  trimSoon(): void {
    if (this.trimScheduled) return;
    this.trimScheduled = true;
    setImmediate(() => {
      this.trimScheduled = false;
      this.trim();
    });
  }

  /** Drops every entry all readers have passed (readers too far behind were ended in append). */
  private trim(): void {
    let front = this.end;
    for (const reader of this.readers) front = Math.min(front, reader.pos);
    if (front === this.start) return;
    for (let p = this.start; p < front; p++) this.items[this.head++] = undefined;
    this.start = front;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Every live feed of one process, each computed once per tick however many subscribers it has:
 * bandwidth per (backend, interval), one event poller, one status poller, one budget alert feed.
 */
export class LiveHub {
  readonly ticker: SharedTicker;
  private readonly alerts: AlertFeed;
  private readonly events: EventLog;

  /** `eventLogCap`: see EVENT_LOG_CAP (smaller in tests). */
  constructor(
    private readonly tracker: ResourceTracker,
    options: { eventLogCap?: number } = {},
  ) {
    this.ticker = new SharedTicker((error) => {
      process.stderr.write(`bytemeter api: live feed failed: ${(error as Error)?.message ?? String(error)}\n`);
    });
    this.alerts = new AlertFeed(tracker, this.ticker);
    this.events = new EventLog(options.eventLogCap ?? EVENT_LOG_CAP, (onItems) =>
      this.ticker.listen('events', () => eventSource(this.tracker), onItems),
    );
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
   * Every matching event, each once, in feed order; a MissedEvents where the feed jumped past events (the
   * stream goes on), or one MissedEvents and then the end where this subscriber fell EVENT_LOG_CAP events
   * behind. Counts are of events of any backend and type. Every subscriber reads one shared log.
   */
  usageEvents(filter: EventFilter): AsyncIterable<UsageEvent | MissedEvents> {
    return { [Symbol.asyncIterator]: () => new LogReader(this.events, filter) };
  }

  /** Entries the shared usageEvents log holds now (at most EVENT_LOG_CAP, or the cap given). */
  get retainedEvents(): number {
    return this.events.size;
  }

  /** usageEvents subscribers reading the shared log (those that pulled and have not ended). */
  get eventReaders(): number {
    return this.events.readerCount;
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
