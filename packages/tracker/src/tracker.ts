import { homedir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { MIGRATION_NAMES, migrateToLatest } from './db/migrate.js';
import { openSqlite } from './db/open-sqlite.js';
import { exec, type Plan, SqliteRunner } from './db/runner.js';
import type { Database } from './db/schema.js';
import { BackendTypeConflictError, StorageLevelError, TrackerClosedError, ValidationError } from './errors.js';
import { loadBackends } from './query/backends.js';
import { type ExportQuery, exportUsageStream, resolveExport } from './query/export-usage.js';
import { getBackendStatusPlan } from './query/get-backend-status.js';
import { type BackendTotals, getBackendTotalsPlan } from './query/get-backend-totals.js';
import {
  type BandwidthDelta,
  type BandwidthFeedQuery,
  type EventFeedPage,
  type EventFeedQuery,
  getBandwidthFeedPlan,
  getEventFeedPlan,
} from './query/get-event-feed.js';
import { getResourceSummaryPlan, resolveSummaryRange, type SummaryQuery } from './query/get-resource-summary.js';
import {
  getResourceUsagePlan,
  resolveUsageQuery,
  type UsagePage,
  type UsageQuery,
} from './query/get-resource-usage.js';
import { getTimeSeriesPlan, resolveSeries, type SeriesQuery } from './query/get-time-series.js';
import { DEFAULT_HEALTH, type HealthThresholds } from './query/health.js';
import { storageSince } from './query/storage-since.js';
import {
  allRejections,
  atomicIngestPlan,
  BatchRefusedError,
  type BatchResult,
  validateBatch,
} from './record/ingest-batch.js';
import { type IngestOutcome, ingestPlan } from './record/ingest-plan.js';
import type { PendingEvent } from './record/pending-event.js';
import {
  assertAmount,
  assertBackendName,
  assertResourceType,
  centsToMicros,
  toPendingEvent,
} from './record/validate.js';
import { MINUTE_GRAIN, type Resolution } from './rollup/grains.js';
import { toIso } from './time/zone.js';
import type {
  BackendInfo,
  BackendStatus,
  BackendType,
  FlushResult,
  ResourceSummary,
  ResourceType,
  SeriesPoint,
  TrackEvent,
  TrackOptions,
} from './types.js';
import { RESOURCE_CODE } from './types.js';

const DAY = 86_400_000;
const PRUNE_SLICE = 20_000;

export interface TrackerOptions {
  /** SQLite file. Default: $BYTEMETER_DB, else ~/.bytemeter/tracker.db (directory created). ':memory:' works. */
  path?: string;
  /** How often pending events are written. Default 1000 ms; a hard kill can lose at most this much. */
  flushIntervalMs?: number;
  /** Pending events that trigger a flush at once. Default 10,000. */
  maxBatchSize?: number;
  /**
   * 'full' (default) keeps raw events for `rawRetentionMs` (default 30 days) for drill-down and export.
   * 'rollups-only' keeps raw events for one hour only (exact rolling windows, live bandwidth, recent
   * idempotency), so the file grows with time and backends, not with the number of events.
   */
  mode?: 'full' | 'rollups-only';
  /** Raw event retention; `null` keeps them forever. Idempotency keys live as long as their raw event. */
  rawRetentionMs?: number | null;
  /** Minute rollups retention (default 30 days); older ranges resolve to the quarter hour. */
  minuteRetentionMs?: number;
  health?: Partial<HealthThresholds>;
  /** SQLite busy timeout per attempt. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Injected clock (ms since the epoch), for tests and replays. */
  clock?: () => number;
  /** Flush when the process exits (default true). */
  flushOnExit?: boolean;
}

/** Resolves the default database path: $BYTEMETER_DB, else ~/.bytemeter/tracker.db. */
export function defaultDatabasePath(): string {
  return process.env.BYTEMETER_DB || join(homedir(), '.bytemeter', 'tracker.db');
}

const openTrackers = new Set<ResourceTracker>();
const migrations = new Map<string, Promise<void>>();
let exitHooksInstalled = false;

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // beforeExit lets async flushes finish; exit is the last chance and must be synchronous.
  process.on('beforeExit', () => {
    for (const t of openTrackers) if (t.pendingCount > 0) void t.flush();
  });
  process.on('exit', () => {
    for (const t of openTrackers) t.flushSyncOnExit();
  });
}

