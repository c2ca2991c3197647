import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { Async, Field } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { type MicrosoftLinkStatus, microsoftErrorWords, shortTenant } from './microsoft-fns.ts';

export interface MicrosoftLinkCardProps {
  /** `?microsoft=` of the address the server came back to after linking (`linked`) */
  result?: string | null;
  /** `?microsoftError=` of that address after a failed link: a TS_ERR_* code */
  error?: string | null;
  /** the page (a path of this site) Microsoft's answer comes back to; the settings page by default */
  returnTo?: string;
}

/**
 * The signed-in person's Microsoft account: which one is linked (and unlinking it), or linking
 * one. Linking asks for the Tenantscope password again, then opens Microsoft's sign-in page in
 * this tab; the server links whatever Entra identity signs in there and sends the browser back to
 * `returnTo` with the result in the address (`result` / `error` here).
 */
export function MicrosoftLinkCard({
  result = null,
  error = null,
  returnTo = '/settings',
}: MicrosoftLinkCardProps) {
  const loaded = useApi<MicrosoftLinkStatus>('/api/me/microsoft');
  const back = microsoftErrorWords(error);
  return (
    <section className="card" aria-labelledby="microsoft-link-h">
      <h2 id="microsoft-link-h">Microsoft account</h2>
      {result === 'linked' && !back && (
        <p className="ok-note" role="status">
          Your Microsoft account is linked: “Sign in with Microsoft” now signs you in.
        </p>
      )}
      {back && (
        <p className="error-note" role="alert">
          {back}
        </p>
      )}
      <Async loaded={loaded} what="the Microsoft account">
        {(status) =>
          status.link ? (
            <Linked status={status} onChange={loaded.reload} />
          ) : (
            <NotLinked enabled={status.enabled} returnTo={returnTo} />
          )
        }
      </Async>
    </section>
  );
}

function Linked({ status, onChange }: { status: MicrosoftLinkStatus; onChange(): void }) {
  const link = status.link!;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const unlink = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await api('DELETE', '/api/me/microsoft');
      onChange();
    } catch (e) {
      setProblem(describeError(e));
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        Linked to <strong>{link.upn ?? 'a Microsoft account'}</strong>{' '}
        <span className="muted small" title={link.tenantId}>
          (tenant {shortTenant(link.tenantId)})
        </span>{' '}
        since {formatDate(link.linkedAt)}. Last used to sign in:{' '}
        {link.lastSignInAt ? formatDateTime(link.lastSignInAt) : 'never'}.
      </p>
      {status.secondFactorBlocksSignIn && (
        <p className="muted small">
          Two-step sign-in is on for your account, so Microsoft sign-in is refused: sign in with your password
          and code.
        </p>
      )}
      {!status.enabled && <p className="muted small">Sign in with Microsoft is turned off on this server.</p>}
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      {confirming ? (
        <div className="actions">
          <span>Unlink {link.upn ?? 'this account'}? Signing in with it stops at once.</span>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void unlink()}>
            {busy ? 'Unlinking…' : 'Unlink'}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="btn" onClick={() => setConfirming(true)}>
          Unlink…
        </button>
      )}
    </>
  );
}

function NotLinked({ enabled, returnTo }: { enabled: boolean; returnTo: string }) {
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!enabled)
    return <p className="muted">Sign in with Microsoft is not set up on this server; nothing to link.</p>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const started = await api<{ url: string }>('POST', '/api/me/microsoft', { password, next: returnTo });
      window.location.assign(started.url);
    } catch (e) {
      setProblem(describeError(e));
      setPassword('');
      setBusy(false);
    }
  };
  return (
    <>
      <p className="muted">
        Link your Microsoft work account to sign in with it. Only the account you link can sign in as you; its
        email address is never used to find you.
      </p>
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      {asking ? (
        <form onSubmit={(e) => void submit(e)}>
          <Field
            label="Your Tenantscope password"
            hint="Asked again because linking adds a way into your account."
          >
            {(id, hintId) => (
              <input
                id={id}
                type="password"
                autoComplete="current-password"
                required
                aria-describedby={hintId}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Opening Microsoft…' : 'Continue to Microsoft'}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn btn-primary" onClick={() => setAsking(true)}>
          Link your Microsoft account
        </button>
      )}
    </>
  );
}
