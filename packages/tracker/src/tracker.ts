import type { UsageRecorder } from '@bytemeter/core';
import type { BudgetAlert, BudgetInput, BudgetState, WebhookAttempt } from '@bytemeter/core/budgets';
import type { PricePlanInput } from '@bytemeter/core/pricing';
import {
  type BudgetAlertListener,
  type BudgetAlertQuery,
  type RotatedWebhookSecret,
  type RotateSecretOptions,
  type SetBudgetResult,
  TrackerBudgets,
} from './budgets/tracker-budgets.js';
import { redactUrl } from './db/open-postgres.js';
import type { Plan } from './db/runner.js';
import { TrackerClosedError, ValidationError } from './errors.js';
import {
  checkPricePlan,
  type PricePlanTemplateView,
  pricePlanTemplates,
  removePricePlans,
  type StoredPricePlan,
  storePricePlan,
} from './pricing/plan-store.js';
import { loadBackends } from './query/backends.js';
import type { ExportQuery } from './query/export-usage.js';
import type { BackendTotals } from './query/get-backend-totals.js';
import type { CostQuery, CostReport } from './query/get-costs.js';
import type { BandwidthDelta, BandwidthFeedQuery, EventFeedPage, EventFeedQuery } from './query/get-event-feed.js';
import type { SummaryQuery } from './query/get-resource-summary.js';
import type { UsagePage, UsageQuery } from './query/get-resource-usage.js';
import type { SeriesQuery } from './query/get-time-series.js';
import { storageSince } from './query/storage-since.js';
import type { BatchResult } from './record/ingest-batch.js';
import { type IngestOutcome, ingestPlan } from './record/ingest-plan.js';
import { laterStoredReport } from './record/later-report.js';
import type { PendingEvent } from './record/pending-event.js';
import {
  assertAmount,
  assertBackendName,
  assertResourceType,
  centsToMicros,
  toPendingEvent,
} from './record/validate.js';
import { assertSupportedNode } from './runtime/require-node.js';
import { BackendCache } from './tracker/backend-cache.js';
import { ingestBatchAtomically } from './tracker/batch-ingest.js';
import { commitVersions, versioned } from './tracker/commit-versions.js';
import { type ExitWrite, writeInChildAtExit } from './tracker/exit-write.js';
import { type ExitFlushable, flushAtExit, forgetAtExit, TrackerFile } from './tracker/lifecycle.js';
import { resolveOptions, type TrackerOptions } from './tracker/options.js';
import { PostgresStore } from './tracker/postgres-store.js';
import { type DataVersion, sqliteDataVersion, sqliteOthersCommitted } from './tracker/read-memo.js';
import { TrackerReads } from './tracker/reads.js';
import { Retention } from './tracker/retention.js';
import type { TrackerStore } from './tracker/store.js';
import { WriteBuffer, type WriteState } from './tracker/write-buffer.js';
import type {
  BackendInfo,
  BackendStatus,
  BackendType,
  FlushResult,
  ResourceSummary,
  SeriesPoint,
  TrackEvent,
  TrackOptions,
} from './types.js';

export { defaultDatabasePath, type TrackerOptions } from './tracker/options.js';

/**
 * Records usage in memory and writes it in batches; answers reads from rollups. Open with
 * openResourceTracker(). A facade: the file and its migration (tracker/lifecycle.ts), what is known of
 * each backend (backend-cache.ts), the pending events (write-buffer.ts), retention (retention.ts) and the
 * reads (reads.ts) each live in their own part.
 */
export class ResourceTracker implements UsageRecorder {
  /** The SQLite file, or the PostgreSQL URL (password hidden) this tracker writes. */
  readonly path: string;
  /** Resolves once the schema is migrated; every write and read waits for it. */
  readonly ready: Promise<void>;
  private readonly flushOnExit: boolean;
  /** What an exit write in a child process needs to open the file as this tracker does. */
  private readonly exitFile: Omit<ExitWrite, 'now' | 'events'>;
  private readonly clock: () => number;
  private readonly file: TrackerStore;
  private readonly retention: Retention;
  private readonly backends: BackendCache;
  private readonly buffer: WriteBuffer;
  private readonly reads: TrackerReads;
  private readonly budgets: TrackerBudgets;
  private readonly timer: NodeJS.Timeout;
  /** SQLite with memoised reads: the data version reads keep answers under (see tracker/read-memo.ts). */
  private readonly dataVersion: DataVersion | undefined;
  /** close() was called: recording and new work are refused from then on, so nothing arrives while it flushes. */
  private closed = false;
  /** The first close()'s work; a later call waits for it. */
  private closing: Promise<void> | null = null;
  /** close() flushed and took this tracker off the exit hooks. */
  private released = false;
  /** What the process exit hooks call, until close() has flushed. */
  private readonly exitHook: ExitFlushable;

