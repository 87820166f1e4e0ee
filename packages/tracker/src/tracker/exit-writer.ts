// The child process that writes a tracker's last events when its process exits and cannot write them
// itself (a new SQLite file not migrated yet, or PostgreSQL; see exit-write.ts). Reads one ExitWrite as JSON on stdin, migrates, writes the
// events in one transaction, and exits 0 once they are committed (1 with the reason on stderr otherwise).
import { readFileSync } from 'node:fs';
import { ingestPlan } from '../record/ingest-plan.js';
import type { ExitWrite } from './exit-write.js';
import { TrackerFile } from './lifecycle.js';
import { PostgresStore } from './postgres-store.js';
import { Retention } from './retention.js';

const job = JSON.parse(readFileSync(0, 'utf8')) as ExitWrite;
const file = job.databaseUrl ? new PostgresStore(job.databaseUrl) : new TrackerFile(job.path, job.busyTimeoutMs);
try {
  await file.ready;
  const retention = new Retention(file.db, file.runner, job.rawRetentionMs, job.minuteRetentionMs, job.dedupeWindowMs);
  const outcome = await file.runner.write(() =>
    ingestPlan(file.db, job.events, retention.ingestContext(job.now, new Map())),
  );
  for (const error of outcome.errors) process.stderr.write(`bytemeter: refused at exit: ${error.message}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await file.close();
}
