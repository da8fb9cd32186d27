'use client';
import { useActionState } from 'react';
import { signInAction, type SignInState } from '../../lib/actions/session.actions';

export function SignInForm({ next, expired }: { next?: string; expired: boolean }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} noValidate>
      {expired && !state.error ? (
        <div className="alert warn" role="status">
          <p>Your session has ended. Sign in again.</p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required autoFocus aria-invalid={state.error ? true : undefined} aria-describedby="token-help token-error" />
        <p className="help" id="token-help">
          The token printed by <code>npm start</code> (or set as <code>TRIBUTARY_API_TOKEN</code>). It stays in an httpOnly cookie of this browser.
        </p>
        {state.error ? (
          <p className="error" id="token-error" role="alert">
            {state.error}
          </p>
        ) : null}
      </div>
      <input type="hidden" name="next" value={next ?? ''} />
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
