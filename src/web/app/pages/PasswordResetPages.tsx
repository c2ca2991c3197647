import { type FormEvent, useState } from 'react';
import { ApiError, api, describeError } from '../api.ts';
import { Link } from '../router.tsx';
import { Field } from '../ui.tsx';
import { PASSWORD_RULE, PASSWORD_RULE_WORDS, passwordProblem } from './account-fns.ts';

/**
 * Asking for a reset link. The server answers the same whether or not the email has an
 * account (so nobody can probe for accounts here), and the page says exactly that.
 */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ message: string }>('POST', '/api/password-reset', { email });
      setSent(answer.message);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Forgot your password?</h1>
      {sent ? (
        <>
          <p className="ok-note" role="status">
            {sent}
          </p>
          <p className="muted small">
            Nothing arrived? Check the spam folder, and that the email is the one you sign in with. You can
            ask again in a few minutes.
          </p>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'forgot-error' : undefined}>
          <p className="muted">
            We email you a link to choose a new password. It works once, for 30 minutes.
          </p>
          {error && (
            <p className="error-note" role="alert" id="forgot-error">
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
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Sending…' : 'Email me a link'}
          </button>
        </form>
      )}
      <p className="small">
        <Link href="/signin">Back to sign-in</Link>
      </p>
    </>
  );
}

/** Choosing a new password with the emailed link; a used or expired link says so, and where to ask again. */
export function ResetPasswordPage({ token, onDone }: { token: string; onDone(): void }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [deadLink, setDeadLink] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = passwordProblem(password, repeat);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await api('POST', '/api/password-reset/confirm', { token, password });
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TS_ERR_RESET_TOKEN_INVALID') setDeadLink(true);
      else setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  if (deadLink)
    return (
      <>
        <h1>This link does not work any more</h1>
        <p className="error-note" role="alert">
          A password reset link works once, for 30 minutes, and asking for a new one makes the older ones stop
          working. This one was used already or has expired.
        </p>
        <p>
          <Link href="/forgot-password" className="btn btn-primary">
            Ask for a new link
          </Link>
        </p>
      </>
    );
  return (
    <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'reset-error' : undefined}>
      <h1>Choose a new password</h1>
      <p className="muted">Choosing it signs your account out everywhere; then you sign in with it.</p>
      {error && (
        <p className="error-note" role="alert" id="reset-error">
          {error}
        </p>
      )}
      <NewPasswordFields
        password={password}
        repeat={repeat}
        setPassword={setPassword}
        setRepeat={setRepeat}
      />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? 'Saving…' : 'Save the new password'}
      </button>
    </form>
  );
}

/** A new password typed twice, with the rule beside it (the invitation asks for one too). */
export function NewPasswordFields(p: {
  password: string;
  repeat: string;
  setPassword(v: string): void;
  setRepeat(v: string): void;
}) {
  return (
    <>
      <Field label="New password" hint={PASSWORD_RULE_WORDS}>
        {(id, hintId) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            aria-describedby={hintId}
            required
            maxLength={PASSWORD_RULE.max}
            value={p.password}
            onChange={(e) => p.setPassword(e.target.value)}
          />
        )}
      </Field>
      <Field label="New password again">
        {(id) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            required
            maxLength={PASSWORD_RULE.max}
            value={p.repeat}
            onChange={(e) => p.setRepeat(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}
