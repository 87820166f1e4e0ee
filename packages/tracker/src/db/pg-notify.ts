import { CompiledQuery } from 'kysely';
import { exec, type Plan } from './runner.js';

/**
 * Inside a write transaction on PostgreSQL: `pg_notify` on a channel, delivered to every listener at
 * commit, in commit order (nothing on rollback). The event feed and token changes share it.
 */
export function* pgNotify(channel: string, payload: string): Plan<void> {
  yield* exec(CompiledQuery.raw('select pg_notify($1, $2)', [channel, payload]));
}
