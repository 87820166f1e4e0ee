import Link from 'next/link';
import { HealthBadge } from '@/components/health-badge';
import { formatBytes, formatCount, formatDollars, formatMbps } from '@/lib/format';
import type { BackendStatus, ResourceType, UsageSummary } from '@/lib/types';

/** One row per backend: its status now beside its usage in the chosen period. */
export function BackendsTable({ statuses, summary }: { statuses: BackendStatus[]; summary: UsageSummary }) {
  const amount = (backend: string, type: ResourceType) =>
    summary.backends.find((b) => b.name === backend)?.resources.find((r) => r.resourceType === type)?.totalAmount ?? 0;
  return (
    <div className="table-wrap">
      <table data-testid="backends-table">
        <caption className="muted" style={{ textAlign: 'left', paddingBottom: '0.4rem' }}>
          Status now; usage in the selected period
        </caption>
        <thead>
          <tr>
            <th scope="col">Backend</th>
            <th scope="col">Type</th>
            <th scope="col">Health</th>
            <th scope="col" className="num">
              Error rate
            </th>
            <th scope="col" className="num">
              Now
            </th>
            <th scope="col" className="num">
              Stored
            </th>
            <th scope="col" className="num">
              Uploaded
            </th>
            <th scope="col" className="num">
              Downloaded
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {statuses.map((s) => (
            <tr key={s.backend} data-backend={s.backend}>
              <th scope="row">
                <Link href={`/backends/${encodeURIComponent(s.backend)}`} prefetch={false}>
                  {s.backend}
                </Link>
              </th>
              <td>{s.backendType}</td>
              <td>
                <HealthBadge status={s.healthStatus} reason={s.healthReason} />
              </td>
              <td className="num" data-col="error-rate" data-value={s.errorRate}>
                {(s.errorRate * 100).toFixed(1)}%
              </td>
              <td className="num">{formatMbps(s.currentBandwidthUsageMbps)}</td>
              <td className="num" data-col="stored" data-value={s.currentStorageUsageBytes}>
                {formatBytes(s.currentStorageUsageBytes)}
              </td>
              <td className="num" data-col="upload" data-value={amount(s.backend, 'BANDWIDTH_UPLOAD')}>
                {formatBytes(amount(s.backend, 'BANDWIDTH_UPLOAD'))}
              </td>
              <td className="num" data-col="download" data-value={amount(s.backend, 'BANDWIDTH_DOWNLOAD')}>
                {formatBytes(amount(s.backend, 'BANDWIDTH_DOWNLOAD'))}
              </td>
              <td className="num" data-col="calls" data-value={amount(s.backend, 'API_CALLS')}>
                {formatCount(amount(s.backend, 'API_CALLS'))}
              </td>
              <td className="num" data-col="cost" data-value={amount(s.backend, 'OPERATION_COST')}>
                {formatDollars(amount(s.backend, 'OPERATION_COST'))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
