/**
 * The price book: what one licence unit costs per month, in one currency, with its billing term.
 * Graph exposes no prices and no reliable term (msp-anchors.md §6), so prices come from the user:
 * a starter list of editable list-price estimates (`starter-prices.json`), a workspace book, and
 * per-tenant overrides. A SKU with no price is a gap, shown as such, never a zero.
 *
 * File format (`tenantscope.prices/v1`, docs/licences.md):
 * { "format": "tenantscope.prices/v1", "currency": "USD",
 *   "entries": [{ "skuPartNumber": "SPE_E3", "pricePerMonth": 36, "term": "annual" }],
 *   "tenants": { "<tenantId>": { "entries": [ … ] } } }
 */
import { z } from 'zod';
import { TenantscopeError } from '../../platform/errors.ts';
import type { BillingTerm } from './licence-types.ts';
import starter from './starter-prices.json' with { type: 'json' };

export const PRICE_BOOK_FORMAT = 'tenantscope.prices/v1';

export interface PriceEntry {
  skuId?: string;
  skuPartNumber?: string;
  /** per unit per month, in the book's currency; at most two decimals */
  pricePerMonth: number;
  term: BillingTerm;
  note?: string;
}

export interface PriceBook {
  currency: string;
  entries: PriceEntry[];
}

/** A workspace's book with per-tenant overrides (the stored form, and the file form). */
export interface PriceBookFile extends PriceBook {
  format: typeof PRICE_BOOK_FORMAT;
  source?: string;
  tenants?: Record<string, { currency?: string; entries: PriceEntry[] }>;
}

const twoDecimals = (n: number) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6;

const entrySchema = z
  .object({
    skuId: z
      .string()
      .regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i, 'must be a GUID')
      .optional(),
    skuPartNumber: z.string().min(1).optional(),
    pricePerMonth: z
      .number()
      .nonnegative('must not be negative')
      .refine(Number.isFinite, 'must be a finite number')
      .refine(twoDecimals, 'must have at most two decimals'),
    term: z.enum(['monthly', 'annual']),
    note: z.string().optional(),
  })
  .strict()
  .refine((e) => e.skuId !== undefined || e.skuPartNumber !== undefined, {
    message: 'needs skuId or skuPartNumber',
  });

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD or EUR');

const entriesSchema = z.array(entrySchema).superRefine((entries, ctx) => {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const key of keysOf(e)) {
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `prices ${key} again (first at entries[${first}])`,
        });
      else seen.set(key, i);
    }
  });
});

const fileSchema = z
  .object({
    format: z.literal(PRICE_BOOK_FORMAT, { message: `must be "${PRICE_BOOK_FORMAT}"` }),
    source: z.string().optional(),
    currency,
    entries: entriesSchema,
    tenants: z
      .record(z.string(), z.object({ currency: currency.optional(), entries: entriesSchema }).strict())
      .optional(),
  })
  .strict();

function keysOf(e: { skuId?: string | undefined; skuPartNumber?: string | undefined }): string[] {
  return [
    e.skuId && `skuId ${e.skuId.toLowerCase()}`,
    e.skuPartNumber && `skuPartNumber ${e.skuPartNumber}`,
  ].filter((k): k is string => Boolean(k));
}

/** Validates a parsed price file; the error names the JSON path of the first problem. */
export function validatePriceBook(document: unknown, source = 'price book'): PriceBookFile {
  const result = fileSchema.safeParse(document);
  if (result.success) return result.data as PriceBookFile;
  const issue = result.error.issues[0]!;
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .slice(1)
    : '(top level)';
  const message = issue.code === 'invalid_type' ? `must be ${issue.expected}` : issue.message;
  throw new TenantscopeError('TS_ERR_PRICE_BOOK_INVALID', `${source}: ${where} ${message}`);
}

export function parsePriceBook(text: string, source: string): PriceBookFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_PRICE_BOOK_INVALID',
      `${source}: not valid JSON (${(cause as Error).message})`,
    );
  }
  return validatePriceBook(document, source);
}

/** The starter list shipped with Tenantscope: list-price estimates in USD, meant to be edited. */
export function starterPriceBook(): PriceBookFile {
  return validatePriceBook(starter, 'starter-prices.json');
}

/**
 * The book for one tenant: its override entries replace the workspace's for the same SKU. An
 * override in another currency stands alone (prices in two currencies are never mixed).
 */
export function priceBookFor(book: PriceBookFile, tenantId: string): PriceBook {
  const override = book.tenants?.[tenantId];
  if (!override) return { currency: book.currency, entries: book.entries };
  if (override.currency && override.currency !== book.currency)
    return { currency: override.currency, entries: override.entries };
  const replaced = new Set(override.entries.flatMap(keysOf));
  const kept = book.entries.filter((e) => !keysOf(e).some((k) => replaced.has(k)));
  return { currency: book.currency, entries: [...override.entries, ...kept] };
}

export interface ResolvedPrice {
  cents: number;
  pricePerMonth: number;
  term: BillingTerm;
}

/** Looks up prices by skuId first, then skuPartNumber; `undefined` is a gap. */
export function priceLookup(
  book: PriceBook,
): (skuId: string, skuPartNumber: string) => ResolvedPrice | undefined {
  const byId = new Map<string, ResolvedPrice>();
  const byPart = new Map<string, ResolvedPrice>();
  for (const e of book.entries) {
    const price = { cents: Math.round(e.pricePerMonth * 100), pricePerMonth: e.pricePerMonth, term: e.term };
    if (e.skuId) byId.set(e.skuId.toLowerCase(), price);
    if (e.skuPartNumber) byPart.set(e.skuPartNumber, price);
  }
  return (skuId, part) => byId.get(skuId.toLowerCase()) ?? byPart.get(part);
}
