import { pgNotify } from '../db/pg-notify.js';
import type { Plan } from '../db/runner.js';

/**
 * The PostgreSQL channel each write transaction notifies with the ids of the events it inserted.
 * PostgreSQL delivers a transaction's notifications at its commit, in commit order, to every listening
 * connection of every process: the order a live feed must follow (bigserial ids are handed out at insert
 * time, so a later id can commit first and an "id > cursor" scan would skip the earlier one).
 */
export const EVENTS_CHANNEL = 'bytemeter_events';

/** Inclusive id ranges [first, last], ascending. */
export type IdRange = readonly [number, number];

/** Bytes one payload may use: PostgreSQL refuses a payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;

/**
 * The ids as inclusive ranges of consecutive ids, ascending.
 * @example idRanges([7, 1, 2, 3]) // [[1, 3], [7, 7]]
 */
export function idRanges(ids: readonly number[]): IdRange[] {
  const sorted = [...ids].sort((a, b) => a - b);
  const ranges: IdRange[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push([sorted[i]!, sorted[j]!]);
    i = j + 1;
  }
  return ranges;
}

/**
 * The ids as notification payloads of comma-separated ranges (`12-40,45,50-51`), each under
 * MAX_PAYLOAD_BYTES: one payload for the usual contiguous batch, more when concurrent inserts interleaved
 * ids. Several notifications of one transaction arrive together, in the order sent.
 * @example idRangePayloads([1, 2, 3, 7]) // ['1-3,7']
 */
export function idRangePayloads(ids: readonly number[]): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const [lo, hi] of idRanges(ids)) {
    const part = lo === hi ? `${lo}` : `${lo}-${hi}`;
    if (current.length + part.length + 1 > MAX_PAYLOAD_BYTES) {
      payloads.push(current);
      current = '';
    }
    current = current ? `${current},${part}` : part;
  }
  if (current) payloads.push(current);
  return payloads;
}

/**
 * The ranges of one payload; a malformed one (not ours: someone else notified the channel) yields none.
 * @example parseIdRanges('1-3,7') // [[1, 3], [7, 7]]
 */
export function parseIdRanges(payload: string): IdRange[] {
  const out: IdRange[] = [];
  for (const part of payload.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return [];
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return [];
    out.push([first, last]);
  }
  return out;
}

/**
 * The payloads announcing that a transaction stored events in rollups only (older than the raw retention):
 * no row, so no id, tells other processes of them. `rollups-from:<earliest ms>:<backend ids>`, the ids
 * comma-separated; more backends than one payload holds (MAX_PAYLOAD_BYTES) go out as several payloads with
 * the same time. The live feed ignores them (parseIdRanges yields no range); the budget watcher evaluates
 * those backends' budgets (and the all-backend ones) from that time.
 * @example rollupsOnlyPayloads(1700000000000, [3, 1]) // ['rollups-from:1700000000000:1,3']
 */
export function rollupsOnlyPayloads(minTs: number, backendIds: Iterable<number>): string[] {
  const head = `${ROLLUPS_ONLY_PREFIX}${minTs}:`;
  const payloads: string[] = [];
  let current = '';
  for (const id of [...new Set(backendIds)].sort((a, b) => a - b)) {
    if (head.length + current.length + String(id).length + 1 > MAX_PAYLOAD_BYTES) {
      payloads.push(head + current);
      current = '';
    }
    current = current ? `${current},${id}` : String(id);
  }
  payloads.push(head + current);
  return payloads;
}
const ROLLUPS_ONLY_PREFIX = 'rollups-from:';

/** What a rollups-only payload says: from when, and which backends (null: not said, so every one). */
export interface RollupsOnly {
  from: number;
  backendIds: number[] | null;
}

/**
 * A rollups-only payload; null for any other payload. The form without backends (`rollups-from:<ms>`,
 * sent by writers before backends were added to it) is still read: it names none, so every budget is due.
 * @example parseRollupsOnly('rollups-from:5:1,3') // { from: 5, backendIds: [1, 3] }
 */
export function parseRollupsOnly(payload: string): RollupsOnly | null {
  if (!payload.startsWith(ROLLUPS_ONLY_PREFIX)) return null;
  const [time, ids, ...rest] = payload.slice(ROLLUPS_ONLY_PREFIX.length).split(':');
  const from = Number(time);
  if (time === '' || !Number.isSafeInteger(from) || rest.length > 0) return null;
  if (ids === undefined) return { from, backendIds: null };
  const backendIds: number[] = [];
  for (const part of ids.split(',')) {
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(Number(part))) return { from, backendIds: null };
    backendIds.push(Number(part));
  }
  return { from, backendIds };
}

/** Inside a write transaction on PostgreSQL: announces the inserted event ids at commit. */
export function* notifyInsertedEvents(ids: readonly number[]): Plan<void> {
  for (const payload of idRangePayloads(ids)) {
    yield* pgNotify(EVENTS_CHANNEL, payload);
  }
}

/** Inside a write transaction on PostgreSQL: announces at commit events of these backends stored in rollups only, from `minTs`. */
export function* notifyRollupsOnly(minTs: number, backendIds: Iterable<number>): Plan<void> {
  for (const payload of rollupsOnlyPayloads(minTs, backendIds)) yield* pgNotify(EVENTS_CHANNEL, payload);
}
