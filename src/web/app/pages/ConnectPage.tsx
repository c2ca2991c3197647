import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import type { Permissions, Tenant } from '../types.ts';
import { Async, Field, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';

const CLOUDS = [
  ['global', 'Microsoft global (commercial)'],
  ['usgov', 'US Government (GCC)'],
  ['usgovhigh', 'US Government GCC High'],
  ['dod', 'US Government DoD'],
  ['china', 'Microsoft Azure operated by 21Vianet (China)'],
] as const;

/**
 * Two steps: first what Tenantscope will be allowed to read and why (from GET /api/permissions,
 * the dataset lists themselves), then the app registration that grants exactly that.
 */
export function ConnectPage() {
  const [step, setStep] = useState<1 | 2>(1);
  return (
    <>
      <PageHeader title="Connect a tenant" />
      <ol className="steps" aria-label="Steps">
        <li aria-current={step === 1 ? 'step' : undefined}>1. Read-only permissions</li>
        <li aria-current={step === 2 ? 'step' : undefined}>2. App registration</li>
      </ol>
      {step === 1 ? (
        <PermissionsStep onNext={() => setStep(2)} />
      ) : (
        <RegistrationStep onBack={() => setStep(1)} />
      )}
    </>
  );
}

function PermissionsStep({ onNext }: { onNext(): void }) {
  const loaded = useApi<Permissions>('/api/permissions');
  return (
    <section className="card" aria-labelledby="perm-h">
      <h2 id="perm-h">What Tenantscope reads, and why</h2>
      <p>
        Create an app registration in the tenant's Entra admin centre and grant it these{' '}
        <strong>application</strong> permissions, with admin consent. Every one is read-only: nothing here can
        change the tenant, and no mail, chat, file content or calendar is ever read.
      </p>
      <Async loaded={loaded} what="the permissions">
        {(p) => (
          <>
            <h3>Microsoft Graph (application permissions)</h3>
            <div className="table-wrap">
              <table className="table perm-table">
                <thead>
                  <tr>
                    <th scope="col">Permission</th>
                    <th scope="col">Why it is needed</th>
                  </tr>
                </thead>
                <tbody>
                  {p.graph.map((g) => (
                    <tr key={g.permission}>
                      <th scope="row" className="mono">
                        {g.permission}
                      </th>
                      <td>
                        <ul className="plain">
                          {g.usedFor.map((u) => (
                            <li key={u.dataset}>
                              <span className="mono small">{u.dataset}</span>: {u.why}
                              {u.licence && <span className="muted"> (needs Entra ID {u.licence})</span>}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {p.arm.length > 0 && (
              <>
                <h3>Azure (role on each subscription, optional)</h3>
                <ul>
                  {p.arm.map((a) => (
                    <li key={a.role}>
                      <strong>{a.role}</strong>: {a.usedFor.map((u) => u.why).join(' ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Async>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={onNext}>
          I have granted these — next
        </button>
      </div>
    </section>
  );
}

function RegistrationStep({ onBack }: { onBack(): void }) {
  const [form, setForm] = useState({
    tenantId: '',
    clientId: '',
    clientSecret: '',
    displayName: '',
    cloud: 'global',
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tenant = await api<Tenant>('POST', '/api/tenants', {
        tenantId: form.tenantId.trim(),
        clientId: form.clientId.trim(),
        clientSecret: form.clientSecret,
        cloud: form.cloud,
        ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
      });
      setForm((f) => ({ ...f, clientSecret: '' }));
      navigate(`/tenants/${tenant.id}/sync`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="reg-h">
      <h2 id="reg-h">The app registration</h2>
      <p className="muted">
        The secret is proved by signing in to Microsoft before anything is saved, then sealed in the vault. It
        is never shown again, logged or returned.
      </p>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <form className="stack-form narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Tenant id or primary domain" hint="Entra admin centre → Overview → Tenant ID.">
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              required
              value={form.tenantId}
              onChange={set('tenantId')}
            />
          )}
        </Field>
        <Field label="Application (client) id" hint="The app registration's Overview page.">
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              required
              value={form.clientId}
              onChange={set('clientId')}
              className="mono"
            />
          )}
        </Field>
        <Field label="Client secret" hint="Certificates and secrets → New client secret; paste its Value.">
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              type="password"
              autoComplete="off"
              required
              value={form.clientSecret}
              onChange={set('clientSecret')}
            />
          )}
        </Field>
        <Field label="Cloud">
          {(id) => (
            <select id={id} value={form.cloud} onChange={set('cloud')}>
              {CLOUDS.map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Display name (optional)" hint="Defaults to the tenant's name in Microsoft.">
          {(id, hint) => (
            <input id={id} aria-describedby={hint} value={form.displayName} onChange={set('displayName')} />
          )}
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onBack}>
            Back
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
          <Link href="/">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
