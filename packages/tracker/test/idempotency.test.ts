import { describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, type UsageEvent } from '../src/index.js';
import { randomUUID, ulid, uuidV7 } from './support/ids.js';
import { countStoreRows, DIALECTS, type StoreOptions, testStores } from './support/stores.js';

// An event with an id already stored is not counted again: in one batch, across flushes, across a close
// and reopen of the store. Every kind of id reads back exactly as given. On both dialects.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
function open(store: StoreOptions): ResourceTracker {
  return openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
}

async function allEvents(t: ResourceTracker): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.getResourceUsage({ hoursBack: 48, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function uploadTotal(t: ResourceTracker): Promise<{ total: number; count: number }> {
  const s = await t.getResourceSummary({ period: 'day' });
  const r = s.backends.b?.resources.bandwidth_upload;
  return { total: r?.totalAmount ?? 0, count: r?.operationCount ?? 0 };
}

const ID_KINDS: [string, () => string][] = [
  ['UUIDv4', () => randomUUID()],
  ['UUIDv7', () => uuidV7(NOW)],
  ['upper-case UUID (kept as text)', () => randomUUID().toUpperCase()],
  ['ULID', () => ulid(NOW)],
  ['lower-case ULID (kept as text)', () => ulid(NOW).toLowerCase()],
  ['arbitrary text', () => `order-${randomUUID().slice(0, 8)}/part 1, "quoted" ключ ✓`],
];

describe.each(DIALECTS)('idempotency keys (%s)', (dialect) => {
  const newStore = testStores(dialect, 'idempotency');
  for (const [kind, make] of ID_KINDS) {
    it(`${kind}: counted once in a batch, across flushes and after reopen, and read back as given`, async () => {
      const path = await newStore('ids');
      const id = make();
      const other = make();
      expect(other).not.toBe(id);
      let t = open(path);
      t.trackBandwidthUpload('b', 's3', 100, { id, timestamp: NOW - 1000 });
      t.trackBandwidthUpload('b', 's3', 100, { id, timestamp: NOW - 1000 }); // same batch
      t.trackBandwidthUpload('b', 's3', 7, { id: other, timestamp: NOW - 500 });
      expect(await t.flush()).toEqual({ written: 2, duplicates: 1 });
      t.trackBandwidthUpload('b', 's3', 100, { id, timestamp: NOW - 1000 }); // a later flush
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
      expect(await uploadTotal(t)).toEqual({ total: 107, count: 2 });
      await t.close();

      t = open(path);
      // After a restart, even with another amount and time, the id is already taken.
      t.trackBandwidthUpload('b', 's3', 999, { id, timestamp: NOW - 2000 });
      t.trackBandwidthUpload('b', 's3', 999, { id: other });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 2 });
      expect(await uploadTotal(t)).toEqual({ total: 107, count: 2 });
      const events = await allEvents(t);
      expect(events.map((e) => e.id).sort()).toEqual([id, other].sort());
      expect(events.find((e) => e.id === id)?.amount).toBe(100);
      await t.close();
      expect(await countStoreRows(path, 'events')).toBe(2);
    });
  }

  it('events without an id are never merged and get distinct stable ids', async () => {
    const path = await newStore('no-ids');
    const t = open(path);
    for (let i = 0; i < 5; i++) t.trackBandwidthUpload('b', 's3', 10, { timestamp: NOW - 1000 });
    expect(await t.flush()).toEqual({ written: 5, duplicates: 0 });
    const first = (await allEvents(t)).map((e) => e.id);
    expect(new Set(first).size).toBe(5);
    expect((await allEvents(t)).map((e) => e.id)).toEqual(first);
    await t.close();
  });

  it('a random mix of repeated ids counts each id once, whatever the batching', async () => {
    const path = await newStore('mix');
    const t = openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });
    const ids = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0 ? ulid(NOW - i) : i % 3 === 1 ? uuidV7(NOW - i) : `k${i}`,
    );
    const amountOf = new Map(ids.map((id, i) => [id, i + 1]));
    let duplicates = 0;
    let written = 0;
    for (let round = 0; round < 4; round++) {
      // Each round repeats a shifting window of ids, so batches overlap each other and themselves.
      for (let i = round * 50; i < round * 50 + 150; i++) {
        const id = ids[i % ids.length]!;
        t.trackBandwidthUpload('b', 's3', amountOf.get(id)!, { id, timestamp: NOW - 60_000 });
        if (i % 7 === 0) t.trackBandwidthUpload('b', 's3', amountOf.get(id)!, { id, timestamp: NOW - 60_000 });
      }
      const r = await t.flush();
      expect(r.error).toBeUndefined();
      duplicates += r.duplicates;
      written += r.written;
    }
    const seen = new Set<string>();
    let recorded = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = round * 50; i < round * 50 + 150; i++) {
        seen.add(ids[i % ids.length]!);
        recorded += i % 7 === 0 ? 2 : 1;
      }
    }
    expect(written).toBe(seen.size);
    expect(duplicates).toBe(recorded - seen.size);
    const expectedTotal = [...seen].reduce((sum, id) => sum + amountOf.get(id)!, 0);
    expect(await uploadTotal(t)).toEqual({ total: expectedTotal, count: seen.size });
    await t.close();
  });
});
