import type { PriceEntry } from '../types.ts';

/** Rows as typed: text until saved, so a half-typed price is not lost or turned into 0. */
export interface Row {
  key: number;
  sku: string;
  price: string;
  term: PriceEntry['term'];
}

let nextKey = 1;
export const toRows = (entries: PriceEntry[]): Row[] =>
  entries.map((e) => ({
    key: nextKey++,
    sku: e.skuPartNumber ?? e.skuId ?? '',
    price: String(e.pricePerMonth),
    term: e.term,
  }));

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** The rows back into entries; the first problem in words, naming the row. */
export function rowsToEntries(rows: Row[]): { entries: PriceEntry[] } | { error: string } {
  const entries: PriceEntry[] = [];
  for (const [i, r] of rows.entries()) {
    const sku = r.sku.trim();
    if (!sku && !r.price.trim()) continue;
    const price = Number(r.price.replace(',', '.'));
    if (!sku) return { error: `Row ${i + 1}: name the SKU (part number such as SPE_E3, or its id).` };
    if (!r.price.trim() || !Number.isFinite(price) || price < 0)
      return { error: `Row ${i + 1} (${sku}): the price must be a number of at least 0.` };
    entries.push({
      ...(GUID.test(sku) ? { skuId: sku } : { skuPartNumber: sku }),
      pricePerMonth: price,
      term: r.term,
    });
  }
  return { entries };
}

export const newRow = (): Row => ({ key: nextKey++, sku: '', price: '', term: 'annual' });
