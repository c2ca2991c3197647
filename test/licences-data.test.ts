/** The shipped data (SKU catalogue, starter prices) and the loaders for user-supplied files. */
import { describe, expect, test } from 'vitest';
import {
  defaultSkuCatalogue,
  parsePriceBook,
  parseSkuCatalogue,
  priceBookFor,
  skuName,
  starterPriceBook,
} from '../src/analyse/licences/index.ts';
import { SKU_INCLUDES, SKUS } from '../src/emulator/generator/index.ts';
import { TenantscopeError } from '../src/platform/errors.ts';

describe('the shipped SKU catalogue', () => {
  const catalogue = defaultSkuCatalogue();

  test('parses, with its source and date, and has no duplicate ids or part numbers', () => {
    expect(catalogue.source.url).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect(catalogue.source.curated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(catalogue.byId.size).toBeGreaterThanOrEqual(40);
    expect(catalogue.byPartNumber.size).toBe(catalogue.byId.size);
  });

  test('knows every SKU the generator uses, under the same GUID', () => {
    for (const sku of Object.values(SKUS)) {
      expect(catalogue.byPartNumber.get(sku.skuPartNumber)?.skuId, sku.skuPartNumber).toBe(sku.skuId);
    }
  });

  test("holds the generator's inclusion pairs, and names only SKUs it knows", () => {
    for (const [suite, included] of Object.entries(SKU_INCLUDES)) {
      expect(catalogue.byPartNumber.get(suite)!.includes).toEqual(expect.arrayContaining(included!));
    }
    for (const sku of catalogue.byId.values()) {
      for (const part of sku.includes)
        expect(catalogue.byPartNumber.has(part), `${sku.skuPartNumber} → ${part}`).toBe(true);
    }
  });

  test('an unknown SKU is shown by its skuPartNumber', () => {
    expect(skuName(catalogue, '00000000-0000-4000-8000-000000000001', 'CONTOSO_SPECIAL')).toBe(
      'CONTOSO_SPECIAL',
    );
    expect(skuName(catalogue, SKUS.SPE_E5.skuId, 'SPE_E5')).toBe('Microsoft 365 E5');
  });
});

describe("Microsoft's licensing CSV", () => {
  const csv = [
    'Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names',
    'Office 365 E3,ENTERPRISEPACK,6fd2c87f-b296-42f0-b197-1e91e994b900,EXCHANGE_S_ENTERPRISE,efb87545-963c-4e0d-99df-69c6916d9eb0,Exchange Online (Plan 2)',
    'Office 365 E3,ENTERPRISEPACK,6fd2c87f-b296-42f0-b197-1e91e994b900,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Microsoft Teams',
    '"Contoso Widget, Premium",CONTOSO_WIDGET,0c0ffee0-0000-4000-8000-000000000001,WIDGET,0c0ffee0-0000-4000-8000-000000000002,Widget',
  ].join('\r\n');

  test('loads names and service plans, and keeps the shipped inclusion pairs', () => {
    const c = parseSkuCatalogue(`\uFEFF${csv}`, 'licensing.csv');
    expect(c.byPartNumber.get('CONTOSO_WIDGET')!.name).toBe('Contoso Widget, Premium');
    expect(c.byPartNumber.get('ENTERPRISEPACK')!.servicePlanIds).toHaveLength(2);
    expect(c.byPartNumber.get('ENTERPRISEPREMIUM')!.includes).toContain('ENTERPRISEPACK');
    expect(c.planNames.get('57ff2da0-773e-42df-b2af-ffb7a2317929')).toBe('Microsoft Teams');
  });

  test.each([
    { text: 'a,b,c\n1,2,3', message: /missing column Product_Display_Name/ },
    { text: 'Product_Display_Name,String_Id,GUID\nX,Y,not-a-guid', message: /row 2 GUID must be a GUID/ },
    {
      text: '{"format":"tenantscope.sku-catalogue/v1","source":{"title":"t","url":"u","curated":"c"},"skus":[{"skuId":"x"}]}',
      message: /skus\.0\.skuId must be a GUID/,
    },
  ])('a bad file is refused with the first problem: $message', ({ text, message }) => {
    expect(() => parseSkuCatalogue(text, 'file')).toThrow(message);
    try {
      parseSkuCatalogue(text, 'file');
    } catch (e) {
      expect((e as TenantscopeError).code).toBe('TS_ERR_SKU_CATALOGUE_INVALID');
    }
  });
});

describe('price books', () => {
  const book = (body: unknown) =>
    JSON.stringify({ format: 'tenantscope.prices/v1', currency: 'USD', ...(body as object) });

  test('the starter list parses and prices every paid SKU the generator uses', () => {
    const starter = starterPriceBook();
    const paid = Object.values(SKUS).filter((s) => !s.viral);
    for (const s of paid)
      expect(
        starter.entries.some((e) => e.skuPartNumber === s.skuPartNumber),
        s.skuPartNumber,
      ).toBe(true);
  });

  test.each([
    {
      body: { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: -1, term: 'annual' }] },
      message: 'entries[0].pricePerMonth must not be negative',
    },
    {
      body: { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 36.001, term: 'annual' }] },
      message: 'entries[0].pricePerMonth must have at most two decimals',
    },
    {
      body: { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 36, term: 'yearly' }] },
      message: 'entries[0].term',
    },
    {
      body: { entries: [{ pricePerMonth: 36, term: 'annual' }] },
      message: 'entries[0] needs skuId or skuPartNumber',
    },
    {
      body: {
        entries: [
          { skuPartNumber: 'A', pricePerMonth: 1, term: 'annual' },
          { skuPartNumber: 'A', pricePerMonth: 2, term: 'annual' },
        ],
      },
      message: 'entries[1] prices skuPartNumber A again (first at entries[0])',
    },
    { body: { currency: 'dollars', entries: [] }, message: 'currency must be an ISO 4217 code' },
    {
      body: {
        entries: [],
        tenants: { t1: { entries: [{ skuPartNumber: 'A', pricePerMonth: '3', term: 'annual' }] } },
      },
      message: 'tenants.t1.entries[0].pricePerMonth must be number',
    },
    { body: { entries: [], colour: 'red' }, message: '(top level)' },
  ])('a bad price file names the path of the problem: $message', ({ body, message }) => {
    let error: unknown;
    try {
      parsePriceBook(book(body), 'prices.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantscopeError);
    expect((error as TenantscopeError).code).toBe('TS_ERR_PRICE_BOOK_INVALID');
    expect((error as Error).message).toContain(`prices.json: ${message}`);
  });

  test('malformed JSON is refused with the file name', () => {
    expect(() => parsePriceBook('{', 'prices.json')).toThrow(/prices\.json: not valid JSON/);
  });

  test('a tenant override replaces the workspace price of the same SKU and keeps the rest', () => {
    const file = parsePriceBook(
      book({
        entries: [
          { skuPartNumber: 'SPE_E3', pricePerMonth: 36, term: 'annual' },
          { skuPartNumber: 'AAD_PREMIUM', pricePerMonth: 6, term: 'annual' },
        ],
        tenants: { t1: { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 33.5, term: 'monthly' }] } },
      }),
      'p',
    );
    expect(priceBookFor(file, 't1').entries).toEqual([
      { skuPartNumber: 'SPE_E3', pricePerMonth: 33.5, term: 'monthly' },
      { skuPartNumber: 'AAD_PREMIUM', pricePerMonth: 6, term: 'annual' },
    ]);
    expect(priceBookFor(file, 'other').entries).toHaveLength(2);
  });

  test('an override in another currency stands alone: prices are never mixed across currencies', () => {
    const file = parsePriceBook(
      book({
        entries: [{ skuPartNumber: 'AAD_PREMIUM', pricePerMonth: 6, term: 'annual' }],
        tenants: {
          t1: { currency: 'EUR', entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 33, term: 'annual' }] },
        },
      }),
      'p',
    );
    expect(priceBookFor(file, 't1')).toEqual({
      currency: 'EUR',
      entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 33, term: 'annual' }],
    });
  });
});
