/**
 * The merged catalogue (300 checks, ../shared/reference/check-catalogs/merged-catalog.csv, converted
 * to JSON beside this file): stable ids, severity, anchors, endpoints and the logic each check
 * needs. Implementations in ../checks/ add rationale, remediation and the evaluation; a row
 * without one becomes a `manual` check, so the catalogue is always complete.
 */
import { graphDatasets } from '../../../collect/graph-datasets.ts';
import type { Area, Frameworks, Licence, Severity } from '../posture-types.ts';
import type { CatalogueRow } from './catalogue-row.ts';
import { EXTRA_ROWS } from './extra-rows.ts';
import rows from './merged-catalog.json' with { type: 'json' };

export type { CatalogueRow } from './catalogue-row.ts';

/** The merged catalogue's 300 rows, then Tenantscope's own (extra-rows.ts). */
export const CATALOGUE: readonly CatalogueRow[] = [...(rows as CatalogueRow[]), ...EXTRA_ROWS];

const DOMAIN_AREA: Record<string, Area> = {
  tenant: 'tenant',
  devices: 'tenant',
  monitoring: 'tenant',
  'token-session': 'tenant',
  hybrid: 'identity',
  governance: 'identity',
  'mfa-registration': 'authMethods',
  'auth-methods': 'authMethods',
  password: 'authMethods',
  'roles-pim': 'rolesPim',
  'conditional-access': 'conditionalAccess',
  'named-locations': 'conditionalAccess',
  'apps-consent': 'appsConsent',
  'm365-groups': 'groups',
  'sharepoint-onedrive': 'sharing',
  teams: 'teams',
  licensing: 'licences',
};

/** users-guests holds both member hygiene (`usr-`) and guest / cross-tenant checks (`gst-`, `xta-`). */
export function areaOf(row: CatalogueRow): Area {
  if (row.domain === 'users-guests') return row.id.startsWith('usr-') ? 'identity' : 'guests';
  const area = DOMAIN_AREA[row.domain];
  if (!area) throw new Error(`catalogue row ${row.id}: unknown domain ${row.domain}`);
  return area;
}

export function severityOf(row: CatalogueRow): Severity {
  const s = row.severity as Severity;
  if (!['critical', 'high', 'medium', 'low', 'info'].includes(s))
    throw new Error(`catalogue row ${row.id}: unknown severity ${row.severity}`);
  return s;
}

export function frameworksOf(row: CatalogueRow): Frameworks {
  return { cis: row.cis, scuba: row.scuba, maester: row.maester };
}

export const licenceOf = (row: CatalogueRow): Licence => row.minLicence as Licence;

/** Human references from the anchors (ids only; CIS text is licensed and not reproduced). */
export function anchorReferences(row: CatalogueRow): string[] {
  return [
    ...row.cis.map((id) => `CIS Microsoft 365 Foundations Benchmark v7.0.0, recommendation ${id}`),
    ...row.scuba.map((id) => `CISA SCuBA Entra ID / SharePoint baseline, ${id}`),
    ...row.maester.map((id) => `Maester ${id}`),
    ...row.prowler.map((id) => `Prowler ${id}`),
    ...row.zta.map((id) => `Microsoft Zero Trust Assessment test ${id}`),
  ];
}

const DATASET_PERMISSIONS = new Map(graphDatasets.map((d) => [d.name, d.permissions]));

/** The read-only permissions behind a list of snapshot datasets (from src/collect/graph-datasets.ts). */
export function permissionsFor(datasets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const d of datasets) for (const p of DATASET_PERMISSIONS.get(d) ?? []) out.add(p);
  return [...out].sort();
}

export const COLLECTED_DATASETS: ReadonlySet<string> = new Set(graphDatasets.map((d) => d.name));
