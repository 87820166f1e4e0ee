import { formatCount } from '@/lib/format';
import type { UsageEventConnection } from '@/lib/types';

const LABEL: Record<string, string> = {
  BANDWIDTH_UPLOAD: 'Uploaded',
  BANDWIDTH_DOWNLOAD: 'Downloaded',
  STORAGE_USED: 'Stored (net change)',
  API_CALLS: 'API calls',
  OPERATION_COST: 'Reported cost',
};

/**
 * The API's totals of every event the filters match (all pages, not only the one shown), one card per
 * resource: sums in the resource's own unit, never added across units.
 */
export function FilteredTotals({ totals }: { totals: UsageEventConnection['totals'] }) {
  if (totals.length === 0) return null;
  return (
    <dl
      className="cards"
      data-testid="filtered-totals"
      aria-label="Totals of the matching events"
      // auto-fill: one or two resources keep card width instead of stretching across the panel.
      style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))' }}
    >
      {totals.map((t) => (
        <div className="card" key={t.resourceType} data-resource={t.resourceType}>
          <dt>{LABEL[t.resourceType] ?? t.resourceType}</dt>
          <dd data-total={t.totalAmount}>{t.formattedAmount}</dd>
          <dd className="change muted">
            {formatCount(t.operationCount)} event{t.operationCount === 1 ? '' : 's'}
          </dd>
        </div>
      ))}
    </dl>
  );
}
