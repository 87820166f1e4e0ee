import type { Metadata } from 'next';
import { ApiDown } from '@/components/api-down';
import { AutoRefresh } from '@/components/auto-refresh';
import { AlertHistory } from '@/components/budgets/alert-history';
import { BudgetCard } from '@/components/budgets/budget-card';
import { BudgetForm } from '@/components/budgets/budget-form';
import styles from '@/components/budgets/budgets.module.css';
import { getBudgetAlerts, getBudgets } from '@/lib/server/budgets';
import { getBackendStatus, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import { writeProblem } from './write-problems';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Budgets' };

/** Alerts the history shows. */
const HISTORY = 50;

export default async function BudgetsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const timezone = await chosenZone(first(params.tz));
  const data = await loadOrDown(() => Promise.all([getBudgets(), getBudgetAlerts(HISTORY), getBackendStatus()]));
  if ('down' in data) {
    return (
      <>
        <h1>Budgets</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [budgets, alerts, statuses] = data.value;
  const editId = first(params.edit);
  const problem = writeProblem(first(params.problem));
  const editing = budgets.find((b) => b.id === editId) ?? null;
  return (
    <>
      <h1>Budgets</h1>
      {/* Values move with traffic; a new alert refreshes at once (the banner). */}
      <AutoRefresh everyMs={10_000} />
      {problem ? (
        <p className="error" role="alert" data-testid="budget-problem">
          {problem}
        </p>
      ) : null}
      {budgets.length === 0 ? (
        <p className="muted" data-testid="no-budgets">
          No budget yet. A budget limits a month&apos;s computed cost, upload, download or API calls, or the storage
          level, of one backend or all; alerts arrive here, live on every page, and at a webhook.
        </p>
      ) : (
        <div className={styles.list} data-testid="budgets">
          {budgets.map((b) => (
            <BudgetCard key={b.id} budget={b} timeZone={timezone} />
          ))}
        </div>
      )}
      <BudgetForm
        key={editing?.id ?? 'new'}
        backends={statuses.map((s) => s.backend)}
        editing={editing}
        timeZone={timezone}
      />
      <section className="panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alert history</h2>
        <AlertHistory alerts={alerts} budgets={budgets} timeZone={timezone} />
      </section>
    </>
  );
}
