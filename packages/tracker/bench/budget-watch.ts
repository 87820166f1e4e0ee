// `pnpm --filter @bytemeter/tracker bench:budget-watch [sqlite|pg] [events]` (issue 12, on time for every
// write path): the recording rate of a writer while another tracker on the same store watches for other
// processes' commits (budgets/foreign-commits.ts), with 100 budgets against none, alternating, in one run.
// Both trackers share this process (its one thread), so the watcher's reads compete with the writer's
// recording: the harsher case. Prints one JSON line; the figures are quoted in README.md ("On time").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type BudgetMetric, openResourceTracker } from '../src/index.js';
import { median } from './stats.js';

const dialect = process.argv[2] === 'pg' ? 'pg' : 'sqlite';
const events = Number(process.argv[3] ?? 100_000);
const PAIRS = 6;
const SERVER = process.env.BYTEMETER_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const dir = mkdtempSync(join(tmpdir(), 'bytemeter-budget-watch-'));
const databases: string[] = [];
const metrics: BudgetMetric[] = ['bandwidth_upload', 'bandwidth_download', 'api_calls', 'storage_level'];

async function admin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

async function newStore(): Promise<{ path?: string; databaseUrl?: string }> {
  const n = databases.length;
  if (dialect === 'sqlite') {
    databases.push('');
    return { path: join(dir, `store-${n}.db`) };
  }
  const name = `bytemeter_budget_watch_${process.pid}_${n}`;
  databases.push(name);
  await admin(`create database ${name}`);
  return { databaseUrl: `${SERVER}/${name}` };
}

/** Events a second recorded and flushed by a writer while a watcher with `budgets` budgets runs. */
async function run(budgets: number): Promise<number> {
  const store = await newStore();
  const watcher = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
  for (let i = 0; i < budgets; i++) {
    await watcher.setBudget({
      name: `b${i}`,
      backend: i % 5 === 0 ? null : `be${i % 10}`,
      metric: metrics[i % metrics.length]!,
      limit: 2 ** 50, // never crossed: every evaluation reads, none raises
    });
  }
  await new Promise((r) => setTimeout(r, 1_200)); // the watcher's first look has run
  const writer = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false, maxBatchSize: 5000 });
  await writer.ready;
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    writer.trackBandwidthUpload(`be${i % 10}`, 's3', 100 + (i % 7));
    if (i % 5000 === 4999) await writer.flush();
  }
  await writer.flush();
  const rate = (events / (performance.now() - started)) * 1000;
  await writer.close();
  await watcher.close();
  return rate;
}

try {
  await run(0);
  await run(100); // warm-up pair
  const none: number[] = [];
  const hundred: number[] = [];
  for (let k = 0; k < PAIRS; k++) {
    // Alternating order, so a slow spell of the shared machine falls on both sides.
    if (k % 2 === 0) {
      none.push(await run(0));
      hundred.push(await run(100));
    } else {
      hundred.push(await run(100));
      none.push(await run(0));
    }
  }
  const round = (a: number[]) => a.map((v) => Math.round(v));
  console.log(
    JSON.stringify({
      dialect,
      events,
      none: round(none),
      hundred: round(hundred),
      ratio: Number((median(hundred) / median(none)).toFixed(3)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  for (const name of databases) if (name) await admin(`drop database if exists ${name}`);
}
