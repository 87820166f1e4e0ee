/** One periodic computation: its state survives between ticks (e.g. a feed cursor). */
export interface TickSource<S, T> {
  intervalMs: number;
  init(): Promise<S>;
  /** `again`: more is waiting, so the next tick starts at once rather than at the next interval. */
  tick(state: S, elapsedMs: number): Promise<{ state: S; value: T | undefined; again?: boolean }>;
}

interface Group<S, T> {
  listeners: Set<(value: T) => void>;
  timer: NodeJS.Timeout | undefined;
  state: S | undefined;
  lastTick: number;
  running: boolean;
  stopped: boolean;
}

/**
 * Runs one computation per key per tick and hands its value to every listener of that key, so a
 * thousand subscribers to the same feed cost one computation. The timer stops with the last listener.
 */
export class SharedTicker {
  private readonly groups = new Map<string, Group<unknown, unknown>>();
  /** Computations run per key since start: what the fan-out tests and benchmarks observe. */
  readonly computations = new Map<string, number>();
  /** Values handed to listeners per key since start (computations × listeners at each tick). */
  readonly deliveries = new Map<string, number>();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  /**
   * Adds a listener to the key's group, starting it (with `source()`) if it is the first.
   * @example const stop = ticker.listen('bw:*:1000', () => bandwidthSource(tracker, undefined, 1000), push)
   */
  listen<S, T>(key: string, source: () => TickSource<S, T>, listener: (value: T) => void): () => void {
    let group = this.groups.get(key) as Group<S, T> | undefined;
    if (!group) {
      group = { listeners: new Set(), timer: undefined, state: undefined, lastTick: 0, running: false, stopped: false };
      this.groups.set(key, group as Group<unknown, unknown>);
      this.start(key, group, source());
    }
    group.listeners.add(listener);
    return () => {
      const g = group!;
      g.listeners.delete(listener);
      if (g.listeners.size === 0 && this.groups.get(key) === g) {
        g.stopped = true;
        if (g.timer) clearInterval(g.timer);
        this.groups.delete(key);
      }
    };
  }

  /** Listeners per running key. */
  listenerCounts(): Record<string, number> {
    return Object.fromEntries([...this.groups].map(([k, g]) => [k, g.listeners.size]));
  }

  private start<S, T>(key: string, group: Group<S, T>, source: TickSource<S, T>) {
    group.running = true;
    source.init().then(
      (state) => {
        group.state = state;
        group.running = false;
        group.lastTick = performance.now();
        if (group.stopped) return;
        group.timer = setInterval(() => void this.tick(key, group, source), source.intervalMs);
      },
      (error) => {
        group.running = false;
        this.onError(error);
      },
    );
  }

  private async tick<S, T>(key: string, group: Group<S, T>, source: TickSource<S, T>) {
    // A slow computation skips ticks rather than piling them up.
    if (group.running || group.stopped || group.state === undefined) return;
    group.running = true;
    const now = performance.now();
    let again = false;
    try {
      const { state, value, again: more } = await source.tick(group.state, now - group.lastTick);
      again = more === true;
      group.state = state;
      group.lastTick = now;
      this.computations.set(key, (this.computations.get(key) ?? 0) + 1);
      if (value !== undefined && !group.stopped) {
        for (const listener of group.listeners) listener(value);
        this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + group.listeners.size);
      }
    } catch (error) {
      this.onError(error);
    } finally {
      group.running = false;
    }
    if (again && !group.stopped) setImmediate(() => void this.tick(key, group, source));
  }
}
