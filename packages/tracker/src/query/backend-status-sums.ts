// A status read that reads as few raw events as an exact answer allows, on both dialects. aggregateRanges serves
// a window's sub-minute edges from raw events: a minute of them at each end of the health window and of the
// bandwidth window, so the rows a status read scanned grew with the events per minute (12 at 1M bench
// events, 117 at 10M; on SQLite the status p50 went 0.25 -> 0.47 ms between them), beside fourteen minute
// buckets of rollups.
//
// A status needs sums only (counts, failures, bytes; no min or max), and sums subtract: a window's ragged
// edge is served by its whole minute's rollups less the raw events of the minute outside the window,
// wherever those are fewer. For the edge at `now` they are the events dated after now (none, but what is
// dated ahead), and the minute-aligned rest is covered by the coarsest rollups that fit (a quarter hour of
// the health window in one bucket). So a status reads one bucket per backend and resource per part and, at
// each window start, the raw events of at most half a minute (a window inside one minute reads its raw
// events as before), in one statement. On PostgreSQL that statement goes out with the backends as one
// script, its bounds written in; on SQLite the bounds are bound parameters, so its text is one of a few
// shapes that the runner's statement cache prepares once.

import { cover, MINUTE_GRAIN, MINUTE_MS, RAW_GRAIN, type Resolution, snapEdge } from '../rollup/grains.js';
import { cellKey, type Range } from './aggregate.js';

/** Every backend with its state, as loadBackends reads them (a text of its own, to go in a script). */
export const BACKENDS_SQL = `select b.id, b.name, b.type, b.created_at, s.storage_level, s.last_event_at,
  s.consecutive_failures
from backends b left join backend_state s on s.backend_id = b.id
order by b.name`;

/** One window of a status: its range, and the event resources it sums (consecutive codes). */
export interface StatusWindow {
  from: number;
  to: number;
  resources: readonly number[];
}

/** A signed piece of a window: the rollups of one grain (RAW_GRAIN: raw events) in [from, to). */
interface SignedPart {
  window: number;
  grain: number;
  from: number;
  to: number;
  sign: 1 | -1;
}

/** Sums of one (backend, resource) in a window. */
export interface WindowSums {
  total: number;
  count: number;
  failures: number;
}

const floorMinute = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;
const ceilMinute = (t: number) => Math.ceil(t / MINUTE_MS) * MINUTE_MS;

/**
 * The signed parts summing [from, to) exactly (edges snapped to the resolution kept). `now`: events dated
 * after it are few (only those recorded ahead), so a raw range past it counts as empty when choosing.
 */
function signedParts(window: number, range: Range, res: Resolution, now: number): SignedPart[] {
  const from = snapEdge(range.from, res);
  const to = snapEdge(range.to, res);
  const parts: SignedPart[] = [];
  if (from >= to) return parts;
  // Raw events one may expect in [a, b): those dated up to now.
  const past = (a: number, b: number) => Math.max(0, Math.min(b, now + 1) - a);
  // An edge may take its whole minute less the raw events outside the range when both are complete there.
  const wholeMinute = (t: number) => floorMinute(t) >= res.minuteFrom && floorMinute(t) >= res.rawFrom;
  let lo = ceilMinute(from);
  let hi = floorMinute(to);
  if (lo > hi) {
    // Inside one minute: its raw events, as aggregateRanges reads them.
    parts.push({ window, grain: RAW_GRAIN, from, to, sign: 1 });
    return parts;
  }
  if (from < lo) {
    if (wholeMinute(from) && past(lo - MINUTE_MS, from) < past(from, lo)) {
      lo -= MINUTE_MS;
      parts.push({ window, grain: RAW_GRAIN, from: lo, to: from, sign: -1 });
    } else parts.push({ window, grain: RAW_GRAIN, from, to: lo, sign: 1 });
  }
  if (hi < to) {
    if (wholeMinute(to) && past(to, hi + MINUTE_MS) < past(hi, to)) {
      hi += MINUTE_MS;
      parts.push({ window, grain: RAW_GRAIN, from: to, to: hi, sign: -1 });
    } else parts.push({ window, grain: RAW_GRAIN, from: hi, to, sign: 1 });
  }
  for (const cut of cover(lo, hi)) {
    // Minute rollups older than their retention may be pruned: raw events serve them (see coverRanges).
    const grain = cut.grain === MINUTE_GRAIN && cut.from < res.minuteFrom ? RAW_GRAIN : cut.grain;
    parts.push({ window, grain, from: cut.from, to: cut.to, sign: 1 });
  }
  return parts;
}

