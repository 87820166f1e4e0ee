import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { RESOURCE_CODE } from '../src/types.js';
import { countStoreRows, DIALECTS, queryStore, testStores } from './support/stores.js';

// Several trackers (each with its own connections) flush into one store at the same time, on one hot
// backend and minute: ids shared between them are stored once, rollups equal the raw rows they count,
// and the storage level is the sum of every delta. On PostgreSQL the batches really run together (READ
// COMMITTED, row locks in a fixed order): no deadlock or serialization error may reach the caller.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

interface Plan {
  writers: number;
  perWriter: number;
  /** Distinct ids shared by all writers; each id always has the same amount. */
  sharedIds: number;
  batch: number;
}

describe.each(DIALECTS)('concurrent writers on one store (%s)', (dialect) => {
  const newStore = testStores(dialect, 'concurrent');

  async function run(plan: Plan, seed: number) {
    const store = await newStore(`w${seed}`);
    const trackers: ResourceTracker[] = [];
    for (let w = 0; w < plan.writers; w++) {
      // A batch never starts a flush on its own: every flush is one of the test's, so its counts are known.
      trackers.push(
        openResourceTracker({
          ...store,
          clock: () => NOW,
          flushOnExit: false,
          maxBatchSize: 100_000,
          flushIntervalMs: 3_600_000,
        }),
      );
    }
    await Promise.all(trackers.map((t) => t.ready));
    const idsSeen = new Set<number>();
    let flushErrors = 0;
    let written = 0;
    let duplicates = 0;
    await Promise.all(
      trackers.map(async (t, w) => {
        for (let i = 0; i < plan.perWriter; i++) {
          const id = (i * 7 + w * 13 + seed) % plan.sharedIds;
          idsSeen.add(id);
          // All in one minute: every writer upserts the same rollup rows and backend_state row.
          const ts = NOW - 30_000 + ((i + w) % 1000);
          t.trackBandwidthUpload('hot', 's3', id + 1, { id: `id-${id}`, timestamp: ts });
          t.trackStorageUsage('hot', 's3', 5, { timestamp: ts });
          if (i % 3 === 0) t.trackStorageUsage('hot', 's3', -2, { timestamp: ts });
          t.trackApiCall('hot', 's3', { success: i % 4 !== 0, timestamp: ts });
          if (i % plan.batch === plan.batch - 1) {
            const r = await t.flush();
            if (r.error) flushErrors++;
            written += r.written;
            duplicates += r.duplicates;
          }
        }
        const r = await t.flush();
        if (r.error) flushErrors++;
        written += r.written;
        duplicates += r.duplicates;
      }),
    );
    expect(flushErrors).toBe(0);
    const keyed = plan.writers * plan.perWriter;
    const deletes = plan.writers * Math.ceil(plan.perWriter / 3);
    const perWriterLevel = plan.perWriter * 5 - Math.ceil(plan.perWriter / 3) * 2;
    expect(duplicates).toBe(keyed - idsSeen.size);
    expect(written).toBe(idsSeen.size + keyed * 2 + deletes);

    const reader = trackers[0]!;
    const s = await reader.getResourceSummary({ period: 'day' });
    const r = s.backends.hot!.resources;
    const idTotal = [...idsSeen].reduce((n, id) => n + id + 1, 0);
    expect(r.bandwidth_upload).toMatchObject({ totalAmount: idTotal, operationCount: idsSeen.size });
    expect(r.api_calls).toMatchObject({ totalAmount: keyed, operationCount: keyed });
    expect(r.storage_used?.totalAmount).toBe(perWriterLevel * plan.writers);
    expect((await reader.getBackendStatus('hot')).hot!.currentStorageUsageBytes).toBe(perWriterLevel * plan.writers);
    await Promise.all(trackers.map((t) => t.close()));

    // Rollups of every grain equal the raw rows, and each id is stored once.
    expect(await countStoreRows(store, 'events')).toBe(written);
    expect(await countStoreRows(store, 'event_keys')).toBe(idsSeen.size);
    // Each key names its own raw row (ids reserved by concurrent batches never collide).
    const [link] = await queryStore<{ n: number | string; rows: number | string }>(
      store,
      `select count(*) as n, count(distinct e.id) as rows from event_keys k
         join events e on e.id = k.event_id and e.backend_id = k.backend_id and e.resource = ${RESOURCE_CODE.bandwidth_upload}`,
    );
    expect([Number(link!.n), Number(link!.rows)]).toEqual([idsSeen.size, idsSeen.size]);
    const raw = await queryStore<{ resource: number; total: number; n: number }>(
      store,
      'select resource, sum(amount) as total, count(*) as n from events group by resource order by resource',
    );
    const grains = await queryStore<{ level: number; resource: number; total: number; n: number }>(
      store,
      'select level, resource, sum(total) as total, sum(count) as n from rollups group by level, resource order by level, resource',
    );
    for (const g of grains) {
      const match = raw.find((x) => Number(x.resource) === Number(g.resource))!;
      expect([Number(g.total), Number(g.n)]).toEqual([Number(match.total), Number(match.n)]);
    }
  }

  it('6 writers on one backend and minute: totals, ids and levels exact', async () => {
    await run({ writers: 6, perWriter: 600, sharedIds: 900, batch: 50 }, 1);
  }, 120_000);

  it('any mix of writers, batch sizes and shared ids stays exact (property)', async () => {
    let seed = 100;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          writers: fc.integer({ min: 2, max: 5 }),
          perWriter: fc.integer({ min: 1, max: 150 }),
          sharedIds: fc.integer({ min: 1, max: 200 }),
          batch: fc.integer({ min: 1, max: 40 }),
        }),
        async (plan) => {
          await run(plan, seed++);
        },
      ),
      { numRuns: 6 },
    );
  }, 180_000);
});
