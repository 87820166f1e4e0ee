// `tsx bench/ledger-levels.ts [days] [backends]` (issue 13, /metrics and budgets): what the usage ledger's
// level at a period's start costs with long history. A store with `days` of history for `backends` backends
// (rollups-only mode, written through the tracker; each day transfer, a call and a storage change), then the
// ledger read getCosts makes for the UTC month (month start to now) with the level summed from every earlier
// change (pastLevels: the former read) and read from the present (stored level less the month's changes),
// alternating A/B in one run on one store, same levels checked first; then getCosts (UTC month) and
// getBudgets for 100 cost budgets as they are now. Hand-run; prints medians and their ratio.
// SQLite, and PostgreSQL when BYTEMETER_BENCH_PG_ADMIN_URL is set (the database bytemeter_bench_levels is
// dropped and created on it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { KyselyRunner, type Plan, type Runner, SqliteRunner } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import { openResourceTracker, type TrackEvent } from '../src/index.js';
import { loadPricingInputs } from '../src/pricing/pricing-inputs.js';
import { readUsageLedgers } from '../src/pricing/usage-ledger.js';
import { type CostReport, pendingCostReport, resolveCostRange } from '../src/query/get-costs.js';
import type { Resolution } from '../src/rollup/grains.js';
import { nowMs } from './stats.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 9, 25, 12, 0, 0);
const MONTH_START = Date.UTC(2026, 9, 1);
const days = Number(process.argv[2] ?? 1500);
const backends = Number(process.argv[3] ?? 20);
/** rollups-only: raw rows one hour, minute rollups 30 days (the defaults). */
const RES: Resolution = { rawFrom: NOW - HOUR, minuteFrom: NOW - 30 * DAY };

async function fill(store: { path?: string; databaseUrl?: string }): Promise<void> {
  const t = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
  let batch: TrackEvent[] = [];
  const send = async () => {
    const r = await t.ingestBatch(batch);
    if (r.rejected.length > 0) throw new Error(JSON.stringify(r.rejected[0]));
    batch = [];
  };
  for (let d = days - 1; d >= 0; d--) {
    for (let b = 0; b < backends; b++) {
      const base = { backend: `backend-${b}`, backendType: 's3' as const, timestamp: NOW - d * DAY - HOUR };
      batch.push(
        { ...base, resourceType: 'bandwidth_upload', amount: 1e9 + d },
        { ...base, resourceType: 'api_calls', amount: 1, success: true, apiClass: 'a' },
        // The level grows most days and falls on some: never below zero.
        { ...base, resourceType: 'storage_used', amount: d % 5 === 0 && d < days - 1 ? -1e8 : 1e9 + b },
      );
      if (batch.length >= 999) await send();
    }
  }
  if (batch.length > 0) await send();
  // Storage and transfer priced on every backend, so the month's cost reads the levels; 100 cost budgets.
  for (let b = 0; b < backends; b++) {
    await t.setPricePlan({
      backend: `backend-${b}`,
      prices: [
        { resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] },
        { resource: 'upload', tiers: [{ pricePerUnit: '0.01' }] },
      ],
    });
  }
  for (let b = 0; b < 100; b++)
    await t.setBudget({ name: `budget-${b}`, backend: `backend-${b % backends}`, metric: 'cost', limit: 1e12 });
  await t.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** getCosts for the UTC month (costReportPlan), with the ledger's level from the past or the present. */
function* monthCosts(db: Kysely<Database>, pastLevels: boolean): Plan<CostReport> {
  const inputs = yield* loadPricingInputs();
  const range = resolveCostRange({ period: 'month', timezone: 'UTC' }, NOW);
  const pending = pendingCostReport(inputs.backends, inputs.plans, range, NOW, RES);
  const ids = inputs.backends.map((b) => b.id);
  const ledgers = yield* readUsageLedgers(db, ids, pending.instants, RES, { everyBackend: true, pastLevels });
  return pending.finish(ledgers).report;
}

/** Medians of `a` and `b`, alternating which runs first, 40 rounds. */
async function alternate(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let round = 0; round < 40; round++) {
    const order = round % 2 === 0 ? [true, false] : [false, true];
    for (const first of order) {
      const started = nowMs();
      await (first ? a() : b());
      (first ? ta : tb).push(nowMs() - started);
    }
  }
  return [median(ta), median(tb)];
}

async function measure(
  label: string,
  db: Kysely<Database>,
  runner: Runner,
  store: { path?: string; databaseUrl?: string },
): Promise<void> {
  const ids = (await db.selectFrom('backends').select('id').execute()).map((r) => Number(r.id));
  const read = (pastLevels: boolean) =>
    runner.read(() => readUsageLedgers(db, ids, [MONTH_START, NOW], RES, { everyBackend: true, pastLevels }));
  const [past, present] = [await read(true), await read(false)];
  for (const id of ids) {
    if (past.get(id)!.levelAt(MONTH_START) !== present.get(id)!.levelAt(MONTH_START))
      throw new Error(`${label}: the two levels differ for backend ${id}`);
  }
  const costs = (pastLevels: boolean) => runner.read(() => monthCosts(db, pastLevels));
  const [pastReport, presentReport] = [await costs(true), await costs(false)];
  if (JSON.stringify(pastReport) !== JSON.stringify(presentReport)) throw new Error(`${label}: the reports differ`);
  if (pastReport.computedTotalMicros <= 0) throw new Error(`${label}: nothing priced`);

  const [la, lb] = await alternate(
    () => read(true),
    () => read(false),
  );
  console.log(
    `${label}: ${backends} backends × ${days} days; the month's ledger read (month start, now): level from the past ${la.toFixed(3)} ms, from the present ${lb.toFixed(3)} ms; ${(la / lb).toFixed(1)}×`,
  );
  const [ca, cb] = await alternate(
    () => costs(true),
    () => costs(false),
  );
  console.log(
    `${label}: getCosts (UTC month, its plan): level from the past ${ca.toFixed(3)} ms, from the present ${cb.toFixed(3)} ms; ${(ca / cb).toFixed(1)}× (medians of 40 each, alternating)`,
  );
  const t = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
  const budgets: number[] = [];
  const viaTracker: number[] = [];
  for (let round = 0; round < 20; round++) {
    let started = nowMs();
    await t.getCosts({ period: 'month', timezone: 'UTC' });
    viaTracker.push(nowMs() - started);
    started = nowMs();
    await t.getBudgets();
    budgets.push(nowMs() - started);
  }
  await t.close();
  console.log(
    `${label}: now, through the tracker: getCosts (UTC month) ${median(viaTracker).toFixed(3)} ms, getBudgets (100 cost budgets) ${median(budgets).toFixed(3)} ms (median of 20)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bytemeter-levels-'));
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
    await client.query('drop database if exists bytemeter_bench_levels with (force)');
    await client.query('create database bytemeter_bench_levels');
    await client.end();
    const target = new URL(admin);
    target.pathname = '/bytemeter_bench_levels';
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
