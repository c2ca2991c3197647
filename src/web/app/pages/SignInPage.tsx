import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, describeError } from '../api.ts';
import { Link, useLocation } from '../router.tsx';
import type { Me } from '../types.ts';
import { Field } from '../ui.tsx';
import { AppCodeInput } from './AppCodeInput.tsx';
import { type Factor, signInBody } from './account-fns.ts';
import { MicrosoftSignInButton } from './MicrosoftSignInButton.tsx';

/**
 * Email and password, then — when the account has two-step sign-in on — the code from the
 * authenticator app or a recovery code. The password stays in this component's state between
 * the two steps (never in storage), so nobody types it twice; errors say what happened.
 */
export function SignInPage({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [factor, setFactor] = useState<Factor>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const second = step === 'code' ? { factor, code } : null;
      onSignedIn(await api<Me>('POST', '/api/session', signInBody(email, password, second)));
    } catch (e) {
      // the right password, and the account asks for its second factor: not a failure
      if (e instanceof ApiError && e.code === 'TS_ERR_SECOND_FACTOR_REQUIRED') {
        setStep('code');
        return;
      }
      setError(describeError(e));
      if (step === 'code') setCode('');
      else setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const startOver = () => {
    setStep('password');
    setPassword('');
    setCode('');
    setError(null);
  };

  const next = search.get('next') ?? '';
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
        <h1>{step === 'code' ? 'Two-step sign-in' : 'Sign in'}</h1>
        {step === 'password' && (
          <Intro next={next} reset={search.get('reset') === 'done'} joined={search.has('joined')} />
        )}
        {error && (
          <p className="error-note" role="alert" id="signin-error">
            {error}
          </p>
        )}
        {step === 'password' ? (
          <PasswordStep email={email} password={password} setEmail={setEmail} setPassword={setPassword} />
        ) : (
          <CodeStep email={email} factor={factor} code={code} setFactor={setFactor} setCode={setCode} />
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : step === 'code' ? 'Verify and sign in' : 'Sign in'}
        </button>
        {step === 'code' ? (
          <p className="small">
            <button type="button" className="btn btn-quiet btn-link" onClick={startOver}>
              Sign in as someone else
            </button>
          </p>
        ) : (
          <>
            <p className="muted small">
              <Link href="/forgot-password">Forgot your password?</Link> Five failed attempts lock the account
              for a short while, longer each time.
            </p>
            <MicrosoftSignInButton next={search.get('next')} error={search.get('error')} />
          </>
        )}
      </form>
    </main>
  );
}

function Intro({ next, reset, joined }: { next: string; reset: boolean; joined: boolean }) {
  if (reset)
    return (
      <p className="ok-note" role="status">
        Your password is changed, and every session of your account was signed out. Sign in with the new
        password.
      </p>
    );
  if (joined)
    return (
      <p className="ok-note" role="status">
        Your account is ready and has joined the workspace. Sign in with it.
      </p>
    );
  if (next.startsWith('/invite/'))
    return <p className="muted">Sign in to the account the invitation was sent to, to accept it.</p>;
  return <p className="muted">Read-only reporting for your Microsoft 365 and Azure tenants.</p>;
}

function PasswordStep(p: {
  email: string;
  password: string;
  setEmail(v: string): void;
  setPassword(v: string): void;
}) {
  return (
    <>
      <Field label="Email">
        {(id) => (
          <input
            id={id}
            type="email"
            autoComplete="username"
            required
            value={p.email}
            onChange={(e) => p.setEmail(e.target.value)}
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
            value={p.password}
            onChange={(e) => p.setPassword(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}

/** The second step: the app's code by default, a recovery code on request; focus lands in the box. */
export function CodeStep(p: {
  email?: string;
  factor: Factor;
  code: string;
  setFactor(f: Factor): void;
  setCode(v: string): void;
}) {
  const input = useRef<HTMLInputElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of factor moves focus back to the box
  useEffect(() => input.current?.focus(), [p.factor]);
  const totp = p.factor === 'totp';
  const toggle = () => {
    p.setCode('');
    p.setFactor(totp ? 'recovery' : 'totp');
  };
  return (
    <>
      {p.email && (
        <p className="muted">
          Signing in as <strong>{p.email}</strong>.
        </p>
      )}
      <Field
        label={
          totp ? 'Enter the 6-digit code from your authenticator app' : 'Enter one of your recovery codes'
        }
        hint={
          totp ? 'The code changes every 30 seconds.' : 'Like abcde-fghij. Each recovery code works once.'
        }
      >
        {(id, hintId) =>
          totp ? (
            <AppCodeInput ref={input} id={id} hintId={hintId} value={p.code} onChange={p.setCode} />
          ) : (
            <input
              ref={input}
              id={id}
              aria-describedby={hintId}
              autoComplete="off"
              spellCheck={false}
              minLength={10}
              maxLength={20}
              required
              className="code-input"
              value={p.code}
              onChange={(e) => p.setCode(e.target.value)}
            />
          )
        }
      </Field>
      <p className="small">
        <button type="button" className="btn btn-quiet btn-link" onClick={toggle}>
          {totp ? 'Use a recovery code instead' : 'Use the code from the app instead'}
        </button>
      </p>
    </>
  );
}
