import { useMemo, useState } from 'react';
import { formatMoney, formatNumber, formatPrice } from '../format.ts';
import type { SkuLine, SkuLines, Tenant } from '../types.ts';
import { Async, Badge, Empty } from '../ui.tsx';
import { useApi } from '../use-api.ts';
import { type Column, SortableHead } from './SortableHead.tsx';
import { type SkuSortKey, skuFirstDir, sortSkus, unitStates } from './sku-fns.ts';
import { nextSort, type SortState } from './table-fns.ts';

const COLUMNS: Column<SkuSortKey>[] = [
  { key: 'name', label: 'Product' },
  { key: 'purchased', label: 'Bought', numeric: true },
  { key: 'consumed', label: 'Assigned', numeric: true },
  { key: 'available', label: 'Available', numeric: true },
  { key: 'suspended', label: 'Warning / suspended', numeric: true },
  { key: 'price', label: 'Price / month', numeric: true },
  { key: 'idle', label: 'Idle holders', numeric: true },
  { key: 'waste', label: 'Waste / month', numeric: true },
];

/** One row per subscribed SKU, from the tenant's latest licence summary. */
export function SkuTable({ tenant }: { tenant: Tenant }) {
  const loaded = useApi<SkuLines>(`/api/tenants/${tenant.id}/licences/skus`);
  return (
    <section className="card span-2" aria-labelledby="skus-h">
      <h2 id="skus-h">Per product (SKU)</h2>
      <Async loaded={loaded} what="the products">
        {({ current }) =>
          !current ? (
            <Empty>No licence analysis yet.</Empty>
          ) : current.skus === null ? (
            <Empty>Per-product figures appear after the next sync (this analysis predates them).</Empty>
          ) : current.skus.length === 0 ? (
            <Empty>The tenant has no subscribed products.</Empty>
          ) : (
            <Lines lines={current.skus} currency={current.currency} idleDays={current.idleDays} />
          )
        }
      </Async>
    </section>
  );
}

function Lines({ lines, currency, idleDays }: { lines: SkuLine[]; currency: string; idleDays: number }) {
  const [sort, setSort] = useState<SortState<SkuSortKey>>({ key: 'waste', dir: 'desc' });
  const sorted = useMemo(() => sortSkus(lines, sort), [lines, sort]);
  return (
    <>
      <div className="table-wrap">
        <table className="table sku-table">
          <SortableHead
            columns={COLUMNS}
            sort={sort}
            onSort={(k) => setSort((s) => nextSort(s, k, skuFirstDir))}
          />
          <tbody>
            {sorted.map((l) => (
              <Row key={l.skuId} line={l} currency={currency} />
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Idle holders: signed in last more than {formatNumber(idleDays)} days ago. Waste counts each unit once
        (unassigned, disabled, never signed in, idle, paid twice); prices come from Settings → Price book.
      </p>
    </>
  );
}

function Row({ line: l, currency }: { line: SkuLine; currency: string }) {
  const states = unitStates(l);
  return (
    <tr>
      <th scope="row">
        {l.name}
        <div className="muted small mono">
          {l.skuPartNumber}
          {l.free && ' · free'}
          {l.notBilled && (
            <>
              {' '}
              · <Badge tone="warn">{l.capabilityStatus}</Badge>
            </>
          )}
        </div>
      </th>
      <td className="num">{formatNumber(l.purchased)}</td>
      <td className="num">
        {formatNumber(l.consumed)}
        {l.overAssigned > 0 && <div className="small sev-text-high">{formatNumber(l.overAssigned)} over</div>}
      </td>
      <td className="num">{formatNumber(l.available)}</td>
      <td className="num">{states || '—'}</td>
      <td className="num">
        {l.pricePerMonth === null ? (
          <span className="muted">{l.free ? 'free' : 'no price'}</span>
        ) : (
          <>
            {formatPrice(l.pricePerMonth, currency)}
            {l.term && <div className="muted small">{l.term}</div>}
          </>
        )}
      </td>
      <td className="num">{l.idleAssigned === null ? 'cannot tell' : formatNumber(l.idleAssigned)}</td>
      <td className="num">
        <Waste line={l} currency={currency} />
      </td>
    </tr>
  );
}

function Waste({ line: l, currency }: { line: SkuLine; currency: string }) {
  if (l.waste.units === 0) return <>—</>;
  const unpriced = l.waste.unpricedUnits > 0;
  return (
    <>
      {unpriced && l.waste.monthly === 0 ? 'no price' : formatMoney(l.waste.monthly, currency)}
      <div className="muted small">
        {formatNumber(l.waste.units)} {l.waste.units === 1 ? 'unit' : 'units'}
        {unpriced && `, ${formatNumber(l.waste.unpricedUnits)} unpriced`}
      </div>
    </>
  );
}
