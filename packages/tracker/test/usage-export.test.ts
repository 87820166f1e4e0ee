import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendType,
  openResourceTracker,
  type ResourceTracker,
  type ResourceType,
  type UsageEvent,
  type UsageQuery,
} from '../src/index.js';
import { parseCsv } from './support/csv.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Drill-down pages are newest first and their cursors visit every event once; exports in every format
// parse back to exactly the stored events.

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
/** A range holding every event of the test, the one stamped exactly now included. */
const ALL = { from: new Date(NOW - 48 * HOUR), to: new Date(NOW + 1) };

interface Recorded {
  id: string;
  ts: number;
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
  operationId: string | null;
  path: string | null;
  success: boolean;
  durationMs: number | null;
  metadata: Record<string, unknown> | null;
  order: number;
}

const BACKENDS: [string, BackendType][] = [
  ['photos', 's3'],
  ['pins', 'ipfs'],
  ['models', 'huggingface'],
  ['archive', 's3'],
];
const RESOURCES: ResourceType[] = [
  'bandwidth_upload',
  'bandwidth_download',
  'storage_used',
  'api_calls',
  'operation_cost',
];
// Paths and metadata that CSV must quote, or defuse as spreadsheet formulas. (A raw newline cannot reach a
// cell any more: core's event rules refuse control characters in paths, and metadata is JSON-escaped.)
const PATHS = [
  null,
  'cats/1.jpg',
  'a,b.txt',
  'say "hi".txt',
  'two lines, "quoted"',
  '=SUM(A1:A9)',
  '+1 555',
  '-rf',
  '@home',
  'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  'ключ/файл ✓',
];

function buildEvents(): Recorded[] {
  const events: Recorded[] = [];
  const level = new Map<string, number>();
  for (let i = 0; i < 260; i++) {
    const [backend, backendType] = BACKENDS[i % BACKENDS.length]!;
    const resourceType = RESOURCES[(i * 7) % RESOURCES.length]!;
    // Many ties on the timestamp, some older than the default 24 h window.
    const ts = i % 13 === 0 ? NOW - 30 * HOUR - i : NOW - Math.floor(i / 4) * 60_000 - (i % 2) * 17;
    let amount = resourceType === 'api_calls' ? 1 : (i * 7919) % 100_000;
    if (resourceType === 'storage_used') {
      const l = level.get(backend) ?? 0;
      if (i % 3 === 0) amount = 0 - Math.min(l, amount); // never -0
      level.set(backend, l + amount);
    }
    events.push({
      id: `ev-${i}`,
      ts,
      backend,
      backendType,
      resourceType,
      amount,
      operationId: i % 5 === 0 ? `op-${Math.floor(i / 5)}` : null,
      path: PATHS[i % PATHS.length]!,
      success: i % 6 !== 0,
      durationMs: i % 4 === 0 ? null : i * 3,
      metadata: i % 3 === 0 ? null : { i, note: i % 2 ? 'x,"y"' : '=1+1', nested: { list: [i, 'a\nb'] } },
      order: i,
    });
  }
  return events;
}

function record(t: ResourceTracker, e: Recorded) {
  const opts = {
    id: e.id,
    timestamp: e.ts,
    success: e.success,
    ...(e.operationId !== null ? { operationId: e.operationId } : {}),
    ...(e.path !== null ? { path: e.path } : {}),
    ...(e.durationMs !== null ? { durationMs: e.durationMs } : {}),
    ...(e.metadata !== null ? { metadata: e.metadata } : {}),
  };
  t.trackResourceUsage({
    backend: e.backend,
    backendType: e.backendType,
    resourceType: e.resourceType,
    amount: e.amount,
    ...opts,
  });
}

/** Newest first; ties in recording order reversed (the order rows were stored). */
const newestFirst = (a: Recorded, b: Recorded) => b.ts - a.ts || b.order - a.order;

async function walk(t: ResourceTracker, q: UsageQuery, limit: number) {
  const seen: UsageEvent[] = [];
  const totals = new Set<number>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await t.getResourceUsage({ ...q, limit, ...(cursor ? { cursor } : {}) });
    expect(page.events.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.events).toHaveLength(limit);
    seen.push(...page.events);
    totals.add(page.totalCount);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { seen, totals: [...totals], pages };
}

function toExported(e: Recorded) {
  return {
    id: e.id,
    timestamp: new Date(e.ts).toISOString(),
    backend: e.backend,
    backendType: e.backendType,
    resourceType: e.resourceType,
    amount: e.amount,
    operationId: e.operationId,
    path: e.path,
    success: e.success,
    durationMs: e.durationMs,
    metadata: e.metadata,
  };
}

