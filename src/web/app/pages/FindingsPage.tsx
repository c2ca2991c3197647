import { type FormEvent, useEffect, useState } from 'react';
import { formatDate, formatNumber, formatRelative } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { type Finding, SEVERITIES, type Tenant } from '../types.ts';
import { Async, Badge, Empty, Field, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import {
  apiUrlOfView,
  FINDING_AREAS,
  type FindingSortKey,
  type FindingsView,
  findingFirstDir,
  pageCount,
  STATUS_CHOICES,
  searchOfView,
  viewFromSearch,
} from './findings-fns.ts';
import { areaLabel } from './posture-fns.ts';
import { type Column, SortableHead } from './SortableHead.tsx';
import { nextSort, pageLabel } from './table-fns.ts';

/** Rows a page shows; the server pages, so a book of hundreds of tenants stays quick. */
const PAGE = 50;

const COLUMNS: Column<FindingSortKey>[] = [
  { key: 'tenant', label: 'Tenant' },
  { key: 'check', label: 'Check' },
  { key: 'severity', label: 'Severity' },
  { key: 'area', label: 'Area' },
  { key: 'state', label: 'Status' },
  { key: 'since', label: 'Since' },
];

const STATE_TONE: Record<string, string> = {
  fail: 'bad',
  accepted: 'info',
  pass: 'ok',
  unknown: 'warn',
};

/** Findings of every tenant of the workspace: filter, search, sort and page, all in the address. */
export function FindingsPage() {
  const { search } = useLocation();
  const view = viewFromSearch(search, FINDING_AREAS);
  const change = (next: Partial<FindingsView>) =>
    navigate(`/findings${searchOfView({ ...view, page: 0, ...next })}`, { replace: true });
  const tenants = useApi<{ tenants: Tenant[] }>('/api/tenants');
  const loaded = useApi<{ findings: Finding[]; total: number }>(apiUrlOfView(view, PAGE));
  return (
    <>
      <PageHeader title="Findings" />
      <section className="card" aria-label="Findings of every tenant">
        <Filters view={view} tenants={tenants.data?.tenants ?? []} onChange={change} />
        <Async loaded={loaded} what="the findings">
          {({ findings, total }) => (
            <>
              <p className="muted" aria-live="polite">
                {pageLabel(view.page * PAGE, findings.length, total, 'finding')}
              </p>
              {findings.length === 0 ? (
                <Empty>No finding matches these filters.</Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table findings-table">
                    <SortableHead
                      columns={COLUMNS}
                      sort={view.sort}
                      onSort={(k) => change({ sort: nextSort(view.sort, k, findingFirstDir) })}
                    />
                    <tbody>
                      {findings.map((f) => (
                        <Row key={f.id} f={f} />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager view={view} total={total} onPage={(page) => change({ page })} />
            </>
          )}
        </Async>
      </section>
    </>
  );
}

function Filters({
  view,
  tenants,
  onChange,
}: {
  view: FindingsView;
  tenants: Tenant[];
  onChange(next: Partial<FindingsView>): void;
}) {
  const [text, setText] = useState(view.q);
  useEffect(() => setText(view.q), [view.q]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ q: text });
  };
  return (
    <div className="filters">
      <form className="filter" onSubmit={submit}>
        <label htmlFor="findings-q">Search</label>
        <input
          id="findings-q"
          type="search"
          value={text}
          maxLength={200}
          placeholder="Check, check id or tenant"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      <Field label="Severity">
        {(id) => (
          <select id={id} value={view.severity} onChange={(e) => onChange({ severity: e.target.value })}>
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Area">
        {(id) => (
          <select id={id} value={view.area} onChange={(e) => onChange({ area: e.target.value })}>
            <option value="">Any area</option>
            {FINDING_AREAS.map((a) => (
              <option key={a} value={a}>
                {areaLabel(a)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Status">
        {(id) => (
          <select id={id} value={view.status} onChange={(e) => onChange({ status: e.target.value })}>
            {STATUS_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Tenant">
        {(id) => (
          <select id={id} value={view.tenantId} onChange={(e) => onChange({ tenantId: e.target.value })}>
            <option value="">Every tenant</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.displayName}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

function Row({ f }: { f: Finding }) {
  return (
    <tr>
      <td>
        <Link href={`/tenants/${f.tenantId}/posture`}>{f.tenantName}</Link>
      </td>
      <th scope="row">
        <Link
          href={`/tenants/${f.tenantId}/posture/${encodeURIComponent(f.checkId)}`}
          className="finding-row-link"
        >
          {f.title}
        </Link>
        <div className="muted small mono">{f.checkId}</div>
      </th>
      <td>
        <Badge tone={`sev-${f.severity}`}>{f.severity}</Badge>
      </td>
      <td>{areaLabel(f.area)}</td>
      <td>
        <Badge tone={STATE_TONE[f.state] ?? 'muted'}>{f.state}</Badge>
      </td>
      <td className="nowrap" title={formatDate(f.firstSeenAt)}>
        {f.firstSeenAt ? formatRelative(f.firstSeenAt, new Date()) : '—'}
      </td>
    </tr>
  );
}

function Pager({ view, total, onPage }: { view: FindingsView; total: number; onPage(page: number): void }) {
  const pages = pageCount(total, PAGE);
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="btn" disabled={view.page === 0} onClick={() => onPage(view.page - 1)}>
        Previous
      </button>
      <span className="muted">
        Page {formatNumber(view.page + 1)} of {formatNumber(pages)}
      </span>
      <button
        type="button"
        className="btn"
        disabled={view.page + 1 >= pages}
        onClick={() => onPage(view.page + 1)}
      >
        Next
      </button>
    </nav>
  );
}
