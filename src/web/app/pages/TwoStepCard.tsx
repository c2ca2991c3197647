import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api.ts';
import { countOf, plural } from '../format.ts';
import { QrCode } from '../qr/QrCode.tsx';
import { useSession } from '../session.tsx';
import { Async, Badge, Field, Notice } from '../ui.tsx';
import type { Loaded } from '../use-api.ts';
import { AppCodeInput } from './AppCodeInput.tsx';
import { type Factor, groupSecret, recoveryCodesText, secondFactorBody } from './account-fns.ts';
import { CodeStep } from './SignInPage.tsx';

/** `GET /api/me/totp`, read once by the account page for this card and the password form */
export interface TwoStepStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}
interface Enrolment {
  secret: string;
  otpauthUri: string;
}

/** Below this many recovery codes the page suggests making new ones. */
const FEW_CODES = 3;

/**
 * Two-step sign-in for the signed-in person: enrol an authenticator app (the secret is shown
 * once, as a QR code and as text), confirm it with a code, keep the recovery codes (shown once),
 * see how many are left, make ten new ones with a code, and turn it off with a code.
 */
export function TwoStepCard({ status }: { status: Loaded<TwoStepStatus> }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<{ codes: string[]; lead: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setEnrolment(await api<Enrolment>('POST', '/api/me/totp'));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  let body: ReactNode;
  if (codes)
    body = (
      <RecoveryCodes
        codes={codes.codes}
        lead={codes.lead}
        onDone={() => {
          setCodes(null);
          status.reload();
        }}
      />
    );
  else if (enrolment)
    body = (
      <Enrol
        enrolment={enrolment}
        onConfirmed={(made) => {
          setEnrolment(null);
          setCodes({ codes: made, lead: 'Two-step sign-in is on.' });
        }}
        onCancel={() => setEnrolment(null)}
      />
    );
  else
    body = (
      <Async loaded={status} what="two-step sign-in">
        {(s) =>
          s.enabled ? (
            <TurnedOn
              left={s.recoveryCodesLeft}
              onNewCodes={(made) =>
                setCodes({
                  codes: made,
                  lead: 'New recovery codes are made: the earlier ones no longer work.',
                })
              }
              onTurnedOff={() => {
                setNote('Two-step sign-in is off: signing in needs only your password again.');
                status.reload();
              }}
            />
          ) : (
            <>
              <p>
                <Badge tone="muted">off</Badge> Signing in needs only your password. With two-step sign-in, it
                also needs a code from an authenticator app on your phone (Microsoft Authenticator, Google
                Authenticator, 1Password, …).
              </p>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void start()}>
                {busy ? 'Starting…' : 'Set up two-step sign-in'}
              </button>
            </>
          )
        }
      </Async>
    );

  return (
    <section className="card" aria-labelledby="two-step-h">
      <h2 id="two-step-h">Two-step sign-in</h2>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p className="ok-note" role="status">
          {note}
        </p>
      )}
      {body}
    </section>
  );
}

