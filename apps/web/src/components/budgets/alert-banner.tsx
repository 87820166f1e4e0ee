'use client';
import { type BudgetAlert, BudgetAlertRaisedSubscription } from '@bytemeter/client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useSubscription } from 'urql';
import styles from './budgets.module.css';

/** Alerts kept on screen at once; older ones are in the history on /budgets. */
const KEEP = 3;

/**
 * A banner for every budget alert raised while a page is open, on every page (it lives in the layout, so it
 * survives navigation): the budgetAlertRaised subscription, over SSE through /api/graphql. Each can be
 * dismissed; on /budgets the page's bars and history also refresh.
 * @example <BytemeterUrqlProvider><AlertBanner /></BytemeterUrqlProvider>
 */
export function AlertBanner() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [result] = useSubscription(
    { query: BudgetAlertRaisedSubscription, pause: !mounted },
    (alerts: BudgetAlert[] = [], data) => [data.budgetAlertRaised, ...alerts].slice(0, 20),
  );
  const alerts = (result.data ?? []).filter((a) => !dismissed.has(a.id)).slice(0, KEEP);
  const newest = result.data?.[0]?.id;
  const router = useRouter();
  const path = usePathname();
  useEffect(() => {
    if (newest !== undefined && path === '/budgets') router.refresh();
  }, [newest, path, router]);
  if (alerts.length === 0) return null;
  return (
    <div className={styles.banner} role="alert" aria-live="assertive" data-testid="alert-banner">
      {alerts.map((a) => (
        <div key={a.id} className={styles.alert} data-over={a.threshold >= 100} data-alert-id={a.id}>
          <span>
            <strong>Budget “{a.budgetName}”</strong>{' '}
            {a.kind === 'FORECAST'
              ? `is forecast to reach ${a.threshold}% of its limit this month.`
              : `crossed ${a.threshold}% of its limit.`}{' '}
            <Link href="/budgets" prefetch={false}>
              Budgets →
            </Link>
          </span>
          <button
            type="button"
            className="button secondary"
            aria-label={`Dismiss the alert of ${a.budgetName}`}
            onClick={() => setDismissed((d) => new Set(d).add(a.id))}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