/** Where a part's numbers go: written into the text (PostgreSQL), or bound in order (SQLite). */
type Put = (n: number) => string;

/**
 * The text of the sums statement: one member per part. On PostgreSQL its bounds are written in (numbers we
 * computed), so the planner sees each range and plans one short index scan for it. (Ranges read from a
 * VALUES list through a LATERAL join were estimated at a default share of the 10M-event table, a cost that
 * started JIT compilation: 60 ms for a 0.3 ms read.) On SQLite they are parameters (`put`), and the text
 * names only what the parts are (window, grain, sign, the windows' codes, how many backends).
 */
function sumsSql(
  parts: readonly SignedPart[],
  windows: readonly StatusWindow[],
  put: Put,
  backendIds?: readonly number[],
): string {
  const members = parts.map((p) => {
    const codes = windows[p.window]!.resources;
    const resources = `resource between ${Math.min(...codes)} and ${Math.max(...codes)}`;
    // Put in the order the text reads them: a member's bounds, then its backends.
    const lo = put(p.from);
    const hi = put(p.to);
    const only = backendIds ? ` and backend_id in (${backendIds.map(put).join(', ')})` : '';
    return p.grain === RAW_GRAIN
      ? `select ${p.window} as w, backend_id, resource, ${p.sign} as n, ${p.sign} * (1 - success) as f, ${p.sign} * amount as t
  from events where ts >= ${lo} and ts < ${hi} and ${resources}${only}`
      : `select ${p.window} as w, backend_id, resource, ${p.sign} * count as n, ${p.sign} * failures as f, ${p.sign} * total as t
  from rollups where level = ${p.grain} and bucket >= ${lo} and bucket < ${hi} and ${resources}${only}`;
  });
  return `select w, backend_id, resource, sum(n) as count, sum(f) as failures, sum(t) as total
from (${members.join('\nunion all\n')}) x
group by w, backend_id, resource`;
}

interface SumRow {
  w: number | string;
  backend_id: number | string;
  resource: number | string;
  count: number | string;
  failures: number | string;
  total: number | string;
}

/** How the sums statement is written: see sumsSql. */
export interface SumsOptions {
  /** Bounds (and backends) as `?` parameters, returned in `parameters` (SQLite). Default: written in. */
  bind?: boolean;
  /** Sum these backends only (bound: SQLite). PostgreSQL sums every backend: see statusSums. */
  backendIds?: readonly number[];
}

/**
 * The statement summing every window for every backend (one row per window, backend and resource), and
 * what turns its rows into cells per window. On PostgreSQL a status of one backend sums them all too and
 * keeps its own: a backend name is user text, so limiting the sums to it would take a bind parameter, and a
 * parameterised statement is a round trip of its own (db/pg-script.ts): three awaited instead of one, for a
 * read of one rollup bucket per backend, resource and part. SQLite has no round trips, so there the
 * backends asked for are bound. `statement` is undefined when both windows hold no time the store keeps
 * (their edges snapped to empty): no rows to read, so nothing to send.
 */
export function statusSums(windows: readonly StatusWindow[], res: Resolution, now: number, options: SumsOptions = {}) {
  for (const w of windows) {
    const sorted = [...w.resources].sort((a, b) => a - b);
    // The read filters by a range of codes: a gap would let other codes in.
    if (sorted.some((c, i) => i > 0 && c !== sorted[i - 1]! + 1))
      throw new Error('status window resources must be consecutive codes');
  }
  const parts = windows.flatMap((w, i) => signedParts(i, w, res, now));
  const parameters: number[] = [];
  const put: Put = options.bind
    ? (n) => {
        parameters.push(n);
        return '?';
      }
    : (n) => String(n);
  const statement = parts.length === 0 ? undefined : sumsSql(parts, windows, put, options.backendIds);
  const cells = (rows: readonly unknown[] = []): Map<number, WindowSums>[] => {
    const out = windows.map(() => new Map<number, WindowSums>());
    for (const row of rows as SumRow[]) {
      const count = Number(row.count);
      // Parts that cancel out (a minute's events all outside the window) leave a row of zeros: no events.
      if (count === 0) continue;
      out[Number(row.w)]!.set(cellKey(Number(row.backend_id), Number(row.resource)), {
        total: Number(row.total),
        count,
        failures: Number(row.failures),
      });
    }
    return out;
  };
  return { statement, parameters, cells };
}
