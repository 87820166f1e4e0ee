import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PendingEvent } from '../record/pending-event.js';

/** What the exit writer needs: the file, the tracker's retention, the time of exit and the events. */
export interface ExitWrite {
  path: string;
  /** A PostgreSQL database to write instead of the file at `path`. */
  databaseUrl: string | null;
  busyTimeoutMs: number;
  rawRetentionMs: number | null;
  dedupeWindowMs: number;
  minuteRetentionMs: number;
  now: number;
  events: PendingEvent[];
}

/**
 * Writes events at process exit when this process cannot write them synchronously: a SQLite file whose
 * schema it has not migrated yet, or any PostgreSQL database (a network answer cannot be awaited on the
 * 'exit' hook's stack). The migration and the write run in a child process the hook waits for: slow (a
 * Node start), but only for a process that calls process.exit() with events still pending (a natural end
 * flushes asynchronously in 'beforeExit' first). Throws if the child fails.
 */
export function writeInChildAtExit(job: ExitWrite): void {
  const built = fileURLToPath(new URL('./exit-writer.js', import.meta.url));
  // Run from the sources (tests through tsx), the writer is the .ts beside this file, loaded the same way.
  const script = existsSync(built) ? built : fileURLToPath(new URL('./exit-writer.ts', import.meta.url));
  const args = script.endsWith('.ts') ? [...process.execArgv, script] : [script];
  execFileSync(process.execPath, args, { input: JSON.stringify(job), stdio: ['pipe', 'inherit', 'inherit'] });
}
