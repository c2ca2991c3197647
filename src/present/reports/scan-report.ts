/**
 * The scan report: one evaluation plus what a reader needs to act (remediation, references),
 * in the documented JSON shape `tenantscope.scan/v1` (docs/scan-report.md). The other formats
 * (Markdown, HTML, SARIF) are rendered from this object, never from the snapshot.
 */
import type { PostureEvaluation } from '../../analyse/posture/evaluate.ts';
import type { Check, CheckResult, Remediation, Severity } from '../../analyse/posture/posture-types.ts';
import type { PostureScores } from '../../analyse/posture/score.ts';
import { SEVERITY_WEIGHT } from '../../analyse/posture/score.ts';

export const SCAN_REPORT_FORMAT = 'tenantscope.scan/v1';

export interface ReportResult extends CheckResult {
  rationale: string;
  remediation: Remediation;
  references: string[];
  mode: Check['mode'];
}

export interface ScanReport {
  format: typeof SCAN_REPORT_FORMAT;
  tenant: PostureEvaluation['tenant'];
  snapshotCollectedAt: string;
  evaluatedAt: string;
  licence: PostureEvaluation['licence'];
  severityWeights: Record<Severity, number>;
  scores: PostureScores;
  results: ReportResult[];
}

export function buildScanReport(evaluation: PostureEvaluation, checks: readonly Check[]): ScanReport {
  const byId = new Map(checks.map((c) => [c.id, c]));
  return {
    format: SCAN_REPORT_FORMAT,
    tenant: evaluation.tenant,
    snapshotCollectedAt: evaluation.snapshotCollectedAt,
    evaluatedAt: evaluation.evaluatedAt,
    licence: evaluation.licence,
    severityWeights: SEVERITY_WEIGHT,
    scores: evaluation.scores,
    results: evaluation.results.map((r) => {
      const c = byId.get(r.checkId);
      return {
        ...r,
        rationale: c?.rationale ?? '',
        remediation: c?.remediation ?? { portal: '', automation: '' },
        references: c?.references ?? [],
        mode: c?.mode ?? 'automated',
      };
    }),
  };
}

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const STATE_ORDER = ['fail', 'accepted', 'unknown', 'notLicensed', 'manual', 'notApplicable', 'pass'];

/** Failures first, then by severity: the order every human-readable format uses. */
export function sortedResults(report: ScanReport): ReportResult[] {
  return [...report.results].sort(
    (a, b) =>
      STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.checkId.localeCompare(b.checkId),
  );
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
