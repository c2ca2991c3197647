import { useMemo, useState } from 'react';
import { formatDateTime, formatNumber } from '../format.ts';
import type { AuditEntry } from '../types.ts';
import { Async, Empty, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';

const LIMIT = 500;

export function AuditPage() {
  const loaded = useApi<{ entries: AuditEntry[] }>(`/api/audit?limit=${LIMIT}`);
  const [filter, setFilter] = useState('');
  return (
    <>
      <PageHeader title="Audit log">
        {/* a plain link: the browser downloads the CSV with the session cookie (a GET, no token needed) */}
        <a className="btn" href="/api/audit?format=csv&limit=10000" download>
          Export CSV
        </a>
      </PageHeader>
      <section className="card" aria-label="Audit entries">
        <div className="toolbar">
          <label className="filter">
            <span>Filter</span>
            <input
              type="search"
              value={filter}
              placeholder="Action, person, target or address"
              onChange={(e) => setFilter(e.target.value)}
            />
          </label>
        </div>
        <Async loaded={loaded} what="the audit log">
          {({ entries }) => <Entries entries={entries} filter={filter} />}
        </Async>
      </section>
    </>
  );
}

function Entries({ entries, filter }: { entries: AuditEntry[]; filter: string }) {
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!q) return entries;
    return entries.filter((e) =>
      [e.action, e.actorEmail ?? e.actor, e.target ?? '', e.ip ?? ''].some((v) =>
        v.toLowerCase().includes(q),
      ),
    );
  }, [entries, filter]);
  if (entries.length === 0) return <Empty>Nothing recorded yet.</Empty>;
  return (
    <>
      <p className="muted small">
        {formatNumber(shown.length)} of the latest {formatNumber(entries.length)} entries
      </p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Address</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.actorEmail ?? e.actor}</td>
                <td className="mono">{e.action}</td>
                <td className="mono small">{e.target ?? '—'}</td>
                <td className="mono small">{e.ip ?? '—'}</td>
                <td className="mono small detail-cell">
                  {Object.keys(e.detail).length ? JSON.stringify(e.detail) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