/**
 * Records usage in memory and writes it in batches; answers reads from rollups. Open with
 * openResourceTracker().
 */
export class ResourceTracker {
  readonly path: string;
  /** Resolves once the schema is migrated; every write and read waits for it. */
  readonly ready: Promise<void>;
  private readonly sqlite: BetterSqlite3.Database;
  private readonly db: Kysely<Database>;
  private readonly runner: SqliteRunner;
  private readonly clock: () => number;
  private readonly maxBatchSize: number;
  private readonly rawRetentionMs: number | null;
  private readonly minuteRetentionMs: number;
  private readonly health: HealthThresholds;
  private readonly timer: NodeJS.Timeout;
  private readonly flushOnExit: boolean;
  private batch: PendingEvent[] = [];
  private flushChain: Promise<FlushResult> = Promise.resolve({ written: 0, duplicates: 0 });
  private flushScheduled = false;
  private isReady = false;
  /** The file was already at the newest schema when opened, so the exit hook may write before `ready`. */
  private schemaCurrent = false;
  private closed = false;
  private lastPrune = 0;
  /** Backend types as known to this process (stored ones and ones first seen here). */
  private readonly types = new Map<string, BackendType>();
  /** Best-known storage level per backend, pending events included, for the below-zero check. */
  private readonly levels = new Map<string, number>();
  /** Newest event time per backend known to this process, to tell a backdated level report. */
  private readonly newestAt = new Map<string, number>();
  private readonly backendIds = new Map<string, number>();

  constructor(options: TrackerOptions = {}) {
    this.path = options.path ?? defaultDatabasePath();
    this.clock = options.clock ?? Date.now;
    this.maxBatchSize = positive(options.maxBatchSize ?? 10_000, 'maxBatchSize');
    const rollupsOnly = options.mode === 'rollups-only';
    if (options.mode !== undefined && options.mode !== 'full' && !rollupsOnly) {
      throw new ValidationError('INVALID_OPTION', `mode must be 'full' or 'rollups-only'.`);
    }
    this.rawRetentionMs =
      options.rawRetentionMs !== undefined ? options.rawRetentionMs : rollupsOnly ? 3_600_000 : 30 * DAY;
    if (this.rawRetentionMs !== null) positive(this.rawRetentionMs, 'rawRetentionMs');
    this.minuteRetentionMs = positive(options.minuteRetentionMs ?? 30 * DAY, 'minuteRetentionMs');
    this.health = { ...DEFAULT_HEALTH, ...options.health };
    this.flushOnExit = options.flushOnExit ?? true;
    // Every option is checked before the file is touched: a bad one creates nothing.
    const interval = positive(options.flushIntervalMs ?? 1000, 'flushIntervalMs');
    const busyTimeoutMs = positive(options.busyTimeoutMs ?? 5000, 'busyTimeoutMs');
    const opened = openSqlite(this.path, busyTimeoutMs);
    this.sqlite = opened.sqlite;
    this.db = opened.db;
    this.runner = new SqliteRunner(this.sqlite);
    // A file that already has the schema answers at once, so the first record can check names and levels.
    if (this.sqlite.prepare("select 1 from sqlite_master where name = 'backend_state'").get()) {
      this.absorbBackends(this.runner.readSync(() => loadBackends(this.db)));
      const applied = this.sqlite.prepare('select name from bytemeter_migration').pluck().all() as string[];
      this.schemaCurrent = MIGRATION_NAMES.every((name) => applied.includes(name));
    }
    // One migration at a time per file in this process (the file lock orders processes; see open-sqlite.ts).
    const before = migrations.get(this.path) ?? Promise.resolve();
    this.ready = before.then(() =>
      migrateToLatest(this.db).then(({ error }) => {
        if (error) throw error;
        this.isReady = true;
      }),
    );
    migrations.set(
      this.path,
      this.ready.catch(() => {}),
    );
    this.ready.catch(() => {});
    this.timer = setInterval(() => void this.flush(), interval);
    this.timer.unref();
    openTrackers.add(this);
    installExitHooks();
  }

