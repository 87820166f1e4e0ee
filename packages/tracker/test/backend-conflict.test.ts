import { expect, it } from 'vitest';
import { BackendTypeConflictError, openResourceTracker, type ResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, type StoreOptions, snapshotStore } from './support/stores.js';

// A backend is its name; its type is fixed when first seen. Another type under the same name is an error
// at once (also after a restart), never a silent merge, and records nothing.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

function open(store: StoreOptions): ResourceTracker {
  return openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
}

function conflictOf(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const RECORDERS: [string, (t: ResourceTracker) => void][] = [
  ['trackBandwidthUpload', (t) => t.trackBandwidthUpload('photos', 'ipfs', 1)],
  ['trackBandwidthDownload', (t) => t.trackBandwidthDownload('photos', 'ipfs', 1)],
  ['trackStorageUsage', (t) => t.trackStorageUsage('photos', 'ipfs', 1)],
  ['setStorageLevel', (t) => t.setStorageLevel('photos', 'ipfs', 1)],
  ['trackApiCall', (t) => t.trackApiCall('photos', 'ipfs')],
  ['trackCost', (t) => t.trackCost('photos', 'ipfs', 1)],
  [
    'trackResourceUsage',
    (t) => t.trackResourceUsage({ backend: 'photos', backendType: 'ipfs', resourceType: 'api_calls', amount: 1 }),
  ],
];

describeEachDialect('backend name and type clash', () => {
  it('throws BackendTypeConflictError at once from every recording call, before and after a restart', async () => {
    const store = await newStore('clash');
    let t = open(store);
    t.trackBandwidthUpload('photos', 's3', 100);
    for (const [name, record] of RECORDERS) {
      const error = conflictOf(() => record(t));
      expect(error, name).toBeInstanceOf(BackendTypeConflictError);
      expect(error).toMatchObject({
        code: 'BACKEND_TYPE_CONFLICT',
        backend: 'photos',
        existingType: 's3',
        requestedType: 'ipfs',
      });
    }
    expect(t.pendingCount).toBe(1);
    expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
    const stored = await snapshotStore(store);
    await t.close();

    t = open(store);
    // SQLite reads the stored backends as it opens; PostgreSQL once `ready` (before that, a clash is refused
    // at flush, as the next test shows).
    await t.ready;
    for (const [name, record] of RECORDERS)
      expect(
        conflictOf(() => record(t)),
        name,
      ).toBeInstanceOf(BackendTypeConflictError);
    expect(t.pendingCount).toBe(0);
    await t.flush();
    expect(await snapshotStore(store)).toBe(stored);
    const summary = await t.getResourceSummary({ period: 'day' });
    expect(Object.keys(summary.backends)).toEqual(['photos']);
    expect(summary.backends.photos?.backendType).toBe('s3');
    await t.close();
  });

  it('a clash only another writer could see is refused at flush and records nothing; later calls throw at once', async () => {
    const store = await newStore('two-writers');
    const first = open(store);
    const second = open(store); // opened before `photos` exists
    await Promise.all([first.ready, second.ready]);
    first.trackBandwidthUpload('photos', 's3', 100);
    await first.flush();
    const stored = await snapshotStore(store);

    second.trackBandwidthUpload('photos', 'ipfs', 5); // this process cannot know yet
    second.trackApiCall('other', 'local');
    const result = await second.flush();
    expect(result.error).toBeInstanceOf(BackendTypeConflictError);
    expect(result.written).toBe(1); // `other` only
    expect(second.pendingCount).toBe(0);
    expect(() => second.trackApiCall('photos', 'ipfs')).toThrow(BackendTypeConflictError);

    const summary = await first.getResourceSummary({ period: 'day' });
    expect(summary.backends.photos?.resources.bandwidth_upload?.totalAmount).toBe(100);
    expect(summary.backends.photos?.resources.bandwidth_upload?.operationCount).toBe(1);
    expect(summary.backends.other?.resources.api_calls?.operationCount).toBe(1);
    expect(await snapshotStore(store)).not.toBe(stored); // `other` was added, nothing under `photos`
    await Promise.all([first.close(), second.close()]);
  });
});
