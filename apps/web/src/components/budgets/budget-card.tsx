import type { Budget } from '@bytemeter/client';
import { formatBudgetAmount } from '@bytemeter/core';
import Link from 'next/link';
import { removeBudget } from '@/app/budgets/actions';
import { formatInstant } from '@/lib/format';
import { BudgetBar } from './budget-bar';
import styles from './budgets.module.css';
import { METRIC_LABEL } from './metric-names';
import { RotateSecret } from './rotate-secret';

/**
 * One budget: what it limits, the bar of the value now and (monthly budgets) of the month-end forecast, or
 * (quotas) the projected full date; edit, delete and (with a webhook) a new webhook secret.
 * @example <BudgetCard budget={b} timeZone="UTC" />
 */
export function BudgetCard({ budget: b, timeZone }: { budget: Budget; timeZone: string }) {
  const amount = (v: number) => formatBudgetAmount(b.metric, v);
  const quota = b.metric === 'STORAGE_LEVEL';
  return (
    <article
      className={`card ${styles.card}`}
      data-testid="budget"
      data-budget-id={b.id}
      aria-label={`Budget ${b.name}`}
    >
      <h3>{b.name}</h3>
      <p className={`${styles.meta} muted`} style={{ margin: 0 }}>
        {METRIC_LABEL[b.metric]} · {b.backend ?? 'all backends'} · limit {amount(b.limit)}
        {quota ? '' : ` per month (${b.timezone})`} · alerts at {b.thresholds.map((t) => `${t}%`).join(', ')}
        {b.alertOnForecast && !quota ? ' and on forecast' : ''}
        {b.webhookUrl ? ' · webhook' : ''}
      </p>
      <BudgetBar
        label={quota ? 'Stored now' : 'This month'}
        percent={b.percentUsed}
        valueText={`${amount(b.current)} of ${amount(b.limit)}`}
        thresholds={b.thresholds}
        kind={quota ? 'quota' : 'actual'}
        testId="budget-actual"
      />
      {b.forecast !== null && b.forecast !== undefined ? (
        <BudgetBar
          label="Forecast, month end"
          percent={(b.forecast / b.limit) * 100}
          valueText={`${amount(b.forecast)} of ${amount(b.limit)}`}
          thresholds={b.thresholds}
          kind="forecast"
          testId="budget-forecast"
        />
      ) : null}
      {quota ? (
        <p className={styles.meta} style={{ margin: 0 }} data-testid="budget-full-at">
          {b.projectedFullAt
            ? `Full by ${formatInstant(b.projectedFullAt, timeZone)} (${timeZone}) at the recent growth rate`
            : 'Not growing: no full date'}
        </p>
      ) : null}
      <div className={styles.actions}>
        <Link
          className="button secondary"
          href={`/budgets?edit=${encodeURIComponent(b.id)}#budget-form`}
          prefetch={false}
        >
          Edit
        </Link>
        <form action={removeBudget}>
          <input type="hidden" name="id" value={b.id} />
          <button type="submit" className="button secondary" aria-label={`Delete budget ${b.name}`}>
            Delete
          </button>
        </form>
        {b.webhookUrl ? <RotateSecret budgetId={b.id} budgetName={b.name} /> : null}
      </div>
    </article>
  );
}
