import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { BackendType } from '../types.js';
import { shapedQuery } from './query-shapes.js';

export interface BackendRow {
  id: number;
  name: string;
  type: BackendType;
  createdAt: number;
  storageLevel: number;
  lastEventAt: number | null;
  consecutiveFailures: number;
}

/** Every backend with its O(1) state; the table holds one row per backend name, so this stays small. */
export function* loadBackends(db: Kysely<Database>): Plan<BackendRow[]> {
  const rows = yield* exec(
    shapedQuery(db, 'backends', [], () =>
      db
        .selectFrom('backends')
        .leftJoin('backend_state', 'backend_state.backend_id', 'backends.id')
        .select([
          'backends.id',
          'backends.name',
          'backends.type',
          'backends.created_at',
          'backend_state.storage_level',
          'backend_state.last_event_at',
          'backend_state.consecutive_failures',
        ])
        .orderBy('backends.name'),
    ),
  );
  return rows.map(toBackendRow);
}

/** A stored backend row (with its state, null when none) as a BackendRow. */
export function toBackendRow(r: {
  id: number | string;
  name: string;
  type: string;
  created_at: number | string;
  storage_level: number | string | null;
  last_event_at: number | string | null;
  consecutive_failures: number | string | null;
}): BackendRow {
  return {
    id: Number(r.id),
    name: r.name,
    type: r.type as BackendType,
    createdAt: Number(r.created_at),
    storageLevel: Number(r.storage_level ?? 0),
    lastEventAt: r.last_event_at === null ? null : Number(r.last_event_at),
    consecutiveFailures: Number(r.consecutive_failures ?? 0),
  };
}

/** Backends a name/type filter selects; an unknown name selects none. */
export function selectBackends(all: readonly BackendRow[], name?: string, type?: BackendType): BackendRow[] {
  return all.filter((b) => (name === undefined || b.name === name) && (type === undefined || b.type === type));
}
