import { useMemo, useState } from 'react';
import { Stack } from '../charts/Bars.tsx';
import { countOf, formatDateTime, formatMoney, formatNumber, formatRelative } from '../format.ts';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { type OverviewRow, SEVERITIES } from '../types.ts';
import { Async, Badge, Empty, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { filterRows, firstDirection, healthOf, type Sort, type SortKey, sortRows } from './overview-fns.ts';

/** Rows drawn at once; the rest on request, so a workspace of thousands stays quick. */
const PAGE = 200;

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Tenant' },
  { key: 'health', label: 'Health' },
  { key: 'lastSync', label: 'Last sync' },
  { key: 'score', label: 'Score', numeric: true },
  { key: 'findings', label: 'Open findings' },
  { key: 'drift', label: 'Drift (7 days)', numeric: true },
  { key: 'waste', label: 'Licence waste', numeric: true },
];

export function OverviewPage() {
  const { role } = useSession();
  const loaded = useApi<{ tenants: OverviewRow[] }>('/api/overview', 30_000);
  return (
    <>
      <PageHeader title="Tenants">
        {can(role, 'admin') && (
          <Link href="/connect" className="btn btn-primary">
            Connect a tenant
          </Link>
        )}
      </PageHeader>
      <Async loaded={loaded} what="the tenants">
        {(data) =>
          data.tenants.length === 0 ? (
            <Empty>
              <p>No tenant is connected to this workspace yet.</p>
              {can(role, 'admin') ? (
                <Link href="/connect" className="btn btn-primary">
                  Connect your first tenant
                </Link>
              ) : (
                <p>An admin of the workspace can connect one.</p>
              )}
            </Empty>
          ) : (
            <TenantTable rows={data.tenants} />
          )
        }
      </Async>
    </>
  );
}

function TenantTable({ rows }: { rows: OverviewRow[] }) {
  const [sort, setSort] = useState<Sort>({ key: 'findings', dir: 'desc' });
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const visible = useMemo(() => sortRows(filterRows(rows, filter), sort), [rows, filter, sort]);
  const now = new Date();
  const clickSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: firstDirection(key) },
    );

  return (
    <section className="card" aria-label="Tenants">
      <div className="toolbar">
        <label className="filter">
          <span>Filter</span>
          <input
            type="search"
            value={filter}
            placeholder="Name, tenant id or health"
            onChange={(e) => {
              setFilter(e.target.value);
              setShown(PAGE);
            }}
          />
        </label>
        <p className="muted" aria-live="polite">
          {visible.length === rows.length
            ? countOf(rows.length, 'tenant', 'tenants')
            : `${formatNumber(visible.length)} of ${countOf(rows.length, 'tenant', 'tenants')}`}
        </p>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={
                    sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined
                  }
                >
                  <button type="button" className="sort" onClick={() => clickSort(c.key)}>
                    {c.label}
                    <span aria-hidden="true" className="sort-mark">
                      {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.slice(0, shown).map((r) => (
              <Row key={r.id} row={r} now={now} />
            ))}
          </tbody>
        </table>
      </div>
      {visible.length === 0 && <Empty>No tenant matches “{filter}”.</Empty>}
      {visible.length > shown && (
        <button type="button" className="btn" onClick={() => setShown((n) => n + PAGE)}>
          Show {formatNumber(Math.min(PAGE, visible.length - shown))} more
        </button>
      )}
    </section>
  );
}

const HEALTH_TONE = {
  healthy: 'ok',
  syncing: 'info',
  failing: 'bad',
  disconnected: 'bad',
  paused: 'warn',
  new: 'muted',
} as const;

function Row({ row, now }: { row: OverviewRow; now: Date }) {
  const health = healthOf(row);
  const f = row.openFindings;
  const total = SEVERITIES.reduce((n, s) => n + (f[s] ?? 0), 0);
  const words = SEVERITIES.map((s) => `${f[s] ?? 0} ${s}`).join(', ');
  return (
    <tr>
      <th scope="row">
        <Link href={`/tenants/${row.id}/posture`}>{row.name}</Link>
        {row.microsoftTenantId && <div className="muted small mono tenant-id">{row.microsoftTenantId}</div>}
      </th>
      <td>
        <Badge tone={HEALTH_TONE[health]}>{health}</Badge>
      </td>
      <td title={formatDateTime(row.lastSync?.at)}>{formatRelative(row.lastSync?.at, now)}</td>
      <td className="num">{row.score === null ? '—' : formatNumber(row.score)}</td>
      <td>
        <div className="findings-cell">
          <Stack
            label={`Open findings: ${words}`}
            parts={SEVERITIES.map((s) => ({
              key: s,
              label: s,
              value: f[s] ?? 0,
              display: '',
              tone: `sev-${s}`,
            }))}
          />
          <span className="sev-counts">
            {total === 0
              ? 'none'
              : SEVERITIES.filter((s) => (f[s] ?? 0) > 0).map((s) => (
                  <span key={s} className={`sev-count sev-text-${s}`} title={s}>
                    {formatNumber(f[s])} {s[0]!.toUpperCase()}
                  </span>
                ))}
          </span>
        </div>
      </td>
      <td className="num">{formatNumber(row.drift7d)}</td>
      <td className="num">{row.waste ? `${formatMoney(row.waste.amount, row.waste.currency)}/mo` : '—'}</td>
    </tr>
  );
}
