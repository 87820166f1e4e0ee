import type { Database } from '../db/schema.js';

/** How a value of a key column is kept in the progress marker (JSON): blobs as hex. */
export type KeyKind = 'int' | 'blob' | 'text';

export interface CopiedTable {
  name: keyof Database;
  /** The primary key: rows are read in its order, chunk after chunk, and upserted on it. */
  key: readonly { column: string; kind: KeyKind }[];
  /**
   * SQL aggregates (the same text on SQLite and PostgreSQL) whose values must be equal on both stores once
   * the table is copied; every one stays inside a 64-bit integer on any data the tracker can write (no
   * sum of times, which could pass 2^63 over a few billion rows).
   */
  digest: readonly string[];
  /** The target's unique key rows are upserted on, when it is not `key` (events: (id, backend_id), see 0009). */
  conflict?: readonly string[];
}

/**
 * Every table a read, a write or the API uses, in copy order. Events, rollups and idempotency keys are
 * copied as stored, not derived again: rollups outlive the raw retention (re-deriving them from the raw
 * rows left would lose history) and keys keep a resend from counting twice after the move. The small
 * tables whose rows change with every write (backend_state, resource_totals, backend_totals) come last.
 */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'backends', key: [{ column: 'id', kind: 'int' }], digest: ['count(*)', 'max(id)', 'max(created_at)'] },
  {
    name: 'api_tokens',
    key: [{ column: 'id', kind: 'int' }],
    digest: ['count(*)', 'max(id)', 'count(revoked_at)'],
  },
  {
    name: 'events',
    key: [{ column: 'id', kind: 'int' }],
    conflict: ['id', 'backend_id'],
    digest: ['count(*)', 'min(id)', 'max(id)', 'sum(amount)', 'sum(success)', 'max(ts)'],
  },
  {
    name: 'rollups',
    key: [
      { column: 'level', kind: 'int' },
      { column: 'bucket', kind: 'int' },
      { column: 'backend_id', kind: 'int' },
      { column: 'resource', kind: 'int' },
    ],
    digest: ['count(*)', 'sum(total)', 'sum(count)', 'sum(failures)', 'max(bucket)'],
  },
  {
    name: 'event_keys',
    key: [
      { column: 'backend_id', kind: 'int' },
      { column: 'key', kind: 'blob' },
    ],
    digest: ['count(*)', 'max(ts)', 'count(event_id)', 'sum(event_id)'],
  },
  {
    name: 'backend_state',
    key: [{ column: 'backend_id', kind: 'int' }],
    // Every column is copied as stored, the level's extremes not yet consumed by a budget evaluation too
    // (migration 0014): the target's first evaluation judges them. The digest stays as copies began with it.
    digest: ['count(*)', 'sum(storage_level)', 'sum(consecutive_failures)', 'max(last_event_at)'],
  },
  { name: 'resource_totals', key: [{ column: 'resource', kind: 'int' }], digest: ['count(*)', 'sum(total)'] },
  // Copied as stored, like the rollups it sums (migration 0013 filled it on the source).
  {
    name: 'backend_totals',
    key: [
      { column: 'backend_id', kind: 'int' },
      { column: 'resource', kind: 'int' },
    ],
    digest: ['count(*)', 'sum(total)', 'sum(count)', 'sum(failures)'],
  },
  // Price plans are keyed by backend name (a plan may exist before its backend's first event).
  {
    name: 'price_plans',
    key: [
      { column: 'backend', kind: 'text' },
      { column: 'starts_at', kind: 'int' },
    ],
    digest: ['count(*)', 'max(starts_at)', 'max(updated_at)'],
  },
  // Budgets (issue 12): the budgets with their webhook secrets, the alert history (its unique key keeps
  // alerts once on the new store too), the storage quotas' armed state and the webhook outbox.
  {
    name: 'budgets',
    key: [{ column: 'id', kind: 'text' }],
    digest: ['count(*)', 'sum(revision)', 'max(updated_at)'],
  },
  {
    name: 'budget_alerts',
    key: [{ column: 'seq', kind: 'int' }],
    digest: ['count(*)', 'max(seq)', 'max(raised_at)'],
  },
  {
    name: 'budget_arms',
    key: [
      { column: 'budget_id', kind: 'text' },
      { column: 'revision', kind: 'int' },
      { column: 'threshold', kind: 'int' },
    ],
    digest: ['count(*)', 'sum(generation)', 'sum(armed)'],
  },
  {
    name: 'webhook_deliveries',
    key: [{ column: 'alert_id', kind: 'text' }],
    digest: ['count(*)', 'sum(attempts)', 'max(created_at)'],
  },
  {
    name: 'webhook_attempts',
    key: [
      { column: 'alert_id', kind: 'text' },
      { column: 'attempt', kind: 'int' },
    ],
    digest: ['count(*)', 'sum(attempt)', 'max(at)'],
  },
];

/** Tables with a serial column on PostgreSQL: their sequences must continue after the copied values. */
export const SERIAL_TABLES = [
  { table: 'backends', column: 'id' },
  { table: 'api_tokens', column: 'id' },
  { table: 'events', column: 'id' },
  { table: 'budget_alerts', column: 'seq' },
] as const;

/** A table's aggregates as exact decimal strings ('null' for an empty max), in `digest` order. */
export type TableDigest = string[];
/** Every table's digest, by name: what must be equal on both stores. */
export type StoreDigest = Record<string, TableDigest>;

/** The row count in a table's digest. */
export function rowsOf(digest: TableDigest | undefined): number {
  return digest ? Number(digest[0]) : 0;
}

/** A progress marker as stored: the last copied key, JSON (blobs as hex). */
export function encodeKey(table: CopiedTable, values: readonly unknown[]): string {
  return JSON.stringify(
    table.key.map((k, i) => {
      const v = values[i];
      if (k.kind === 'blob') return Buffer.from(v as Uint8Array).toString('hex');
      if (k.kind === 'text') return String(v);
      return typeof v === 'bigint' ? v.toString() : v;
    }),
  );
}

/** The key values of a stored marker, as the SQLite source compares them (ints as BigInt, blobs as Buffers). */
export function decodeKey(table: CopiedTable, text: string): unknown[] {
  const values = JSON.parse(text) as (string | number)[];
  return table.key.map((k, i) => {
    if (k.kind === 'blob') return Buffer.from(String(values[i]), 'hex');
    if (k.kind === 'text') return String(values[i]);
    return BigInt(values[i] as string | number);
  });
}
