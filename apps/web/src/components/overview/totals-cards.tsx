import { formatBytes, formatCount, formatMbps, formatMicros } from '@/lib/format';
import type { UsageTotals } from '@/lib/types';

/** The period's totals plus what is true right now (stored bytes, Mbps), as labelled figures. */
export function TotalsCards({
  totals,
  storedNow,
  mbpsNow,
}: {
  totals: UsageTotals;
  storedNow: number;
  mbpsNow: number;
}) {
  const items = [
    ['upload', 'Uploaded', totals.bandwidthUpload, formatBytes],
    ['download', 'Downloaded', totals.bandwidthDownload, formatBytes],
    ['storage-change', 'Storage change', totals.storageUsed, formatBytes],
    ['api-calls', 'API calls', totals.apiCalls, formatCount],
    ['cost', 'Cost', totals.operationCostMicros, formatMicros],
    ['stored-now', 'Stored now', storedNow, formatBytes],
    ['mbps-now', 'Bandwidth now', mbpsNow, formatMbps],
  ] as const;
  return (
    <dl className="cards" data-testid="totals">
      {items.map(([key, label, value, format]) => (
        <div className="card" key={key}>
          <dt>{label}</dt>
          <dd data-testid={`total-${key}`} data-value={value}>
            {format(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