  constructor(options: TrackerOptions = {}) {
    assertSupportedNode();
    // Every option is checked before the file is touched: a bad one creates nothing.
    const o = resolveOptions(options);
    this.flushOnExit = o.flushOnExit;
    this.exitFile = {
      path: o.path,
      databaseUrl: o.databaseUrl,
      busyTimeoutMs: o.busyTimeoutMs,
      rawRetentionMs: o.rawRetentionMs,
      dedupeWindowMs: o.dedupeWindowMs,
      minuteRetentionMs: o.minuteRetentionMs,
    };
    this.clock = o.clock;
    this.path = o.databaseUrl ? redactUrl(o.databaseUrl) : o.path;
    const file: TrackerStore = o.databaseUrl
      ? new PostgresStore(o.databaseUrl)
      : new TrackerFile(o.path, o.busyTimeoutMs);
    const { db, runner, syncRunner } = file;
    this.file = file;
    const retention = new Retention(db, runner, o.rawRetentionMs, o.minuteRetentionMs, o.dedupeWindowMs);
    this.retention = retention;
    this.backends = new BackendCache(
      (backendId, ts) => {
        if (!file.migrated) return 0;
        if (!syncRunner) return Number.NaN;
        const now = o.clock();
        return syncRunner.readSync(() => storageSince(db, backendId, ts, now, retention.resolution(now)));
      },
      (backendId, ts) => {
        if (!file.migrated) return false;
        if (!syncRunner) return null;
        return syncRunner.readSync(() => laterStoredReport(db, backendId, ts)) !== null;
      },
    );
    this.backends.absorbStored(file.storedBackends, []);
    if (!syncRunner) this.backends.expectStored();
    // PostgreSQL cannot answer before the migration: its backends are read then, before any write runs
    // (every write and read waits for `ready`).
    this.ready = syncRunner
      ? file.ready
      : file.ready
          .then(() => runner.read(() => loadBackends(db)))
          .then((rows) => this.backends.absorbStored(rows, this.buffer.pending));
    this.ready.catch(() => {});
    const warn = (message: string, code: string) => process.emitWarning(message, { code });
    this.budgets = new TrackerBudgets({
      db,
      runner,
      ready: this.ready,
      clock: o.clock,
      resolution: (now) => retention.resolution(now),
      beforeRead: () => this.settleForRead(),
      checkIntervalMs: o.budgetCheckIntervalMs,
      // Other processes' commits: SQLite's data_version moves only for them; PostgreSQL notifies every commit.
      commitSignal:
        file instanceof TrackerFile
          ? { kind: 'data-version', read: sqliteOthersCommitted(file.sqlite) }
          : { kind: 'notify', url: o.databaseUrl! },
      deliverWebhooks: o.deliverWebhooks,
      webhookRetry: o.webhookRetry,
      allowPrivateWebhooks: o.allowPrivateWebhooks,
      webhookLookup: o.webhookLookup,
      warn,
    });
    // SQLite tells cheaply whether any connection committed (reads keep answers while it does not move).
    const dataVersion = o.memoizeSummaries && file instanceof TrackerFile ? sqliteDataVersion(file.sqlite) : undefined;
    this.dataVersion = dataVersion;
    // Earliest event time and backends of the batches written since the last flush ended: budgets
    // evaluate those backends' budgets, in those months.
    let flushedFrom = Number.POSITIVE_INFINITY;
    let flushedBackends = new Set<string>();
    this.buffer = new WriteBuffer({
      runner,
      syncRunner,
      ready: this.ready,
      maxBatchSize: o.maxBatchSize,
      maxPendingEvents: o.maxPendingEvents,
      plan: (batch) => {
        flushedFrom = Math.min(flushedFrom, noteBatch(batch, flushedBackends));
        return this.versioned(ingestPlan(db, batch, retention.ingestContext(o.clock(), this.backends.ids)));
      },
      written: (outcome) => {
        this.backends.written(outcome, this.buffer.pending);
        this.ownCommit(outcome);
      },
      afterFlush: () => {
        // Committed: budgets are evaluated off this path (throttled), never on the recording call.
        this.budgets.written(flushedFrom, flushedBackends);
        flushedFrom = Number.POSITIVE_INFINITY;
        flushedBackends = new Set();
        return retention.pruneIfDue(o.clock());
      },
      warn,
    });
    this.reads = new TrackerReads({
      db,
      runner,
      clock: o.clock,
      health: o.health,
      retention,
      beforeRead: () => this.settleForRead(),
      // SQLite tells cheaply whether any connection committed; PostgreSQL compares each read's own snapshot.
      ...(dataVersion ? { dataVersion } : {}),
      snapshotMemo: o.memoizeSummaries && !(file instanceof TrackerFile),
      ...(file instanceof PostgresStore ? { commitFeed: file.commitFeed } : {}),
    });
    // The timer's flushes report to no caller: the next flush() returns what they wrote and refused.
    this.timer = setInterval(() => this.buffer.background(), o.flushIntervalMs);
    this.timer.unref();
    const tracker = this;
    this.exitHook = {
      get pending() {
        return tracker.buffer.pending;
      },
      // Not flush(): nobody reads this result, so it must stay for the next flush() and be warned about.
      flush: () => this.buffer.background(),
      flushSyncOnExit: () => this.flushSyncOnExit(),
    };
    flushAtExit(this.exitHook);
  }

