import { describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, type StoreOptions } from './support/stores.js';

// The level reported at the latest timestamp wins: a report dated before a later report changes the level
// between the two, and neither the current level nor anything after the later report.

const MIN = 60_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

type Op = { ts: number; delta?: number; report?: number };

function open(path: StoreOptions): ResourceTracker {
  return openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });
}

function apply(t: ResourceTracker, op: Op): void {
  if (op.report !== undefined) t.setStorageLevel('d', 'local', op.report, { timestamp: op.ts });
  else t.trackStorageUsage('d', 'local', op.delta!, { timestamp: op.ts });
}

/** The level just before `at` from a replay in time order. */
function levelAt(ops: Op[], at: number): number {
  let l = 0;
  for (const op of [...ops].sort((a, b) => a.ts - b.ts)) {
    if (op.ts >= at) break;
    l = op.report !== undefined ? op.report : l + op.delta!;
  }
  return l;
}

async function level(t: ResourceTracker): Promise<number | undefined> {
  return (await t.getBackendStatus('d')).d?.currentStorageUsageBytes;
}

async function netChange(t: ResourceTracker, from: number, to: number): Promise<number> {
  const s = await t.getResourceSummary({ backend: 'd', from: new Date(from), to: new Date(to) });
  return s.backends.d?.resources.storage_used?.totalAmount ?? 0;
}

const OPS: Op[] = [
  { ts: NOW - 40 * MIN, delta: 100 },
  { ts: NOW - 10 * MIN, report: 500 },
  { ts: NOW - 5 * MIN, delta: 20 },
  { ts: NOW - 20 * MIN, report: 300 }, // recorded last, dated before the report of 500
  { ts: NOW - 30 * MIN, report: 50 }, // and one more before both
];

async function expectReplay(t: ResourceTracker): Promise<void> {
  expect(await level(t)).toBe(520);
  // A delete of the whole level is allowed at once and no more: the recording check agrees.
  for (let from = NOW - 50 * MIN; from < NOW; from += 3 * MIN) {
    for (let to = from + MIN; to <= NOW; to += 7 * MIN) {
      expect(await netChange(t, from, to)).toBe(levelAt(OPS, to) - levelAt(OPS, from));
    }
  }
}

describeEachDialect('storage-level-order', (dialect) => {
  describe('storage level order', () => {
    for (const flushEvery of [0, 1, 3]) {
      it(`a report dated before a later report leaves the current level to the later one (flush every ${flushEvery || 'never'})`, async () => {
        const path = await newStore(`order-${flushEvery}`);
        const t = open(path);
        for (const [i, op] of OPS.entries()) {
          apply(t, op);
          if (flushEvery > 0 && i % flushEvery === 0) expect((await t.flush()).error).toBeUndefined();
        }
        // Before any read flushes (SQLite): the recording check already knows the level is 520.
        // PostgreSQL cannot be read on the recording call: a backdated report leaves the level unknown to the
        // recording check until the next write, which judges against the database; then it is known again.
        if (dialect === 'postgres') expect((await t.flush()).error).toBeUndefined();
        expect(() => t.trackStorageUsage('d', 'local', -521)).toThrow();
        await expectReplay(t);
        const page = await t.getResourceUsage({ backend: 'd', resourceType: 'storage_used', hoursBack: 3 });
        const later = page.events.find((e) => e.timestamp === new Date(NOW - 10 * MIN).toISOString());
        expect(later).toMatchObject({ reportedLevel: 500, amount: 200 });
        await t.close();
        const again = open(path);
        await again.ready;
        await expectReplay(again);
        again.trackStorageUsage('d', 'local', -520);
        expect(await level(again)).toBe(0);
        await again.close();
      });
    }
  });
});
