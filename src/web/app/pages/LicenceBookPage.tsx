import { useMemo, useState } from 'react';
import { formatDateTime, formatMoney, formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import type { Book, BookTenant } from '../types.ts';
import { Async, Empty, PageHeader } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import {
  type BookSortKey,
  type BookSum,
  bookFirstDir,
  bookTotals,
  filterBook,
  sortBook,
} from './book-fns.ts';
import { BookTrendCard } from './LicenceTrend.tsx';
import { type Column, SortableHead } from './SortableHead.tsx';
import { counted, nextSort, type SortState } from './table-fns.ts';

/** Rows drawn at once; the rest on request. */
const PAGE = 200;

const COLUMNS: Column<BookSortKey>[] = [
  { key: 'tenant', label: 'Tenant' },
  { key: 'spend', label: 'Licence cost / month', numeric: true },
  { key: 'waste', label: 'Waste / month', numeric: true },
  { key: 'possible', label: 'Possible waste', numeric: true },
  { key: 'idleSeats', label: 'Idle seats', numeric: true },
  { key: 'available', label: 'Unassigned', numeric: true },
  { key: 'topSku', label: 'Most wasted product' },
  { key: 'collectedAt', label: 'As of' },
];

/** The MSP's licence book: every tenant's latest licence summary, with totals per currency. */
export function LicenceBookPage() {
  const loaded = useApi<Book>('/api/licences');
  return (
    <>
      <PageHeader title="Licence book">
        {/* a plain link: the browser downloads the CSV with the session cookie (a GET, no token needed) */}
        <a className="btn" href="/api/licences/export.csv" download>
          Export CSV
        </a>
      </PageHeader>
      <Async loaded={loaded} what="the licence book">
        {(book) =>
          book.tenants.length === 0 ? (
            <Empty>No licence analysis yet: each tenant appears here after its first sync.</Empty>
          ) : (
            <div className="stack-gap">
              <BookTrendCard />
              <BookTable rows={book.tenants} />
            </div>
          )
        }
      </Async>
    </>
  );
}

function BookTable({ rows }: { rows: BookTenant[] }) {
  const [sort, setSort] = useState<SortState<BookSortKey>>({ key: 'waste', dir: 'desc' });
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const visible = useMemo(() => sortBook(filterBook(rows, filter), sort), [rows, filter, sort]);
  const totals = useMemo(() => bookTotals(visible), [visible]);
  return (
    <section className="card" aria-label="Licence book">
      <div className="toolbar">
        <label className="filter">
          <span>Filter</span>
          <input
            type="search"
            value={filter}
            placeholder="Tenant or product"
            onChange={(e) => {
              setFilter(e.target.value);
              setShown(PAGE);
            }}
          />
        </label>
        <p className="muted" aria-live="polite">
          {visible.length === rows.length
            ? counted(rows.length, 'tenant')
            : `${formatNumber(visible.length)} of ${counted(rows.length, 'tenant')}`}
        </p>
      </div>
      <div className="table-wrap">
        <table className="table">
          <SortableHead
            columns={COLUMNS}
            sort={sort}
            onSort={(k) => setSort((s) => nextSort(s, k, bookFirstDir))}
          />
          <tbody>
            {visible.slice(0, shown).map((t) => (
              <Row key={t.tenantId} t={t} />
            ))}
          </tbody>
          {totals.length > 0 && (
            <tfoot>
              {totals.map((sum) => (
                <TotalRow
                  key={sum.currency}
                  sum={sum}
                  label={totals.length > 1 ? `Total (${sum.currency})` : 'Total'}
                />
              ))}
            </tfoot>
          )}
        </table>
      </div>
      {visible.length === 0 && <Empty>No tenant matches “{filter}”.</Empty>}
      {visible.length > shown && (
        <button type="button" className="btn" onClick={() => setShown((n) => n + PAGE)}>
          Show {formatNumber(Math.min(PAGE, visible.length - shown))} more
        </button>
      )}
      <p className="muted small">
        Totals are over the tenants shown, per currency. Idle seats are licence units held by accounts idle
        over 90 days; “cannot tell” without sign-in data (Entra ID P1). Possible waste rests on a guess
        (shared mailboxes, service accounts, guests) and is kept apart.
      </p>
    </section>
  );
}

function Row({ t }: { t: BookTenant }) {
  const money = (n: number) => formatMoney(n, t.currency);
  return (
    <tr>
      <th scope="row">
        <Link href={`/tenants/${t.tenantId}/licences`}>{t.tenantName}</Link>
      </th>
      <td className="num">{money(t.totals.spendMonthly)}</td>
      <td className="num">{money(t.totals.wasteMonthly)}</td>
      <td className="num">{money(t.totals.possibleWasteMonthly)}</td>
      <td className="num">
        {t.counts.idleSeats === null ? 'cannot tell' : formatNumber(t.counts.idleSeats)}
      </td>
      <td className="num">{formatNumber(t.counts.available)}</td>
      <td>
        {t.totals.topWasteSku ? (
          <>
            {t.totals.topWasteSku.name}
            <div className="muted small">
              {formatMoney(t.totals.topWasteSku.monthly, t.currency)}/mo ·{' '}
              {counted(t.totals.topWasteSku.units, 'unit')}
            </div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>{formatDateTime(t.collectedAt)}</td>
    </tr>
  );
}

function TotalRow({ sum, label }: { sum: BookSum; label: string }) {
  const money = (n: number) => formatMoney(n, sum.currency);
  return (
    <tr>
      <th scope="row">
        {label}
        <div className="muted small">{counted(sum.tenants, 'tenant')}</div>
      </th>
      <td className="num">{money(sum.spendMonthly)}</td>
      <td className="num">{money(sum.wasteMonthly)}</td>
      <td className="num">{money(sum.possibleWasteMonthly)}</td>
      <td className="num">
        {formatNumber(sum.idleSeats)}
        {sum.idleUnknown > 0 && (
          <div className="muted small">{counted(sum.idleUnknown, 'tenant')} cannot tell</div>
        )}
      </td>
      <td className="num">{formatNumber(sum.available)}</td>
      <td colSpan={2} />
    </tr>
  );
}
