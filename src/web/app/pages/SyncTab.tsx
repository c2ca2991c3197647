import { useEffect, useState } from 'react';
import { api, describeError, hintFor } from '../api.ts';
import { countOf, formatDateTime, formatDuration, formatNumber } from '../format.ts';
import { can, useSession } from '../session.tsx';
import type { SyncRun, Tenant } from '../types.ts';
import { Async, Badge, Empty } from '../ui.tsx';
import { useApi } from '../use-api.ts';

/** While a sync runs (or one was just asked for) the history is read again every 2 s. */
const POLL_MS = 2_000;

const STATUS_TONE = { running: 'info', succeeded: 'ok', failed: 'bad' } as const;

export function SyncTab({ tenant }: { tenant: Tenant }) {
  const { role } = useSession();
  const [requested, setRequested] = useState<{ at: number; message: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** the runs known when "sync now" was pressed: poll until a new one has ended (2 min at most) */
  const [awaiting, setAwaiting] = useState<{ known: Set<string>; until: number } | null>(null);
  const url = `/api/tenants/${tenant.id}/syncs?limit=20`;
  const [polling, setPolling] = useState(false);
  const loaded = useApi<{ syncs: SyncRun[] }>(url, polling ? POLL_MS : undefined);
  // each answer decides whether to keep reading: a run in progress, or one asked for moments ago
  useEffect(() => {
    const syncs = loaded.data?.syncs ?? [];
    // the analysis after a sync ends later than the run: keep reading until it has
    const running = syncs.some((s) => s.status === 'running' || s.progress.analysis?.status === 'running');
    const waiting =
      awaiting !== null &&
      Date.now() < awaiting.until &&
      !syncs.some((s) => !awaiting.known.has(s.id) && s.status !== 'running');
    setPolling(running || waiting);
  }, [loaded.data, awaiting]);

  const syncNow = async () => {
    setError(null);
    try {
      const r = await api<{ queued: boolean }>('POST', `/api/tenants/${tenant.id}/sync`);
      setRequested({
        at: Date.now(),
        message: r.queued
          ? 'Sync queued: it starts within seconds.'
          : 'A sync of this tenant is already waiting to run.',
      });
      setAwaiting({ known: new Set(loaded.data?.syncs.map((s) => s.id)), until: Date.now() + 120_000 });
      loaded.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="card" aria-labelledby="sync-h">
      <div className="section-head">
        <h2 id="sync-h">Syncs</h2>
        {can(role, 'admin') && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void syncNow()}
            disabled={tenant.status === 'disconnected'}
          >
            Sync now
          </button>
        )}
      </div>
      <p className="muted small">
        Every {countOf(tenant.syncIntervalMinutes, 'minute', 'minutes')}; next{' '}
        {formatDateTime(tenant.nextSyncAt)}.
        {tenant.consecutiveFailures > 0 &&
          ` ${countOf(tenant.consecutiveFailures, 'failure', 'failures')} in a row.`}
      </p>
      {requested && (
        <p className="ok-note" role="status">
          {requested.message}
        </p>
      )}
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <Async loaded={loaded} what="the sync history">
        {({ syncs }) =>
          syncs.length === 0 ? (
            <Empty>No sync yet.</Empty>
          ) : (
            <ol className="sync-list" aria-live="polite">
              {syncs.map((s) => (
                <SyncItem key={s.id} run={s} />
              ))}
            </ol>
          )
        }
      </Async>
    </section>
  );
}

function SyncItem({ run: s }: { run: SyncRun }) {
  const datasets = Object.entries(s.progress.datasets);
  const done = datasets.filter(([, d]) => d.status && d.status !== 'running').length;
  const now = new Date();
  return (
    <li className={`sync sync-${s.status}`}>
      <div className="sync-head">
        <Badge tone={STATUS_TONE[s.status]}>{s.status}</Badge>
        <span>
          {formatDateTime(s.startedAt)} · {s.trigger} · {formatDuration(s.startedAt, s.finishedAt, now)} ·{' '}
          {countOf(s.requests, 'request', 'requests')}
          {s.throttled > 0 && `, ${formatNumber(s.throttled)} throttled`}
        </span>
      </div>
      {s.status === 'running' && (
        <div className="progress">
          <progress max={Math.max(datasets.length, 1)} value={done} aria-label="Datasets read" />
          <span className="muted small">
            {formatNumber(done)} of {countOf(datasets.length, 'dataset', 'datasets')} read
          </span>
        </div>
      )}
      {s.error && <SyncError code={s.error.code} message={s.error.message} />}
      {s.progress.analysis?.status === 'running' && (
        <p className="muted small" role="status">
          <span className="spinner" aria-hidden="true" /> Analysing: findings and drift update when this ends.
        </p>
      )}
      {s.progress.analysis?.status === 'failed' && (
        <SyncError
          code={s.progress.analysis.code ?? 'TS_ERR_INTERNAL'}
          message={`analysis failed: ${s.progress.analysis.message ?? ''}`}
        />
      )}
      {datasets.length > 0 && (
        <details open={s.status === 'running'}>
          <summary>Datasets ({formatNumber(datasets.length)})</summary>
          <ul className="datasets">
            {datasets.map(([name, d]) => (
              <li key={name}>
                <span className="mono">{name}</span>{' '}
                <span className="muted">{countOf(d.items, 'item', 'items')}</span>{' '}
                {d.status && d.status !== 'ok' && (
                  <Badge tone={d.status === 'running' ? 'info' : 'warn'}>{d.status}</Badge>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

/** A sync error with what it means and what to do, from the error catalogue. */
function SyncError({ code, message }: { code: string; message: string }) {
  const hint = hintFor(code);
  return (
    <div className="error-note">
      <p>
        <strong>{message}</strong> <span className="mono small">({code})</span>
      </p>
      {hint && <p>What it means: {hint}</p>}
    </div>
  );
}
