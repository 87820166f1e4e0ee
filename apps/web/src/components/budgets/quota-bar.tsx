import type { Budget } from '@bytemeter/client';
import { formatBudgetAmount } from '@bytemeter/core';
import Link from 'next/link';
import { formatInstant } from '@/lib/format';
import { BudgetBar } from './budget-bar';

/**
 * A backend page's storage quotas (STORAGE_LEVEL budgets of that backend): the level against the limit and
 * the date it fills at the recent growth rate. Nothing when the backend has no quota.
 * @example <QuotaBars budgets={budgets.filter((b) => b.backend === name)} timeZone="UTC" />
 */
export function QuotaBars({ budgets, timeZone }: { budgets: readonly Budget[]; timeZone: string }) {
  const quotas = budgets.filter((b) => b.metric === 'STORAGE_LEVEL');
  if (quotas.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="quota-title" data-testid="quota">
      <h2 id="quota-title">Storage quota</h2>
      {quotas.map((b) => (
        <div key={b.id} style={{ marginBottom: '0.6rem' }}>
          <BudgetBar
            label={b.name}
            percent={b.percentUsed}
            valueText={`${formatBudgetAmount(b.metric, b.current)} of ${formatBudgetAmount(b.metric, b.limit)}`}
            thresholds={b.thresholds}
            kind="quota"
            testId="quota-bar"
          />
          <p className="muted" style={{ margin: '0.2rem 0 0' }} data-testid="quota-full-at">
            {b.projectedFullAt
              ? `Projected full: ${formatInstant(b.projectedFullAt, timeZone)} (${timeZone}), at the recent growth rate.`
              : 'Not growing: no projected full date.'}
          </p>
        </div>
      ))}
      <p className="muted" style={{ margin: 0 }}>
        <Link href="/budgets">Budgets →</Link>
      </p>
    </section>
  );
}