async function drain(iterable: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of iterable) out += chunk;
  return out;
}

describeEachDialect('usage-export', () => {
  describe('drill-down pages and export', { timeout: 30_000 }, () => {
    const events = buildEvents();
    let t: ResourceTracker;

    beforeAll(async () => {
      t = openResourceTracker({ ...(await newStore('pages')), clock: () => NOW, flushOnExit: false });
      // In several batches, so row order and batching differ.
      events.forEach((e, i) => {
        record(t, e);
        if (i % 97 === 0) void t.flush();
      });
      await t.flush();
    });
    afterAll(() => t.close());

    const FILTERS: [string, UsageQuery, (e: Recorded) => boolean][] = [
      // Rolling windows end with the current millisecond: (now - 24 h, now], i.e. [now + 1 - 24 h, now + 1).
      ['the default 24 hours', {}, (e) => e.ts > NOW - 24 * HOUR && e.ts <= NOW],
      ['hoursBack 48', { hoursBack: 48 }, (e) => e.ts > NOW - 48 * HOUR && e.ts <= NOW],
      ['everything up to just past now', ALL, () => true],
      ['one backend', { ...ALL, backend: 'pins' }, (e) => e.backend === 'pins'],
      ['one backend type', { ...ALL, backendType: 's3' }, (e) => e.backendType === 's3'],
      ['one resource', { ...ALL, resourceType: 'storage_used' }, (e) => e.resourceType === 'storage_used'],
      [
        'backend type and resource',
        { ...ALL, backendType: 's3', resourceType: 'api_calls' },
        (e) => e.backendType === 's3' && e.resourceType === 'api_calls',
      ],
      [
        'an explicit range',
        { from: new Date(NOW - 40 * 60_000), to: new Date(NOW - 10 * 60_000 - 17) },
        (e) => e.ts >= NOW - 40 * 60_000 && e.ts < NOW - 10 * 60_000 - 17,
      ],
      ['an unknown backend', { ...ALL, backend: 'nope' }, () => false],
      // Minute edges: the count and totals come from the rollups, and must equal the raw events' all the same.
      ['a minute-aligned range', { from: new Date(NOW - 48 * HOUR), to: new Date(NOW + 60_000) }, () => true],
      [
        'a minute-aligned range, one backend type and resource',
        {
          from: new Date(NOW - 48 * HOUR),
          to: new Date(NOW + 60_000),
          backendType: 's3',
          resourceType: 'storage_used',
        },
        (e) => e.backendType === 's3' && e.resourceType === 'storage_used',
      ],
      ['failed operations only', { ...ALL, success: false }, (e) => !e.success],
      ['succeeded operations only', { hoursBack: 48, success: true }, (e) => e.success],
      ['a path prefix', { ...ALL, pathPrefix: 'cats/' }, (e) => e.path?.startsWith('cats/') === true],
      ['a non-ASCII path prefix', { ...ALL, pathPrefix: 'ключ/ф' }, (e) => e.path?.startsWith('ключ/ф') === true],
      ['a quoted path prefix', { ...ALL, pathPrefix: 'say "' }, (e) => e.path?.startsWith('say "') === true],
      // Case-sensitive and without wildcards on every dialect (a LIKE would match these).
      ['a prefix in another case', { ...ALL, pathPrefix: 'CATS/' }, () => false],
      ['a prefix of LIKE wildcards', { ...ALL, pathPrefix: '_' }, () => false],
      ['a prefix of a percent sign', { ...ALL, pathPrefix: '%' }, () => false],
      ['an empty prefix (no filter)', { ...ALL, pathPrefix: '' }, () => true],
      [
        'backend, failed and prefix together',
        { ...ALL, backend: 'photos', success: false, pathPrefix: '=' },
        (e) => e.backend === 'photos' && !e.success && e.path?.startsWith('=') === true,
      ],
    ];

    /** Sum, count, min and max per resource of the expected events, as the page's totals must say. */
    const totalsOf = (list: Recorded[]) =>
      RESOURCES.flatMap((resourceType) => {
        const amounts = list.filter((e) => e.resourceType === resourceType).map((e) => e.amount);
        if (amounts.length === 0) return [];
        const totalAmount = amounts.reduce((a, b) => a + b, 0);
        return [
          {
            resourceType,
            totalAmount,
            operationCount: amounts.length,
            minAmount: Math.min(...amounts),
            maxAmount: Math.max(...amounts),
          },
        ];
      });

    for (const [name, q, keep] of FILTERS) {
      it(`pages through ${name}: newest first, every event once, constant totalCount`, async () => {
        const expected = events.filter(keep).sort(newestFirst);
        for (const limit of [1, 7, 100, 1000]) {
          if (limit === 1 && expected.length > 60) continue; // one-per-page walks only on small sets, for time
          const { seen, totals, pages } = await walk(t, q, limit);
          expect(seen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
          expect(totals).toEqual([expected.length]);
          expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
        }
        const page = await t.getResourceUsage({ ...q, limit: 5 });
        expect(page.totals.map(({ avgAmount, formattedAmount, ...rest }) => rest)).toEqual(totalsOf(expected));
      });

      it(`pages backward through ${name} from the oldest end: the same events, the same pages`, async () => {
        const expected = events.filter(keep).sort(newestFirst);
        for (const limit of [7, 100]) {
          let page = await t.getResourceUsage({ ...q, limit, fromEnd: true });
          expect(page.nextCursor).toBeNull();
          const seen = [...page.events];
          while (page.prevCursor) {
            page = await t.getResourceUsage({ ...q, limit, before: page.prevCursor });
            expect(page.events).toHaveLength(page.prevCursor ? limit : page.events.length);
            expect(page.nextCursor).not.toBeNull();
            seen.unshift(...page.events);
          }
          expect(seen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
          // The oldest page holds the `limit` oldest events, newest first.
          const oldest = await t.getResourceUsage({ ...q, limit, fromEnd: true });
          expect(oldest.events.map((e) => e.id)).toEqual(expected.slice(-limit).map((e) => e.id));
        }
        // Forward then back: the second page's prevCursor leads to exactly the first page.
        const one = await t.getResourceUsage({ ...q, limit: 7 });
        expect(one.prevCursor).toBeNull();
        if (one.nextCursor) {
          const two = await t.getResourceUsage({ ...q, limit: 7, cursor: one.nextCursor });
          expect(two.prevCursor).not.toBeNull();
          const back = await t.getResourceUsage({ ...q, limit: 7, before: two.prevCursor! });
          expect(back.events.map((e) => e.id)).toEqual(one.events.map((e) => e.id));
          expect(back.prevCursor).toBeNull();
          expect(back.nextCursor).toBe(one.nextCursor);
        }
      });
    }

    it('refuses bad filters and paging with a typed error', async () => {
      const bad: [UsageQuery, string][] = [
        [{ success: 'no' as unknown as boolean }, 'INVALID_OPTION'],
        [{ pathPrefix: 5 as unknown as string }, 'INVALID_OPTION'],
        [{ pathPrefix: 'x'.repeat(4097) }, 'INVALID_OPTION'],
        [{ fromEnd: true, before: 'MTox' }, 'INVALID_OPTION'],
        [{ cursor: 'MTox', before: 'MTox' }, 'INVALID_OPTION'],
        [{ before: 'not a cursor' }, 'INVALID_CURSOR'],
      ];
      for (const [q, code] of bad) await expect(t.getResourceUsage(q)).rejects.toMatchObject({ code });
      expect(() => t.exportUsage({ format: 'csv', resourceType: 'nope' as ResourceType })).toThrow(
        expect.objectContaining({ code: 'INVALID_RESOURCE_TYPE' }),
      );
      expect(() => t.exportUsage({ format: 'csv', success: 1 as unknown as boolean })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    });

    it('exports by resource, backend type, result and path prefix', async () => {
      const expected = [...events].sort((a, b) => a.ts - b.ts || a.order - b.order).map(toExported);
      const cases: [Partial<UsageQuery>, (e: ReturnType<typeof toExported>) => boolean][] = [
        [{ resourceType: 'api_calls' }, (e) => e.resourceType === 'api_calls'],
        [
          { backendType: 's3', resourceType: 'storage_used' },
          (e) => e.backendType === 's3' && e.resourceType === 'storage_used',
        ],
        [{ success: false }, (e) => !e.success],
        [{ pathPrefix: 'ключ' }, (e) => e.path?.startsWith('ключ') === true],
        [
          { backend: 'pins', success: true, pathPrefix: 'a,' },
          (e) => e.backend === 'pins' && e.success && e.path?.startsWith('a,') === true,
        ],
      ];
      for (const [filter, keep] of cases) {
        const json = JSON.parse(await drain(t.exportUsage({ format: 'json', ...ALL, ...filter })));
        expect(json).toEqual(expected.filter(keep));
        expect(json.length).toBeGreaterThan(0);
        const csv = parseCsv(await drain(t.exportUsage({ format: 'csv', ...ALL, ...filter })));
        expect(csv).toHaveLength(json.length + 1);
      }
    });

    it('reads back every field as recorded', async () => {
      const { seen } = await walk(t, ALL, 1000);
      const byId = new Map(events.map((e) => [e.id, e]));
      expect(seen).toHaveLength(events.length);
      for (const e of seen) {
        const r = byId.get(e.id)!;
        expect({ ...e, formattedAmount: undefined, reportedLevel: undefined }).toEqual({
          ...toExported(r),
          formattedAmount: undefined,
          reportedLevel: undefined,
        });
      }
    });

    it('json and ndjson exports parse back to exactly the stored events, oldest first', async () => {
      const expected = [...events].sort((a, b) => a.ts - b.ts || a.order - b.order).map(toExported);
      const json = JSON.parse(await drain(t.exportUsage({ format: 'json', ...ALL })));
      expect(json).toEqual(expected);
      const ndjson = await drain(t.exportUsage({ format: 'ndjson', ...ALL }));
      expect(ndjson.endsWith('\n')).toBe(true);
      expect(
        ndjson
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual(expected);
      const onePins = JSON.parse(await drain(t.exportUsage({ format: 'json', ...ALL, backend: 'pins' })));
      // hoursBack ends with the current millisecond too.
      const lastDay = JSON.parse(await drain(t.exportUsage({ format: 'json', hoursBack: 24 })));
      expect(lastDay).toEqual(
        expected.filter((e) => Date.parse(e.timestamp) > NOW - 24 * HOUR && Date.parse(e.timestamp) <= NOW),
      );
      expect(onePins).toEqual(expected.filter((e) => e.backend === 'pins'));
      expect(JSON.parse(await drain(t.exportUsage({ format: 'json', backend: 'nope' })))).toEqual([]);
    });

    it('csv export parses back (RFC 4180 quoting) to the stored events, formulas defused', async () => {
      const rows = parseCsv(await drain(t.exportUsage({ format: 'csv', ...ALL })));
      const header = rows[0]!;
      expect(header).toEqual([
        'id',
        'timestamp',
        'backend',
        'backendType',
        'resourceType',
        'amount',
        'unit',
        'operationId',
        'path',
        'success',
        'durationMs',
        'metadata',
      ]);
      const expected = [...events].sort((a, b) => a.ts - b.ts || a.order - b.order).map(toExported);
      expect(rows).toHaveLength(expected.length + 1);
      // A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers.
      const cell = (v: unknown) => {
        if (v === null) return '';
        const raw = typeof v === 'object' ? JSON.stringify(v) : String(v);
        // Control characters as visible escapes (U+000A is "\x0a"), then formulas defused.
        const text = raw.replace(
          // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
          /[\u0000-\u001f\u007f-\u009f]/g,
          (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
        );
        return /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
      };
      rows.slice(1).forEach((row, i) => {
        const e = expected[i]!;
        const unit = {
          bandwidth_upload: 'bytes',
          bandwidth_download: 'bytes',
          storage_used: 'bytes',
          api_calls: 'calls',
          operation_cost: 'micros',
        }[e.resourceType];
        expect(row).toEqual(header.map((column) => (column === 'unit' ? unit : cell(e[column as keyof typeof e]))));
      });
      // Spot checks that the quoting was exercised.
      expect(rows.some((r) => r[8] === 'two lines, "quoted"')).toBe(true);
      expect(rows.some((r) => r[8] === 'say "hi".txt')).toBe(true);
      expect(rows.some((r) => r[8] === "'=SUM(A1:A9)")).toBe(true);
      expect(rows.some((r) => r[5]!.startsWith('-'))).toBe(true);
    });

    it('exports more than one internal page without losing or repeating a row', async () => {
      const big = openResourceTracker({ ...(await newStore('big-export')), clock: () => NOW, flushOnExit: false });
      try {
        const n = 12_345;
        for (let i = 0; i < n; i++)
          big.trackApiCall('b', 'local', { id: `k${i}`, timestamp: NOW - 1 - (i % 5000) * 1000 });
        const lines = (await drain(big.exportUsage({ format: 'ndjson', hoursBack: 24 }))).trimEnd().split('\n');
        expect(lines).toHaveLength(n);
        expect(new Set(lines.map((l) => (JSON.parse(l) as { id: string }).id)).size).toBe(n);
        const csv = parseCsv(await drain(big.exportUsage({ format: 'csv', hoursBack: 24 })));
        expect(csv).toHaveLength(n + 1);
      } finally {
        await big.close();
      }
    });
  });
});
