import fc from 'fast-check';
import type { CompiledQuery, Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import type { Plan } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import { openResourceTracker, StorageLevelError } from '../src/index.js';
import { levelsBySum, levelsFromPresent, readUsageLedgers } from '../src/pricing/usage-ledger.js';
import { type Resolution, snapEdge } from '../src/rollup/grains.js';
import { describeEachDialect, newStore, type StoreOptions } from './support/stores.js';

// The usage ledger's level at a range's start is read from the present: the stored level
// (backend_state.storage_level) less every storage change dated at or after the start. That holds only while
// the stored level is the sum of every storage change in the rollups: level reports (the change they imply),
// backdated reports (change moved off a later report), refused changes, events kept in rollups only, pruned
// raw rows and minute rollups, future-dated changes. Here it is compared with the sum of every change before
// the start (levelsBySum, the former read) on random histories, through both the SQLite aggregate and the
// PostgreSQL ledger statement.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 1, 0, 0, 0);

/** Runs a plan outside a runner (the store is not written meanwhile). */
async function run<T>(db: Kysely<Database>, plan: Plan<T>): Promise<T> {
  let step = plan.next();
  while (!step.done) step = plan.next((await db.executeQuery(step.value as CompiledQuery)).rows);
  return step.value;
}

function openDb(store: StoreOptions): { db: Kysely<Database>; close: () => Promise<void> } {
  if (store.databaseUrl) {
    const { db } = openPostgres(store.databaseUrl);
    return { db, close: () => db.destroy() };
  }
  const { db } = openSqlite(store.path!, 5000);
  return { db, close: () => db.destroy() };
}

const op = fc.record({
  kind: fc.constantFrom('delta', 'delta', 'level'),
  amount: fc.integer({ min: -5_000, max: 20_000 }),
  /** Minutes before the clock (negative: in the future, up to the day ahead accepted), ms inside the minute. */
  minutesBack: fc.oneof(fc.integer({ min: -1439, max: 40 * 1440 }), fc.integer({ min: -30, max: 120 })),
  ms: fc.integer({ min: 0, max: 59_999 }),
  backend: fc.constantFrom('a', 'b'),
});

/** An instant to read the level at: anywhere from 45 days back to 3 days ahead, often on a quarter hour. */
const instant = fc.record({
  minutesBack: fc.integer({ min: -3 * 1440, max: 45 * 1440 }),
  ms: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59_999 })),
  quarter: fc.boolean(),
});

describeEachDialect('ledger-levels', () => {
  for (const mode of ['full', 'rollups-only'] as const) {
    it(`property (${mode}): the level from the present equals the sum of the past`, async () => {
      const store = await newStore(`levels_${mode.replace('-', '_')}`);
      let now = START;
      const rawRetentionMs = mode === 'full' ? 2 * DAY : HOUR;
      const minuteRetentionMs = DAY;
      const t = openResourceTracker({
        ...store,
        clock: () => now,
        mode,
        rawRetentionMs,
        minuteRetentionMs,
        flushOnExit: false,
      });
      const { db, close } = openDb(store);
      let runs = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(op, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
            fc.array(fc.integer({ min: 0, max: 30 * 60 }), { minLength: 4, maxLength: 4 }),
            fc.array(instant, { minLength: 1, maxLength: 4 }),
            async (batches, advances, instants) => {
              runs++;
              for (const [i, batch] of batches.entries()) {
                // The clock moves on (minutes to a day and more), so each flush prunes what its retention says.
                now += advances[i]! * MINUTE;
                for (const e of batch) {
                  const timestamp = now - e.minutesBack * MINUTE + e.ms;
                  const backend = `${e.backend}${runs}`;
                  try {
                    if (e.kind === 'level') t.setStorageLevel(backend, 's3', Math.abs(e.amount), { timestamp });
                    else t.trackStorageUsage(backend, 's3', e.amount, { timestamp });
                  } catch (error) {
                    if (!(error instanceof StorageLevelError)) throw error;
                  }
                }
                await t.flush().catch(() => {});
              }
              const res: Resolution = { rawFrom: now - rawRetentionMs, minuteFrom: now - minuteRetentionMs };
              const ids = (await db.selectFrom('backends').select('id').execute()).map((r) => Number(r.id));
              for (const at of instants) {
                let raw = now - at.minutesBack * MINUTE + at.ms;
                if (at.quarter) raw = Math.floor(raw / (15 * MINUTE)) * 15 * MINUTE;
                const edge = snapEdge(raw, res);
                const expected = await run(db, levelsBySum(db, ids, edge, res));
                const present = await run(db, levelsFromPresent(db, ids, edge, res));
                const ledgers = await run(db, readUsageLedgers(db, ids, [edge, edge + HOUR], res));
                const past = await run(db, readUsageLedgers(db, ids, [edge, edge + HOUR], res, { pastLevels: true }));
                for (const id of ids) {
                  const want = expected.get(id) ?? 0n;
                  expect({ id, edge, level: present.get(id) ?? 0n }).toEqual({ id, edge, level: want });
                  expect({ id, edge, level: ledgers.get(id)!.levelAt(edge) }).toEqual({ id, edge, level: want });
                  expect(past.get(id)!.levelAt(edge)).toBe(want);
                }
              }
            },
          ),
          { numRuns: 15 },
        );
      } finally {
        await close();
        await t.close().catch(() => {});
      }
    }, 120_000);
  }
});

describe('ledger-levels', () => {
  it('LEVEL_END is a whole number of UTC days past any Date', async () => {
    const { LEVEL_END } = await import('../src/pricing/usage-ledger.js');
    expect(LEVEL_END % DAY).toBe(0);
    expect(new Date(LEVEL_END + 1).getTime()).toBeNaN();
  });
});
