import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import type { Me } from '../types.ts';
import { Field } from '../ui.tsx';

/** Email and password; errors say what happened (wrong password, locked for how long). */
export function SignInPage({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Me>('POST', '/api/session', { email, password }));
    } catch (e) {
      setError(describeError(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form
        className="card signin-card"
        onSubmit={(e) => void submit(e)}
        aria-describedby={error ? 'signin-error' : undefined}
      >
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Tenantscope
        </div>
        <h1>Sign in</h1>
        <p className="muted">Read-only reporting for your Microsoft 365 and Azure tenants.</p>
        {error && (
          <p className="error-note" role="alert" id="signin-error">
            {error}
          </p>
        )}
        <Field label="Email">
          {(id) => (
            <input
              id={id}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(id) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Five failed attempts lock the account for a short while, longer each time. Forgot your password? Ask
          a workspace owner (reset by email is not built yet).
        </p>
      </form>
    </main>
  );
}
