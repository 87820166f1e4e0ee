import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { Resolution } from '../rollup/grains.js';
import { RESOURCE_CODE } from '../types.js';
import { aggregateRanges } from './aggregate.js';

/** Events may be dated up to a day ahead; two days past now is past every stored one. */
const FUTURE_SLACK_MS = 2 * 86_400_000;

/**
 * Stored storage change of one backend dated at or after `from`: what a level reported for `from` has on
 * top of it now. Both the recording check and the write ask this, for a level report dated in the past.
 * @example const since = yield* storageSince(db, backendId, reportTs, now, resolution)
 */
export function* storageSince(
  db: Kysely<Database>,
  backendId: number,
  from: number,
  now: number,
  resolution: Resolution,
): Plan<number> {
  const { cells } = yield* aggregateRanges(
    db,
    [{ from, to: now + FUTURE_SLACK_MS }],
    { backendIds: [backendId], resources: [RESOURCE_CODE.storage_used] },
    resolution,
  );
  let sum = 0;
  for (const cell of cells[0]!.values()) sum += cell.total;
  return sum;
}