  /** Events recorded but not yet written. */
  get pendingCount(): number {
    return this.buffer.pending.length;
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
    const e = toPendingEvent(event.backend, event.backendType, event.resourceType, event.amount, event, this.clock());
    this.push(e);
  }

  /**
   * Whether writes are getting through: `storageFull` is true from a write that failed with SQLITE_FULL to
   * the next one that succeeds. Reads meanwhile answer from what is stored, without the `pending` events
   * (stale); `droppedTotal` counts events refused because `maxPendingEvents` were waiting.
   * @example if (tracker.writeState().storageFull) console.warn('usage figures are stale')
   */
  writeState(): WriteState {
    return this.buffer.state;
  }

  private push(e: PendingEvent): void {
    if (this.closed) throw new TrackerClosedError();
    // A full buffer drops the newest before it counts toward levels: a dropped event leaves no trace.
    if (!this.buffer.admit()) return;
    this.backends.admit(e, this.buffer.pending);
    this.buffer.push(e);
  }

  /**
   * Validates every event, then writes them all in one transaction or none: each refused event is reported
   * with its index and code, and a refused batch stores nothing. Ids already stored count as duplicates.
   * At most MAX_BATCH_EVENTS events (else a BATCH_TOO_LARGE ValidationError).
   * @example const { accepted, rejected } = await tracker.ingestBatch([{ backend: 'b', backendType: 's3', resourceType: 'api_calls', amount: 1 }])
   */
  ingestBatch(events: readonly unknown[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    const { file, retention, backends, buffer, clock } = this;
    const committed = (written: readonly PendingEvent[]) => {
      const names = new Set<string>();
      this.budgets.written(noteBatch(written, names), names);
    };
    return ingestBatchAtomically(
      {
        file,
        retention,
        backends,
        buffer,
        clock,
        committed,
        wrap: (plan) => this.versioned(plan),
        stored: (outcome) => this.ownCommit(outcome),
      },
      events,
    );
  }

  /** A write plan of this tracker, read between two data versions when reads keep answers (SQLite). */
  private versioned<T extends object>(plan: Plan<T>): Plan<T> {
    return this.dataVersion ? versioned(plan, this.dataVersion) : plan;
  }

  /** After a batch of this tracker committed: kept answers follow it where that is exact (TrackerReads.committed). */
  private ownCommit(outcome: IngestOutcome): void {
    const versions = commitVersions.get(outcome);
    if (versions) this.reads.committed(versions.before, versions.after, outcome.added);
  }

  /**
   * Writes every pending event, `maxBatchSize` per transaction. Never rejects: a failure is returned (a
   * StorageFullError when the disk is full) and the unwritten events stay pending. The counts, `error` (its
   * own first, else the oldest), `errorCount`/`otherErrors` (when there were several) and `dropped` (events
   * refused because the buffer was full) cover everything since the previous flush() result, so what the
   * interval timer wrote or refused in between is reported here too. Once close() is called it writes
   * nothing and returns a TrackerClosedError (close() reports its own last flush).
   */
  flush(): Promise<FlushResult> {
    // close() flushes and reports once; what it could not write is its error, not a later flush()'s.
    if (this.closed) return Promise.resolve({ written: 0, duplicates: 0, error: new TrackerClosedError() });
    return this.buffer.flush();
  }

  /**
   * Called from the process 'exit' hook: the last chance to write, so it must be synchronous. On a new
   * file whose migration has not finished, a child process migrates it and writes (tracker/exit-write.ts).
   */
  flushSyncOnExit(): void {
    // While close() flushes, the exit hook still writes what it has not written yet.
    if (!this.flushOnExit || this.released) return;
    if (this.file.syncRunner && this.file.writableNow) {
      this.buffer.flushSync();
      return;
    }
    const events = [...this.buffer.pending];
    if (events.length === 0) return;
    try {
      this.file.abandonMigration();
      writeInChildAtExit({ ...this.exitFile, now: this.clock(), events });
    } catch (error) {
      process.stderr.write(`bytemeter: could not write ${events.length} events at exit: ${(error as Error).message}
`);
    }
  }

  /**
   * Refuses recording and new work from now on (TrackerClosedError), writes every pending event, stops the
   * timer and closes the database. Rejects with what the final flush would have returned as `error` (events
   * left unwritten, a refused event, or an error an unawaited flush left for the next flush()); the tracker
   * is closed either way. Safe to call twice: a later call waits for the first and does not repeat its error.
   * Its final flush is its own (WriteBuffer.flushLast): a flush() called just before gets its own run's
   * outcome, and an event that run refused is reported there, not again here.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing.catch(() => {});
    // Refused from the start, not after the flush: an event recorded while it writes would be left behind.
    this.closed = true;
    this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const { error } = await this.buffer.flushLast();
    clearInterval(this.timer);
    forgetAtExit(this.exitHook);
    this.released = true;
    // A last budget evaluation for what this process wrote, and the webhook attempts in flight.
    await this.budgets.close().catch(() => {});
    await this.file.close();
    if (error) throw error;
  }

  /**
   * Every read first writes what is pending, so it sees every event recorded before it. A full disk does
   * not fail the read: it answers from what is stored, and writeState() says it is stale.
   */
  private settleForRead(): Promise<void> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.buffer.settleForRead();
  }

