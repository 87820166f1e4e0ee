import { expect, it } from 'vitest';
import { unnestInsertSql } from '../src/db/insert-rows.js';
import { openResourceTracker, type TrackEvent } from '../src/index.js';
import { describeEachDialect, newStore, queryStore } from './support/stores.js';

// Raw rows, keys and rollups go in as multi-row statements (SQLite) or one array per column (PostgreSQL,
// db/insert-rows.ts): text that array syntax gives a meaning to, nulls beside values, the largest exact
// amounts and more rows than one statement takes must all come back exactly as recorded.

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
/** Text with array-literal syntax in it: braces, quotes, backslashes, commas, the word NULL, blanks. */
const AWKWARD = ['{a,b}', '"quoted"', 'back\\slash', 'NULL', ' padded ', 'comma, here', 'ключ ✓ 😀', '{"x":"}"}'];

describeEachDialect('raw rows written in bulk', () => {
  it('stores awkward text, nulls, keys and 2^53 - 1 exactly, across statement boundaries', async () => {
    const tracker = openResourceTracker({
      ...(await newStore()),
      clock: () => NOW,
      flushOnExit: false,
    });
    try {
      const events: TrackEvent[] = [];
      // 5,003 events: past one PostgreSQL statement (5,000 rows) and not a multiple of SQLite's row chunks.
      for (let i = 0; i < 5003; i++) {
        const text = AWKWARD[i % AWKWARD.length]!;
        events.push({
          backend: i % 2 === 0 ? 'photos' : 'videos',
          backendType: 's3',
          resourceType: 'bandwidth_download',
          amount: i === 0 ? Number.MAX_SAFE_INTEGER - 5002 * 7 : 7,
          timestamp: NOW - 10_000 + i,
          success: i % 3 !== 0,
          ...(i % 4 === 0 ? { id: `key-${text}-${i}` } : {}),
          ...(i % 5 === 0 ? {} : { path: `${text}/${i}`, operationId: text }),
          ...(i % 7 === 0 ? { metadata: { note: text, n: i } } : {}),
          ...(i % 11 === 0 ? { durationMs: i } : {}),
        });
      }
      for (const e of events) tracker.trackResourceUsage(e);
      expect(await tracker.flush()).toEqual({ written: 5003, duplicates: 0 });

      const stored = [];
      let cursor: string | undefined;
      do {
        const page = await tracker.getResourceUsage({ hoursBack: 1, limit: 1000, ...(cursor ? { cursor } : {}) });
        stored.push(...page.events);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(stored).toHaveLength(5003);
      stored.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      stored.forEach((s, i) => {
        const e = events[i]!;
        expect(s.amount).toBe(e.amount);
        expect(s.path).toBe(e.path ?? null);
        expect(s.operationId).toBe(e.operationId ?? null);
        expect(s.metadata).toEqual(e.metadata ?? null);
        expect(s.durationMs).toBe(e.durationMs ?? null);
        expect(s.success).toBe(e.success);
        if (e.id !== undefined) expect(s.id).toBe(e.id);
      });
      const summary = await tracker.getResourceSummary({ period: 'day' });
      expect(summary.totals.bandwidthDownload).toBe(Number.MAX_SAFE_INTEGER);
      expect(summary.backends.photos!.resources.bandwidth_download!.operationCount).toBe(2502);
      expect(summary.backends.videos!.resources.bandwidth_download!.operationCount).toBe(2501);
      // The same keys again are all told apart as duplicates, from the stored keys.
      for (const e of events) if (e.id !== undefined) tracker.trackResourceUsage(e);
      expect(await tracker.flush()).toEqual({ written: 0, duplicates: 1251 });
      // A batch without ids has other columns than one with ids: each shape gets its own statement.
      for (let i = 0; i < 3; i++) tracker.trackApiCall('photos', 's3', { path: AWKWARD[i]!, timestamp: NOW - 1 });
      expect(await tracker.flush()).toEqual({ written: 3, duplicates: 0 });
      tracker.trackApiCall('photos', 's3', { id: 'after-plain', timestamp: NOW - 1 });
      expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
    } finally {
      await tracker.close();
    }
  });

  it('writes every optional column whether a batch leaves it empty in all rows, some rows or none', async () => {
    // A column null in every row of a batch is left out of the statement (it stores the same NULL);
    // batches that fill it in some rows bind it. Each batch must read back exactly, with stats and classes.
    const store = await newStore('classes');
    const tracker = openResourceTracker({
      ...store,
      clock: () => NOW,
      flushOnExit: false,
    });
    try {
      const batches: TrackEvent[][] = [
        // No optional field anywhere.
        Array.from({ length: 300 }, (_, i) => ({
          backend: 'bare',
          backendType: 's3',
          resourceType: 'api_calls',
          amount: 1,
          timestamp: NOW - 50_000 + i,
        })),
        // Each optional field in one row only, the rest empty.
        Array.from({ length: 300 }, (_, i) => ({
          backend: 'sparse',
          backendType: 's3',
          resourceType: 'api_calls',
          amount: 1,
          timestamp: NOW - 40_000 + i,
          success: i !== 7,
          ...(i === 11 ? { durationMs: 13 } : {}),
          ...(i === 299 ? { operationId: 'only-op' } : {}),
          ...(i === 0 ? { path: 'only/path' } : {}),
          ...(i === 150 ? { metadata: { only: true } } : {}),
          ...(i === 42 ? { apiClass: 'b' as const } : {}),
          ...(i === 43 ? { id: 'only-key' } : {}),
        })),
      ];
      for (const batch of batches) {
        for (const e of batch) tracker.trackResourceUsage(e);
        expect(await tracker.flush()).toEqual({ written: batch.length, duplicates: 0 });
      }
      // A level report carries reported_level; the deltas around it do not.
      tracker.setStorageLevel('levels', 's3', 500, { timestamp: NOW - 30_000 });
      tracker.trackStorageUsage('levels', 's3', 20, { timestamp: NOW - 29_000 });
      expect(await tracker.flush()).toEqual({ written: 2, duplicates: 0 });

      const page = await tracker.getResourceUsage({ hoursBack: 1, limit: 1000 });
      expect(page.events).toHaveLength(602);
      const byTime = new Map(page.events.map((e) => [Date.parse(e.timestamp), e]));
      for (const e of batches.flat()) {
        const s = byTime.get(e.timestamp as number)!;
        expect(s.backend).toBe(e.backend);
        expect(s.success).toBe(e.success ?? true);
        expect(s.durationMs).toBe(e.durationMs ?? null);
        expect(s.operationId).toBe(e.operationId ?? null);
        expect(s.path).toBe(e.path ?? null);
        expect(s.metadata).toEqual(e.metadata ?? null);
        expect(s.reportedLevel).toBeNull();
        if (e.id !== undefined) expect(s.id).toBe(e.id);
      }
      expect(byTime.get(NOW - 30_000)).toMatchObject({ amount: 500, reportedLevel: 500 });
      expect(byTime.get(NOW - 29_000)).toMatchObject({ amount: 20, reportedLevel: null });
      const summary = await tracker.getResourceSummary({ period: 'day' });
      expect(summary.backends.sparse!.resources.api_calls!.operationCount).toBe(300);
      expect(summary.backends.bare!.resources.api_calls!.operationCount).toBe(300);
      // The raw class is not in the event page: read from the table, class B (stored as 2) in row 42 only.
      const classes = await queryStore<{ ts: number | string; api_class: number }>(
        store,
        'select ts, api_class from events where api_class is not null order by ts',
      );
      expect(classes.map((r) => [Number(r.ts), r.api_class])).toEqual([[NOW - 40_000 + 42, 2]]);
      // The key stored in the sparse batch is a duplicate now; the same event without it is not.
      tracker.trackResourceUsage({ ...batches[1]![43]! });
      tracker.trackResourceUsage({ ...batches[1]![43]!, id: undefined });
      expect(await tracker.flush()).toEqual({ written: 1, duplicates: 1 });
    } finally {
      await tracker.close();
    }
  });
});

it('quotes the table and column names of an unnest insert, doubling a quote inside one', () => {
  expect(unnestInsertSql('odd"table', ['a"b', 'c'], ['bigint', 'text'], ' on conflict do nothing')).toBe(
    'insert into "odd""table" ("a""b", "c") select * from unnest($1::bigint[], $2::text[]) on conflict do nothing',
  );
});
