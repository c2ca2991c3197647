import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api.ts';
import type {
  Baseline,
  BaselineComparison,
  ComparisonEvent,
  SnapshotListItem,
} from '../drift-control-types.ts';
import { countOf, formatDateTime } from '../format.ts';
import { can, useSession } from '../session.tsx';
import type { Tenant } from '../types.ts';
import { Async, Badge, Empty, Field, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { BeforeAfter, SEV_TONE } from './BeforeAfter.tsx';
import { changedByWords, changeSummary, groupChangesByArea, notComparedWords } from './baseline-fns.ts';
import { kindLabel } from './kind-fns.ts';
import { usePeople } from './use-people.ts';

/**
 * The tenant's baseline: the pinned snapshot (when, by whom), pinning another (admin), and the
 * newest snapshot's changes against it, grouped by area with before and after.
 */
export function BaselineTab({ tenant }: { tenant: Tenant }) {
  const base = `/api/tenants/${tenant.id}/baseline`;
  const baseline = useApi<{ baseline: Baseline | null }>(base);
  const comparison = useApi<{ comparison: BaselineComparison | null }>(`${base}/comparison`);
  const reload = () => {
    baseline.reload();
    comparison.reload();
  };
  const admin = can(useSession().role, 'admin');
  return (
    <div className="grid-2">
      <section className={admin ? 'card' : 'card span-2'} aria-labelledby="baseline-h">
        <h2 id="baseline-h">Pinned baseline</h2>
        <Async loaded={baseline} what="the baseline">
          {({ baseline: b }) => <PinnedFacts baseline={b} />}
        </Async>
        {!admin && (
          <p className="muted small">Pinning, comparing and unpinning a baseline need the admin role.</p>
        )}
      </section>
      {admin && (
        <section className="card" aria-labelledby="pin-h">
          <h2 id="pin-h">Pin a baseline</h2>
          <Async loaded={baseline} what="the baseline">
            {({ baseline: b }) => <PinForm tenant={tenant} current={b} onChanged={reload} />}
          </Async>
        </section>
      )}
      <section className="card span-2" aria-labelledby="since-h">
        <h2 id="since-h">Changes since the baseline</h2>
        <Async loaded={comparison} what="the comparison">
          {({ comparison: c }) =>
            c ? (
              <ComparisonView comparison={c} />
            ) : (
              <Empty>
                {baseline.data?.baseline
                  ? 'Not compared yet: the comparison appears after the next sync, or press “Compare now”.'
                  : 'No baseline pinned: there is nothing to compare with yet.'}
              </Empty>
            )
          }
        </Async>
      </section>
    </div>
  );
}

function PinnedFacts({ baseline: b }: { baseline: Baseline | null }) {
  const person = usePeople();
  if (!b)
    return (
      <Empty>
        No baseline pinned. A baseline is a snapshot you signed off (after onboarding, after a hardening
        project); every later sync is compared with it.
      </Empty>
    );
  return (
    <dl className="facts facts-wide">
      <div>
        <dt>Snapshot</dt>
        <dd>read {formatDateTime(b.collectedAt)}</dd>
      </div>
      <div>
        <dt>Pinned</dt>
        <dd>
          {formatDateTime(b.pinnedAt)} by {person(b.pinnedBy)}
        </dd>
      </div>
      <div>
        <dt>Note</dt>
        <dd>{b.note ?? <span className="muted">none</span>}</dd>
      </div>
    </dl>
  );
}

function PinForm({
  tenant,
  current,
  onChanged,
}: {
  tenant: Tenant;
  current: Baseline | null;
  onChanged(): void;
}) {
  const snapshots = useApi<{ snapshots: SnapshotListItem[] }>(`/api/tenants/${tenant.id}/snapshots?limit=20`);
  const [snapshotId, setSnapshotId] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const base = `/api/tenants/${tenant.id}/baseline`;

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: await action() });
      onChanged();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  const pin = (event: FormEvent) => {
    event.preventDefault();
    if (current && !window.confirm(`Replace the baseline read ${formatDateTime(current.collectedAt)}?`))
      return;
    void run(async () => {
      const body = { ...(snapshotId ? { snapshotId } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      const answer = await api<{ baseline: Baseline }>('PUT', base, body);
      setNote('');
      return `Pinned the snapshot read ${formatDateTime(answer.baseline.collectedAt)}.`;
    });
  };
  const compare = () =>
    run(async () => {
      const answer = await api<{ status: string }>('POST', `${base}/comparison`);
      return answer.status === 'compared'
        ? 'Compared the newest snapshot with the baseline.'
        : `Not compared: ${COMPARE_STATUS[answer.status] ?? answer.status}.`;
    });
  const unpin = () => {
    if (!window.confirm('Unpin the baseline? Its stored comparisons stay, new syncs are no longer compared.'))
      return;
    void run(async () => {
      await api('DELETE', base);
      return 'Baseline unpinned.';
    });
  };

  return (
    <form className="stack-form" onSubmit={pin}>
      <Notice note={message} />
      <Field label="Snapshot" hint="Only complete snapshots can be pinned.">
        {(id, hintId) => (
          <select
            id={id}
            aria-describedby={hintId}
            value={snapshotId}
            onChange={(e) => setSnapshotId(e.target.value)}
          >
            <option value="">The latest snapshot</option>
            {snapshots.data?.snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                Read {formatDateTime(s.startedAt)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Note (optional)"
        hint="Why this snapshot: “after onboarding, signed off by the customer”."
      >
        {(id, hintId) => (
          <input
            id={id}
            aria-describedby={hintId}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {snapshotId ? 'Pin this snapshot as baseline' : 'Pin the latest snapshot as baseline'}
        </button>
        {current && (
          <>
            <button type="button" className="btn" disabled={busy} onClick={() => void compare()}>
              Compare now
            </button>
            <button type="button" className="btn btn-danger" disabled={busy} onClick={unpin}>
              Unpin
            </button>
          </>
        )}
      </div>
    </form>
  );
}

const COMPARE_STATUS: Record<string, string> = {
  noBaseline: 'no baseline is pinned',
  noSnapshot: 'the tenant has no complete snapshot',
  baselineNewer: 'the baseline is the newest snapshot',
};

function ComparisonView({ comparison: c }: { comparison: BaselineComparison }) {
  const groups = groupChangesByArea(c.events);
  return (
    <>
      <p className="muted small">
        The snapshot read {formatDateTime(c.collectedAt)} against the baseline read{' '}
        {formatDateTime(c.baselineCollectedAt)} (compared {formatDateTime(c.comparedAt)}).
      </p>
      <p className="change-summary">{changeSummary(c.events)}</p>
      {c.notCompared.length > 0 && (
        <div className="warn-note">
          <strong>Not compared, so not shown as changes:</strong>
          <ul>
            {c.notCompared.map((n) => (
              <li key={n.dataset}>{notComparedWords(n)}</li>
            ))}
          </ul>
        </div>
      )}
      {groups.map((g) => (
        <details key={g.area} className="area" open>
          <summary>
            <span className="area-name">{g.label}</span>
            <span className="muted small">
              {countOf(g.events.length, 'change', 'changes')}
              {g.high > 0 && <> · {countOf(g.high, 'high severity', 'high severity')}</>}
            </span>
          </summary>
          <ul className="change-list">
            {g.events.map((e) => (
              <ChangeItem key={`${e.fingerprint}`} event={e} />
            ))}
          </ul>
        </details>
      ))}
    </>
  );
}

function ChangeItem({ event: e }: { event: ComparisonEvent }) {
  return (
    <li>
      <details className="change">
        <summary>
          <Badge tone={SEV_TONE[e.severity]}>{e.severity}</Badge>{' '}
          <strong>{e.objectName || e.objectId}</strong>{' '}
          <span className="muted">{kindLabel(e.objectKind)}</span>{' '}
          <span className="event-what-inline">
            {e.kind} {e.path ? <code>{e.path}</code> : 'the whole object'}
          </span>
        </summary>
        <div className="change-body">
          <p className="muted small">Changed by {changedByWords(e.attribution)}</p>
          <BeforeAfter before={e.before} after={e.after} beforeLabel="Baseline" afterLabel="Now" level={4} />
        </div>
      </details>
    </li>
  );
}
