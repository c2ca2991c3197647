import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import { countOf, formatDate, formatDateTime, formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import type { EvidenceItem, FindingDetail, Tenant } from '../types.ts';
import { Async, Badge, Field, NotFoundOr } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { STATE_TONE } from './PostureTab.tsx';
import { areaLabel, defaultExpiry, endOfLocalDay } from './posture-fns.ts';

export function FindingDetailView({ tenant, checkId }: { tenant: Tenant; checkId: string }) {
  const url = `/api/tenants/${tenant.id}/findings/${encodeURIComponent(checkId)}`;
  const loaded = useApi<FindingDetail>(url);
  return (
    <>
      <p>
        <Link href={`/tenants/${tenant.id}/posture`}>← All findings</Link>
      </p>
      <NotFoundOr loaded={loaded} what="finding for this check">
        <Async loaded={loaded} what="the finding">
          {(detail) => <Detail detail={detail} url={url} onChanged={loaded.reload} />}
        </Async>
      </NotFoundOr>
    </>
  );
}

function Detail({ detail, url, onChanged }: { detail: FindingDetail; url: string; onChanged(): void }) {
  const { finding: f, check, history } = detail;
  const { role } = useSession();
  return (
    <article className="grid-2 finding-detail" aria-labelledby="finding-h">
      <section className="card span-2">
        <h2 id="finding-h">{f.title}</h2>
        <p className="finding-meta">
          <Badge tone={`sev-${f.severity}`}>{f.severity}</Badge>{' '}
          <Badge tone={STATE_TONE[f.state] ?? 'muted'}>{f.state}</Badge>{' '}
          <span className="muted">
            {areaLabel(f.area)} · <span className="mono">{f.checkId}</span> · first seen{' '}
            {formatDate(f.firstSeenAt)} · last evaluated {formatDateTime(f.evaluatedCollectedAt)}
          </span>
        </p>
        <p>{f.summary}</p>
        {f.reason && <p className="muted">{f.reason}</p>}
      </section>
      <section className="card" aria-labelledby="why-h">
        <h3 id="why-h">Why it matters</h3>
        <p>{check.rationale}</p>
        <h3>How to fix it</h3>
        <p>{check.remediation.portal}</p>
        {check.remediation.automation && <pre className="code">{check.remediation.automation}</pre>}
        {check.references.length > 0 && (
          <>
            <h3>References</h3>
            <ul>
              {check.references.map((r) => (
                <li key={r}>
                  {/^https:\/\//.test(r) ? (
                    <a href={r} rel="noreferrer noopener" target="_blank">
                      {r}
                    </a>
                  ) : (
                    r
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        <Frameworks frameworks={check.frameworks} />
      </section>
      <section className="card" aria-labelledby="decision-h">
        <h3 id="decision-h">Decision</h3>
        {f.acceptance && !f.acceptance.expired ? (
          <p>
            Accepted until <strong>{formatDate(f.acceptance.expiresAt)}</strong>: “{f.acceptance.reason}”
          </p>
        ) : f.acceptance?.expired ? (
          <p className="muted">An acceptance expired on {formatDate(f.acceptance.expiresAt)}.</p>
        ) : (
          <p className="muted">Not accepted.</p>
        )}
        {can(role, 'admin') ? (
          <AcceptForm
            url={url}
            accepted={!!f.acceptance && !f.acceptance.expired}
            canAccept={f.state === 'fail' || f.state === 'accepted'}
            onChanged={onChanged}
          />
        ) : (
          <p className="muted small">Accepting a finding needs the admin role.</p>
        )}
        <h3>History</h3>
        <ul className="history">
          {history.changes.map((c) => (
            <li key={`${c.collectedAt}-${c.to}`}>
              {formatDateTime(c.collectedAt)}: {c.from ?? 'new'} → {c.to}
            </li>
          ))}
          {history.acceptances.map((a) => (
            <li key={a.id}>
              {formatDateTime(a.acceptedAt)}: accepted until {formatDate(a.expiresAt)} (“{a.reason}”)
              {a.revokedAt && <>, revoked {formatDateTime(a.revokedAt)}</>}
            </li>
          ))}
        </ul>
      </section>
      <section className="card span-2" aria-labelledby="evidence-h">
        <h3 id="evidence-h">
          Evidence{' '}
          <span className="muted small">
            ({countOf(f.evidence.total, 'item', 'items')}
            {f.evidence.total > f.evidence.items.length
              ? `, ${formatNumber(f.evidence.items.length)} shown`
              : ''}
            )
          </span>
        </h3>
        <EvidenceTable items={f.evidence.items} />
      </section>
    </article>
  );
}

function Frameworks({ frameworks }: { frameworks: Record<string, string[]> }) {
  const entries = Object.entries(frameworks).filter(([, ids]) => ids.length > 0);
  if (entries.length === 0) return null;
  return (
    <>
      <h3>Frameworks</h3>
      <ul className="chips">
        {entries.flatMap(([name, ids]) =>
          ids.map((id) => (
            <li key={`${name}-${id}`} className="chip">
              {name.toUpperCase()} {id}
            </li>
          )),
        )}
      </ul>
    </>
  );
}

function EvidenceTable({ items }: { items: EvidenceItem[] }) {
  if (items.length === 0)
    return <p className="muted">The check names no objects: the finding is about a tenant-wide setting.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Object</th>
            <th scope="col">Type</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.type}-${item.id}`}>
              <th scope="row">
                {item.name ?? item.id}
                {item.name && <div className="muted small mono">{item.id}</div>}
              </th>
              <td>{item.type}</td>
              <td>
                {item.properties && Object.keys(item.properties).length > 0 ? (
                  <dl className="props">
                    {Object.entries(item.properties).map(([k, v]) => (
                      <div key={k}>
                        <dt>{k}</dt>
                        <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AcceptForm({
  url,
  accepted,
  canAccept,
  onChanged,
}: {
  url: string;
  accepted: boolean;
  canAccept: boolean;
  onChanged(): void;
}) {
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState(defaultExpiry(new Date()));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setReason('');
      onChanged();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = endOfLocalDay(expiry);
    if (!expiresAt || expiresAt.getTime() <= Date.now()) {
      setError('Choose an expiry date in the future.');
      return;
    }
    void run(() => api('PUT', `${url}/acceptance`, { reason, expiresAt: expiresAt.toISOString() }));
  };
  if (!canAccept && !accepted) return <p className="muted small">Only a failing check can be accepted.</p>;
  return (
    <>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={submit} className="stack-form">
        <Field
          label={accepted ? 'Replace the acceptance: reason' : 'Accept the risk: reason'}
          hint="Recorded in the audit log with your name."
        >
          {(id, hint) => (
            <textarea
              id={id}
              aria-describedby={hint}
              required
              maxLength={2000}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <Field label="Accepted until" hint="After this day the finding fails again.">
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              type="date"
              required
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Accept
          </button>
          {accepted && (
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy}
              onClick={() => void run(() => api('DELETE', `${url}/acceptance`))}
            >
              Revoke acceptance
            </button>
          )}
        </div>
      </form>
    </>
  );
}
