import { BackendTypeConflictError, StorageLevelError } from '../errors.js';
import type { BackendRow } from '../query/backends.js';
import type { PendingEvent } from '../record/pending-event.js';
import { type BackendType, RESOURCE_CODE } from '../types.js';

const STORAGE = RESOURCE_CODE.storage_used;

/** What a committed write reports back about the backends it touched. */
export interface WrittenBackends {
  storageLevels: Map<string, number>;
  types: Map<string, string>;
}

/**
 * What this process knows of each backend, so recording can refuse a name clash or a storage level
 * below zero at once, without I/O: the type, the id, the storage level (pending events included) and
 * the newest event time. The database stays the judge; this is its answer so far, kept current by
 * every committed write.
 */
export class BackendCache {
  /** Backend types as known to this process (stored ones and ones first seen here). */
  readonly types = new Map<string, BackendType>();
  /** Backend ids by name, learnt from committed writes. */
  readonly ids = new Map<string, number>();
  /** Best-known storage level per backend, pending events included, for the below-zero check. */
  private readonly storageLevels = new Map<string, number>();
  /** Newest event time per backend known to this process, to tell a backdated level report. */
  private readonly newestAt = new Map<string, number>();
  /** The change each pending storage event made to the level here, replayed on top of a write's levels. */
  private readonly applied = new WeakMap<PendingEvent, number>();
  /**
   * Stored backends are not read yet (PostgreSQL reads them once migrated): a backend not known here may
   * exist with a level, so its level is unknown (NaN) rather than 0, and the write judges its deltas.
   */
  private storedUnread = false;

  /**
   * @param storedSince Stored storage change of a backend dated at or after `ts` (0 while the schema is
   *   not there yet); only asked for a level report dated before the backend's newest event. NaN when the
   *   store cannot answer synchronously (PostgreSQL): the level is then unknown here (NaN) until a write
   *   reports it, and the below-zero check is left to the write, which judges against the database.
   * @param storedReportFrom Whether a level report of a backend dated at or after `ts` is stored; asked
   *   in the same case; null when the store cannot answer synchronously (the level becomes unknown too).
   */
  constructor(
    private readonly storedSince: (backendId: number, ts: number) => number,
    private readonly storedReportFrom: (backendId: number, ts: number) => boolean | null,
  ) {}

  /** Until absorbStored, backends this process has not seen have an unknown level (see storedUnread). */
  expectStored(): void {
    this.storedUnread = true;
  }

  /**
   * Takes in backends read from the database, at open (SQLite, nothing pending) or after recording may
   * already have begun (PostgreSQL reads them once migrated): what is known here from recording stays,
   * and stored levels get the pending events replayed on top.
   */
  absorbStored(rows: readonly BackendRow[], pending: readonly PendingEvent[]): void {
    this.storedUnread = false;
    for (const b of rows) {
      if (!this.types.has(b.name)) this.types.set(b.name, b.type);
      this.ids.set(b.name, b.id);
      if (b.lastEventAt !== null && b.lastEventAt > (this.newestAt.get(b.name) ?? Number.NEGATIVE_INFINITY))
        this.newestAt.set(b.name, b.lastEventAt);
    }
    this.written({ storageLevels: new Map(rows.map((b) => [b.name, b.storageLevel])), types: new Map() }, pending);
  }

  /**
   * Checks one event against what is known and counts it in. Throws BackendTypeConflictError or
   * StorageLevelError, and then knows nothing new. `pending` is what is recorded and not yet written.
   */
  admit(e: PendingEvent, pending: readonly PendingEvent[]): void {
    const known = this.types.get(e.backend);
    if (known !== undefined && known !== e.backendType)
      throw new BackendTypeConflictError(e.backend, known, e.backendType);
    if (e.resource === STORAGE) {
      const level = this.storageLevels.get(e.backend) ?? (this.storedUnread ? Number.NaN : 0);
      let next = level + e.amount;
      if (e.isLevelReport) {
        // The level reported at the latest time wins: one dated before another report leaves today's alone.
        const later = this.laterReport(e.backend, e.ts, pending);
        next = later === null ? Number.NaN : later ? level : e.amount + this.storageSince(e.backend, e.ts, pending);
      } else if (next < 0) {
        throw new StorageLevelError(e.backend, level, e.amount);
      }
      this.storageLevels.set(e.backend, next);
      this.applied.set(e, next - level);
    }
    if (known === undefined) this.types.set(e.backend, e.backendType);
    if (e.ts > (this.newestAt.get(e.backend) ?? Number.NEGATIVE_INFINITY)) this.newestAt.set(e.backend, e.ts);
  }

  /** After a committed write: the stored types and levels, with the events recorded since replayed on top. */
  written(outcome: WrittenBackends, pending: readonly PendingEvent[]): void {
    for (const [name, type] of outcome.types) this.types.set(name, type as BackendType);
    // One pass over what is pending (a flush can leave 100k events pending), not one per backend.
    const levels = new Map(outcome.storageLevels);
    for (const e of pending) {
      const level = e.resource === STORAGE ? levels.get(e.backend) : undefined;
      if (level !== undefined) levels.set(e.backend, level + (this.applied.get(e) ?? 0));
    }
    for (const [name, level] of levels) this.storageLevels.set(name, level);
  }

  /**
   * Storage change dated at or after `ts`, pending and stored: what a level reported for `ts` has on top of
   * it now. Only a report dated before the backend's newest event pays for a read (rare: reports are "now").
   */
  private storageSince(backend: string, ts: number, pending: readonly PendingEvent[]): number {
    if (!this.isBackdated(backend, ts)) return 0;
    let sum = 0;
    for (const p of pending) {
      if (p.backend === backend && p.resource === STORAGE && !p.isLevelReport && p.ts >= ts) sum += p.amount;
    }
    const id = this.ids.get(backend);
    if (id !== undefined) sum += this.storedSince(id, ts);
    return sum;
  }

  /** A report dated at or after `ts`, pending or stored, when `ts` is before the backend's newest event. */
  private laterReport(backend: string, ts: number, pending: readonly PendingEvent[]): boolean | null {
    if (!this.isBackdated(backend, ts)) return false;
    for (const p of pending) if (p.backend === backend && p.isLevelReport && p.ts >= ts) return true;
    const id = this.ids.get(backend);
    return id !== undefined && this.storedReportFrom(id, ts);
  }

  /** Dated before the newest event known here (the write judges the same way: at its time, a report is last). */
  private isBackdated(backend: string, ts: number): boolean {
    return ts < (this.newestAt.get(backend) ?? Number.NEGATIVE_INFINITY);
  }
}
