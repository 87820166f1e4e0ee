import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { EXPORT_FORMATS, type ExportFormat, type UsageEvent } from '../types.js';
import { type BackendRow, loadBackends, selectBackends } from './backends.js';
import { type EventFilter, type EventRow, eventsQuery, selectEventColumns, toUsageEvent } from './event-rows.js';
import { type RangeQuery, resolveRange } from './range.js';

export interface ExportQuery extends RangeQuery {
  format: ExportFormat;
  backendName?: string;
}

/** Rows read per page; memory stays flat however many events are exported. */
const PAGE = 5000;

export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'backend',
  'backendType',
  'resourceType',
  'amount',
  'operationId',
  'path',
  'success',
  'durationMs',
  'metadata',
] as const;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

export function resolveExport(q: ExportQuery, now: number) {
  if (q === null || typeof q !== 'object' || !EXPORT_FORMATS.includes(q.format)) {
    throw new ValidationError('INVALID_FORMAT', `format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  return resolveRange(q, now, 168);
}

type ReadPlan = <T>(plan: () => Plan<T>) => Promise<T>;

/**
 * Streams events oldest first in the chosen format, one page of rows per chunk, keyset-paginated so each
 * page is an index range read whatever the export's size.
 */
export async function* exportUsageStream(
  db: Kysely<Database>,
  read: ReadPlan,
  q: ExportQuery,
  range: { from: number; to: number },
): AsyncGenerator<string> {
  const all = await read(() => loadBackends(db));
  const backends = selectBackends(all, q.backendName);
  const byId = new Map<number, BackendRow>(all.map((b) => [b.id, b]));
  const filter: EventFilter = {
    ...range,
    ...(q.backendName !== undefined ? { backendIds: backends.map((b) => b.id) } : {}),
  };
  const format = q.format;
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  if (format === 'json') yield '[';
  let first = true;
  let after: { ts: number; id: number } | null = null;
  while (backends.length > 0) {
    const cursor = after;
    const rows: EventRow[] = await read(() => pagePlan(db, filter, cursor));
    if (rows.length === 0) break;
    let chunk = '';
    for (const row of rows) {
      const event = toUsageEvent(row, byId);
      if (format === 'ndjson') chunk += `${JSON.stringify(exportObject(event))}\n`;
      else if (format === 'csv') chunk += `${csvLine(event)}\n`;
      else {
        chunk += `${first ? '\n' : ',\n'}${JSON.stringify(exportObject(event))}`;
        first = false;
      }
    }
    yield chunk;
    const last = rows[rows.length - 1]!;
    after = { ts: Number(last.ts), id: Number(last.id) };
    if (rows.length < PAGE) break;
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}

function* pagePlan(
  db: Kysely<Database>,
  filter: EventFilter,
  after: { ts: number; id: number } | null,
): Plan<EventRow[]> {
  // The keyset condition is an OR SQLite cannot use as an index bound, so the page also starts its ts range
  // at the cursor: without it every page would rescan the index from the export's start (quadratic).
  let q = selectEventColumns(eventsQuery(db, after ? { ...filter, from: Math.max(filter.from, after.ts) } : filter));
  if (after)
    q = q.where((eb) => eb.or([eb('ts', '>', after.ts), eb.and([eb('ts', '=', after.ts), eb('id', '>', after.id)])]));
  return yield* exec(q.orderBy('ts').orderBy('id').limit(PAGE));
}

function exportObject(e: UsageEvent) {
  return {
    id: e.id,
    timestamp: e.timestamp,
    backend: e.backend,
    backendType: e.backendType,
    resourceType: e.resourceType,
    amount: e.amount,
    operationId: e.operationId,
    path: e.path,
    success: e.success,
    durationMs: e.durationMs,
    metadata: e.metadata,
  };
}

function csvLine(e: UsageEvent): string {
  const o = exportObject(e);
  return CSV_COLUMNS.map((c) => {
    const v = o[c];
    if (v === null || v === undefined) return '';
    return csvField(typeof v === 'object' ? JSON.stringify(v) : String(v));
  }).join(',');
}

/** RFC 4180 quoting; a leading formula character is defused so spreadsheets never execute a cell. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