function Enrol({
  enrolment,
  onConfirmed,
  onCancel,
}: {
  enrolment: Enrolment;
  onConfirmed(codes: string[]): void;
  onCancel(): void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await api<{ recoveryCodes: string[] }>('POST', '/api/me/totp/confirm', {
        code: code.replace(/\s/g, ''),
      });
      onConfirmed(made.recoveryCodes);
    } catch (e) {
      setError(describeError(e));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void confirm(e)} className="enrol">
      <ol className="steps">
        <li>
          <p>Scan this QR code with your authenticator app:</p>
          <QrCode text={enrolment.otpauthUri} label="QR code of the two-step sign-in key" />
          <p className="small">
            No camera? Type this key into the app instead (a time-based key):
            <br />
            <code className="secret" id="totp-secret">
              {groupSecret(enrolment.secret)}
            </code>
            <br />
            <a href={enrolment.otpauthUri}>Open in an authenticator app on this device</a>
          </p>
        </li>
        <li>
          {error && (
            <p className="error-note" role="alert">
              {error}
            </p>
          )}
          <Field label="Code from the app" hint="Six digits; the app shows a new one every 30 seconds.">
            {(id, hintId) => <AppCodeInput id={id} hintId={hintId} value={code} onChange={setCode} />}
          </Field>
        </li>
      </ol>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Turn on two-step sign-in'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The recovery codes, once: copy them, download them, then say they are kept. */
function RecoveryCodes({ codes, lead, onDone }: { codes: string[]; lead: string; onDone(): void }) {
  const { me } = useSession();
  const [copied, setCopied] = useState<{ ok: boolean; text: string } | null>(null);
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    const blob = new Blob([recoveryCodesText(me.person.email, codes, new Date())], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [codes, me.person.email]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied({ ok: true, text: 'Copied.' });
    } catch {
      setCopied({
        ok: false,
        text: 'This browser did not allow copying: select the codes, or download them.',
      });
    }
  };
  return (
    <>
      <p className="ok-note" role="status">
        {lead}
      </p>
      <p>
        <strong>Keep these recovery codes somewhere safe.</strong> Each one signs you in once without your
        phone. They are shown only now.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          Copy
        </button>
        {href && (
          <a className="btn" href={href} download="tenantscope-recovery-codes.txt">
            Download as text
          </a>
        )}
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
      <Notice note={copied} />
    </>
  );
}

function TurnedOn({
  left,
  onNewCodes,
  onTurnedOff,
}: {
  left: number;
  onNewCodes(codes: string[]): void;
  onTurnedOff(): void;
}) {
  const [open, setOpen] = useState<'off' | 'renew' | null>(null);
  return (
    <>
      <p>
        <Badge tone="ok">on</Badge> Signing in asks for a code from your authenticator app.{' '}
        <span className="recovery-left">
          {countOf(left, 'recovery code', 'recovery codes')} {plural(left, 'is', 'are')} left.
        </span>
      </p>
      {left <= FEW_CODES && open !== 'renew' && (
        <p className={left === 0 ? 'error-note' : 'warn-note'}>
          {left === 0 ? 'No recovery code is left.' : 'Few recovery codes are left.'} Make ten new ones with
          “New recovery codes”.
        </p>
      )}
      {open === 'renew' && <RenewCodes onMade={onNewCodes} onCancel={() => setOpen(null)} />}
      {open === 'off' && <TurnOff onTurnedOff={onTurnedOff} onCancel={() => setOpen(null)} />}
      {open === null && (
        <div className="actions">
          <button type="button" className="btn" onClick={() => setOpen('renew')}>
            New recovery codes…
          </button>
          <button type="button" className="btn" onClick={() => setOpen('off')}>
            Turn off…
          </button>
        </div>
      )}
    </>
  );
}

/** Ten new recovery codes with a current code from the app; the old ones stop working. */
function RenewCodes({ onMade, onCancel }: { onMade(codes: string[]): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const renew = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await api<{ recoveryCodes: string[] }>('POST', '/api/me/totp/recovery-codes', {
        totpCode: code.replace(/\s/g, ''),
      });
      onMade(made.recoveryCodes);
    } catch (e) {
      setError(describeError(e));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void renew(e)}>
      <p>Ten new recovery codes replace every earlier one, used or not. Two-step sign-in stays on.</p>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <Field
        label="Code from the app"
        hint="Six digits from your authenticator app (a recovery code does not work here)."
      >
        {(id, hintId) => <AppCodeInput ref={input} id={id} hintId={hintId} value={code} onChange={setCode} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Making codes…' : 'Make new recovery codes'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TurnOff({ onTurnedOff, onCancel }: { onTurnedOff(): void; onCancel(): void }) {
  const [factor, setFactor] = useState<Factor>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const turnOff = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('DELETE', '/api/me/totp', secondFactorBody({ factor, code }));
      onTurnedOff();
    } catch (e) {
      setError(describeError(e));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void turnOff(e)}>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <CodeStep factor={factor} code={code} setFactor={setFactor} setCode={setCode} />
      <div className="actions">
        <button type="submit" className="btn btn-danger" disabled={busy}>
          {busy ? 'Turning off…' : 'Turn off two-step sign-in'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Keep it on
        </button>
      </div>
    </form>
  );
}
