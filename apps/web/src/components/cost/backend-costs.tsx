import Link from 'next/link';
import { exactValue } from '@/lib/chart-model';
import { formatDollars } from '@/lib/format';
import { type CostReport, PRICED_RESOURCES, type PricedResource } from '@/lib/types';
import { RESOURCE_STYLE } from './resources';

type BackendCost = CostReport['backends'][number];

/** The micros of one resource of a backend (0 when the plan does not price it). */
function costOf(b: BackendCost, resource: PricedResource): number {
  return b.resources.find((r) => r.resource === resource)?.costMicros ?? 0;
}

/** Whether the backend's plan prices the resource at all ("—" otherwise, never a $0.00 it did not compute). */
function priced(b: BackendCost, resource: PricedResource): boolean {
  return b.resources.some((r) => r.resource === resource);
}

/**
 * Computed cost per backend as bars stacked by resource (drawn in CSS, so they need no JavaScript), the
 * application's reported cost beside it, and a column per priced resource (the exact micros in each
 * cell's tooltip: $0.01 is $0.0115). Backends are ordered by computed cost; one without a plan says so
 * instead of showing $0.00 as if it were free.
 */
export function BackendCosts({ report }: { report: CostReport }) {
  const backends = [...report.backends].sort(
    (a, b) =>
      Number(b.hasPlan) - Number(a.hasPlan) ||
      b.computedCostMicros - a.computedCostMicros ||
      a.backend.localeCompare(b.backend),
  );
  const widest = Math.max(1, ...backends.map((b) => b.computedCostMicros));
  // Only the resources some plan prices get a column and a legend entry.
  const shown = PRICED_RESOURCES.filter((r) => backends.some((b) => priced(b, r)));
  return (
    <>
      <p className="legend">
        {shown.map((r) => (
          <span key={r}>
            <span className="swatch" style={{ background: `var(${RESOURCE_STYLE[r].color})` }} />
            {RESOURCE_STYLE[r].label}
          </span>
        ))}
      </p>
      <div className="table-wrap">
        <table data-testid="backend-costs">
          <thead>
            <tr>
              <th>Backend</th>
              <th>Computed, by resource</th>
              <th className="num">Computed</th>
              <th className="num">Reported</th>
              {shown.map((r) => (
                <th key={r} className="num">
                  {RESOURCE_STYLE[r].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {backends.map((b) => (
              <tr
                key={b.backend}
                data-backend={b.backend}
                data-computed={b.computedCostMicros}
                data-reported={b.reportedCostMicros}
                data-has-plan={String(b.hasPlan)}
              >
                <td>
                  <Link href={`/backends/${encodeURIComponent(b.backend)}`} prefetch={false}>
                    {b.backend}
                  </Link>{' '}
                  <span className="muted">{b.backendType}</span>
                </td>
                <td className="stack-cell">
                  {b.hasPlan ? (
                    <span
                      className="cost-stack"
                      role="img"
                      aria-label={`${b.backend}: ${shown.map((r) => `${RESOURCE_STYLE[r].label} ${formatDollars(costOf(b, r))}`).join(', ')}`}
                    >
                      {shown.map((r) =>
                        costOf(b, r) > 0 ? (
                          <span
                            key={r}
                            title={`${RESOURCE_STYLE[r].label}: ${formatDollars(costOf(b, r))}`}
                            style={{
                              width: `${(costOf(b, r) / widest) * 100}%`,
                              background: `var(${RESOURCE_STYLE[r].color})`,
                            }}
                          />
                        ) : null,
                      )}
                    </span>
                  ) : (
                    <span className="muted" data-testid="no-plan">
                      No price plan
                    </span>
                  )}
                </td>
                <td
                  className="num"
                  data-testid="computed"
                  title={b.hasPlan ? exactValue('DOLLARS', b.computedCostMicros) : undefined}
                >
                  {b.hasPlan ? formatDollars(b.computedCostMicros) : '—'}
                </td>
                <td className="num" data-testid="reported">
                  {formatDollars(b.reportedCostMicros)}
                </td>
                {shown.map((r) => (
                  <td
                    key={r}
                    className="num"
                    data-resource={r}
                    data-value={costOf(b, r)}
                    title={priced(b, r) ? exactValue('DOLLARS', costOf(b, r)) : undefined}
                  >
                    {priced(b, r) ? formatDollars(costOf(b, r)) : '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All backends</th>
              <td />
              <td className="num" data-testid="computed-total">
                {formatDollars(report.computedTotalMicros)}
              </td>
              <td className="num" data-testid="reported-total">
                {formatDollars(report.reportedTotalMicros)}
              </td>
              {shown.map((r) => (
                <td key={r} />
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
