import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, describeError } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { useOptionalSession } from '../session.tsx';
import type { Me, Role } from '../types.ts';
import { Field, Loading } from '../ui.tsx';
import { passwordProblem, signInBody, signInThenBackTo } from './account-fns.ts';
import { NewPasswordFields } from './PasswordResetPages.tsx';

interface Accepted {
  person: { id: string; email: string; displayName: string | null };
  workspace: { id: string; slug: string; name: string };
  role: Role;
  newAccount: boolean;
}

/**
 * What the page knows about the invitation. The API has no read of an invitation by its link,
 * so the page asks `accept` without a password: that changes nothing and answers which case
 * this is — a new email (choose a password), an email with an account (sign in as it), or a
 * link that no longer works. A signed-in person accepts with a button instead, since for them
 * the same request would accept at once.
 */
type Stage = 'checking' | 'confirm' | 'new' | 'existing' | 'other-account' | 'invalid' | 'unknown';

const INVALID = 'TS_ERR_INVITATION_INVALID';
const SIGN_IN_REQUIRED = 'TS_ERR_INVITATION_SIGN_IN_REQUIRED';
/** the answer to a request without a password when the email has no account yet */
const NEEDS_PASSWORD = 'TS_ERR_PASSWORD_POLICY';

export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn(me: Me): void }) {
  const session = useOptionalSession();
  const [stage, setStage] = useState<Stage>(session ? 'confirm' : 'checking');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Joined: work in the invited workspace, then open it. */
  const land = async (accepted: Accepted, signedIn: Me | null) => {
    const me =
      signedIn ?? (await api<Me>('PUT', '/api/session/workspace', { workspaceId: accepted.workspace.id }));
    onSignedIn(me);
    navigate('/', { replace: true });
  };

  /** An error answer says which case this is; anything else is shown in words where it happened. */
  const answer = (e: unknown, asked: 'probe' | 'accept') => {
    const code = e instanceof ApiError ? e.code : '';
    setError(null);
    if (code === INVALID) setStage('invalid');
    else if (code === SIGN_IN_REQUIRED) setStage(session ? 'other-account' : 'existing');
    else if (code === NEEDS_PASSWORD && asked === 'probe') setStage('new');
    else {
      setError(describeError(e));
      if (stage === 'checking') setStage('unknown');
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: one look per link, before any choice
  useEffect(() => {
    if (session) return;
    api<Accepted>('POST', '/api/invitations/accept', { token }).then(
      // cannot happen without a password or a session; were it to, the person has joined: sign in
      () => navigate('/signin', { replace: true }),
      (e: unknown) => answer(e, 'probe'),
    );
  }, [token]);

  const acceptAsMe = async () => {
    setBusy(true);
    setError(null);
    try {
      await land(await api<Accepted>('POST', '/api/invitations/accept', { token }), null);
    } catch (e) {
      answer(e, 'probe');
    } finally {
      setBusy(false);
    }
  };

  if (stage === 'checking') return <Loading what="the invitation" />;
  if (stage === 'invalid') return <InvalidInvitation />;
  return (
    <>
      <h1>Accept your invitation</h1>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      {stage === 'confirm' && session && (
        <>
          <p>
            You are signed in as <strong>{session.me.person.email}</strong>. Accepting adds this account to
            the workspace you were invited to.
          </p>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void acceptAsMe()}>
            {busy ? 'Accepting…' : 'Accept the invitation'}
          </button>
        </>
      )}
      {stage === 'other-account' && session && (
        <>
          <p>
            This invitation is for another account than yours (<strong>{session.me.person.email}</strong>).
            Sign out, then sign in as the person it was sent to.
          </p>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void session.signOut(`/invite/${token}`)}
          >
            Sign out and sign in as the invited person
          </button>
        </>
      )}
      {stage === 'existing' && (
        <>
          <p>This email already has a Tenantscope account. Sign in as it, then accept the invitation.</p>
          <Link href={signInThenBackTo(`/invite/${token}`)} className="btn btn-primary">
            Sign in to accept
          </Link>
        </>
      )}
      {stage === 'unknown' && (
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Try again
        </button>
      )}
      {stage === 'new' && session && (
        <p>
          This invitation is for an email address that has no Tenantscope account yet, not for{' '}
          <strong>{session.me.person.email}</strong>. Make that account here (you are then signed in as it),
          or ask the owner to invite the address you use.
        </p>
      )}
      {stage === 'new' && (
        <NewAccountForm token={token} onAccepted={land} onError={(e) => answer(e, 'accept')} />
      )}
    </>
  );
}

function InvalidInvitation() {
  return (
    <>
      <h1>This invitation does not work any more</h1>
      <p className="error-note" role="alert">
        An invitation link works once, for 7 days, until the workspace owner revokes or replaces it. This one
        was used already, has expired, or was revoked.
      </p>
      <p>Ask the workspace owner who invited you for a new invitation.</p>
      <p className="small">
        <Link href="/signin">Go to sign-in</Link>
      </p>
    </>
  );
}

/** A new email: a name and a password make the account; then the page signs in with them. */
function NewAccountForm(p: {
  token: string;
  onAccepted(accepted: Accepted, me: Me): Promise<void>;
  onError(e: unknown): void;
}) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = passwordProblem(password, repeat);
    setProblem(wrong);
    if (wrong) return;
    setBusy(true);
    let accepted: Accepted;
    try {
      accepted = await api<Accepted>('POST', '/api/invitations/accept', {
        token: p.token,
        password,
        ...(name.trim() ? { displayName: name.trim() } : {}),
      });
    } catch (e) {
      setBusy(false);
      return p.onError(e);
    }
    try {
      const body = signInBody(accepted.person.email, password, null, accepted.workspace.id);
      await p.onAccepted(accepted, await api<Me>('POST', '/api/session', body));
    } catch {
      // the account exists and the link is used up: signing in by hand is what is left
      navigate('/signin?joined=1', { replace: true });
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)}>
      <p className="muted">You are new to Tenantscope: choose your name and a password for your account.</p>
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      <Field label="Your name" hint="As your colleagues will see it. Optional.">
        {(id, hintId) => (
          <input
            id={id}
            autoComplete="name"
            aria-describedby={hintId}
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <NewPasswordFields
        password={password}
        repeat={repeat}
        setPassword={setPassword}
        setRepeat={setRepeat}
      />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? 'Joining…' : 'Create my account and join'}
      </button>
    </form>
  );
}
