import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 11, pricing: price plans stored in the database (every process and replica sees them), the price
 * class of each API call, and the storage byte-time sum of each rollup bucket.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';

  // One row per (backend, start): `starts_at` is the plan's effectiveFrom, -1 for "all usage".
  await db.schema
    .createTable('price_plans')
    .addColumn('backend', 'text', (c) => c.notNull())
    .addColumn('starts_at', bigint, (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('price_plans_pk', ['backend', 'starts_at'])
    .execute();

  // 1 = class A, 2 = class B, 3 = free; null: unclassified (and every event that is not an API call).
  await db.schema.alterTable('events').addColumn('api_class', 'smallint').execute();

  // Σ delta × (ts − bucket) of storage_used rows, byte-ms, relative to the bucket start (Σ delta × ts would
  // pass 2^63 after a few MB). Even relative, one 2^53-byte change a day into its bucket is a 2^80 product:
  // it is kept as two 64-bit limbs, delta_time_hi × 2^32 + delta_time_lo, each event adding
  // floor(x / 2^32) and x mod 2^32, so sums in SQL stay exact and far below 2^63.
  for (const column of ['delta_time_lo', 'delta_time_hi']) {
    await db.schema
      .alterTable('rollups')
      .addColumn(column, bigint, (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await backfillDeltaTime(db);
}

const GRAIN_SIZES: readonly [number, number][] = [
  [1, 60_000],
  [2, 900_000],
  [3, 3_600_000],
  [4, 86_400_000],
];
const LIMB = 2n ** 32n;

/**
 * Buckets written before the column: the raw storage events still kept fill it exactly; where they were
 * pruned the bucket's changes count from its start (at most one bucket early). Summed in JS (BigInt),
 * since SQL's 64-bit sum could overflow, a page of events at a time.
 */
async function backfillDeltaTime(db: Kysely<any>): Promise<void> {
  const sums = new Map<string, bigint>();
  for (let after = -1; ; ) {
    const rows = await db
      .selectFrom('events')
      .select(['id', 'ts', 'backend_id', 'amount'])
      .where('resource', '=', 3)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const ts = Number(row.ts);
      for (const [level, size] of GRAIN_SIZES) {
        const bucket = Math.floor(ts / size) * size;
        const key = `${level}:${bucket}:${row.backend_id}`;
        sums.set(key, (sums.get(key) ?? 0n) + BigInt(row.amount) * BigInt(ts - bucket));
      }
    }
    after = Number(rows[rows.length - 1]!.id);
  }
  for (const [key, value] of sums) {
    if (value === 0n) continue;
    const [level, bucket, backendId] = key.split(':').map(Number);
    const lo = ((value % LIMB) + LIMB) % LIMB;
    await db
      .updateTable('rollups')
      .set({ delta_time_lo: Number(lo), delta_time_hi: Number((value - lo) / LIMB) })
      .where('level', '=', level)
      .where('bucket', '=', bucket)
      .where('backend_id', '=', backendId)
      .where('resource', '=', 3)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollups').dropColumn('delta_time_hi').execute();
  await db.schema.alterTable('rollups').dropColumn('delta_time_lo').execute();
  await db.schema.alterTable('events').dropColumn('api_class').execute();
  await db.schema.dropTable('price_plans').execute();
}
