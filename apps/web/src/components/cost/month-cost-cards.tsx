import Link from 'next/link';
import { formatDollars } from '@/lib/format';
import type { CostReport } from '@/lib/types';

/**
 * This month's computed cost (from the price plans) and its month-end forecast, as overview cards that
 * lead to the Cost page. The forecast's method is its tooltip; the Cost page states it in full.
 */
export function MonthCostCards({ report }: { report: CostReport }) {
  const priced = report.backends.some((b) => b.hasPlan);
  return (
    <dl className="cards" data-testid="month-cost">
      <div className="card">
        <dt>Computed cost this month</dt>
        <dd data-testid="month-computed" data-value={report.computedTotalMicros}>
          {formatDollars(report.computedTotalMicros)}
        </dd>
        <dd className="change muted">
          <Link href="/cost" prefetch={false}>
            {priced ? 'By backend and day →' : 'No price plan yet: set one →'}
          </Link>
        </dd>
      </div>
      <div className="card">
        <dt>Month-end forecast</dt>
        <dd data-testid="month-forecast" data-value={report.forecast.monthEndMicros} title={report.forecast.method}>
          {formatDollars(report.forecast.monthEndMicros)}
        </dd>
        <dd className="change muted">from the recent daily rate</dd>
      </div>
    </dl>
  );
}
