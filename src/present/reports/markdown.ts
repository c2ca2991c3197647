/** The scan report as Markdown: scores, then failures with evidence, then every result in a table. */
import { AREAS } from '../../analyse/posture/posture-types.ts';
import type { Score } from '../../analyse/posture/score.ts';
import { type ReportResult, type ScanReport, sortedResults } from './scan-report.ts';

/** Escapes what would break a Markdown table cell or start markup. */
export const mdCell = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const score = (s: Score) => (s.score === null ? '—' : `${s.score}`);

function evidenceLines(r: ReportResult): string[] {
  const lines = r.evidence.map((e) => {
    const props = e.properties ? ` — \`${JSON.stringify(e.properties)}\`` : '';
    return `  - ${e.type} **${mdCell(e.name ?? e.id)}** (\`${e.id}\`)${props}`;
  });
  if (r.evidenceTotal > r.evidence.length)
    lines.push(`  - … and ${r.evidenceTotal - r.evidence.length} more`);
  return lines;
}

export function renderMarkdown(report: ScanReport): string {
  const t = report.scores.tenant;
  const out: string[] = [
    `# Security posture: ${mdCell(report.tenant.displayName ?? report.tenant.tenantId)}`,
    '',
    `Tenant \`${report.tenant.tenantId}\` · snapshot ${report.snapshotCollectedAt} · Entra ID plan: ${report.licence.plan ?? 'unknown'}`,
    '',
    `**Score ${score(t)}** (weighted by severity; only pass and fail count). ` +
      `${t.counts.pass} pass, ${t.counts.fail} fail, ${t.counts.accepted} accepted, ${t.counts.unknown} unknown, ` +
      `${t.counts.notLicensed} not licensed, ${t.counts.notApplicable} not applicable, ${t.counts.manual} manual.`,
    '',
    '| area | score | pass | fail | accepted | unknown | not licensed | manual |',
    '|---|---|---|---|---|---|---|---|',
    ...AREAS.map((a) => {
      const s = report.scores.areas[a];
      const c = s.counts;
      return `| ${a} | ${score(s)} | ${c.pass} | ${c.fail} | ${c.accepted} | ${c.unknown} | ${c.notLicensed} | ${c.manual} |`;
    }),
    '',
    '## Failures',
    '',
  ];
  const results = sortedResults(report);
  for (const r of results.filter((x) => x.state === 'fail' || x.state === 'accepted')) {
    out.push(
      `### ${r.state === 'accepted' ? '(accepted) ' : ''}${r.severity.toUpperCase()} · ${r.checkId}: ${mdCell(r.title)}`,
      '',
    );
    out.push(mdCell(r.summary), '');
    if (r.acceptance)
      out.push(
        `Accepted by ${mdCell(r.acceptance.acceptedBy)} until ${r.acceptance.expiresAt}${r.acceptance.expired ? ' (**expired**)' : ''}: ${mdCell(r.acceptance.reason)}`,
        '',
      );
    out.push(
      `*Why:* ${mdCell(r.rationale)}`,
      '',
      `*Fix:* ${mdCell(r.remediation.portal)} — \`${mdCell(r.remediation.automation)}\``,
      '',
    );
    if (r.evidence.length) out.push('Evidence:', ...evidenceLines(r), '');
  }
  out.push('## All results', '', '| state | severity | area | check | summary |', '|---|---|---|---|---|');
  for (const r of results)
    out.push(
      `| ${r.state} | ${r.severity} | ${r.area} | \`${r.checkId}\` ${mdCell(r.title)} | ${mdCell(r.reason ?? r.summary)} |`,
    );
  return `${out.join('\n')}\n`;
}
