// SQLite's commit signal for other processes' budget watchers (budgets/foreign-commits.ts): every write
// transaction that stores events appends one row to event_commits, in the same transaction, saying from
// when and for which backends. PostgreSQL does not need it: its write transactions NOTIFY (feed/event-notify.ts).

import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { shapedQuery } from '../query/query-shapes.js';

/**
 * Rows kept: every PRUNE_EVERY-th append deletes the rows this many seqs (or more) behind it. A watcher looks
 * once a second; one that finds it fell further behind (a stalled process) knows it may have missed rows
 * (commitsPruned). The newest row is never deleted, so SQLite's rowid (max + 1) never hands a seq out twice.
 */
export const COMMIT_LOG_KEEP = 10_000;
const PRUNE_EVERY = 64;

/** Inside a SQLite write transaction: records that events of these backends dated from `minTs` on were stored. */
export function* logCommit(db: Kysely<Database>, minTs: number, backendIds: Iterable<number>): Plan<void> {
  const ids = [...new Set(backendIds)].sort((a, b) => a - b).join(',');
  const [row] = yield* exec(
    shapedQuery(db, 'commit-log:append', [minTs, ids], (v) =>
      db
        .insertInto('event_commits')
        .values({ min_ts: v(0), backend_ids: v(1) })
        .returning('seq'),
    ),
  );
  const seq = Number(row!.seq);
  // Pruned in slices (a rowid range from the start of the b-tree): the usual commit pays one insert.
  if (seq % PRUNE_EVERY !== 0) return;
  yield* exec(
    shapedQuery(db, 'commit-log:prune', [seq - COMMIT_LOG_KEEP], (v) =>
      db.deleteFrom('event_commits').where('seq', '<=', v(0)),
    ),
  );
}

/** Whether rows after `seq` may have been pruned before a watcher read them, given the newest seq now. */
export const commitsPruned = (seq: number, newest: number): boolean => newest - COMMIT_LOG_KEEP > seq;

/** The backend ids of a row's `backend_ids` (malformed parts are skipped). */
export function parseBackendIds(text: string): number[] {
  if (text === '') return [];
  return text
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}
