import { type FormEvent, useState } from 'react';
import { ApiError, api, describeError } from '../api.ts';
import { useSession } from '../session.tsx';
import type { Me } from '../types.ts';
import { Field } from '../ui.tsx';
import type { Loaded } from '../use-api.ts';
import {
  type PasswordChangeForm,
  passwordChangeBody,
  passwordChangedWords,
  passwordChangeProblem,
} from './account-fns.ts';
import { NewPasswordFields } from './PasswordResetPages.tsx';

const EMPTY: PasswordChangeForm = { current: '', next: '', repeat: '', code: '' };

/**
 * Change the password while signed in: the current one, the new one twice, and a code while
 * two-step sign-in is on. The server ends every other session and gives this one a new cookie
 * (and CSRF token, read again from /api/me). The passwords leave the page's state once sent.
 */
export function ChangePasswordCard({
  totp,
  onChanged,
}: {
  /** two-step sign-in's state, shared with its card: turned on there, the code is asked here */
  totp: Loaded<{ enabled: boolean }>;
  onChanged(): void;
}) {
  const session = useSession();
  const needsCode = totp.data?.enabled ?? false;
  const [form, setForm] = useState<PasswordChangeForm>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof PasswordChangeForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const problem = passwordChangeProblem(form, needsCode);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const changed = await api<{ otherSessionsEnded: number }>(
        'POST',
        '/api/me/password',
        passwordChangeBody(form, needsCode),
      );
      setForm(EMPTY);
      // the session goes on under a new cookie: its CSRF token is new too
      session.update(await api<Me>('GET', '/api/me'));
      setDone(passwordChangedWords(changed.otherSessionsEnded));
      onChanged();
    } catch (e) {
      // two-step sign-in was turned on elsewhere since the page loaded: ask for the code now
      if (e instanceof ApiError && e.code === 'TS_ERR_SECOND_FACTOR_REQUIRED') totp.reload();
      setError(describeError(e));
      setForm((f) => ({ ...f, code: '' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error && (
          <p className="error-note" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="ok-note" role="status">
            {done}
          </p>
        )}
        <Field label="Current password">
          {(id) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              value={form.current}
              onChange={set('current')}
            />
          )}
        </Field>
        <NewPasswordFields
          password={form.next}
          repeat={form.repeat}
          setPassword={(next) => setForm((f) => ({ ...f, next }))}
          setRepeat={(repeat) => setForm((f) => ({ ...f, repeat }))}
        />
        {needsCode && (
          <Field
            label="Code from your authenticator app"
            hint="Two-step sign-in is on: six digits from the app, or one of your recovery codes."
          >
            {(id, hintId) => (
              <input
                id={id}
                aria-describedby={hintId}
                autoComplete="one-time-code"
                className="code-input"
                maxLength={20}
                value={form.code}
                onChange={set('code')}
              />
            )}
          </Field>
        )}
        <p className="muted small">
          Every other device signed in to your account is signed out; this one stays signed in.
        </p>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
