'use client';
import { useActionState } from 'react';
import { type RotateSecretState, rotateSecret } from '@/app/budgets/actions';
import styles from './budgets.module.css';

const EMPTY: RotateSecretState = { error: null, webhookSecret: null };

/**
 * A budget card's button that gives its webhook a new signing secret and shows it here, this once (it lives
 * only in this component's state: a reload shows it no more). Deliveries are signed when attempted, so
 * the old secret stops verifying at once, queued alerts included.
 * @example <RotateSecret budgetId={b.id} budgetName={b.name} />
 */
export function RotateSecret({ budgetId, budgetName }: { budgetId: string; budgetName: string }) {
  const [state, action, pending] = useActionState<RotateSecretState, FormData>(rotateSecret, EMPTY);
  return (
    <>
      <form
        action={action}
        onSubmit={(event) => {
          if (!window.confirm(`Replace the webhook secret of "${budgetName}"? The old one stops verifying at once.`))
            event.preventDefault();
        }}
      >
        <input type="hidden" name="id" value={budgetId} />
        <button
          type="submit"
          className="button secondary"
          disabled={pending}
          aria-label={`New webhook secret for budget ${budgetName}`}
        >
          New webhook secret
        </button>
      </form>
      {state.error ? (
        <p className="error" role="alert" data-testid="rotate-secret-error">
          {state.error}
        </p>
      ) : null}
      {state.webhookSecret ? (
        <div className={styles.rotated} role="status" data-testid="rotated-secret">
          <p style={{ marginTop: 0 }}>
            The new webhook signing secret, shown only this once: every delivery from now on, queued ones too, is signed
            with it. Update the receiver now.
          </p>
          <code className={styles.secret}>{state.webhookSecret}</code>
        </div>
      ) : null}
    </>
  );
}
