import {
  type BackendType,
  openResourceTracker,
  openTokenStore,
  RESOURCE_TYPES,
  type ResourceTracker,
  type TrackerOptions,
} from '../../src/index.js';
import { fixedClock } from './temp-db.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The end of the generated month: what trackers reading it use as now (not on any minute mark). */
export const MONTH_END = Date.UTC(2026, 10, 30, 18, 0, 0) + 4_321;
/** Raw events are kept a week, so three weeks of the month live on only in rollups. */
export const MONTH_OPTIONS = { rawRetentionMs: 7 * DAY, flushOnExit: false } as const satisfies TrackerOptions;

/** Deterministic pseudo-random numbers (mulberry32): varied data, the same on every run. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BACKENDS: readonly [string, BackendType][] = [
  ['photos', 's3'],
  ['pins', 'ipfs'],
  ['models', 'huggingface'],
  ['cold', 'filecoin'],
];

/**
 * Writes 30 days of usage into a SQLite file as an application would, the clock moving hour by hour:
 * uploads, downloads, API calls and costs on four backends, storage deltas and level reports, failures,
 * event ids (some resent), paths and metadata; plus two API tokens, one revoked. Returns the events
 * recorded (resends included).
 * @example const n = await writeMonthOfUsage('/tmp/month.db', 8)
 */
export async function writeMonthOfUsage(path: string, eventsPerHour: number): Promise<number> {
  const rnd = random(7);
  const clock = fixedClock(MONTH_END - 30 * DAY);
  const tracker = openResourceTracker({ path, clock: clock.now, ...MONTH_OPTIONS });
  let recorded = 0;
  const levels = new Map<string, number>(BACKENDS.map(([name]) => [name, 0]));
  for (let hour = 0; hour < 30 * 24; hour++) {
    for (let i = 0; i < eventsPerHour; i++) {
      const [backend, type] = BACKENDS[Math.floor(rnd() * BACKENDS.length)]!;
      const opts = {
        timestamp: clock.now() + Math.floor(rnd() * HOUR),
        success: rnd() > 0.08,
        durationMs: Math.floor(rnd() * 900),
        ...(rnd() < 0.5 ? { id: `evt-${hour}-${i}` } : {}),
        ...(rnd() < 0.3 ? { path: `dir/${Math.floor(rnd() * 100)}/file "${i}".bin` } : {}),
        ...(rnd() < 0.2 ? { metadata: { region: rnd() < 0.5 ? 'eu' : 'us', n: i } } : {}),
      };
      const kind = rnd();
      if (kind < 0.3) tracker.trackBandwidthUpload(backend, type, 1 + Math.floor(rnd() * 50_000_000), opts);
      else if (kind < 0.55) tracker.trackBandwidthDownload(backend, type, 1 + Math.floor(rnd() * 80_000_000), opts);
      else if (kind < 0.75)
        // Price classes (issue 11): a class rolls up into rows of its own, which the copy must carry too.
        tracker.trackApiCall(backend, type, { ...opts, ...(kind < 0.65 ? { apiClass: kind < 0.6 ? 'a' : 'b' } : {}) });
      else if (kind < 0.85) tracker.trackCost(backend, type, Math.floor(rnd() * 5000) / 100, opts);
      else if (kind < 0.95) {
        const delta = Math.floor((rnd() - 0.3) * 10_000_000);
        const level = levels.get(backend)!;
        const applied = level + delta < 0 ? -level : delta;
        levels.set(backend, level + applied);
        tracker.trackStorageUsage(backend, type, applied, { ...opts, timestamp: clock.now() + HOUR - 1 });
      } else {
        const level = Math.floor(rnd() * 900_000_000);
        levels.set(backend, level);
        tracker.setStorageLevel(backend, type, level, { ...opts, timestamp: clock.now() + HOUR - 1 });
      }
      recorded++;
      // Now and then an id is sent again: stored once.
      if ('id' in opts && rnd() < 0.05) {
        tracker.trackApiCall(backend, type, opts);
        recorded++;
      }
    }
    clock.advance(HOUR);
    // A flush every few hours: retention prunes raw events and minute rollups as the month goes by.
    if (hour % 6 === 5) {
      const { error } = await tracker.flush();
      if (error) throw error;
    }
  }
  // Price plans: one from a template, a later one taking over mid-month, so costs read from both.
  const priced = BACKENDS[0]![0];
  await tracker.setPricePlan({ backend: priced, template: 'aws-s3-standard-us-east-1', timezone: 'America/St_Johns' });
  await tracker.setPricePlan({
    backend: priced,
    template: 'cloudflare-r2-standard',
    effectiveFrom: MONTH_END - 10 * DAY,
  });
  await tracker.close();
  const tokens = await openTokenStore({ path, clock: () => MONTH_END - DAY });
  await tokens.create({ scopes: 'read,ingest', name: 'app' });
  const revoked = await tokens.create({ scopes: 'admin', name: 'old admin' });
  await tokens.revoke(revoked.id);
  await tokens.close();
  return recorded;
}

