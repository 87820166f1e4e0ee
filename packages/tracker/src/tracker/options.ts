import { homedir } from 'node:os';
import { join } from 'node:path';
import { isPostgresUrl } from '../db/open-postgres.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_HEALTH, type HealthThresholds } from '../query/health.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface TrackerOptions {
  /** SQLite file. Default: $BYTEMETER_DB, else ~/.bytemeter/tracker.db (directory created). ':memory:' works. */
  path?: string;
  /**
   * A PostgreSQL database (`postgres://user:pass@host:5432/db`) to use instead of a SQLite file. Default:
   * $BYTEMETER_DATABASE_URL, which, when set, overrides `path` and $BYTEMETER_DB. The same migrations and
   * the same exact results; any number of processes may write one database at once.
   */
  databaseUrl?: string;
  /** How often pending events are written. Default 1000 ms; a hard kill can lose at most this much. */
  flushIntervalMs?: number;
  /** Pending events that trigger a flush at once, and the most written in one transaction. Default 10,000. */
  maxBatchSize?: number;
  /**
   * Most events held in memory unwritten (while the disk is full, or recording outruns writing).
   * Default 100,000 (tens of MB). Past it new events are dropped (the oldest stay, so levels and order stay
   * consistent), counted in `flush()`'s `dropped`, and warned about once per episode.
   */
  maxPendingEvents?: number;
  /**
   * 'full' (default) keeps raw events for `rawRetentionMs` (default 30 days) for drill-down and export.
   * 'rollups-only' keeps raw events for one hour only (exact rolling windows, live bandwidth, recent
   * idempotency), so the file grows with time and backends, not with the number of events.
   */
  mode?: 'full' | 'rollups-only';
  /** Raw event retention; `null` keeps them forever. */
  rawRetentionMs?: number | null;
  /**
   * How long an event's `id` is remembered, so a resend is not counted again: default 7 days, whatever
   * the mode and raw retention (keys live in their own compact table). An id seen again later counts again.
   */
  dedupeWindowMs?: number;
  /** Minute rollups retention (default 30 days); older ranges resolve to the quarter hour. */
  minuteRetentionMs?: number;
  health?: Partial<HealthThresholds>;
  /** SQLite busy timeout per attempt. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Injected clock (ms since the epoch), for tests and replays. */
  clock?: () => number;
  /** Flush when the process exits (default true). */
  flushOnExit?: boolean;
  /**
   * Answer identical summaries between two commits to the database from memory (default true; see
   * tracker/read-memo.ts). `false` reads the database every time, e.g. to benchmark the read itself.
   */
  memoizeSummaries?: boolean;
}

/** Every option with its default applied and checked. */
export interface ResolvedOptions {
  path: string;
  /** The PostgreSQL database to use, or null for the SQLite file at `path`. */
  databaseUrl: string | null;
  flushIntervalMs: number;
  maxBatchSize: number;
  maxPendingEvents: number;
  rawRetentionMs: number | null;
  dedupeWindowMs: number;
  minuteRetentionMs: number;
  health: HealthThresholds;
  busyTimeoutMs: number;
  clock: () => number;
  flushOnExit: boolean;
  memoizeSummaries: boolean;
}

/**
 * Resolves the default database path: $BYTEMETER_DB, else ~/.bytemeter/tracker.db.
 * @example openResourceTracker({ path: defaultDatabasePath() })
 */
export function defaultDatabasePath(): string {
  return process.env.BYTEMETER_DB || join(homedir(), '.bytemeter', 'tracker.db');
}

/**
 * Applies the defaults and checks every option before anything is opened: a bad one creates no file.
 * Throws ValidationError (INVALID_OPTION).
 */
export function resolveOptions(options: TrackerOptions): ResolvedOptions {
  const maxBatchSize = positive(options.maxBatchSize ?? 10_000, 'maxBatchSize');
  const rollupsOnly = options.mode === 'rollups-only';
  if (options.mode !== undefined && options.mode !== 'full' && !rollupsOnly) {
    throw new ValidationError('INVALID_OPTION', `mode must be 'full' or 'rollups-only'.`);
  }
  const rawRetentionMs = options.rawRetentionMs !== undefined ? options.rawRetentionMs : rollupsOnly ? HOUR : 30 * DAY;
  if (rawRetentionMs !== null) positive(rawRetentionMs, 'rawRetentionMs');
  const databaseUrl = options.databaseUrl ?? (process.env.BYTEMETER_DATABASE_URL || null);
  if (databaseUrl !== null && (typeof databaseUrl !== 'string' || !isPostgresUrl(databaseUrl))) {
    throw new ValidationError('INVALID_OPTION', 'databaseUrl must be a postgres:// or postgresql:// URL.');
  }
  return {
    path: options.path ?? defaultDatabasePath(),
    databaseUrl,
    maxBatchSize,
    maxPendingEvents: positive(options.maxPendingEvents ?? 100_000, 'maxPendingEvents'),
    rawRetentionMs,
    dedupeWindowMs: positive(options.dedupeWindowMs ?? 7 * DAY, 'dedupeWindowMs'),
    minuteRetentionMs: positive(options.minuteRetentionMs ?? 30 * DAY, 'minuteRetentionMs'),
    health: { ...DEFAULT_HEALTH, ...options.health },
    flushIntervalMs: positive(options.flushIntervalMs ?? 1000, 'flushIntervalMs'),
    busyTimeoutMs: positive(options.busyTimeoutMs ?? 5000, 'busyTimeoutMs'),
    clock: options.clock ?? Date.now,
    flushOnExit: options.flushOnExit ?? true,
    memoizeSummaries: options.memoizeSummaries ?? true,
  };
}

function positive(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('INVALID_OPTION', `${what} must be a positive number; got ${String(value)}.`);
  }
  return value;
}
