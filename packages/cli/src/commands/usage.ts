import { type BackendType, formatAmount, formatCount, type Period, type ResourceType } from '@bytemeter/tracker';
import type { Output } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { paintTable } from '../table.js';

/** The table's resource columns, in the order people read a bill: traffic, storage, calls, money. */
const COLUMNS: readonly (readonly [string, ResourceType])[] = [
  ['UPLOAD', 'bandwidth_upload'],
  ['DOWNLOAD', 'bandwidth_download'],
  ['STORED Δ', 'storage_used'],
  ['CALLS', 'api_calls'],
  ['COST', 'operation_cost'],
];
/** A resource the backend has no events of in the range (not the same as 0). */
const NONE = '–';

export interface UsageFlags {
  period?: Period;
  backend?: string;
  type?: BackendType;
  timezone?: string;
  /** An instant inside the period to show (default now). */
  at?: Date;
  /** A range (--from/--to) instead of a calendar period. */
  from?: Date;
  to?: Date;
  json?: boolean;
}

/**
 * `bytemeter usage`: totals per backend and resource for one calendar period.
 * @example await usageCommand(tracker, { period: 'week', timezone: 'Europe/Berlin' })
 */
export async function usageCommand(
  reader: Pick<UsageReader, 'getResourceSummary'>,
  flags: UsageFlags,
): Promise<Output> {
  const summary = await reader.getResourceSummary({
    timezone: flags.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    ...(flags.from !== undefined && flags.to !== undefined
      ? { from: flags.from, to: flags.to }
      : { period: flags.period ?? 'day', ...(flags.at !== undefined ? { at: flags.at } : {}) }),
    ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
    ...(flags.type !== undefined ? { backendType: flags.type } : {}),
  });
  if (flags.json) return JSON.stringify(summary, null, 2);
  // One row per backend, a column per resource: the backend's numbers read across one line.
  const rows = Object.entries(summary.backends).map(([name, backend]) => {
    const cell = (resource: ResourceType) => {
      const stats = backend.resources[resource];
      if (!stats) return NONE;
      return resource === 'api_calls' ? formatCount(stats.totalAmount) : formatAmount(resource, stats.totalAmount);
    };
    const events = Object.values(backend.resources).reduce((sum, stats) => sum + (stats?.operationCount ?? 0), 0);
    return [name, backend.backendType, ...COLUMNS.map(([, resource]) => cell(resource)), formatCount(events)];
  });
  const head = `Usage for the ${summary.period ?? 'range'} ${summary.periodStart} → ${summary.periodEnd} (${summary.timezone})`;
  if (rows.length === 0) {
    return `${head}\n\nNo usage recorded in this period. Record some with \`bytemeter track upload my-bucket s3 1MiB\`, or from code:\n  import { getResourceTracker } from '@bytemeter/tracker'\n  getResourceTracker().trackBandwidthUpload('my-bucket', 's3', 1024)`;
  }
  const t = summary.totals;
  const totals = [
    `upload ${formatAmount('bandwidth_upload', t.bandwidthUpload)}`,
    `download ${formatAmount('bandwidth_download', t.bandwidthDownload)}`,
    `stored Δ ${formatAmount('storage_used', t.storageUsed)}`,
    formatAmount('api_calls', t.apiCalls),
    `cost ${formatAmount('operation_cost', t.operationCostMicros)}`,
  ].join(' · ');
  const table = paintTable(
    ['BACKEND', 'TYPE', ...COLUMNS.map(([title]) => title), 'EVENTS'],
    rows,
    new Set([2, 3, 4, 5, 6, 7]),
    (_row, _col, cell) => (cell === NONE ? 'dim' : undefined),
  );
  return [{ text: `${head}\n\n` }, ...table, { text: `\n\nTotal: ${totals}` }];
}
