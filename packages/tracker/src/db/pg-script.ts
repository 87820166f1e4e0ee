import { CompiledQuery } from 'kysely';
import type { Plan } from './runner.js';

/**
 * PostgreSQL: several statements sent as one simple-protocol query, so a write transaction spends one
 * client round trip on them instead of one each. A session that waits for its client's next statement
 * holds its row and advisory locks and its server process all along ("idle in transaction"): on a busy
 * machine each round trip costs milliseconds, which is what limited ingest (issue 10).
 *
 * The simple protocol takes no parameters: a text-only statement's values are written in as literals
 * (db/sql-literal.ts), and only values we generate may be; user text goes as a parameterised statement. Each statement runs with its own snapshot in READ COMMITTED, as it would if
 * sent alone; an error skips the rest and aborts the transaction, which the runner rolls back.
 */
/**
 * A statement of a script: text alone (every value in it a literal we generate: numbers, ids, codes), or a
 * statement with bind parameters, for anything a user supplied (keys, metadata, paths, operation ids). A
 * statement's text is what the server logs when it fails (and shows in pg_stat_activity); parameters it
 * does not log (log_parameter_max_length_on_error is 0 by default). A parameterised statement costs a round
 * trip of its own; the runner sends the text-only statements around it as one simple query each.
 */
export type ScriptStatement = string | { sql: string; parameters: readonly unknown[] };

export interface Script {
  statements: readonly ScriptStatement[];
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
export function* execScript(statements: readonly ScriptStatement[], final = false): Plan<unknown[][]> {
  const query = CompiledQuery.raw(statements.map(sqlOf).join(';\n'), []);
  scripts.set(query, { statements, final });
  return (yield query) as unknown[][];
}

/** A script statement's text. */
export function sqlOf(statement: ScriptStatement): string {
  return typeof statement === 'string' ? statement : statement.sql;
}
