import { type BackendType, formatAmount, type Period, RESOURCE_TYPES } from '@bytemeter/tracker';
import type { UsageReader } from '../source/usage-reader.js';
import { renderTable } from '../table.js';

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
): Promise<string> {
  const summary = await reader.getResourceSummary({
    timezone: flags.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    ...(flags.from !== undefined && flags.to !== undefined
      ? { from: flags.from, to: flags.to }
      : { period: flags.period ?? 'day', ...(flags.at !== undefined ? { at: flags.at } : {}) }),
    ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
    ...(flags.type !== undefined ? { backendType: flags.type } : {}),
  });
  if (flags.json) return JSON.stringify(summary, null, 2);
  const rows: string[][] = [];
  for (const [name, backend] of Object.entries(summary.backends)) {
    for (const resource of RESOURCE_TYPES) {
      const stats = backend.resources[resource];
      if (!stats) continue;
      rows.push([name, backend.backendType, resource, stats.formattedAmount, String(stats.operationCount)]);
    }
  }
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
  return `${head}\n\n${renderTable(['BACKEND', 'TYPE', 'RESOURCE', 'AMOUNT', 'EVENTS'], rows, new Set([3, 4]))}\n\nTotal: ${totals}`;
}
