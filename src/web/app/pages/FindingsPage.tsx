import { type FormEvent, useEffect, useState } from 'react';
import { formatDate, formatNumber, formatRelative } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { type Finding, SEVERITIES, type Tenant } from '../types.ts';
import { Async, Badge, Empty, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import {
  apiUrlOfView,
  FINDING_AREAS,
  type FindingSortKey,
  type FindingsView,
  findingFirstDir,
  MAX_TENANTS,
  pageCount,
  STATUS_CHOICES,
  STATUS_KEYS,
  searchOfView,
  tenantChoices,
  toggled,
  viewFromSearch,
} from './findings-fns.ts';
import { MultiChoice } from './MultiChoice.tsx';
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

/** What `GET /api/findings` answers: a page, the total and the counts per severity. */
interface FindingsPageData {
  findings: Finding[];
  total: number;
  bySeverity: Partial<Record<string, number>>;
}

/** Findings of every tenant of the workspace: filter, search, sort and page, all in the address. */
export function FindingsPage() {
  const { search } = useLocation();
  const view = viewFromSearch(search, FINDING_AREAS);
  // each change is a history entry: back and forward step through the views
  const change = (next: Partial<FindingsView>) =>
    navigate(`/findings${searchOfView({ ...view, page: 0, ...next })}`);
  const tenants = useApi<{ tenants: Tenant[] }>('/api/tenants');
  const loaded = useApi<FindingsPageData>(apiUrlOfView(view, PAGE));
  return (
    <>
      <PageHeader title="Findings" />
      <section className="card" aria-label="Findings of every tenant">
        <Filters
          view={view}
          tenants={tenants.data?.tenants ?? []}
          bySeverity={loaded.loading ? undefined : loaded.data?.bySeverity}
          onChange={change}
        />
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
  bySeverity,
  onChange,
}: {
  view: FindingsView;
  tenants: Tenant[];
  /** counts per severity under the other filters; undefined while loading (never shown as 0) */
  bySeverity: Partial<Record<string, number>> | undefined;
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
      <AreaChoice chosen={view.area} onChange={(area) => onChange({ area })} />
      <TenantChoice
        tenants={tenants}
        chosen={view.tenants}
        onChange={(next) => onChange({ tenants: next })}
      />
      <ChipGroup
        legend="Severity"
        values={SEVERITIES}
        chosen={view.severity}
        label={(s) => s}
        count={bySeverity && ((s) => bySeverity[s] ?? 0)}
        onChange={(severity) => onChange({ severity })}
      />
      <ChipGroup
        legend="Status"
        values={STATUS_KEYS}
        chosen={view.status}
        label={(k) => STATUS_CHOICES.find((c) => c.key === k)?.label ?? k}
        onChange={(status) => onChange({ status })}
      />
    </div>
  );
}

/** Checkboxes shown as chips: Tab reaches each, Space ticks it; none ticked is "any". */
function ChipGroup<T extends string>({
  legend,
  values,
  chosen,
  label,
  count,
  onChange,
}: {
  legend: string;
  values: readonly T[];
  chosen: readonly T[];
  label(value: T): string;
  count?: ((value: T) => number) | undefined;
  onChange(next: T[]): void;
}) {
  return (
    <fieldset className="filter-chips">
      <legend>
        {legend}
        {chosen.length === 0 && <span className="muted"> · any</span>}
      </legend>
      {values.map((v) => (
        <label key={v} className="filter-chip">
          <input
            type="checkbox"
            checked={chosen.includes(v)}
            onChange={() => onChange(toggled(chosen, v, values))}
          />
          {label(v)}
          {count && <span className="filter-chip-count">{formatNumber(count(v))}</span>}
        </label>
      ))}
    </fieldset>
  );
}

function AreaChoice({ chosen, onChange }: { chosen: string[]; onChange(next: string[]): void }) {
  return (
    <MultiChoice
      label="Area"
      words={{ any: 'Any area', many: 'areas' }}
      values={FINDING_AREAS}
      order={FINDING_AREAS}
      chosen={chosen}
      valueLabel={areaLabel}
      onChange={onChange}
    />
  );
}

/** Hundreds of tenants: a name search narrows the list; the chosen ones stay at its top. */
function TenantChoice({
  tenants,
  chosen,
  onChange,
}: {
  tenants: Tenant[];
  chosen: string[];
  onChange(next: string[]): void;
}) {
  const [text, setText] = useState('');
  const { shown, more } = tenantChoices(tenants, chosen, text);
  const names = new Map(tenants.map((t) => [t.id.toLowerCase(), t.displayName]));
  const order = [...tenants]
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((t) => t.id.toLowerCase());
  return (
    <MultiChoice
      label="Tenant"
      words={{ any: 'Every tenant', many: 'tenants' }}
      values={shown.map((t) => t.id.toLowerCase())}
      order={order}
      chosen={chosen}
      valueLabel={(id) => names.get(id) ?? 'Tenant no longer in the workspace'}
      onChange={(next) => onChange(next.slice(0, MAX_TENANTS))}
      head={
        tenants.length > 8 && (
          <input
            type="search"
            className="multi-choice-search"
            aria-label="Find a tenant by name"
            placeholder="Find a tenant"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )
      }
      foot={
        (more > 0 || shown.length === 0) && (
          <p className="muted small">
            {shown.length === 0 ? 'No tenant has that name.' : `${formatNumber(more)} more: type to narrow.`}
          </p>
        )
      }
    />
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
