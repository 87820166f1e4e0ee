// `tsx bench/backend-totals-scrape.ts [days] [backends]` (issue 13, /metrics): what a scrape's counters cost
// with long history. A store with `days` of day rollups for `backends` backends (rollups-only mode, written
// through the tracker), then getBackendTotals as it was (a grouped sum of every day rollup) and as it is
// (backend_totals, migration 0013), alternating A/B in one run on one file, same answers checked first.
// Hand-run; prints medians and their ratio. SQLite, and PostgreSQL when BYTEMETER_BENCH_PG_ADMIN_URL is set
// (a server URL: the database bytemeter_bench_scrape is dropped and created on it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { exec, KyselyRunner, type Plan, type Runner, SqliteRunner } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import { openResourceTracker, type TrackEvent } from '../src/index.js';
import { loadBackends } from '../src/query/backends.js';
import { type BackendTotals, getBackendTotalsPlan } from '../src/query/get-backend-totals.js';
import { RESOURCE_CODE } from '../src/types.js';
import { nowMs } from './stats.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 9, 25, 12, 0, 0);
const days = Number(process.argv[2] ?? 1500);
const backends = Number(process.argv[3] ?? 20);

/** getBackendTotals before migration 0013: every day rollup of the counted resources, summed per scrape. */
function* dayRollupTotalsPlan(db: Kysely<Database>): Plan<BackendTotals[]> {
  const all = yield* loadBackends(db);
  const rows = yield* exec(
    db
      .selectFrom('rollups')
      .where('level', '=', 4)
      .groupBy(['backend_id', 'resource'])
      .select((eb) => [
        'backend_id',
        'resource',
        eb.fn.sum<number>('total').as('total'),
        eb.fn.sum<number>('failures').as('failures'),
      ]),
  );
  const byId = new Map<number, BackendTotals>(
    all.map((b) => [
      b.id,
      {
        backend: b.name,
        backendType: b.type,
        uploadBytes: 0,
        downloadBytes: 0,
        apiCalls: 0,
        failedApiCalls: 0,
        operationCostMicros: 0,
      },
    ]),
  );
  for (const row of rows) {
    const t = byId.get(Number(row.backend_id));
    if (!t) continue;
    const total = Number(row.total);
    const r = Number(row.resource);
    if (r === RESOURCE_CODE.bandwidth_upload) t.uploadBytes += total;
    else if (r === RESOURCE_CODE.bandwidth_download) t.downloadBytes += total;
    else if (r === RESOURCE_CODE.api_calls) {
      t.apiCalls += total;
      t.failedApiCalls += Number(row.failures);
    } else if (r === RESOURCE_CODE.operation_cost) t.operationCostMicros += total;
  }
  return [...byId.values()];
}

async function fill(store: { path?: string; databaseUrl?: string }): Promise<void> {
  const t = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
  let batch: TrackEvent[] = [];
  const send = async () => {
    const r = await t.ingestBatch(batch);
    if (r.rejected.length > 0) throw new Error(JSON.stringify(r.rejected[0]));
    batch = [];
  };
  for (let d = 0; d < days; d++) {
    for (let b = 0; b < backends; b++) {
      const base = { backend: `backend-${b}`, backendType: 's3' as const, timestamp: NOW - d * DAY - 3_600_000 };
      batch.push(
        { ...base, resourceType: 'bandwidth_upload', amount: 1000 + d },
        { ...base, resourceType: 'bandwidth_download', amount: 500 + b },
        { ...base, resourceType: 'api_calls', amount: 1, success: (d + b) % 7 !== 0, apiClass: 'a' },
        { ...base, resourceType: 'operation_cost', amount: 10 },
      );
      if (batch.length >= 996) await send();
    }
  }
  if (batch.length > 0) await send();
  await t.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(
  label: string,
  db: Kysely<Database>,
  runner: Runner,
  store: { path?: string; databaseUrl?: string },
): Promise<void> {
  const before = await runner.read(() => dayRollupTotalsPlan(db));
  const after = await runner.read(() => getBackendTotalsPlan(db));
  if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`${label}: the two reads differ`);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 40; round++) {
    // Alternating which goes first, so neither always runs on a warmer cache.
    const order = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const which of order) {
      const started = nowMs();
      await runner.read(() => (which === 'a' ? dayRollupTotalsPlan(db) : getBackendTotalsPlan(db)));
      (which === 'a' ? a : b).push(nowMs() - started);
    }
  }
  const ma = median(a);
  const mb = median(b);
  console.log(
    `${label}: ${backends} backends × ${days} days; day-rollup sums ${ma.toFixed(3)} ms, backend_totals ${mb.toFixed(3)} ms (median of 40 each, alternating); ${(ma / mb).toFixed(1)}× faster`,
  );
  // The scrape's two other reads (apps/api/src/metrics/backend-metrics.ts), on the same store.
  const t = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
  const status: number[] = [];
  const costs: number[] = [];
  for (let round = 0; round < 20; round++) {
    let started = nowMs();
    await t.getBackendStatus();
    status.push(nowMs() - started);
    started = nowMs();
    await t.getCosts({ period: 'month', timezone: 'UTC' });
    costs.push(nowMs() - started);
  }
  await t.close();
  console.log(
    `${label}: the scrape's other reads: getBackendStatus ${median(status).toFixed(3)} ms, getCosts (UTC month) ${median(costs).toFixed(3)} ms (median of 20)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bytemeter-scrape-'));
try {
  const path = join(dir, 'history.db');
  await fill({ path });
  const { sqlite, db } = openSqlite(path, 5000);
  await measure('SQLite', db as Kysely<Database>, new SqliteRunner(sqlite), { path });
  sqlite.close();
  const admin = process.env.BYTEMETER_BENCH_PG_ADMIN_URL;
  if (admin) {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query('drop database if exists bytemeter_bench_scrape with (force)');
    await client.query('create database bytemeter_bench_scrape');
    await client.end();
    const target = new URL(admin);
    target.pathname = '/bytemeter_bench_scrape';
    const url = target.toString();
    await fill({ databaseUrl: url });
    const opened = openPostgres(url);
    await measure('PostgreSQL', opened.db as Kysely<Database>, new KyselyRunner(opened.db, opened.pool), {
      databaseUrl: url,
    });
    await opened.db.destroy();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
