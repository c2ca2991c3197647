import { type FormEvent, useEffect, useState } from 'react';
import { api, describeError } from '../api.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { can, useSession } from '../session.tsx';
import { Async, Field, Notice } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { purgeSummary, RETENTION_ROWS, type Retention, retentionChanges } from './retention-fns.ts';

/**
 * Settings → Retention: how long each kind of data is kept, and what the hourly purge last
 * deleted. Admins read it; only owners change it or purge now.
 */
export function RetentionSettings() {
  const loaded = useApi<Retention>('/api/retention');
  return (
    <section className="card span-2" aria-labelledby="retention-h">
      <h2 id="retention-h">Retention</h2>
      <Async loaded={loaded} what="the retention policy">
        {(retention) => <RetentionForm retention={retention} onSaved={loaded.reload} />}
      </Async>
    </section>
  );
}

function RetentionForm({ retention, onSaved }: { retention: Retention; onSaved(): void }) {
  const { role } = useSession();
  const owner = can(role, 'owner');
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // a saved policy replaces whatever was typed
  useEffect(
    () => setDraft(Object.fromEntries(RETENTION_ROWS.map((r) => [r.kind, String(retention.policy[r.kind])]))),
    [retention],
  );

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const change = retentionChanges(retention, draft);
    if ('error' in change) return setMessage({ ok: false, text: change.error });
    if (Object.keys(change.changes).length === 0) return setMessage({ ok: true, text: 'Nothing to change.' });
    await run(async () => {
      await api('PUT', '/api/retention', change.changes);
      return 'Saved. The next purge (hourly) applies it.';
    });
  };
  const purgeNow = () =>
    run(async () => {
      const { deleted } = await api<{ deleted: Record<string, number> }>('POST', '/api/retention/purge');
      return `Purge done: ${purgeSummary(deleted)}`;
    });
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: await action() });
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form noValidate onSubmit={(e) => void save(e)}>
      <p className="muted small">
        Older data is deleted by an hourly job. Always kept: each tenant's latest snapshot and a pinned
        baseline.
        {!owner && ' Only an owner can change these.'}
      </p>
      <Notice note={message} />
      <div className="retention-grid">
        {RETENTION_ROWS.map((row) => {
          const { min, max } = retention.bounds[row.kind] ?? { min: 1, max: 3650 };
          return (
            <Field
              key={row.kind}
              label={`${row.label} (days)`}
              hint={`${row.what} ${min}–${formatNumber(max)} days; default ${retention.defaults[row.kind]}.`}
            >
              {(id, hintId) => (
                <input
                  id={id}
                  type="number"
                  inputMode="numeric"
                  min={min}
                  max={max}
                  step={1}
                  required
                  disabled={!owner}
                  aria-describedby={hintId}
                  value={draft[row.kind] ?? ''}
                  onChange={(e) => setDraft({ ...draft, [row.kind]: e.target.value })}
                />
              )}
            </Field>
          );
        })}
      </div>
      <p className="muted small">
        {retention.lastPurgeAt
          ? `Last purge ${formatDateTime(retention.lastPurgeAt)}: ${purgeSummary(retention.lastPurge ?? {})}`
          : 'No purge has run for this workspace yet.'}
      </p>
      {owner && (
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save retention
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void purgeNow()}>
            Purge now
          </button>
        </div>
      )}
    </form>
  );
}