  /** Events recorded but not yet written. */
  get pendingCount(): number {
    return this.batch.length;
  }

  // ---- recording: synchronous, validated at once, no I/O on the caller's stack ----

  trackBandwidthUpload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void {
    assertAmount(bytes, false, 'Upload bytes');
    this.push(toPendingEvent(backend, type, 'bandwidth_upload', bytes, opts, this.clock()));
  }

  trackBandwidthDownload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void {
    assertAmount(bytes, false, 'Download bytes');
    this.push(toPendingEvent(backend, type, 'bandwidth_download', bytes, opts, this.clock()));
  }

  /** A signed change of stored bytes: a put adds, a delete subtracts. */
  trackStorageUsage(backend: string, type: BackendType, deltaBytes: number, opts?: TrackOptions): void {
    assertAmount(deltaBytes, true, 'Storage delta');
    this.push(toPendingEvent(backend, type, 'storage_used', deltaBytes, opts, this.clock()));
  }

  /** The absolute level the backend itself reports; stored as the change it implies at that time. */
  setStorageLevel(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void {
    assertAmount(bytes, false, 'Storage level');
    this.push(toPendingEvent(backend, type, 'storage_used', bytes, opts, this.clock(), true));
  }

  trackApiCall(backend: string, type: BackendType, opts?: TrackOptions): void {
    this.push(toPendingEvent(backend, type, 'api_calls', 1, opts, this.clock()));
  }

  /** Money in cents (fractions down to a micro-dollar); stored as micros. */
  trackCost(backend: string, type: BackendType, cents: number, opts?: TrackOptions): void {
    this.push(toPendingEvent(backend, type, 'operation_cost', centsToMicros(cents), opts, this.clock()));
  }

  trackResourceUsage(event: TrackEvent): void {
    if (event === null || typeof event !== 'object')
      throw new ValidationError('INVALID_OPTION', 'An event object is required.');
    assertResourceType(event.resourceType);
    assertAmount(event.amount, event.resourceType === 'storage_used', 'amount');
    this.push(toPendingEvent(event.backend, event.backendType, event.resourceType, event.amount, event, this.clock()));
  }

  private push(e: PendingEvent): void {
    if (this.closed) throw new TrackerClosedError();
    const known = this.types.get(e.backend);
    if (known === undefined) this.types.set(e.backend, e.backendType);
    else if (known !== e.backendType) throw new BackendTypeConflictError(e.backend, known, e.backendType);
    if (e.resource === RESOURCE_CODE.storage_used) {
      const level = this.levels.get(e.backend) ?? 0;
      if (e.isLevelReport) this.levels.set(e.backend, e.amount + this.storageSince(e.backend, e.ts));
      else if (level + e.amount < 0) throw new StorageLevelError(e.backend, level, e.amount);
      else this.levels.set(e.backend, level + e.amount);
    }
    if (e.ts > (this.newestAt.get(e.backend) ?? Number.NEGATIVE_INFINITY)) this.newestAt.set(e.backend, e.ts);
    this.batch.push(e);
    if (this.batch.length >= this.maxBatchSize && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /**
   * Validates every event, then writes them all in one transaction or none: each refused event is reported
   * with its index and code, and a refused batch stores nothing. Ids already stored count as duplicates.
   * At most MAX_BATCH_EVENTS events (else a BATCH_TOO_LARGE ValidationError).
   * @example const { accepted, rejected } = await tracker.ingestBatch([{ backend: 'b', backendType: 's3', resourceType: 'api_calls', amount: 1 }])
   */
  async ingestBatch(events: readonly unknown[]): Promise<BatchResult> {
    if (this.closed) throw new TrackerClosedError();
    const checked = validateBatch(events, this.clock(), this.types);
    // What this process recorded before goes first, so levels and duplicates are judged in order.
    const flushed = await this.flush();
    if (flushed.error && this.batch.length > 0) throw flushed.error;
    const backendIds = new Map(this.backendIds);
    const ctx = this.ingestContext(backendIds);
    try {
      const dryRun = checked.rejected.length > 0;
      const outcome = await this.runner.write(() => atomicIngestPlan(this.db, checked.events, ctx, dryRun));
      for (const [name, id] of backendIds) this.backendIds.set(name, id);
      this.afterFlush(outcome);
      return { accepted: outcome.written, duplicates: outcome.duplicates, rejected: [] };
    } catch (error) {
      if (!(error instanceof BatchRefusedError)) throw error;
      return { accepted: 0, duplicates: 0, rejected: allRejections(checked, error.errors) };
    }
  }

  // ---- writing ----

  /** Writes every pending event in one transaction. Never rejects: a failure is returned and the events stay pending. */
  flush(): Promise<FlushResult> {
    this.flushChain = this.flushChain.then(() => this.flushNow());
    return this.flushChain;
  }

  private async flushNow(): Promise<FlushResult> {
    try {
      await this.ready;
    } catch (error) {
      return { written: 0, duplicates: 0, error: error as Error };
    }
    if (this.batch.length === 0) return { written: 0, duplicates: 0 };
    const batch = this.batch;
    this.batch = [];
    let result: IngestOutcome;
    try {
      result = await this.runner.write(() => this.ingest(batch));
    } catch (error) {
      // Nothing acknowledged is lost: the batch goes back in front of what came since, and is retried.
      this.batch = batch.concat(this.batch);
      return { written: 0, duplicates: 0, error: error as Error };
    }
    this.afterFlush(result);
    // The batch is committed: a failed prune is reported but must not put it back (it would count twice).
    const pruneError = await this.pruneIfDue().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const error = result.errors[0] ?? pruneError;
    return { written: result.written, duplicates: result.duplicates, ...(error ? { error } : {}) };
  }

  private ingest(batch: readonly PendingEvent[]) {
    return ingestPlan(this.db, batch, this.ingestContext(this.backendIds));
  }

  /** What a write needs to know now: raw rows are kept from exactly where reads trust them to be complete. */
  private ingestContext(backendIds: Map<string, number>) {
    const now = this.clock();
    const resolution = this.resolution(now);
    return { now, keepRawFrom: resolution.rawFrom, resolution, backendIds };
  }

  private afterFlush(result: { storageLevels: Map<string, number>; types: Map<string, string> }) {
    for (const [name, type] of result.types) this.types.set(name, type as BackendType);
    for (const [name, stored] of result.storageLevels) {
      // Events recorded while the flush ran are still pending; replay them on the stored level.
      let level = stored;
      for (const e of this.batch) {
        if (e.backend !== name || e.resource !== RESOURCE_CODE.storage_used) continue;
        level = e.isLevelReport ? e.amount : level + e.amount;
      }
      this.levels.set(name, level);
    }
  }

  /** Called from the process 'exit' hook: the last chance to write, so it must be synchronous. */
  flushSyncOnExit(): void {
    // A script may record and call process.exit() before the (async) migration check has resolved.
    if (!this.flushOnExit || !(this.isReady || this.schemaCurrent) || this.closed || this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    try {
      this.runner.writeSync(() => this.ingest(batch));
    } catch (error) {
      process.stderr.write(`bytemeter: could not write ${batch.length} events at exit: ${(error as Error).message}\n`);
    }
  }

  private async pruneIfDue() {
    const now = this.clock();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const rawCutoff = this.rawRetentionMs === null ? null : now - this.rawRetentionMs;
    const minuteCutoff = now - this.minuteRetentionMs;
    const db = this.db;
    if (rawCutoff !== null) {
      // One transaction per slice, so a first prune of a large backlog never holds the write lock for long.
      for (let deleted = PRUNE_SLICE; deleted >= PRUNE_SLICE; ) {
        deleted = await this.runner.write(function* () {
          const ids = yield* exec(db.selectFrom('events').select('id').where('ts', '<', rawCutoff).limit(PRUNE_SLICE));
          let maxId = 0;
          for (const row of ids) maxId = Math.max(maxId, Number(row.id));
          if (ids.length > 0) yield* exec(db.deleteFrom('events').where('id', '<=', maxId).where('ts', '<', rawCutoff));
          return ids.length;
        });
      }
    }
    await this.runner.write(function* () {
      yield* exec(
        db
          .deleteFrom('rollups')
          .where('level', '=', MINUTE_GRAIN)
          .where('bucket', '<', minuteCutoff - 60_000),
      );
    });
  }

  private resolution(now: number): Resolution {
    return {
      rawFrom: this.rawRetentionMs === null ? Number.NEGATIVE_INFINITY : now - this.rawRetentionMs,
      minuteFrom: now - this.minuteRetentionMs,
    };
  }

  /** Flushes, stops the timer and closes the database. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    const result = await this.flush();
    this.closed = true;
    clearInterval(this.timer);
    openTrackers.delete(this);
    await this.ready.catch(() => {});
    await this.db.destroy();
    if (result.error && this.batch.length > 0) throw result.error;
  }

  // ---- reading: every read first writes what is pending, so it sees every event recorded before it ----

  private async read<T>(plan: () => Plan<T>): Promise<T> {
    if (this.closed) throw new TrackerClosedError();
    const flushed = await this.flush();
    if (flushed.error && this.batch.length > 0) throw flushed.error;
    return this.runner.read(plan);
  }

  /**
   * Totals per backend and resource for one calendar period in a time zone (the one holding `at`, default
   * now; default period 'day', zone 'UTC') or for an explicit [from, to).
   * @example await tracker.getResourceSummary({ period: 'month', timezone: 'Asia/Kolkata' })
   */
  async getResourceSummary(q: SummaryQuery = {}): Promise<ResourceSummary> {
    const now = this.clock();
    const range = resolveSummaryRange(q, now);
    return this.read(() => getResourceSummaryPlan(this.db, q, range, this.resolution(now)));
  }

  /**
   * Raw events newest first, a page at a time: the last `hoursBack` hours (default 24) or [from, to).
   * @example for (let c = undefined; ; ) { const p = await t.getResourceUsage({ cursor: c }); if (!p.nextCursor) break; c = p.nextCursor }
   */
  async getResourceUsage(q: UsageQuery = {}): Promise<UsagePage> {
    const resolved = resolveUsageQuery(q, this.clock());
    return this.read(() => getResourceUsagePlan(this.db, q, resolved));
  }

  /**
   * Health, activity, bandwidth over the last 60 s and storage level of every backend (or the one named).
   * @example const { s3 } = await tracker.getBackendStatus('s3')
   */
  async getBackendStatus(backendName?: string): Promise<Record<string, BackendStatus>> {
    if (backendName !== undefined) assertBackendName(backendName);
    const now = this.clock();
    return this.read(() => getBackendStatusPlan(this.db, backendName, now, this.health, this.resolution(now)));
  }

  /**
   * Buckets of one resource over [from, to) in a time zone, per backend; empty buckets are left out.
   * @example await tracker.getTimeSeries({ resourceType: 'bandwidth_upload', granularity: 'day', from, to, timezone: 'Europe/Berlin' })
   */
  async getTimeSeries(q: SeriesQuery): Promise<SeriesPoint[]> {
    const layout = resolveSeries(q);
    const now = this.clock();
    return this.read(() => getTimeSeriesPlan(this.db, q, layout, this.resolution(now)));
  }

  /**
   * Events stored after a feed cursor (by any process), oldest first; start with no `after` to get the
   * newest cursor. What usageEvents subscriptions poll.
   * @example let { cursor } = await t.getEventFeed({}); ({ events, cursor } = await t.getEventFeed({ after: cursor }))
   */
  getEventFeed(q: EventFeedQuery): Promise<EventFeedPage> {
    return this.read(() => getEventFeedPlan(this.db, q));
  }

  /**
   * Upload/download bytes stored after a feed cursor (by any process): one indexed sum per call.
   * @example const d = await t.getBandwidthFeed({ after: cursor, backendName: 'photos' })
   */
  getBandwidthFeed(q: BandwidthFeedQuery): Promise<BandwidthDelta> {
    return this.read(() => getBandwidthFeedPlan(this.db, q));
  }

  /**
   * All-time upload, download, API-call and cost totals of every backend, from day rollups (O(backends)).
   * @example for (const t of await tracker.getBackendTotals()) console.log(t.backend, t.uploadBytes)
   */
  getBackendTotals(): Promise<BackendTotals[]> {
    return this.read(() => getBackendTotalsPlan(this.db));
  }

  /** Every known backend with the time it was first seen. */
  async getBackends(): Promise<BackendInfo[]> {
    const rows = await this.read(() => loadBackends(this.db));
    return rows.map((b) => ({ name: b.name, type: b.type, createdAt: toIso(b.createdAt) }));
  }

  /**
   * Raw events oldest first as JSON, CSV or NDJSON, streamed a page at a time.
   * @example for await (const chunk of tracker.exportUsage({ hoursBack: 168, format: 'csv' })) out.write(chunk)
   */
  exportUsage(q: ExportQuery): AsyncIterable<string> {
    const range = resolveExport(q, this.clock());
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (self.closed) throw new TrackerClosedError();
        const flushed = await self.flush();
        if (flushed.error && self.batch.length > 0) throw flushed.error;
        yield* exportUsageStream(self.db, (plan) => self.runner.read(plan), q, range);
      },
    };
  }

  /**
   * Storage change dated at or after `ts`, pending and stored: what a level reported for `ts` has on top of it
   * now. Only a report dated before the backend's newest event pays for a read (rare: reports are "now").
   */
  private storageSince(backend: string, ts: number): number {
    if ((this.newestAt.get(backend) ?? Number.NEGATIVE_INFINITY) < ts) return 0;
    let sum = 0;
    for (const p of this.batch) {
      if (p.backend === backend && p.resource === RESOURCE_CODE.storage_used && !p.isLevelReport && p.ts >= ts) {
        sum += p.amount;
      }
    }
    const id = this.backendIds.get(backend);
    if (this.isReady && id !== undefined) {
      const now = this.clock();
      sum += this.runner.readSync(() => storageSince(this.db, id, ts, now, this.resolution(now)));
    }
    return sum;
  }

  private absorbBackends(
    rows: { name: string; id: number; type: BackendType; storageLevel: number; lastEventAt: number | null }[],
  ) {
    for (const b of rows) {
      this.types.set(b.name, b.type);
      this.backendIds.set(b.name, b.id);
      this.levels.set(b.name, b.storageLevel);
      if (b.lastEventAt !== null) this.newestAt.set(b.name, b.lastEventAt);
    }
  }
}

function positive(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('INVALID_OPTION', `${what} must be a positive number; got ${String(value)}.`);
  }
  return value;
}

/**
 * Opens a tracker on a SQLite file (created with its directory if missing). Recording works at once;
 * writes and reads wait for the schema migration.
 * @example const tracker = openResourceTracker({ path: './usage.db' }); tracker.trackBandwidthUpload('s3', 's3', 1024)
 */
export function openResourceTracker(options?: TrackerOptions): ResourceTracker {
  return new ResourceTracker(options);
}

export type { ResourceType };
