'use client';
import { useActionState } from 'react';
import { type RotateSecretState, rotateSecret } from '@/app/budgets/actions';
import styles from './budgets.module.css';

const EMPTY: RotateSecretState = { error: null, webhookSecret: null };

/**
 * A budget card's button that gives its webhook a new signing secret and shows it here, this once (it lives
 * only in this component's state: a reload shows it no more). The secret is read when an attempt is claimed,
 * so attempts started after the rotation, queued alerts included, are signed with the new one; an attempt
 * already under way may still carry the old one.
 * @example <RotateSecret budgetId={b.id} budgetName={b.name} />
 */
export function RotateSecret({ budgetId, budgetName }: { budgetId: string; budgetName: string }) {
  const [state, action, pending] = useActionState<RotateSecretState, FormData>(rotateSecret, EMPTY);
  return (
    <>
      <form
        action={action}
        onSubmit={(event) => {
          if (
            !window.confirm(
              `Replace the webhook secret of "${budgetName}"? Attempts started after this are signed with the new one.`,
            )
          )
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
            The new webhook signing secret, shown only this once: attempts started after the rotation, queued alerts
            too, are signed with it (one already under way may still carry the old one). For a day they carry the old
            secret's signature too: update the receiver within that day.
          </p>
          <code className={styles.secret}>{state.webhookSecret}</code>
        </div>
      ) : null}
    </>
  );
}
