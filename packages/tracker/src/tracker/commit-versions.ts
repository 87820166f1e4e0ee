import type { Plan } from '../db/runner.js';
import type { DataVersion } from './read-memo.js';

/** The data versions right before and right after one write transaction of this connection. */
export interface CommitVersions {
  before: string;
  after: string;
}

/** The versions a `versioned` plan saw, by the answer it returned. */
export const commitVersions = new WeakMap<object, CommitVersions>();

/**
 * Runs a write plan between two readings of the data version (SQLite: `data_version:total_changes()`),
 * both inside its transaction: it holds the write lock, so no other connection commits in between, and the
 * plan runs on the caller's stack, so no other write of this connection does either. The version after it
 * committed is the second reading (its own commit moves neither number). The readings are kept by answer
 * (commitVersions), for keeping answers of reads up to date past the commit (ReadMemo.advance).
 */
export function* versioned<T extends object>(plan: Plan<T>, version: DataVersion): Plan<T> {
  const before = version();
  const answer = yield* plan;
  const after = version();
  if (before !== null && after !== null) commitVersions.set(answer, { before, after });
  return answer;
}