/** A tracker reading a copy or its source as of the end of the month, with the options that wrote it. */
export function monthReader(store: Pick<TrackerOptions, 'path' | 'databaseUrl'>): ResourceTracker {
  return openResourceTracker({ ...store, clock: () => MONTH_END, ...MONTH_OPTIONS });
}

/**
 * Every read a user of the store can make, as one JSON-able object: backends, statuses, all-time totals,
 * summaries of every period in two zones (now and a week, two weeks and a month back), series of every
 * resource at every granularity, every raw event page by page, the NDJSON export and the feed's cursor.
 */
export async function readEverything(t: ResourceTracker): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.backends = await t.getBackends();
  out.status = await t.getBackendStatus();
  out.totals = await t.getBackendTotals();
  for (const zone of ['UTC', 'America/St_Johns']) {
    for (const period of ['hour', 'day', 'week', 'month'] as const) {
      for (const back of [0, 7, 14, 29]) {
        const at = new Date(MONTH_END - back * DAY);
        out[`summary ${zone} ${period} -${back}d`] = await t.getResourceSummary({ period, at, timezone: zone });
      }
    }
    out[`summary ${zone} month range`] = await t.getResourceSummary({
      from: new Date(MONTH_END - 31 * DAY),
      to: new Date(MONTH_END),
      timezone: zone,
    });
    for (const resourceType of RESOURCE_TYPES) {
      for (const [granularity, span] of [
        ['minute', 2 * HOUR],
        ['hour', 3 * DAY],
        ['day', 31 * DAY],
        ['week', 31 * DAY],
        ['month', 31 * DAY],
      ] as const) {
        out[`series ${zone} ${resourceType} ${granularity}`] = await t.getTimeSeries({
          resourceType,
          granularity,
          from: new Date(MONTH_END - span),
          to: new Date(MONTH_END),
          timezone: zone,
        });
      }
    }
  }
  const pages: unknown[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await t.getResourceUsage({
      from: new Date(MONTH_END - 31 * DAY),
      to: new Date(MONTH_END),
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    pages.push(page);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  out.usage = pages;
  let exported = '';
  for await (const chunk of t.exportUsage({ hoursBack: 31 * 24, format: 'ndjson' })) exported += chunk;
  out.export = exported;
  // Not the live-feed cursor: a row id on SQLite, a position in this process's commit log on PostgreSQL
  // (feed/commit-feed.ts), so not comparable across the two stores.
  out.plans = await t.getPricePlans();
  for (const timezone of ['UTC', 'America/St_Johns']) {
    out[`costs ${timezone}`] = await t.getCosts({
      from: new Date(MONTH_END - 31 * DAY),
      to: new Date(MONTH_END),
      timezone,
    });
  }
  return out;
}