  // ---- reading (tracker/reads.ts) ----

  /**
   * Totals per backend and resource for one calendar period in a time zone (the one holding `at`, default
   * now; default period 'day', zone 'UTC') or for an explicit [from, to).
   * @example await tracker.getResourceSummary({ period: 'month', timezone: 'Asia/Kolkata' })
   */
  getResourceSummary(q: SummaryQuery = {}): Promise<ResourceSummary> {
    return this.reads.summary(q);
  }

  /**
   * A string that is equal for two calls only when getResourceSummary(q) would give the same answer: it
   * changes with any commit to the database (from any connection or process) and with everything else the
   * answer depends on (period, zone, the clock's day). SQLite: the connection's data version, read in
   * process; PostgreSQL: the server's current snapshot, one round trip, which moves with every commit of any
   * process before that commit's writer is acknowledged. Null with `memoizeSummaries: false`. For callers that keep something derived from a summary (a serialised
   * response): read the version first, then the summary, and serve the kept form only while the version is
   * unchanged.
   * @example const v = await tracker.getSummaryVersion({ period: 'day' }); if (v !== null && v === kept.version) use(kept)
   */
  getSummaryVersion(q: SummaryQuery = {}): Promise<string | null> {
    return this.reads.summaryVersion(q);
  }

  /**
   * Raw events newest first, a page at a time: the last `hoursBack` hours (default 24) or [from, to).
   * A range ending at the clock (`hoursBack`, or `from` without `to`) is resolved at the first page; its
   * cursors carry that instant, so every later page reads the same range (paging does not slide).
   * @example for (let c = undefined; ; ) { const p = await t.getResourceUsage({ cursor: c }); if (!p.nextCursor) break; c = p.nextCursor }
   */
  getResourceUsage(q: UsageQuery = {}): Promise<UsagePage> {
    return this.reads.usage(q);
  }

