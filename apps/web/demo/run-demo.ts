// `pnpm demo`: a separate database (BYTEMETER_DEMO_DB, default ~/.bytemeter/demo.db) filled with three
// weeks of history, the API and dashboard on it, and live traffic through the real instrumentation until Ctrl-C.
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { startStack } from '../scripts/stack.mjs';
import { recordHistory } from './history';
import { startLiveTraffic } from './live-traffic';

const dbPath = process.env.BYTEMETER_DEMO_DB || join(homedir(), '.bytemeter', 'demo.db');
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);

// Never the PostgreSQL database of a scale-out setup: its URL would take precedence over the demo file, in
// this process and in the API it starts, and the demo's made-up history would land among real usage.
delete process.env.BYTEMETER_DATABASE_URL;

mkdirSync(dirname(dbPath), { recursive: true });
// The demo database is the demo's own: start it over so every run tells the same story.
for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });

const tracker = openResourceTracker({ path: dbPath, flushIntervalMs: 250 });
await tracker.ready;
const started = Date.now();
const events = await recordHistory(tracker, 21, Date.now() - 5 * 60_000);
console.log(
  `demo: ${events.toLocaleString('en-US')} events of history in ${((Date.now() - started) / 1000).toFixed(1)} s → ${dbPath}`,
);

const stack = await startStack({
  dbPath,
  apiPort: port('BYTEMETER_API_PORT', 4000),
  webPort: port('BYTEMETER_WEB_PORT', 3000),
  stdio: 'ignore',
}).catch(async (error: Error) => {
  console.error(`✖ ${error.message}`);
  await tracker.close();
  process.exit(1);
});
const live = await startLiveTraffic(tracker);
console.log(`\n  bytemeter demo dashboard  ${stack.webUrl}\n  GraphQL API               ${stack.apiUrl}/graphql\n`);
console.log(
  '  Live traffic: media-s3 (s3rver through the AWS SDK middleware) and scratch-disk (fs wrapper). Ctrl-C stops.\n',
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await live.stop();
  await tracker.close();
  await stack.stop();
  process.exit(0);
};
stack.exited.then(async (reason) => {
  console.error(`✖ Stopping: ${reason}.`);
  await shutdown();
});
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
