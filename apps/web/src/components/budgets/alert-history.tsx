import type { Budget, BudgetAlertRecord } from '@bytemeter/client';
import { formatBudgetAmount } from '@bytemeter/core';
import { formatInstant } from '@/lib/format';
import { deliveryText } from '@/lib/webhook-delivery';

/**
 * The alerts raised, newest first: when, which budget, what was crossed and by how much. Amounts are in the
 * budget's unit while it exists (an alert of a deleted budget keeps its plain numbers).
 * @example <AlertHistory alerts={alerts} budgets={budgets} timeZone="UTC" />
 */
export function AlertHistory({
  alerts,
  budgets,
  timeZone,
}: {
  alerts: readonly BudgetAlertRecord[];
  budgets: readonly Budget[];
  timeZone: string;
}) {
  if (alerts.length === 0) return <p className="muted">No alert raised yet.</p>;
  const metricOf = new Map(budgets.map((b) => [b.id, b.metric]));
  const amount = (a: BudgetAlertRecord, v: number) => {
    const metric = metricOf.get(a.budgetId);
    return metric ? formatBudgetAmount(metric, v) : String(v);
  };
  return (
    <div className="table-wrap">
      <table data-testid="alert-history">
        <thead>
          <tr>
            <th scope="col">Raised ({timeZone})</th>
            <th scope="col">Budget</th>
            <th scope="col">Alert</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              Limit
            </th>
            <th scope="col">Webhook</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-alert-id={a.id}>
              <td>{formatInstant(a.raisedAt, timeZone, true)}</td>
              <td>{a.budgetName}</td>
              <td>{a.kind === 'FORECAST' ? `Forecast reaches ${a.threshold}%` : `Crossed ${a.threshold}%`}</td>
              <td className="num">{amount(a, a.value)}</td>
              <td className="num">{amount(a, a.limit)}</td>
              <td data-col="webhook">{deliveryText(a.webhookAttempts)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
