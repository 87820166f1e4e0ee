import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemLookup, type WebhookLookup } from '../budgets/webhook-address.js';
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
  /**
   * Read $BYTEMETER_DATABASE_URL and $BYTEMETER_DB for the database. Default true; false for a caller that
   * resolved the database itself (the CLI, from an environment of its own): `databaseUrl` if given, else
   * the SQLite file at `path` (default ~/.bytemeter/tracker.db).
   */
  databaseFromEnv?: boolean;
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
   * Answer identical summaries, and the totals of drill-down pages of one query, between two commits to the
   * database from memory (default true; see tracker/read-memo.ts). On SQLite, kept drill-down totals also
   * follow this tracker's own batches (their rows are added; see tracker/usage-totals-delta.ts). `false`
   * reads the database every time, e.g. to benchmark the read itself.
   */
  memoizeSummaries?: boolean;
  /**
   * Budgets (issue 12) are evaluated after a flush or ingestBatch commits, at most once per this many ms
   * per process (default 1000), from rollup totals: an alert is raised within about this bound plus one
   * flush interval of the crossing event being recorded.
   */
  budgetCheckIntervalMs?: number;
  /**
   * Whether this process POSTs budget webhooks (default: $BYTEMETER_WEBHOOK_DELIVERY, else true). Any
   * number of processes may deliver: each attempt is claimed with a lease, so none is sent twice at once,
   * and a process that restarts resumes what is pending. Short-lived processes (a CLI command) may turn
   * it off and leave delivery to a long-running one (the API).
   */
  deliverWebhooks?: boolean;
  /** Retry schedule of webhook deliveries (defaults in tracker/options.ts; tests shorten it). */
  webhookRetry?: Partial<WebhookRetry>;
  /**
   * Whether webhook URLs may point at loopback, private, link-local or other non-public addresses (default:
   * $BYTEMETER_WEBHOOK_ALLOW_PRIVATE, else true: self-hosted receivers are the common case). false refuses
   * them when a budget is set through this tracker (the URL's host, and what its name resolves to then),
   * stores the refusal with the budget, and refuses them on every delivery that this or any other process
   * makes of that budget (the address connected to is the one checked); this tracker also refuses them on
   * the deliveries it makes of other budgets.
   */
  allowPrivateWebhooks?: boolean;
  /**
   * How webhook host names are resolved (default: the system resolver, node:dns `lookup`). Each delivery
   * resolves once, checks every address when private targets are refused, and connects to one of them.
   */
  webhookLookup?: WebhookLookup;
}

/** When webhook attempts are retried: the delay doubles from `initialDelayMs` up to `maxDelayMs`. */
export interface WebhookRetry {
  /** Delay before the second attempt; default 5 s. */
  initialDelayMs: number;
  /** Longest delay between two attempts; default 10 min. */
  maxDelayMs: number;
  /**
   * Attempts are made for this long after the alert was raised (default 24 h; at least an hour): the last
   * retry is scheduled at this time when the backoff would schedule it later; none is scheduled after it
   * (an attempt starts when a worker claims it, up to a poll interval later, or later after downtime).
   */
  giveUpAfterMs: number;
  /** How long a claimed attempt is reserved for the process that claimed it; default 60 s; at least 2 × timeoutMs. */
  leaseMs: number;
  /**
   * Time allowed for one POST (the DNS lookup included); default 10 s; at most half of leaseMs (else the
   * attempt, with the writes around it, could outlive its lease and another process send it again meanwhile).
   */
  timeoutMs: number;
  /** How often a delivering process looks for due deliveries (also woken at once by its own alerts); default 1 s. */
  pollIntervalMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = {
  initialDelayMs: 5_000,
  maxDelayMs: 600_000,
  giveUpAfterMs: 24 * HOUR,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  pollIntervalMs: 1_000,
};

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
  budgetCheckIntervalMs: number;
  deliverWebhooks: boolean;
  webhookRetry: WebhookRetry;
  allowPrivateWebhooks: boolean;
  webhookLookup: WebhookLookup;
}

