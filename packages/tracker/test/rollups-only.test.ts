import { existsSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { recordRef } from './support/record-ref.js';
import { comparableSummary, expectedSummary, type RefEvent } from './support/reference-model.js';
import { countStoreRows, describeEachDialect, newStore } from './support/stores.js';
import { periodBounds } from './support/zone-reference.js';

// In rollups-only mode raw events live one hour, so the file grows with time and backends, not with the
// number of events: 10x the (backdated) events leave the file about the same size, and sums stay exact.

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const WINDOW_START = NOW - 8 * HOUR; // every event falls in [now - 8 h, now - 2 h): older than the raw hour
function fileBytes(path: string): number {
  return [path, `${path}-wal`, `${path}-shm`].reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
}

/**
 * Event `i` of a deterministic stream. The first 3 x 3 x 360 events touch every (backend, resource, minute)
 * cell of the window once, so any later event only adds to rollup rows that already exist.
 */
function eventAt(i: number): RefEvent {
  const cell = i % 3240;
  const backend = (['photos', 'pins', 'models'] as const)[Math.floor(cell / 360) % 3]!;
  const backendType = backend === 'photos' ? 's3' : backend === 'pins' ? 'ipfs' : 'huggingface';
  const resourceType = (['bandwidth_upload', 'bandwidth_download', 'api_calls'] as const)[Math.floor(cell / 1080)]!;
  const hash = (i * 2_654_435_761) % 4_294_967_296;
  return {
    ts: WINDOW_START + (cell % 360) * 60_000 + (hash % 60_000),
    backend,
    backendType,
    resourceType,
    amount: resourceType === 'api_calls' ? 1 : 1 + (hash % 1_000_000),
    success: i % 11 !== 0,
  };
}

async function recordRange(t: ResourceTracker, from: number, to: number) {
  for (let i = from; i < to; i++) {
    recordRef(t, eventAt(i));
    if (i % 10_000 === 9_999) {
      const r = await t.flush();
      expect(r.error).toBeUndefined();
    }
  }
  expect((await t.flush()).error).toBeUndefined();
}

describeEachDialect('rollups-only mode', (dialect) => {
  it('the store does not grow with the number of events, and summaries stay exact', async () => {
    const store = await newStore('rollups');
    const open = () => openResourceTracker({ ...store, mode: 'rollups-only', clock: () => NOW, flushOnExit: false });
    // The file's size (SQLite). PostgreSQL keeps old row versions of every upsert until a vacuum, so its
    // size says nothing here: there the rows themselves must not grow.
    const size = async () => (store.path ? fileBytes(store.path) : countStoreRows(store, 'rollups'));
    const small = 20_000;
    const large = 200_000;

    let t = open();
    await recordRange(t, 0, small);
    await t.close();
    const sizeSmall = await size();

    t = open();
    await recordRange(t, small, large);
    await t.close();
    const sizeLarge = await size();

    expect(await countStoreRows(store, 'events')).toBe(0); // all older than the raw hour
    // Same buckets, ten times the events: within 10 % (pages are allocated in steps).
    expect(sizeLarge).toBeLessThanOrEqual(sizeSmall * 1.1);
    console.info(
      `rollups-only ${dialect}: ${small} events ${sizeSmall} ${store.path ? 'B' : 'rollup rows'}, ${large} events ${sizeLarge}`,
    );

    t = open();
    try {
      const events = Array.from({ length: large }, (_, i) => eventAt(i));
      for (const zone of ['UTC', 'Asia/Kathmandu', 'America/New_York']) {
        const { start, end } = periodBounds(NOW - 3 * HOUR, 'day', zone);
        const s = await t.getResourceSummary({ period: 'day', at: new Date(NOW - 3 * HOUR), timezone: zone });
        expect(comparableSummary(s.backends)).toEqual(expectedSummary(events, start, end));
      }
      const hour = await t.getResourceSummary({ from: new Date(NOW - 5 * HOUR), to: new Date(NOW - 4 * HOUR) });
      expect(comparableSummary(hour.backends)).toEqual(expectedSummary(events, NOW - 5 * HOUR, NOW - 4 * HOUR));
    } finally {
      await t.close();
    }
  }, 120_000);
});