  /**
   * Health, activity, bandwidth over the last 60 s and storage level of every backend (or the one named).
   * @example const { s3 } = await tracker.getBackendStatus('s3')
   */
  getBackendStatus(backend?: string): Promise<Record<string, BackendStatus>> {
    return this.reads.backendStatus(backend);
  }

  /**
   * Buckets of one resource over [from, to) in a time zone, per backend; empty buckets are left out.
   * @example await tracker.getTimeSeries({ resourceType: 'bandwidth_upload', granularity: 'day', from, to, timezone: 'Europe/Berlin' })
   */
  getTimeSeries(q: SeriesQuery): Promise<SeriesPoint[]> {
    return this.reads.timeSeries(q);
  }

  /**
   * Events stored after a feed cursor (by any process), oldest first; start with no `after` to get the
   * newest cursor. What usageEvents subscriptions poll.
   * @example let { cursor } = await t.getEventFeed({}); ({ events, cursor } = await t.getEventFeed({ after: cursor }))
   */
  getEventFeed(q: EventFeedQuery): Promise<EventFeedPage> {
    return this.reads.eventFeed(q);
  }

  /**
   * Upload/download bytes stored after a feed cursor (by any process): one indexed sum per call.
   * @example const d = await t.getBandwidthFeed({ after: cursor, backend: 'photos' })
   */
  getBandwidthFeed(q: BandwidthFeedQuery): Promise<BandwidthDelta> {
    return this.reads.bandwidthFeed(q);
  }

  /**
   * All-time upload, download, API-call and cost totals of every backend, from backend_totals, kept by every batch (O(backends)).
   * @example for (const t of await tracker.getBackendTotals()) console.log(t.backend, t.uploadBytes)
   */
  getBackendTotals(): Promise<BackendTotals[]> {
    return this.reads.backendTotals();
  }

  // ---- pricing (issue 11): plans stored in the database, costs computed from rollups ----

  /**
   * Stores a price plan (checked first: bad input throws a typed ValidationError and changes nothing). The
   * same backend and effectiveFrom replace a stored plan; another effectiveFrom adds a later one.
   * @example await tracker.setPricePlan({ backend: 'photos', template: 'aws-s3-standard-us-east-1' })
   */
  async setPricePlan(input: PricePlanInput): Promise<StoredPricePlan> {
    const plan = checkPricePlan(input);
    await this.settleForRead();
    const { db, runner } = this.file;
    const now = this.clock();
    return runner.write(() => storePricePlan(db, plan, now));
  }

  /** Removes every plan of a backend; true when one was removed. */
  async deletePricePlan(backend: string): Promise<boolean> {
    assertBackendName(backend);
    await this.settleForRead();
    const { db, runner } = this.file;
    return runner.write(() => removePricePlans(db, backend));
  }

  /** Every stored plan, by backend then effectiveFrom. */
  getPricePlans(): Promise<StoredPricePlan[]> {
    return this.reads.pricePlans();
  }

  /** The published templates a plan can start from (`template`), prices in checked form. */
  getPricePlanTemplates(): PricePlanTemplateView[] {
    return pricePlanTemplates();
  }

  /**
   * Computed cost (each backend's usage priced by its plans) beside the cost the application reported, per
   * backend, over a calendar period in a zone (default this month in UTC) or an explicit range, with the
   * month-end forecast. From rollups only (raw events at sub-minute range ends).
   * @example const { computedTotalMicros, forecast } = await tracker.getCosts({ period: 'month' })
   */
  getCosts(q: CostQuery = {}): Promise<CostReport> {
    return this.reads.costs(q);
  }

  // ---- budgets (issue 12): stored in the database, evaluated after writes, alerts exactly once ----

