import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BudgetEvaluator, RETRY_AFTER_FAILURE_MS } from '../src/budgets/budget-evaluator.js';
import type { Runner } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import type { Resolution } from '../src/rollup/grains.js';

// A failed evaluation (a transient store error) is tried again about a second later, not at the minute's
// full pass; a store that keeps failing is not hammered. Only the scheduling is under test here: the runner
// fails its reads as told and answers "no budgets" (null) otherwise, without running the plan.

function evaluatorOver(failures: number) {
  const reads: number[] = [];
  const errors: string[] = [];
  const runner = {
    read: async () => {
      reads.push(Date.now());
      if (reads.length <= failures) throw new Error(`busy ${reads.length}`);
      return null;
    },
    write: async () => {
      throw new Error('no write expected');
    },
  } as unknown as Runner;
  const evaluator = new BudgetEvaluator({
    db: {} as Kysely<Database>,
    runner,
    ready: Promise.resolve(),
    clock: Date.now,
    resolution: () => ({}) as Resolution,
    intervalMs: 10,
    raised: () => {},
    failed: (error) => errors.push(error.message),
  });
  return { evaluator, reads, errors };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('budget evaluation after a failure', () => {
  it('is tried again after RETRY_AFTER_FAILURE_MS, with no other request', async () => {
    const { evaluator, reads, errors } = evaluatorOver(1);
    evaluator.request();
    await sleep(RETRY_AFTER_FAILURE_MS + 500);
    expect(errors).toEqual(['busy 1']);
    expect(reads).toHaveLength(2);
    expect(reads[1]! - reads[0]!).toBeGreaterThanOrEqual(RETRY_AFTER_FAILURE_MS - 5);
    await evaluator.close();
  });

  it('a store that keeps failing is tried about once a second, not in a loop', async () => {
    const { evaluator, reads } = evaluatorOver(Number.POSITIVE_INFINITY);
    evaluator.request();
    await sleep(2.5 * RETRY_AFTER_FAILURE_MS);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(4);
    await evaluator.close();
  });
});
