import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import type { Standard } from '../drift-control-types.ts';
import { countOf, formatDateTime } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import type { Tenant } from '../types.ts';
import { Async, Badge, Empty, NotFoundOr, Notice, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { SEV_TONE } from './BeforeAfter.tsx';
import { StandardTenantCard } from './StandardTenantCard.tsx';
import { type EvaluationOutcome, evaluationWords, rulesOf, ruleWords } from './standard-fns.ts';
import { usePeople } from './use-people.ts';

type Message = { ok: boolean; text: string } | null;

/** `/standards/:id`: the rules, the tenants it applies to, and how each deviates. */
export function StandardPage({ standardId }: { standardId: string }) {
  const loaded = useApi<Standard>(`/api/standards/${encodeURIComponent(standardId)}`);
  return (
    <NotFoundOr loaded={loaded} what="such standard">
      <Async loaded={loaded} what="the standard">
        {(s) => <StandardView standard={s} reload={loaded.reload} />}
      </Async>
    </NotFoundOr>
  );
}

function StandardView({ standard: s, reload }: { standard: Standard; reload(): void }) {
  const { role } = useSession();
  const admin = can(role, 'admin');
  const person = usePeople();
  const tenants = useApi<{ tenants: Tenant[] }>('/api/tenants');
  const [message, setMessage] = useState<Message>(null);
  // bumped after an evaluation or a change of assignment: each tenant's result is read again
  const [round, setRound] = useState(0);
  const rules = rulesOf(s.document);

  const act = async (what: () => Promise<string>) => {
    setMessage(null);
    try {
      setMessage({ ok: true, text: await what() });
      reload();
      setRound((r) => r + 1);
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  };
  const evaluate = () =>
    act(async () => {
      const answer = await api<{ tenants: EvaluationOutcome[] }>('POST', `/api/standards/${s.id}/evaluate`);
      return evaluationWords(answer.tenants);
    });
  const remove = async () => {
    if (!window.confirm(`Delete the standard “${s.name}”, its assignments and results?`)) return;
    try {
      await api('DELETE', `/api/standards/${s.id}`);
      navigate('/standards');
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
  };
  const nameOf = (id: string) => tenants.data?.tenants.find((t) => t.id === id)?.displayName ?? 'a tenant';

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/standards">Standards</Link> <span aria-hidden="true">/</span> <span>{s.name}</span>
      </nav>
      <PageHeader title={s.name}>
        {admin && (
          <>
            <button type="button" className="btn btn-primary" onClick={() => void evaluate()}>
              Evaluate now
            </button>
            <Link className="btn" href={`/standards/${s.id}/edit`}>
              Edit
            </Link>
            <button type="button" className="btn btn-danger" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </PageHeader>
      <p className="muted small">
        Version {s.version}, changed {formatDateTime(s.updatedAt)} by {person(s.updatedBy)}.
        {typeof s.document.description === 'string' && <> {s.document.description}</>}
      </p>
      <Notice note={message} />
      <div className="grid-2">
        <section className="card" aria-labelledby="rules-h">
          <h2 id="rules-h">{countOf(rules.length, 'rule', 'rules')}</h2>
          <ol className="rule-list">
            {rules.map((r) => (
              <li key={r.id}>
                <Badge tone={SEV_TONE[r.severity ?? 'medium']}>{r.severity ?? 'medium'}</Badge>{' '}
                <strong>{r.title ?? r.id}</strong> <code className="muted small">{r.id}</code>
                <p className="muted small">{ruleWords(r)}</p>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="assign-h">
          <h2 id="assign-h">Tenants</h2>
          <Async loaded={tenants} what="the tenants">
            {({ tenants: all }) => (
              <Assignments
                standard={s}
                tenants={all}
                admin={admin}
                onAssign={(t) =>
                  act(async () => {
                    await api('PUT', `/api/standards/${s.id}/tenants/${t.id}`, { overrides: {} });
                    return `${t.displayName} now follows ${s.name}. Evaluate now to see where it deviates.`;
                  })
                }
              />
            )}
          </Async>
        </section>
      </div>
      <h2 className="section-title">Where tenants deviate</h2>
      {s.tenants.length === 0 ? (
        <Empty>No tenant is assigned to this standard yet.</Empty>
      ) : (
        s.tenants.map((a) => (
          <StandardTenantCard
            key={`${a.tenantId}-${round}`}
            standard={s}
            assignment={a}
            tenantName={nameOf(a.tenantId)}
            admin={admin}
            onChanged={(text) => act(async () => text)}
            onError={(text) => setMessage({ ok: false, text })}
          />
        ))
      )}
    </>
  );
}

function Assignments({
  standard: s,
  tenants,
  admin,
  onAssign,
}: {
  standard: Standard;
  tenants: Tenant[];
  admin: boolean;
  onAssign(t: Tenant): Promise<void>;
}) {
  const assigned = new Set(s.tenants.map((t) => t.tenantId));
  const free = tenants.filter((t) => !assigned.has(t.id));
  const [choice, setChoice] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const t = free.find((x) => x.id === choice);
    if (t) void onAssign(t).then(() => setChoice(''));
  };
  return (
    <>
      <p>
        {s.tenants.length
          ? `Applies to ${countOf(s.tenants.length, 'tenant', 'tenants')}:`
          : 'Applies to no tenant yet.'}
      </p>
      {s.tenants.length > 0 && (
        <ul className="chips">
          {s.tenants.map((a) => (
            <li key={a.tenantId} className="chip">
              {tenants.find((t) => t.id === a.tenantId)?.displayName ?? 'a tenant'}
            </li>
          ))}
        </ul>
      )}
      {admin ? (
        free.length ? (
          <form className="actions" onSubmit={submit}>
            <label className="filter">
              <span>Assign a tenant</span>
              <select value={choice} onChange={(e) => setChoice(e.target.value)}>
                <option value="">Choose…</option>
                {free.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.displayName}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="btn" disabled={!choice}>
              Assign
            </button>
          </form>
        ) : (
          <p className="muted small">Every tenant of the workspace follows this standard.</p>
        )
      ) : (
        <p className="muted small">Assigning tenants and overrides need the admin role.</p>
      )}
    </>
  );
}
