// A usage ledger's rollup parts read on PostgreSQL in one statement, whatever their grains and count.
// On a server each statement costs a round trip and a parse and plan of its own, so the per-grain flow
// and storage UNION ALLs SQLite runs (usage-ledger.ts) cost PostgreSQL six statements for a budget read
// whose rollup rows take a fraction of that to sum. Here the parts travel as arrays and a LATERAL
// subquery sums each one: a nested loop of one primary-key range scan per part, one text for any number
// of parts. A lateral subquery is parameterized by its part, and a parameterized path cannot sit under a
// Gather, so no parallel workers start for these few thousand rows (what `set local
// max_parallel_workers_per_gather = 0` ensured for the Parallel Append of a UNION ALL, a round trip more).

import { CompiledQuery } from 'kysely';
import { pgArrayParameter } from '../db/pg-array-literal.js';
import { RESOURCE_CODE } from '../types.js';

/** One rollup range of a ledger read: [from, to) at one grain, all resources or the storage changes only. */
export interface RollupPart {
  grain: number;
  /** Bucket size of the grain (ms): byte-time counts each bucket's index in its part. */
  size: number;
  from: number;
  to: number;
  /** Only the storage rows count (the changes at or after the first edge, for the level there). */
  storageOnly: boolean;
}

/**
 * A row of partsQuery: sums of one (part, backend, resource); hi, lo and steps on storage rows with byteTime.
 * Part 0, read with `storedLevels`, is a backend's stored level (backend_state.storage_level) as its total.
 */
export interface PartRow {
  /** The part's index in the array read. */
  part: number;
  backend_id: number;
  resource: number;
  total: number;
  hi: string | null;
  lo: string | null;
  steps: string | null;
}

const STORAGE = RESOURCE_CODE.storage_used;

/**
 * The SQL of partsQuery for one choice of filter and byte-time: a constant text, so the server sees four
 * statements at most, whatever the parts. The byte-time sums are those of the SQLite storage query:
 * Σ delta × (t − bucket start) in two limbs, and Σ bucket index in its part × delta (cast, the index is
 * below 100 in any part, so the product stays far inside 64 bits for any plausible delta).
 */
function partsSql(filtered: boolean, byteTime: boolean, storedLevels: boolean): string {
  const storageSums = byteTime
    ? `,
      cast(sum(case when resource = ${STORAGE} then delta_time_hi end) as text) as hi,
      cast(sum(case when resource = ${STORAGE} then delta_time_lo end) as text) as lo,
      cast(sum(case when resource = ${STORAGE} then (bucket - p.from_ms) / p.size * total end) as text) as steps`
    : '';
  return `select p.part, r.*
from unnest($1::smallint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::boolean[])
  with ordinality as p(level, from_ms, to_ms, size, storage_only, part)
cross join lateral (
  select backend_id, resource, sum(total) as total${storageSums}
  from rollups
  where level = p.level and bucket >= p.from_ms and bucket < p.to_ms
    and (resource = ${STORAGE} or not p.storage_only)${filtered ? ' and backend_id = any($6::bigint[])' : ''}
  group by backend_id, resource
) r${
    storedLevels
      ? `
union all
select 0, backend_id, ${STORAGE}::smallint, storage_level${byteTime ? ', null, null, null' : ''}
from backend_state${filtered ? ' where backend_id = any($6::bigint[])' : ''}`
      : ''
  }`;
}

const TEXTS = new Map<string, string>();

/**
 * Sums of every part's rollups per (part, backend, resource), parts numbered from 1 in the order given;
 * `only` limits the backends (null: all). With `byteTime`, storage rows carry the byte-time sums; with
 * `storedLevels`, each backend's stored level comes as part 0 (the level at the first edge is read from it).
 * @example partsQuery([{ grain: 3, size: 3_600_000, from: a, to: b, storageOnly: false }], null, true)
 */
export function partsQuery(
  parts: readonly RollupPart[],
  only: readonly number[] | null,
  byteTime: boolean,
  storedLevels = false,
) {
  const key = `${only !== null}:${byteTime}:${storedLevels}`;
  let text = TEXTS.get(key);
  if (text === undefined) {
    text = partsSql(only !== null, byteTime, storedLevels);
    TEXTS.set(key, text);
  }
  const parameters = [
    pgArrayParameter(
      'smallint',
      parts.map((p) => p.grain),
    ),
    pgArrayParameter(
      'bigint',
      parts.map((p) => p.from),
    ),
    pgArrayParameter(
      'bigint',
      parts.map((p) => p.to),
    ),
    pgArrayParameter(
      'bigint',
      parts.map((p) => p.size),
    ),
    `{${parts.map((p) => (p.storageOnly ? 't' : 'f')).join(',')}}`,
  ];
  if (only !== null) parameters.push(pgArrayParameter('bigint', only));
  return CompiledQuery.raw(text, parameters) as CompiledQuery<PartRow>;
}
