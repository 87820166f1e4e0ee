import type { Kysely } from 'kysely';
import type { Plan, Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { CommitFeed } from '../feed/commit-feed.js';
import { loadPricePlans, type StoredPricePlan } from '../pricing/plan-store.js';
import { withBackend } from '../query/backend-filter.js';
import { loadBackends } from '../query/backends.js';
import { type ExportQuery, exportUsageStream, resolveExport } from '../query/export-usage.js';
import { getBackendStatusPlan } from '../query/get-backend-status.js';
import { type BackendTotals, getBackendTotalsPlan } from '../query/get-backend-totals.js';
import { getCommittedBandwidthPlan, getCommittedEventsPlan } from '../query/get-committed-events.js';
import { type CostQuery, type CostReport, getCostsPlan, resolveCostRange } from '../query/get-costs.js';
import {
  type BandwidthDelta,
  type BandwidthFeedQuery,
  type EventFeedPage,
  type EventFeedQuery,
  feedPageLimit,
  getBandwidthFeedPlan,
  getEventFeedPlan,
} from '../query/get-event-feed.js';
import {
  copySummary,
  getResourceSummaryPlan,
  resolveSummaryRange,
  type SummaryQuery,
  summaryKey,
} from '../query/get-resource-summary.js';
import {
  clockRangeGroup,
  copyTotals,
  getResourceUsagePlan,
  type PieceTotals,
  resolveUsageQuery,
  type UsagePage,
  type UsageQuery,
  usageTotalsKey,
} from '../query/get-resource-usage.js';
import { getTimeSeriesPlan, resolveSeries, type SeriesQuery } from '../query/get-time-series.js';
import type { HealthThresholds } from '../query/health.js';
import { totalsPieces } from '../query/usage-totals-pieces.js';
import type { AddedEvents } from '../record/ingest-plan.js';
import { assertBackendName, assertResourceType } from '../record/validate.js';
import { toIso } from '../time/zone.js';
import {
  type BackendInfo,
  type BackendStatus,
  RESOURCE_CODE,
  type ResourceSummary,
  type SeriesPoint,
} from '../types.js';
import { type DataVersion, PG_SNAPSHOT_PROBE, ReadMemo } from './read-memo.js';
import type { Retention } from './retention.js';
import { addToTotals, type KeptTotals, type TotalsMatch } from './usage-totals-delta.js';

export interface ReadParts {
  db: Kysely<Database>;
  runner: Runner;
  clock: () => number;
  health: HealthThresholds;
  retention: Retention;
  /** Throws when the tracker is closed, else writes what is pending (WriteBuffer.settle). */
  beforeRead(): Promise<void>;
  /** Tells when the data may have changed, so identical summaries between flushes are read once. */
  dataVersion?: DataVersion;
  /** Memoise summaries by each read's own snapshot instead (PostgreSQL, see PG_SNAPSHOT_PROBE). */
  snapshotMemo?: boolean;
  /** PostgreSQL: the commit-ordered log the live feeds read (row ids are not in commit order there). */
  commitFeed?: CommitFeed;
}

/**
 * Rows times kept totals past which a commit drops kept drill-down totals instead of adding its rows to
 * each (a backfill of 50,000 events into 64 kept answers): reading them again costs less then.
 */
const MAX_ADDED_CHECKS = 1_000_000;

/** Ids summed per bandwidth read of the commit log. */
const BANDWIDTH_SLICE = 100_000;

/**
 * Every read of a tracker. Input is checked first (a bad query changes nothing); then what is pending is
 * written, so a read sees every event recorded before it; then the plan runs in one read snapshot.
 * The public documentation of each read is on ResourceTracker.
 */
export class TrackerReads {
  private readonly summaries: ReadMemo;
  private readonly usageTotals: ReadMemo;

  constructor(private readonly parts: ReadParts) {
    this.summaries = new ReadMemo(parts.dataVersion);
    this.usageTotals = new ReadMemo(parts.dataVersion);
  }

  async summary(query: SummaryQuery): Promise<ResourceSummary> {
    const { q, range, res, key } = await this.summaryInput(query);
    const { db, runner } = this.parts;
    if (this.parts.snapshotMemo) {
      return this.summaries.getInSnapshot(
        key,
        (plan) => runner.read(plan),
        () => getResourceSummaryPlan(db, q, range, res),
        copySummary,
      );
    }
    return this.summaries.get(
      key,
      () => this.parts.runner.read(() => getResourceSummaryPlan(this.parts.db, q, range, res)),
      copySummary,
    );
  }

  /**
   * A string equal for two calls only when summary(query) would answer the same (the data version and
   * everything else the memo keys on), or null when that cannot be told cheaply; read like summary(), after
   * what is pending is written. PostgreSQL: the server's current snapshot (PG_SNAPSHOT_PROBE), one
   * statement outside any transaction. Equal snapshots see the same committed transactions, and a commit
   * by any process is in every snapshot taken after its client got the acknowledgement (the server leaves
   * the transaction's in-progress list before it answers COMMIT), so a caller who wrote through another
   * replica and then asks here never gets a version older than its write. Snapshots never come back to an
   * earlier value, so a summary read after the version (in a later snapshot) is kept under a version that
   * stops matching as soon as anything it saw, or anything else, commits. On a hot standby the snapshot
   * text is not a version (see PG_SNAPSHOT_PROBE): null, so callers read every time.
   */
  async summaryVersion(query: SummaryQuery): Promise<string | null> {
    const { key } = await this.summaryInput(query);
    let version: string | null;
    if (this.parts.snapshotMemo) {
      const { rows } = await this.parts.db.executeQuery(PG_SNAPSHOT_PROBE);
      version = rows[0]?.v ?? null;
    } else {
      version = this.parts.dataVersion?.() ?? null;
    }
    return version === null ? null : `${version}|${key}`;
  }

  /** A summary query resolved at the clock's now (range, resolution, memo key), after what is pending is written. */
  private async summaryInput(query: SummaryQuery) {
    const q = withBackend(query);
    const now = this.parts.clock();
    const range = resolveSummaryRange(q, now);
    const res = this.parts.retention.resolution(now);
    await this.parts.beforeRead();
    return { q, range, res, key: summaryKey(q, range, res) };
  }

  async usage(query: UsageQuery): Promise<UsagePage> {
    const q = withBackend(query);
    const now = this.parts.clock();
    const resolved = resolveUsageQuery(q, now);
    const res = this.parts.retention.resolution(now);
    await this.parts.beforeRead();
    const { db, runner } = this.parts;
    const read = (pieces: readonly PieceTotals[]) =>
      runner.read(() => getResourceUsagePlan(db, q, resolved, res, pieces));
    // The totals of a page depend on its filters and range only, not on the page: paging through one query
    // with a fixed range (or many viewers of it) between two commits reads them once (SQLite only: see
    // ReadMemo.lookup). A range ending at the clock keeps all but the slivers at its ends (see totalsPieces).
    const pieces = totalsPieces(resolved, resolved.fixedRange);
    const keys = pieces.map((p) => (p.keep ? usageTotalsKey(q, resolved, p, res) : null));
    const memo = this.usageTotals.lookup<KeptTotals>(keys);
    // Nothing kept (PostgreSQL, or memoizeSummaries false: no data version): the range's totals are read whole.
    if (!memo) return (await read([resolved])).page;
    const { page, pieces: totals } = await read(
      pieces.map((p, i) => ({ ...p, known: memo.known[i] && copyTotals(memo.known[i].totals) })),
    );
    // The version was read before the read's snapshot began: a commit in between would pair this snapshot's
    // rows with older totals. Unchanged after the read, nothing committed in between, so all saw one state.
    if (!this.usageTotals.isCurrent(memo.version)) {
      return memo.known.some((k) => k !== undefined) ? (await read(pieces)).page : page;
    }
    for (const [i, key] of keys.entries()) {
      if (key === null || memo.known[i] !== undefined) continue;
      const match: TotalsMatch = {
        from: pieces[i]!.from,
        to: pieces[i]!.to,
        backend: q.backend,
        backendType: q.backendType,
        resource: q.resourceType === undefined ? undefined : RESOURCE_CODE[q.resourceType],
        success: resolved.success,
        pathPrefix: resolved.pathPrefix,
      };
      this.usageTotals.keep(memo.version, key, { match, totals: copyTotals(totals[i]!) } satisfies KeptTotals);
    }
    if (!resolved.fixedRange) {
      const kept = keys.filter((key) => key !== null);
      this.usageTotals.replaceGroup(memo.version, clockRangeGroup(q, resolved), kept);
    }
    return page;
  }

  /**
   * This process committed a batch (`before` and `after`: the data versions around its transaction, see
   * ReadMemo.advance): kept drill-down totals are brought up to date by adding its rows, so the first page
   * after a flush of this process reads no totals, as a page between two commits does. A batch that did
   * more than add (IngestOutcome.added null), or too large to add cheaply, drops them instead.
   */
  committed(before: string, after: string, added: AddedEvents | null): void {
    if (this.usageTotals.size === 0) return;
    const tooLarge = added !== null && added.rows.length * this.usageTotals.size > MAX_ADDED_CHECKS;
    this.usageTotals.advance(before, after, (answer) => {
      if (added === null || tooLarge) return undefined;
      const kept = answer as KeptTotals;
      const totals = addToTotals(kept, added);
      return totals === undefined ? undefined : { match: kept.match, totals };
    });
  }

  async backendStatus(backend: string | undefined): Promise<Record<string, BackendStatus>> {
    if (backend !== undefined) assertBackendName(backend);
    const now = this.parts.clock();
    const { db, health, retention } = this.parts;
    return this.read(() => getBackendStatusPlan(db, backend, now, health, retention.resolution(now)));
  }

  async timeSeries(query: SeriesQuery): Promise<SeriesPoint[]> {
    const q = withBackend(query);
    const layout = resolveSeries(q);
    const now = this.parts.clock();
    return this.read(() => getTimeSeriesPlan(this.parts.db, q, layout, this.parts.retention.resolution(now)));
  }

  async eventFeed(query: EventFeedQuery): Promise<EventFeedPage> {
    const q = withBackend(query);
    const { commitFeed, db, runner } = this.parts;
    if (!commitFeed) return this.read(() => getEventFeedPlan(db, q));
    if (q.resourceType !== undefined) assertResourceType(q.resourceType);
    await this.parts.beforeRead();
    if (q.after === undefined) return { events: [], cursor: await commitFeed.sync() };
    const slice = await commitFeed.read(q.after, feedPageLimit(q.limit));
    const { cursor, skipped } = slice;
    const events = await commitFeed.readHistory(slice, (ranges) =>
      runner.read(() => getCommittedEventsPlan(db, ranges, q)),
    );
    return skipped > 0 ? { events, cursor, skipped } : { events, cursor };
  }

  async bandwidthFeed(query: BandwidthFeedQuery): Promise<BandwidthDelta> {
    const q = withBackend(query);
    const { commitFeed, db, runner } = this.parts;
    if (!commitFeed) return this.read(() => getBandwidthFeedPlan(db, q));
    await this.parts.beforeRead();
    if (q.after === undefined) return { uploadBytes: 0, downloadBytes: 0, cursor: await commitFeed.sync() };
    // Every id since the cursor, in pages of the log (a slice is a list of ranges, not rows).
    let cursor = q.after;
    let uploadBytes = 0;
    let downloadBytes = 0;
    for (;;) {
      const slice = await commitFeed.read(cursor, BANDWIDTH_SLICE);
      if (slice.ranges.length > 0) {
        const d = await commitFeed.readHistory(slice, (ranges) =>
          runner.read(() => getCommittedBandwidthPlan(db, ranges, q)),
        );
        uploadBytes += d.uploadBytes;
        downloadBytes += d.downloadBytes;
      }
      // A history slice may hold no id (all of them logged) and still move the cursor.
      const moved = slice.cursor !== cursor;
      cursor = slice.cursor;
      if (!moved) break;
    }
    return { uploadBytes, downloadBytes, cursor };
  }

  async costs(query: CostQuery): Promise<CostReport> {
    const q = withBackend(query ?? {});
    const now = this.parts.clock();
    const range = resolveCostRange(q, now);
    const { db, retention } = this.parts;
    return this.read(() => getCostsPlan(db, q, range, now, retention.resolution(now)));
  }

  pricePlans(): Promise<StoredPricePlan[]> {
    return this.read(() => loadPricePlans(this.parts.db));
  }

  backendTotals(): Promise<BackendTotals[]> {
    return this.read(() => getBackendTotalsPlan(this.parts.db));
  }

  async backends(): Promise<BackendInfo[]> {
    const rows = await this.read(() => loadBackends(this.parts.db));
    return rows.map((b) => ({ name: b.name, type: b.type, createdAt: toIso(b.createdAt) }));
  }

  /** Checks the query at once (throws synchronously); flushes and reads when iterated. */
  exportUsage(query: ExportQuery): AsyncIterable<string> {
    const q = withBackend(query);
    const range = resolveExport(q, this.parts.clock());
    const { db, runner } = this.parts;
    const settle = () => this.parts.beforeRead();
    return {
      async *[Symbol.asyncIterator]() {
        await settle();
        yield* exportUsageStream(db, (plan) => runner.read(plan), q, range);
      },
    };
  }

  private async read<T>(plan: () => Plan<T>): Promise<T> {
    await this.parts.beforeRead();
    return this.parts.runner.read(plan);
  }
}
