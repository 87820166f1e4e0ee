import { defaultDatabasePath, isPostgresUrl } from '@bytemeter/tracker';
import { DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET, DEFAULT_MAX_SUBSCRIPTIONS_PER_TOKEN } from './ws-subscription-slots.js';

/** Everything the server reads from its environment (see DESIGN.md "Names, commands, settings"). */
export interface ApiSettings {
  /** BYTEMETER_API_HOST, default 127.0.0.1. Another address requires at least one API token. */
  host: string;
  /** BYTEMETER_API_PORT, default 4000; 0 picks a free port. */
  port: number;
  /** BYTEMETER_DB, default ~/.bytemeter/tracker.db. */
  dbPath: string;
  /**
   * BYTEMETER_DATABASE_URL (postgres://…): usage and tokens in PostgreSQL instead of dbPath, so several
   * API processes (replicas) can serve one database. Null: the SQLite file.
   */
  databaseUrl: string | null;
  /** BYTEMETER_CORS_ORIGINS, comma-separated; empty means no cross-origin browser access. */
  corsOrigins: string[];
  /** BYTEMETER_API_MAX_BODY_BYTES, default 1 MiB: larger request bodies get 413. */
  maxBodyBytes: number;
  /** BYTEMETER_API_INTROSPECTION, default true; `false` refuses `__schema`/`__type` queries (BAD_USER_INPUT). */
  introspection: boolean;
  /** BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_SOCKET, default 32: graphql-ws operations open at once on one socket. */
  maxSubscriptionsPerSocket: number;
  /** BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN, default 256: graphql-ws operations and SSE subscriptions open at once per token. */
  maxSubscriptionsPerToken: number;
  /**
   * BYTEMETER_API_CACHE_SUMMARIES, default true. `false` opens the server's tracker with
   * `memoizeSummaries: false`: no summary version, so neither the tracker's summary memo nor the response
   * cache keeps anything and every request reads the database (where a commit's effect on the version is
   * not established, e.g. Citus workers, or to measure the uncached read).
   */
  cacheSummaries: boolean;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function urlSetting(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (!isPostgresUrl(raw)) throw new Error(`${name} must be a postgres:// or postgresql:// URL.`);
  return raw;
}

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`${name} must be true or false; got "${raw}".`);
}

/**
 * Reads the settings from the environment, with the documented defaults.
 * @example const settings = readSettings({ ...process.env, BYTEMETER_API_PORT: '0' })
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  return {
    host: env.BYTEMETER_API_HOST || '127.0.0.1',
    port: intSetting(env, 'BYTEMETER_API_PORT', 4000, 0, 65_535),
    dbPath: env.BYTEMETER_DB || defaultDatabasePath(),
    databaseUrl: urlSetting(env, 'BYTEMETER_DATABASE_URL'),
    corsOrigins: (env.BYTEMETER_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    maxBodyBytes: intSetting(env, 'BYTEMETER_API_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
    introspection: boolSetting(env, 'BYTEMETER_API_INTROSPECTION', true),
    maxSubscriptionsPerSocket: intSetting(
      env,
      'BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_SOCKET',
      DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET,
      1,
      100_000,
    ),
    maxSubscriptionsPerToken: intSetting(
      env,
      'BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN',
      DEFAULT_MAX_SUBSCRIPTIONS_PER_TOKEN,
      1,
      1_000_000,
    ),
    cacheSummaries: boolSetting(env, 'BYTEMETER_API_CACHE_SUMMARIES', true),
  };
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const LOOPBACK_HOST_HEADER = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** Whether a request's Host header names this machine (what a DNS-rebinding page cannot fake). */
export function isLoopbackHostHeader(host: string | null | undefined): boolean {
  return LOOPBACK_HOST_HEADER.test(host ?? '');
}
