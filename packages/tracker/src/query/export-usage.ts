import { escapeControlChars, RESOURCE_UNITS } from '@bytemeter/core';
import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { decodeEventKey } from '../ids/event-key.js';
import { assertBackendType, assertResourceType } from '../record/validate.js';
import { toIso } from '../time/zone.js';
import {
  type BackendType,
  EXPORT_FORMATS,
  type ExportFormat,
  RESOURCE_BY_CODE,
  RESOURCE_CODE,
  type ResourceType,
  type UsageEvent,
} from '../types.js';
import type { BackendFilter } from './backend-filter.js';
import { type BackendRow, loadBackends, selectBackends } from './backends.js';
import { type EventMatch, resolveEventMatch } from './event-match.js';
import { type EventFilter, type EventRow, toUsageEvent, withKeys } from './event-rows.js';
import { pageQuery } from './get-resource-usage.js';
import { type RangeQuery, resolveRange } from './range.js';

export interface ExportQuery extends RangeQuery, BackendFilter, EventMatch {
  format: ExportFormat;
  backendType?: BackendType;
  /** Only events of this resource. */
  resourceType?: ResourceType;
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
  // The amount's unit (bytes, calls or micros), so a spreadsheet never sums bytes with calls.
  'unit',
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

/** Checks an export query (throws ValidationError, reads nothing): its range and its match filters. */
export function resolveExport(q: ExportQuery, now: number): { from: number; to: number } & EventMatch {
  if (q === null || typeof q !== 'object' || !EXPORT_FORMATS.includes(q.format)) {
    throw new ValidationError('INVALID_FORMAT', `format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  if (q.backendType !== undefined) assertBackendType(q.backendType);
  if (q.resourceType !== undefined) assertResourceType(q.resourceType);
  return { ...resolveRange(q, now, 168), ...resolveEventMatch(q) };
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
  range: { from: number; to: number } & EventMatch,
): AsyncGenerator<string> {
  const all = await read(() => loadBackends(db));
  const backends = selectBackends(all, q.backend, q.backendType);
  const byId = new Map<number, BackendRow>(all.map((b) => [b.id, b]));
  const filter: EventFilter = {
    ...range,
    ...(q.backend !== undefined || q.backendType !== undefined ? { backendIds: backends.map((b) => b.id) } : {}),
    ...(q.resourceType !== undefined ? { resource: RESOURCE_CODE[q.resourceType] } : {}),
  };
  const format = q.format;
  const backendJson = new Map(all.map((b) => [b.id, `"backend":${JSON.stringify(b.name)},"backendType":"${b.type}"`]));
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
      if (format === 'ndjson') chunk += `${jsonLine(row, byId, backendJson)}\n`;
      else if (format === 'csv') chunk += `${csvLine(toUsageEvent(row, byId))}\n`;
      else {
        chunk += `${first ? '\n' : ',\n'}${jsonLine(row, byId, backendJson)}`;
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
  // Oldest first from the cursor on: drill-down's page towards newer events (compiled once per shape), its
  // ts range starting at the cursor so each page is an index range read, not a rescan from the export's start.
  const direction = after
    ? { after: null, before: after, fromEnd: false }
    : { after: null, before: null, fromEnd: true };
  return yield* withKeys(db, yield* exec(pageQuery(db, filter, direction, PAGE)));
}

const RESOURCE_JSON = RESOURCE_BY_CODE.map((r) => (r ? `"resourceType":"${r}"` : ''));
const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/**
 * One exported event as JSON, written straight from the row: the same fields and values as
 * JSON.stringify(exportObject(toUsageEvent(row))), without building the public event first. Metadata is
 * stored as the JSON text validated at record time, so it is embedded as it is.
 */
function jsonLine(
  row: EventRow,
  byId: ReadonlyMap<number, BackendRow>,
  backendJson: ReadonlyMap<number, string>,
): string {
  const backendId = Number(row.backend_id);
  const backend = backendJson.get(backendId);
  const resource = RESOURCE_JSON[row.resource];
  if (backend === undefined || !resource) return JSON.stringify(exportObject(toUsageEvent(row, byId)));
  // A row id needs no escaping; a key decodes to printable ASCII (see decodeEventKey) but is quoted anyway.
  const id = row.key ? JSON.stringify(decodeEventKey(row.key)) : `"bm:${row.id}"`;
  return (
    `{"id":${id},"timestamp":"${toIso(Number(row.ts))}",${backend},${resource},` +
    `"amount":${Number(row.amount)},"operationId":${text(row.operation_id)},"path":${text(row.path)},` +
    `"success":${row.success ? 'true' : 'false'},"durationMs":${row.duration_ms === null ? 'null' : Number(row.duration_ms)},` +
    `"metadata":${row.metadata ?? 'null'}}`
  );
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
  const o = { ...exportObject(e), unit: RESOURCE_UNITS[e.resourceType] };
  return CSV_COLUMNS.map((c) => {
    const v = o[c];
    if (v === null || v === undefined) return '';
    return csvField(typeof v === 'object' ? JSON.stringify(v) : String(v));
  }).join(',');
}

/** A plain number (what a spreadsheet may read as one); anything else starting with - or + may be a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * RFC 4180 quoting of one CSV cell, for people and spreadsheets (NDJSON and JSON carry values exactly):
 * control characters are written as visible escapes (`\x1b`, see escapeControlChars), so a cell can
 * neither drive a terminal nor break a line; a cell a spreadsheet would run as a formula (=, +, -, @
 * first, unless it is a plain number) gets a leading `'`, which spreadsheets show as text.
 */
function csvField(value: string): string {
  const text = escapeControlChars(value);
  const safe = /^[=+\-@]/.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
