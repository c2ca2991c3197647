import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import type { DriftEvent, Tenant, TriageState } from '../types.ts';
import { Async, Badge, Empty, Field } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { BeforeAfter, SEV_TONE } from './BeforeAfter.tsx';
import { attributionWords, TRIAGE_LABELS } from './diff-fns.ts';

export function DriftTab({ tenant, eventId }: { tenant: Tenant; eventId: string | null }) {
  const [triage, setTriage] = useState<'open' | 'all'>('open');
  const [pinned, setPinned] = useState<DriftEvent | null>(null);
  const loaded = useApi<{ events: DriftEvent[] }>(
    `/api/tenants/${tenant.id}/drift?limit=500${triage === 'open' ? '&triage=open' : ''}`,
  );
  return (
    <div className="drift">
      <section className="card" aria-labelledby="drift-h">
        <div className="section-head">
          <h2 id="drift-h">Changes between syncs</h2>
          <fieldset className="segmented">
            <legend className="visually-hidden">Which changes</legend>
            <label>
              <input
                type="radio"
                name="triage"
                checked={triage === 'open'}
                onChange={() => setTriage('open')}
              />{' '}
              To triage
            </label>
            <label>
              <input
                type="radio"
                name="triage"
                checked={triage === 'all'}
                onChange={() => setTriage('all')}
              />{' '}
              All
            </label>
          </fieldset>
        </div>
        <Async loaded={loaded} what="the drift events">
          {({ events }) =>
            events.length === 0 ? (
              <Empty>
                {triage === 'open'
                  ? 'Nothing to triage: no open change since the syncs began.'
                  : 'No change seen yet. Drift needs two syncs to compare.'}
              </Empty>
            ) : (
              <ol className="timeline">
                {events.map((e) => (
                  <li key={e.id} className={e.id === eventId ? 'selected' : undefined}>
                    <Link
                      href={`/tenants/${tenant.id}/drift/${e.id}`}
                      aria-current={e.id === eventId ? 'true' : undefined}
                      className="event-link"
                    >
                      <Badge tone={SEV_TONE[e.severity]}>{e.severity}</Badge>{' '}
                      <strong>{e.objectName || e.objectId}</strong>{' '}
                      <span className="muted">{e.objectKind}</span>
                      <span className="event-what">
                        {e.kind} {e.path && <code>{e.path}</code>} · {e.actor || 'unknown'} ·{' '}
                        {formatDateTime(e.toCollectedAt)}
                      </span>
                    </Link>
                    <Badge tone={e.triage.state === 'open' ? 'warn' : 'muted'}>
                      {TRIAGE_LABELS[e.triage.state]}
                    </Badge>
                  </li>
                ))}
              </ol>
            )
          }
        </Async>
      </section>
      {eventId && (
        <Async loaded={loaded} what="the change">
          {({ events }) => {
            // a change just triaged leaves the "to triage" list; its detail stays in view
            const event =
              events.find((e) => e.id === eventId) ?? (pinned?.id === eventId ? pinned : undefined);
            return event ? (
              <EventDetail
                key={event.id}
                event={event}
                onChanged={(updated) => {
                  setPinned(updated);
                  loaded.reload();
                }}
              />
            ) : (
              <section className="card">
                <p>This change is not in the list shown. Choose “All” to see triaged changes.</p>
              </section>
            );
          }}
        </Async>
      )}
    </div>
  );
}

function EventDetail({ event: e, onChanged }: { event: DriftEvent; onChanged(updated: DriftEvent): void }) {
  const { role } = useSession();
  return (
    <section className="card event-detail" aria-labelledby="event-h">
      <h2 id="event-h">
        {e.objectName || e.objectId} <span className="muted small">{e.objectKind}</span>
      </h2>
      <dl className="facts">
        <div>
          <dt>What</dt>
          <dd>
            {e.kind} {e.path ? <code>{e.path}</code> : 'the whole object'}
          </dd>
        </div>
        <div>
          <dt>Who</dt>
          <dd>{attributionWords(e.attribution, e.actor)}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            between {formatDateTime(e.fromCollectedAt)} and {formatDateTime(e.toCollectedAt)}
          </dd>
        </div>
      </dl>
      <BeforeAfter before={e.before} after={e.after} />
      {can(role, 'admin') ? (
        <TriageForm event={e} onChanged={onChanged} />
      ) : (
        <p className="muted small">
          Triage: {TRIAGE_LABELS[e.triage.state]}. Changing it needs the admin role.
        </p>
      )}
    </section>
  );
}

function TriageForm({ event, onChanged }: { event: DriftEvent; onChanged(updated: DriftEvent): void }) {
  const [state, setState] = useState<TriageState>(
    event.triage.state === 'open' ? 'accepted' : event.triage.state,
  );
  const [note, setNote] = useState(event.triage.note ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const updated = await api<DriftEvent>('PATCH', `/api/drift-events/${event.id}`, {
        state,
        ...(note ? { note } : {}),
      });
      setSaved(true);
      onChanged(updated);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <form className="stack-form triage" onSubmit={(ev) => void submit(ev)}>
      <h3>Triage</h3>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p className="ok-note" role="status">
          Saved.
        </p>
      )}
      <Field label="Decision">
        {(id) => (
          <select id={id} value={state} onChange={(e) => setState(e.target.value as TriageState)}>
            {Object.entries(TRIAGE_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Note (optional)">
        {(id) => <input id={id} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-primary">
        Save triage
      </button>
    </form>
  );
}
