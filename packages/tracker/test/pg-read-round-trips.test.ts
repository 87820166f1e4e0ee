import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { queriesOf, sentDuring } from './support/pg-queries.js';
import { createTestDatabase } from './support/postgres.js';

// Issue 10: on a server each statement of a read costs a round trip. A status of every backend, or of one
// named, goes out as one script (BEGIN, the backends, both windows' sums, COMMIT); a budget list as the
// budgets and pricing inputs with BEGIN, then its ledger, its COMMIT not waited for.

const NOW = Date.UTC(2026, 11, 3, 12, 0, 10);
const STATUS = /from backends[\s\S]*from rollups/;
const BUDGET_LIST = /^begin isolation level repeatable read read only;\nselect \* from "budgets"/;

/** One client's texts from the first matching `pattern` on (what it sent for an earlier checkout left out). */
const fromFirst = (texts: string[], pattern: RegExp) =>
  texts.slice(
    Math.max(
      0,
      texts.findIndex((t) => pattern.test(t)),
    ),
  );

describe('PostgreSQL read round trips', () => {
  it('a status is one round trip, a budget list two', async () => {
    const url = await createTestDatabase('read round trips');
    const tracker = openResourceTracker({
      databaseUrl: url,
      clock: () => NOW,
      flushOnExit: false,
      deliverWebhooks: false,
    });
    try {
      tracker.trackBandwidthUpload('photos', 's3', 1000, { timestamp: NOW - 1000 });
      tracker.trackApiCall('photos', 's3', { timestamp: NOW - 20 * 60_000 });
      await tracker.flush();
      await tracker.setPricePlan({ backend: 'photos', template: 'aws-s3-standard-us-east-1' });
      await tracker.setBudget({ name: 'cost', backend: 'photos', metric: 'cost', limit: 1_000_000 });
      await tracker.setBudget({ name: 'up', backend: null, metric: 'bandwidth_upload', limit: 10_000 });

      // Every backend, and one named: the name picks from every backend's sums, not by a parameter.
      for (const name of [undefined, 'photos']) {
        const sent = await sentDuring(async () => {
          expect(Object.keys(await tracker.getBackendStatus(name))).toEqual(['photos']);
        });
        // The read's own client: a budget evaluation the budgets set above scheduled (throttled, in the
        // background) may send its reads on other clients meanwhile, as the full suite once saw under load.
        const status = fromFirst(queriesOf(sent, STATUS), STATUS);
        expect(status).toHaveLength(1);
        expect(status[0]).toMatch(
          /^begin isolation level repeatable read read only;[\s\S]*from backends[\s\S]*from rollups[\s\S]*;\s*commit$/,
        );
      }

      const listSent = await sentDuring(async () => {
        const budgets = await tracker.getBudgets();
        // Both were set at the same clock instant: listed in id order, so found by name.
        expect(budgets.find((b) => b.name === 'up')?.current).toBe(1000);
      });
      const list = fromFirst(queriesOf(listSent, BUDGET_LIST), BUDGET_LIST);
      expect(list[0]).toMatch(
        /^begin isolation level repeatable read read only;\nselect \* from "budgets"[\s\S]*price_plans/,
      );
      expect(list.slice(1)).toEqual([expect.stringMatching(/from rollups/), 'commit']);
    } finally {
      await tracker.close();
    }
  });
});