/**
 * Resolves the default database path: $BYTEMETER_DB, else ~/.bytemeter/tracker.db; of `env` when given
 * (a command line run with an environment of its own), else of the process.
 * @example openResourceTracker({ path: defaultDatabasePath() })
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BYTEMETER_DB || join(homedir(), '.bytemeter', 'tracker.db');
}

/**
 * The PostgreSQL URL to use: the option, else $BYTEMETER_DATABASE_URL (unless `fromEnv` is false), else null
 * (a SQLite file). Throws ValidationError (INVALID_OPTION) when it is not a postgres:// or postgresql:// URL.
 */
export function resolveDatabaseUrl(option: string | undefined, fromEnv = true): string | null {
  const databaseUrl = option ?? ((fromEnv && process.env.BYTEMETER_DATABASE_URL) || null);
  if (databaseUrl !== null && (typeof databaseUrl !== 'string' || !isPostgresUrl(databaseUrl))) {
    throw new ValidationError('INVALID_OPTION', 'databaseUrl must be a postgres:// or postgresql:// URL.');
  }
  return databaseUrl;
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
  const fromEnv = options.databaseFromEnv ?? true;
  const databaseUrl = resolveDatabaseUrl(options.databaseUrl, fromEnv);
  return {
    path: options.path ?? defaultDatabasePath(fromEnv ? process.env : {}),
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
    budgetCheckIntervalMs: positive(options.budgetCheckIntervalMs ?? 1000, 'budgetCheckIntervalMs'),
    deliverWebhooks: flag(options.deliverWebhooks, 'deliverWebhooks', 'BYTEMETER_WEBHOOK_DELIVERY'),
    webhookRetry: resolveRetry(options.webhookRetry ?? {}),
    allowPrivateWebhooks: flag(options.allowPrivateWebhooks, 'allowPrivateWebhooks', 'BYTEMETER_WEBHOOK_ALLOW_PRIVATE'),
    webhookLookup: lookupOption(options.webhookLookup),
  };
}

function lookupOption(value: WebhookLookup | undefined): WebhookLookup {
  if (value === undefined) return systemLookup;
  if (typeof value !== 'function') throw new ValidationError('INVALID_OPTION', 'webhookLookup must be a function.');
  return value;
}

/** A boolean option, else its environment setting ('false' or '0' turn it off), else true. */
function flag(value: boolean | undefined, what: string, env: string): boolean {
  if (value === undefined) {
    const text = process.env[env]?.trim().toLowerCase();
    if (text === undefined || text === '') return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    throw new ValidationError('INVALID_OPTION', `${env} must be true or false; got "${text}".`);
  }
  if (typeof value !== 'boolean') throw new ValidationError('INVALID_OPTION', `${what} must be a boolean.`);
  return value;
}

function resolveRetry(retry: Partial<WebhookRetry>): WebhookRetry {
  const r = { ...DEFAULT_WEBHOOK_RETRY, ...retry };
  for (const [key, value] of Object.entries(r)) positive(value, `webhookRetry.${key}`);
  if (r.maxDelayMs < r.initialDelayMs) {
    throw new ValidationError('INVALID_OPTION', 'webhookRetry.maxDelayMs must be ≥ webhookRetry.initialDelayMs.');
  }
  // Deliveries are retried for at least an hour (issue 12): a shorter give-up would drop alerts sooner.
  if (r.giveUpAfterMs < HOUR) {
    throw new ValidationError(
      'INVALID_OPTION',
      `webhookRetry.giveUpAfterMs must be at least an hour (3600000 ms); got ${r.giveUpAfterMs}.`,
      'webhookRetry.giveUpAfterMs',
    );
  }
  // An attempt still running when its lease ends could be claimed and sent again by another process at the
  // same time. The POST's time limit (the DNS lookup falls under it too) must end well inside the lease: the
  // claim's commit before it and the write recording the outcome after it (which may wait for the database's
  // write lock) take lease time too. Half the lease is left to them.
  if (r.timeoutMs > r.leaseMs / 2) {
    throw new ValidationError(
      'INVALID_OPTION',
      `webhookRetry.timeoutMs (${r.timeoutMs}) must be at most half of webhookRetry.leaseMs (${r.leaseMs}).`,
      'webhookRetry.timeoutMs',
    );
  }
  return r;
}

function positive(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('INVALID_OPTION', `${what} must be a positive number; got ${String(value)}.`);
  }
  return value;
}
