'use client';
import type { Budget } from '@bytemeter/client';
import Link from 'next/link';
import { useActionState, useState } from 'react';
import { type BudgetFormState, saveBudget } from '@/app/budgets/actions';
import { SelectField } from '@/components/fields/select-field';
import styles from './budgets.module.css';
import { LIMIT_HINT, METRIC_LABEL } from './metric-names';

const UNITS: [string, number][] = [
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
];

/** A stored limit as the field shows it again: dollars for cost, the largest whole binary unit for bytes. */
function limitText(b: Budget): string {
  if (b.metric === 'COST') {
    const fraction = String(b.limit % 1_000_000)
      .padStart(6, '0')
      .replace(/0+$/, '');
    return `${Math.floor(b.limit / 1_000_000)}${fraction ? `.${fraction}` : ''}`;
  }
  if (b.metric === 'API_CALLS') return String(b.limit);
  const unit = UNITS.find(([, size]) => b.limit % size === 0);
  return unit ? `${b.limit / unit[1]}${unit[0]}` : String(b.limit);
}

const EMPTY: BudgetFormState = { error: null, saved: null, webhookSecret: null };

/**
 * Creates a budget, or edits `editing`. The server action checks and saves it; a webhook secret created by
 * the save is shown here once.
 * @example <BudgetForm backends={['photos']} editing={null} timeZone="UTC" />
 */
export function BudgetForm({
  backends,
  editing,
  timeZone,
}: {
  backends: readonly string[];
  editing: Budget | null;
  timeZone: string;
}) {
  const [state, action, pending] = useActionState<BudgetFormState, FormData>(saveBudget, EMPTY);
  const [metric, setMetric] = useState<Budget['metric']>(editing?.metric ?? 'COST');
  return (
    <section className="panel" aria-labelledby="budget-form-title" id="budget-form">
      <h2 id="budget-form-title">{editing ? `Edit “${editing.name}”` : 'New budget'}</h2>
      <form action={action} className={styles.form} aria-label={editing ? 'Edit budget' : 'New budget'}>
        {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
        <div className="field">
          <label htmlFor="budget-name">Name</label>
          <input id="budget-name" name="name" required maxLength={200} defaultValue={editing?.name ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="budget-metric">Limits</label>
          <select
            id="budget-metric"
            name="metric"
            value={metric}
            onChange={(e) => setMetric(e.target.value as Budget['metric'])}
          >
            {(Object.keys(METRIC_LABEL) as Budget['metric'][]).map((m) => (
              <option key={m} value={m}>
                {METRIC_LABEL[m]}
              </option>
            ))}
          </select>
        </div>
        <SelectField
          id="budget-backend"
          name="backend"
          label="Backend"
          all="All backends"
          choices={backends}
          value={editing?.backend ?? undefined}
        />
        <div className="field">
          <label htmlFor="budget-limit">Limit ({LIMIT_HINT[metric]})</label>
          <input
            id="budget-limit"
            name="limit"
            required
            inputMode="decimal"
            defaultValue={editing ? limitText(editing) : ''}
          />
        </div>
        <div className="field">
          <label htmlFor="budget-thresholds">Alert at (% of the limit)</label>
          <input
            id="budget-thresholds"
            name="thresholds"
            defaultValue={(editing?.thresholds ?? [50, 80, 100]).join(',')}
            pattern="\s*\d+\s*(,\s*\d+\s*)*"
          />
        </div>
        <div className="field">
          <label htmlFor="budget-timezone">Billing month zone</label>
          <input id="budget-timezone" name="timezone" defaultValue={editing?.timezone ?? timeZone} />
        </div>
        <div className="field">
          <label htmlFor="budget-webhook">Webhook URL (optional)</label>
          <input
            id="budget-webhook"
            name="webhookUrl"
            type="url"
            placeholder="https://…"
            defaultValue={editing?.webhookUrl ?? ''}
          />
        </div>
        <label className={styles.check}>
          <input
            type="checkbox"
            name="alertOnForecast"
            defaultChecked={editing?.alertOnForecast ?? true}
            disabled={metric === 'STORAGE_LEVEL'}
          />
          Also alert when the month-end forecast reaches 100%
        </label>
        <div className={styles.actions}>
          <button type="submit" disabled={pending}>
            {pending ? 'Saving…' : editing ? 'Save changes' : 'Add budget'}
          </button>
          {editing ? (
            <Link href="/budgets" className="button secondary" prefetch={false}>
              Cancel
            </Link>
          ) : null}
        </div>
      </form>
      {state.error ? (
        <p className="error" role="alert" data-testid="budget-form-error">
          {state.error}
        </p>
      ) : null}
      {state.saved ? (
        <p className={styles.ok} role="status" data-testid="budget-saved">
          Saved “{state.saved}”.
        </p>
      ) : null}
      {state.webhookSecret ? (
        <div className="panel" role="status" data-testid="webhook-secret">
          <p style={{ marginTop: 0 }}>
            The webhook signing secret, shown only this once: keep it to verify deliveries (Standard Webhooks).
          </p>
          <code className={styles.secret}>{state.webhookSecret}</code>
        </div>
      ) : null}
    </section>
  );
}
