import { formatNumber } from '../format.ts';
import type { SkuLine } from '../types.ts';
import { type Dir, type SortState, type SortValue, sortBy } from './table-fns.ts';

/** The per-SKU table of a tenant's licences tab: its columns' sort keys. */
export type SkuSortKey =
  | 'name'
  | 'purchased'
  | 'consumed'
  | 'available'
  | 'suspended'
  | 'price'
  | 'idle'
  | 'waste';

function sortValue(line: SkuLine, key: SkuSortKey): SortValue {
  switch (key) {
    case 'name':
      return line.name.toLocaleLowerCase();
    case 'purchased':
      return line.purchased;
    case 'consumed':
      return line.consumed;
    case 'available':
      return line.available;
    case 'suspended':
      return line.suspended + line.warning;
    case 'price':
      return line.pricePerMonth;
    case 'idle':
      return line.idleAssigned;
    case 'waste':
      // a SKU whose waste has no price sorts with the unknowns, not as zero
      return line.waste.unpricedUnits > 0 && line.waste.monthly === 0 ? null : line.waste.monthly;
  }
}

export function sortSkus(lines: readonly SkuLine[], sort: SortState<SkuSortKey>): SkuLine[] {
  return sortBy(lines, sort, sortValue, (l) => l.name);
}

/** Names A–Z; figures largest first (what people look for). */
export const skuFirstDir = (key: SkuSortKey): Dir => (key === 'name' ? 'asc' : 'desc');

/** Units in warning or suspended, in words; '' when none. */
export function unitStates(line: Pick<SkuLine, 'warning' | 'suspended'>): string {
  const parts: string[] = [];
  if (line.warning > 0) parts.push(`${formatNumber(line.warning)} in warning`);
  if (line.suspended > 0) parts.push(`${formatNumber(line.suspended)} suspended`);
  return parts.join(', ');
}