  /**
   * Creates a budget, or replaces the one with `input.id`. Checked first: bad input throws a typed
   * ValidationError (INVALID_BUDGET, INVALID_TIMEZONE, INVALID_BACKEND_NAME) and changes nothing. A budget
   * given a webhookUrl for the first time gets a webhook secret, returned here once (`whsec_…`); later
   * calls keep it and return null. Changing what a budget measures (metric, backend, limit, zone) starts
   * its alerts afresh; the budget is evaluated at once, so a line already crossed alerts now.
   * @example const { budget, webhookSecret } = await tracker.setBudget({ name: 'egress', backend: 's3', metric: 'bandwidth_download', limit: 100 * 2 ** 30 })
   */
  setBudget(input: BudgetInput): Promise<SetBudgetResult> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.budgets.set(input);
  }

  /**
   * Gives a budget with a webhook a new signing secret and returns it, this once (`whsec_…`): attempts
   * started after the rotation are signed with it (one already under way may carry the old one only).
   * Deliveries are signed when attempted, so alerts already queued (and their retries) are signed with the
   * new secret too. For `graceMs` (default a day) every attempt carries a second signature made with the
   * old secret, so a receiver verifies with either and can switch at its own pace; `graceMs: 0` drops the
   * old secret at once. A second rotation keeps only the secret it replaces. An unknown id, or a budget
   * without a webhookUrl, throws a ValidationError (INVALID_BUDGET) and changes nothing.
   * @example const { webhookSecret } = await tracker.rotateBudgetWebhookSecret(budget.id)
   */
  rotateBudgetWebhookSecret(id: string, options?: RotateSecretOptions): Promise<RotatedWebhookSecret> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.budgets.rotateSecret(id, options);
  }

  /**
   * Every budget with its value now (this billing month's total or the storage level), share of the
   * limit, month-end forecast and, for storage quotas, the projected full date; from rollups.
   * @example for (const b of await tracker.getBudgets()) console.log(b.name, b.percentUsed.toFixed(1))
   */
  getBudgets(): Promise<BudgetState[]> {
    return this.budgets.list();
  }

  /** Removes a budget (its alert history stays; pending webhooks of it are dropped); true when one was removed. */
  deleteBudget(id: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.budgets.delete(id);
  }

  /**
   * Alerts raised by any process, newest first: the newest `first` (default 50, at most 1000), or the
   * `first` raised right after `afterId` (a follower polls with the newest id it has seen; an unknown id
   * is an INVALID_CURSOR ValidationError).
   * @example const [latest] = await tracker.getBudgetAlerts({ first: 1 })
   */
  getBudgetAlerts(q: BudgetAlertQuery = {}): Promise<BudgetAlert[]> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.budgets.alerts(q);
  }

  /**
   * Calls `listener` with every alert this process raises (each alert is raised by exactly one process;
   * other processes' alerts are read with getBudgetAlerts({ afterId })). Returns the unsubscribe function.
   * @example const stop = tracker.onBudgetAlert((a) => console.log(a.budgetName, a.threshold))
   */
  onBudgetAlert(listener: BudgetAlertListener): () => void {
    return this.budgets.onAlert(listener);
  }

  /**
   * Every attempt to POST an alert to its budget's webhook, oldest first (status, error, time).
   * @example const attempts = await tracker.getWebhookAttempts(alert.id)
   */
  getWebhookAttempts(alertId: string): Promise<WebhookAttempt[]> {
    if (this.closed) return Promise.reject(new TrackerClosedError());
    return this.budgets.attempts(alertId);
  }

  /** Every known backend with the time it was first seen. */
  getBackends(): Promise<BackendInfo[]> {
    return this.reads.backends();
  }

  /**
   * Raw events oldest first as JSON, CSV or NDJSON, streamed a page at a time.
   * @example for await (const chunk of tracker.exportUsage({ hoursBack: 168, format: 'csv' })) out.write(chunk)
   */
  exportUsage(q: ExportQuery): AsyncIterable<string> {
    return this.reads.exportUsage(q);
  }
}

/** Adds a batch's backend names to `backends`; returns its earliest event time (budgets count events by their own dates). */
function noteBatch(events: readonly PendingEvent[], backends: Set<string>): number {
  let min = Number.POSITIVE_INFINITY;
  let last = '';
  for (const e of events) {
    if (e.ts < min) min = e.ts;
    if (e.backend !== last) {
      last = e.backend;
      backends.add(last);
    }
  }
  return min;
}

/**
 * Opens a tracker on a SQLite file (created with its directory if missing), or on a PostgreSQL database
 * with `databaseUrl` (or $BYTEMETER_DATABASE_URL). Recording works at once;
 * writes and reads wait for the schema migration.
 * @example const tracker = openResourceTracker({ path: './usage.db' }); tracker.trackBandwidthUpload('s3', 's3', 1024)
 */
export function openResourceTracker(options?: TrackerOptions): ResourceTracker {
  return new ResourceTracker(options);
}
