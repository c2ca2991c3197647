/**
 * The scan report as SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json), for code-scanning dashboards
 * and CI. One rule per check; one result per failing check (accepted ones carry a suppression,
 * as SARIF §3.35 intends). Locations are logical: the tenant and the failing objects.
 */
import type { Severity } from '../../analyse/posture/posture-types.ts';
import type { ReportResult, ScanReport } from './scan-report.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** GitHub code scanning reads `security-severity` (0–10) from rule properties. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function sarifResult(r: ReportResult, tenantId: string) {
  return {
    ruleId: r.checkId,
    level: LEVEL[r.severity],
    message: { text: r.summary },
    locations: [
      {
        logicalLocations: [
          { name: tenantId, kind: 'module', fullyQualifiedName: `tenant/${tenantId}` },
          ...r.evidence.slice(0, 20).map((e) => ({
            name: e.name ?? e.id,
            kind: 'resource',
            fullyQualifiedName: `${e.type}/${e.id}`,
          })),
        ],
      },
    ],
    partialFingerprints: { checkTenant: `${r.checkId}/${tenantId}` },
    properties: { area: r.area, evidenceTotal: r.evidenceTotal, evidence: r.evidence },
    ...(r.state === 'accepted' && r.acceptance
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${r.acceptance.reason} (by ${r.acceptance.acceptedBy}, until ${r.acceptance.expiresAt})`,
            },
          ],
        }
      : {}),
  };
}

export function renderSarif(report: ScanReport, version: string): string {
  const rules = report.results.map((r) => ({
    id: r.checkId,
    name: r.checkId,
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale || r.title },
    help: { text: `${r.remediation.portal}\n${r.remediation.automation}` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[r.severity],
      tags: ['security', r.area, ...r.frameworks.scuba, ...r.frameworks.cis.map((c) => `CIS-${c}`)],
    },
  }));
  const results = report.results
    .filter((r) => r.state === 'fail' || r.state === 'accepted')
    .map((r) => sarifResult(r, report.tenant.tenantId));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'Tenantscope', version, informationUri: 'https://github.com/tenantscope', rules },
        },
        automationDetails: {
          id: `tenantscope-posture/${report.tenant.tenantId}/${report.snapshotCollectedAt}`,
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
