import type { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/db/runner.js';
import { PG_SNAPSHOT_PROBE, ReadMemo } from '../src/tracker/read-memo.js';

// On a hot standby the snapshot text does not move when a transaction of the primary commits (a recovery
// snapshot's in-progress xids are not printed), so the probe answers null there and nothing is memoised.
// A standby cannot run in this suite: the probe's answer is given here, everything else is the real memo.

/** Drives a plan, answering the probe with `v` and counting the read's own queries. */
function runner(v: () => string | null) {
  const counts = { reads: 0 };
  const run = async <T>(plan: () => Plan<T>): Promise<T> => {
    const gen = plan();
    let step = gen.next();
    while (!step.done) {
      const query: CompiledQuery = step.value;
      if (query.sql === PG_SNAPSHOT_PROBE.sql) step = gen.next([{ v: v() }]);
      else {
        counts.reads++;
        step = gen.next([{ n: counts.reads }]);
      }
    }
    return step.value;
  };
  return { run, counts };
}

function* readN(): Plan<number> {
  const rows = (yield { sql: 'select n', parameters: [], query: {} } as unknown as CompiledQuery) as { n: number }[];
  return rows[0]!.n;
}

describe('summary memo on a hot standby', () => {
  it('asks whether the server is in recovery in the same statement as the snapshot', () => {
    expect(PG_SNAPSHOT_PROBE.sql).toMatch(/pg_is_in_recovery\(\).*pg_current_snapshot\(\)/);
  });

  it('reads every time while the probe says the server is in recovery, and memoises again once promoted', async () => {
    let v: string | null = null;
    const { run, counts } = runner(() => v);
    const memo = new ReadMemo(undefined);
    const get = () => memo.getInSnapshot('day', run, readN, (n) => n);
    expect(await get()).toBe(1);
    expect(await get()).toBe(2);
    expect(await get()).toBe(3);
    expect(counts.reads).toBe(3);
    // Promoted: the snapshot is a version again, so an unchanged one is answered from memory.
    v = '729:732:';
    expect(await get()).toBe(4);
    expect(await get()).toBe(4);
    expect(counts.reads).toBe(4);
    // Back to a null (a different server behind the URL): nothing stored under the old version is served.
    v = null;
    expect(await get()).toBe(5);
    expect(counts.reads).toBe(5);
  });
});
