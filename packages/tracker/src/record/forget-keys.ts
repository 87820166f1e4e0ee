import type { Kysely } from 'kysely';
import { chunks } from '../db/insert-rows.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';

/** Pairs per statement: the OR chain stays well under SQLite's expression depth limit (1,000). */
const PAIRS_PER_STATEMENT = 200;

/**
 * Takes out the idempotency keys a batch inserted for events it then refused, so resending them is not a
 * duplicate: one statement for up to 200 (backend, key) pairs, not one per key.
 */
export function* forgetKeys(db: Kysely<Database>, keys: readonly (readonly [number, Uint8Array])[]): Plan<void> {
  for (const part of chunks(keys, PAIRS_PER_STATEMENT)) {
    yield* exec(
      db
        .deleteFrom('event_keys')
        .where((eb) =>
          eb.or(part.map(([backendId, key]) => eb.and([eb('backend_id', '=', backendId), eb('key', '=', key)]))),
        ),
    );
  }
}
