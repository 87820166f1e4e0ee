'use client';
import { useActionState } from 'react';
import { type LoginState, logIn } from './actions';

/** The token form; the token goes to this dashboard's server only, which keeps it and sets a session cookie. */
export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(logIn, { error: null });
  return (
    <form action={action} className="panel" style={{ maxWidth: '32rem' }} aria-labelledby="login-title">
      <h2 id="login-title">Log in</h2>
      <input type="hidden" name="next" value={next} />
      <p className="muted">This API requires a token. Paste a read-only token; the dashboard keeps it on its server.</p>
      <div className="field" style={{ marginBottom: '0.8rem' }}>
        <label htmlFor="token">API token (read scope)</label>
        <input id="token" name="token" type="password" autoComplete="off" required aria-describedby="token-help" />
        <span id="token-help" className="muted" style={{ fontWeight: 400 }}>
          Create one with <code>pnpm bytemeter token create --scopes read</code>.
        </span>
      </div>
      {state.error ? (
        <p className="error" role="alert" data-testid="login-error">
          {state.error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Log in'}
      </button>
    </form>
  );
}
