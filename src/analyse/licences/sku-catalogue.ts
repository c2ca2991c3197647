/**
 * Friendly names of SKUs and service plans, and which SKU includes which. The shipped data
 * (`sku-catalogue.json`) is a curated subset of Microsoft's "Product names and service plan
 * identifiers for licensing" table, with its source and date inside. `parseSkuCatalogue` also reads
 * Microsoft's own CSV (columns `Product_Display_Name,String_Id,GUID,Service_Plan_Name,
 * Service_Plan_Id,Service_Plans_Included_Friendly_Names`), so a user can load the current table.
 */
import { z } from 'zod';
import { parseCsv } from '../../collect/csv.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import shipped from './sku-catalogue.json' with { type: 'json' };

export interface CatalogueSku {
  skuId: string;
  skuPartNumber: string;
  name: string;
  /** free, self-service SKUs (Power Automate Free…): never waste, never priced */
  free: boolean;
  /** skuPartNumbers of SKUs whose whole content this one includes */
  includes: string[];
  servicePlanIds: string[];
}

export interface SkuCatalogue {
  source: { title: string; url: string; curated: string };
  byId: ReadonlyMap<string, CatalogueSku>;
  byPartNumber: ReadonlyMap<string, CatalogueSku>;
  /** service plan id → friendly name */
  planNames: ReadonlyMap<string, string>;
}

const guid = z.string().regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i, 'must be a GUID');

const catalogueSchema = z.object({
  format: z.literal('tenantscope.sku-catalogue/v1'),
  source: z.object({ title: z.string(), url: z.string(), curated: z.string() }).loose(),
  skus: z.array(
    z.object({
      skuId: guid,
      skuPartNumber: z.string().min(1),
      name: z.string().min(1),
      free: z.boolean().optional(),
      includes: z.array(z.string()).optional(),
      servicePlanIds: z.array(guid).optional(),
    }),
  ),
  servicePlans: z.array(z.object({ id: guid, name: z.string(), friendlyName: z.string() })).optional(),
});

type CatalogueDocument = z.infer<typeof catalogueSchema>;

/** The catalogue shipped with Tenantscope. */
export function defaultSkuCatalogue(): SkuCatalogue {
  return fromDocument(catalogueSchema.parse(shipped));
}

/**
 * Reads a catalogue file's text: Microsoft's CSV or a `tenantscope.sku-catalogue/v1` JSON. A CSV
 * only brings names and service plans; inclusion pairs and `free` flags come from `base`.
 */
export function parseSkuCatalogue(text: string, source: string, base = defaultSkuCatalogue()): SkuCatalogue {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) return parseJsonCatalogue(trimmed, source);
  return fromMicrosoftCsv(trimmed, source, base);
}

function parseJsonCatalogue(text: string, source: string): SkuCatalogue {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw invalid(`${source}: not valid JSON (${(cause as Error).message})`);
  }
  const result = catalogueSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalid(`${source}: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
  }
  return fromDocument(result.data);
}

const CSV_COLUMNS = ['Product_Display_Name', 'String_Id', 'GUID'] as const;

function fromMicrosoftCsv(text: string, source: string, base: SkuCatalogue): SkuCatalogue {
  const rows = parseCsv(text);
  const header = Object.keys(rows[0] ?? {});
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (rows.length === 0 || missing.length > 0)
    throw invalid(`${source}: not Microsoft's licensing CSV (missing column ${missing[0] ?? 'rows'})`);
  const skus = new Map<string, CatalogueSku>();
  const planNames = new Map(base.planNames);
  rows.forEach((row, i) => {
    const id = (row.GUID ?? '').trim().toLowerCase();
    if (!guid.safeParse(id).success) throw invalid(`${source}: row ${i + 2} GUID must be a GUID`);
    const part = (row.String_Id ?? '').trim();
    const known = base.byId.get(id);
    const sku = skus.get(id) ?? {
      skuId: id,
      skuPartNumber: part,
      // Microsoft's file sometimes carries non-breaking spaces in names
      name: (row.Product_Display_Name ?? '').replace(/\u00a0/g, ' ').trim() || part,
      free: known?.free ?? false,
      includes: known?.includes ?? [],
      servicePlanIds: [],
    };
    skus.set(id, sku);
    const planId = (row.Service_Plan_Id ?? '').trim().toLowerCase();
    if (planId) {
      sku.servicePlanIds.push(planId);
      const friendly = (row.Service_Plans_Included_Friendly_Names ?? '').trim();
      if (friendly) planNames.set(planId, friendly);
    }
  });
  // SKUs the CSV lacks (retired, or newer than the file) keep the shipped entry.
  for (const sku of base.byId.values()) if (!skus.has(sku.skuId)) skus.set(sku.skuId, sku);
  return index({ title: `Microsoft licensing CSV (${source})`, url: source, curated: '' }, skus, planNames);
}

function fromDocument(doc: CatalogueDocument): SkuCatalogue {
  const skus = new Map<string, CatalogueSku>();
  for (const s of doc.skus) {
    skus.set(s.skuId.toLowerCase(), {
      skuId: s.skuId.toLowerCase(),
      skuPartNumber: s.skuPartNumber,
      name: s.name,
      free: s.free ?? false,
      includes: s.includes ?? [],
      servicePlanIds: s.servicePlanIds ?? [],
    });
  }
  const plans = new Map((doc.servicePlans ?? []).map((p) => [p.id.toLowerCase(), p.friendlyName]));
  return index(doc.source, skus, plans);
}

function index(
  source: SkuCatalogue['source'],
  byId: Map<string, CatalogueSku>,
  planNames: Map<string, string>,
): SkuCatalogue {
  const byPartNumber = new Map([...byId.values()].map((s) => [s.skuPartNumber, s]));
  return {
    source: { title: source.title, url: source.url, curated: source.curated },
    byId,
    byPartNumber,
    planNames,
  };
}

/** Friendly name of a SKU; an unknown SKU shows its skuPartNumber (or its id as a last resort). */
export function skuName(catalogue: SkuCatalogue, skuId: string, skuPartNumber?: string | null): string {
  return catalogue.byId.get(skuId.toLowerCase())?.name ?? skuPartNumber ?? skuId;
}

/**
 * For one user's SKUs (part numbers), those taking part in an inclusion pair and those paid twice
 * (included by another SKU the user also holds).
 */
export function overlapsOf(
  catalogue: SkuCatalogue,
  parts: readonly string[],
): { involved: Set<string>; redundant: Set<string> } {
  const involved = new Set<string>();
  const redundant = new Set<string>();
  for (const suite of parts) {
    for (const included of catalogue.byPartNumber.get(suite)?.includes ?? []) {
      if (included === suite || !parts.includes(included)) continue;
      involved.add(suite);
      involved.add(included);
      redundant.add(included);
    }
  }
  return { involved, redundant };
}

function invalid(message: string): TenantscopeError {
  return new TenantscopeError('TS_ERR_SKU_CATALOGUE_INVALID', message);
}
