import { type ResourceTotals, sumsOf, totalsList } from '../query/get-resource-usage.js';
import { ADDED_COLUMN, type AddedEvents } from '../record/ingest-plan.js';

/**
 * What a drill-down page's totals count, as given (the filters of totalsOf, before backends are resolved):
 * enough to tell whether an added event is among them.
 */
export interface TotalsMatch {
  from: number;
  to: number;
  backend: string | undefined;
  backendType: string | undefined;
  resource: number | undefined;
  success: boolean | undefined;
  pathPrefix: string | undefined;
}

/**
 * Text the database stores and compares as JavaScript does: no lone surrogate (stored as U+FFFD) and no NUL.
 */
const plainText = (text: string) => !text.includes('\0') && !/\p{Cs}/u.test(text);

/** Drill-down totals kept between reads, with what they count. */
export interface KeptTotals {
  match: TotalsMatch;
  totals: ResourceTotals[];
}

/**
 * The totals once a batch's rows are added, or undefined when that cannot be told by adding (a path that
 * is not well-formed text: the database may store it otherwise than JavaScript compares it). `added` must
 * be everything a commit changed of events and rollups (IngestOutcome.added), and `kept` what the data
 * right before that commit answered: totals then count exactly the events they counted plus the matching
 * added ones, whether totalsOf reads them from rollups or raw rows (both hold every added row).
 */
export function addToTotals(kept: KeptTotals, added: AddedEvents): ResourceTotals[] | undefined {
  const m = kept.match;
  const sums = sumsOf(kept.totals);
  const prefixLength = m.pathPrefix === undefined ? 0 : m.pathPrefix.length;
  if (m.pathPrefix !== undefined && !plainText(m.pathPrefix)) return undefined;
  let changed = false;
  for (const row of added.rows) {
    const ts = row[ADDED_COLUMN.ts] as number;
    if (ts < m.from || ts >= m.to) continue;
    const resource = row[ADDED_COLUMN.resource] as number;
    if (m.resource !== undefined && resource !== m.resource) continue;
    if (m.success !== undefined && (row[ADDED_COLUMN.success] === 1) !== m.success) continue;
    if (m.backend !== undefined || m.backendType !== undefined) {
      const backend = added.backends.get(row[ADDED_COLUMN.backendId] as number);
      if (!backend) return undefined;
      if (m.backend !== undefined && backend.name !== m.backend) continue;
      if (m.backendType !== undefined && backend.type !== m.backendType) continue;
    }
    if (m.pathPrefix !== undefined) {
      const path = row[ADDED_COLUMN.path] as string | null;
      if (path === null) continue;
      if (!plainText(path)) return undefined;
      // SQL compares the first n code points (substr); on well-formed text that is a UTF-16 prefix test.
      if (path.length < prefixLength || !path.startsWith(m.pathPrefix)) continue;
    }
    // + 0: a -0 amount is stored as 0, and a fresh read says 0.
    const amount = (row[ADDED_COLUMN.amount] as number) + 0;
    const sum = sums.get(resource) ?? { total: 0, count: 0, min: null, max: null };
    sum.total += amount;
    sum.count += 1;
    sum.min = sum.min === null ? amount : Math.min(sum.min, amount);
    sum.max = sum.max === null ? amount : Math.max(sum.max, amount);
    sums.set(resource, sum);
    changed = true;
  }
  if (!changed) return kept.totals;
  // The same shape a fresh read gives.
  return totalsList(sums);
}
