/**
 * Turns implementations (logic + the words a person needs) and the catalogue rows (ids, severity,
 * anchors) into `Check`s. Severity, area, frameworks and licence come from the catalogue unless an
 * implementation documents why it differs.
 */
import {
  anchorReferences,
  areaOf,
  type CatalogueRow,
  frameworksOf,
  licenceOf,
  permissionsFor,
  severityOf,
} from './catalog/catalogue.ts';
import type { Check, CheckContext, CheckOutcome, Licence, Remediation, Severity } from './posture-types.ts';

export interface CheckImpl {
  id: string;
  /** our own wording; defaults to the catalogue statement */
  title?: string;
  rationale: string;
  remediation: Remediation;
  references?: string[];
  datasets: string[];
  optionalDatasets?: string[];
  /** overrides the catalogue's licence floor (say why in `notes`) */
  minLicence?: Licence;
  severity?: Severity;
  notes?: string;
  evaluate: (ctx: CheckContext) => CheckOutcome;
}

/** A check Graph cannot read read-only: what to look at, and how to fix it. */
export interface ManualImpl {
  id: string;
  title?: string;
  /** why Graph cannot read it and where a person looks instead */
  guidance: string;
  rationale?: string;
  remediation?: Remediation;
  references?: string[];
}

const PORTAL_BY_DOMAIN: Record<string, string> = {
  teams: 'Teams admin center',
  'sharepoint-onedrive': 'SharePoint admin center > Policies > Sharing',
  password: 'Entra admin center > Protection > Password reset / Authentication methods',
  governance: 'Entra admin center > Identity governance',
  monitoring: 'Entra admin center > Monitoring & health',
  devices: 'Entra admin center > Identity > Devices > Device settings',
};

export function fromImpl(row: CatalogueRow, impl: CheckImpl): Check {
  return {
    id: row.id,
    title: impl.title ?? row.statement,
    area: areaOf(row),
    severity: impl.severity ?? severityOf(row),
    rationale: impl.rationale,
    remediation: impl.remediation,
    references: [...(impl.references ?? []), ...anchorReferences(row)],
    datasets: impl.datasets,
    ...(impl.optionalDatasets ? { optionalDatasets: impl.optionalDatasets } : {}),
    permissions: permissionsFor([...impl.datasets, ...(impl.optionalDatasets ?? [])]),
    minLicence: impl.minLicence ?? licenceOf(row),
    frameworks: frameworksOf(row),
    mode: 'automated',
    ...(impl.notes ? { notes: impl.notes } : {}),
    evaluate: impl.evaluate,
  };
}

/** Why a catalogue row is manual when no one wrote guidance for it: its API and endpoints. */
function defaultGuidance(row: CatalogueRow): string {
  const why = row.api.startsWith('non-graph')
    ? `Microsoft Graph does not expose this setting (${row.api.replace(/^non-graph\s*/, '')}).`
    : row.api === 'ARM'
      ? 'This lives in Azure Resource Manager, which the posture scan does not read yet.'
      : 'Tenantscope does not collect the data this needs yet.';
  return `${why} Look at ${row.endpoints.join('; ')} and check: ${row.logic}.`;
}

export function fromManual(row: CatalogueRow, impl?: ManualImpl): Check {
  const guidance = impl?.guidance ?? defaultGuidance(row);
  return {
    id: row.id,
    title: impl?.title ?? row.statement,
    area: areaOf(row),
    severity: severityOf(row),
    rationale: impl?.rationale ?? (row.notes || `Recommended by ${anchorNames(row)}.`),
    remediation: impl?.remediation ?? {
      portal: PORTAL_BY_DOMAIN[row.domain] ?? 'Entra admin center (see the references)',
      automation: row.endpoints.join('; '),
    },
    references: [...(impl?.references ?? []), ...anchorReferences(row)],
    datasets: [],
    permissions: row.permissions,
    minLicence: licenceOf(row),
    frameworks: frameworksOf(row),
    mode: 'manual',
    evaluate: () => ({ state: 'manual', summary: guidance }),
  };
}

function anchorNames(row: CatalogueRow): string {
  const names = [
    row.cis.length ? 'CIS' : '',
    row.scuba.length ? 'CISA SCuBA' : '',
    row.maester.length ? 'Maester' : '',
    row.prowler.length ? 'Prowler' : '',
    row.zta.length ? 'the Zero Trust Assessment' : '',
  ].filter(Boolean);
  return names.length ? names.join(', ') : 'Tenantscope (no external anchor)';
}
