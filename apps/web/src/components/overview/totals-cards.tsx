import { formatBytes, formatCount, formatDollars, formatMbps } from '@/lib/format';
import type { UsageTotals } from '@/lib/types';

/**
 * The change against the previous period, as "▲ 12% vs the day before" (or "new" from zero).
 * @example change(112, 100, 'the day before') // '▲ 12% vs the day before'
 */
function change(value: number, before: number, label: string): string {
  if (value === before) return `no change vs ${label}`;
  if (before === 0) return `new vs ${label} (was 0)`;
  const pct = Math.round(((value - before) / Math.abs(before)) * 100);
  return `${value > before ? '▲' : '▼'} ${Math.abs(pct)}% vs ${label}`;
}

/**
 * The period's totals, each with its change against the previous period, plus what is true right now
 * (stored bytes, Mbps), as labelled figures.
 */
export function TotalsCards({
  totals,
  previous,
  previousLabel,
  storedNow,
  mbpsNow,
}: {
  totals: UsageTotals;
  previous: UsageTotals;
  previousLabel: string;
  storedNow: number;
  mbpsNow: number;
}) {
  const items = [
    ['upload', 'Uploaded', totals.bandwidthUpload, previous.bandwidthUpload, formatBytes],
    ['download', 'Downloaded', totals.bandwidthDownload, previous.bandwidthDownload, formatBytes],
    ['storage-change', 'Storage change', totals.storageUsed, previous.storageUsed, formatBytes],
    ['api-calls', 'API calls', totals.apiCalls, previous.apiCalls, formatCount],
    ['cost', 'Cost', totals.operationCostMicros, previous.operationCostMicros, formatDollars],
    ['stored-now', 'Stored now', storedNow, null, formatBytes],
    ['mbps-now', 'Bandwidth now', mbpsNow, null, formatMbps],
  ] as const;
  return (
    <dl className="cards totals" data-testid="totals">
      {items.map(([key, label, value, before, format]) => (
        <div className="card" key={key}>
          <dt>{label}</dt>
          <dd data-testid={`total-${key}`} data-value={value}>
            {format(value)}
          </dd>
          {before === null ? null : (
            <dd
              className="change muted"
              data-testid={`change-${key}`}
              data-previous={before}
              title={`${format(before)} in ${previousLabel}`}
            >
              {change(value, before, previousLabel)}
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
