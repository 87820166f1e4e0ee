import { CompiledQuery } from 'kysely';
import type { Plan } from './runner.js';

/**
 * PostgreSQL: several statements sent as one simple-protocol query, so a write transaction spends one
 * client round trip on them instead of one each. A session that waits for its client's next statement
 * holds its row and advisory locks and its server process all along ("idle in transaction"): on a busy
 * machine each round trip costs milliseconds, which is what limited ingest (issue 10).
 *
 * A script takes no parameters (the simple protocol has none): every value is written into the text as a
 * literal (db/sql-literal.ts). Each statement runs with its own snapshot in READ COMMITTED, as it would if
 * sent alone; an error skips the rest and aborts the transaction, which the runner rolls back.
 */
export interface Script {
  statements: readonly string[];
  /** The last script of the plan: the runner commits in the same round trip, and nothing may follow it. */
  final: boolean;
}

const scripts = new WeakMap<CompiledQuery, Script>();

/** The script a yielded query stands for, if it is one. */
export function scriptOf(query: CompiledQuery): Script | undefined {
  return scripts.get(query);
}

/**
 * Runs statements in one round trip inside a plan; returns each statement's rows, in order. `final`: the
 * plan yields nothing after it, and the runner commits with it (once it returns, the transaction is committed).
 * @example const [locked, totals] = yield* execScript(['select pg_advisory_xact_lock(1)', 'select 2 as n']);
 */
export function* execScript(statements: readonly string[], final = false): Plan<unknown[][]> {
  const query = CompiledQuery.raw(statements.join(';\n'), []);
  scripts.set(query, { statements, final });
  return (yield query) as unknown[][];
}
