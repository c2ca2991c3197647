/**
 * The scan report as ONE self-contained HTML file: inline CSS and a small inline script for
 * sorting and filtering; no external fetch, so it opens offline and from a mail attachment.
 * Every value from the tenant is HTML-escaped (names are attacker-controllable: a group can be
 * called `<script>`), and the script reads only data attributes, never injects HTML.
 */
import { AREAS } from '../../analyse/posture/posture-types.ts';
import type { Score } from '../../analyse/posture/score.ts';
import { type ReportResult, type ScanReport, SEVERITY_ORDER, sortedResults } from './scan-report.ts';

export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
const e = escapeHtml;
const score = (s: Score) => (s.score === null ? '—' : `${s.score}`);

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}h1{margin:0 0 .3rem}
.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none}th[data-dir=asc]::after{content:" ▲"}th[data-dir=desc]::after{content:" ▼"}
.state{font-weight:600;border-radius:4px;padding:0 .4rem}.s-fail{background:#ffebe9;color:#a40e26}.s-pass{background:#dafbe1;color:#116329}
.s-accepted{background:#fff8c5;color:#7d4e00}.s-unknown,.s-notLicensed,.s-manual,.s-notApplicable{background:#eaeef2;color:#424a53}
.filters{display:flex;gap:.5rem;flex-wrap:wrap}.filters select,.filters input{padding:.25rem}details{margin-top:.3rem}code{font-size:12px}
.score{font-size:2rem;font-weight:700}`;

/** Sorting by clicked column; filtering by state, severity, area and free text. No innerHTML. */
const SCRIPT = `(function(){var t=document.getElementById('results'),b=t.tBodies[0];
var f={state:document.getElementById('f-state'),severity:document.getElementById('f-severity'),area:document.getElementById('f-area'),q:document.getElementById('f-q')};
function apply(){var q=f.q.value.toLowerCase();Array.prototype.forEach.call(b.rows,function(r){var ok=(!f.state.value||r.dataset.state===f.state.value)&&(!f.severity.value||r.dataset.severity===f.severity.value)&&(!f.area.value||r.dataset.area===f.area.value)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);r.hidden=!ok;});}
Object.keys(f).forEach(function(k){f[k].addEventListener('input',apply);});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){var dir=th.dataset.dir==='asc'?'desc':'asc';Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c){delete c.dataset.dir;});th.dataset.dir=dir;
var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var a=x.cells[i].dataset.key||x.cells[i].textContent,c=y.cells[i].dataset.key||y.cells[i].textContent;return (a<c?-1:a>c?1:0)*(dir==='asc'?1:-1);});rows.forEach(function(r){b.appendChild(r);});});});})();`;

function options(values: readonly string[], label: string, id: string): string {
  return `<select id="${id}" aria-label="${label}"><option value="">${label}: all</option>${values.map((v) => `<option>${e(v)}</option>`).join('')}</select>`;
}

function row(r: ReportResult): string {
  const evidence = r.evidence.length
    ? `<details><summary>${r.evidenceTotal} objects</summary><ul>${r.evidence
        .map(
          (x) =>
            `<li>${e(x.type)} <b>${e(x.name ?? x.id)}</b> <code>${e(x.id)}</code>${x.properties ? ` <code>${e(JSON.stringify(x.properties))}</code>` : ''}</li>`,
        )
        .join(
          '',
        )}${r.evidenceTotal > r.evidence.length ? `<li>… ${r.evidenceTotal - r.evidence.length} more</li>` : ''}</ul></details>`
    : '';
  const acceptance = r.acceptance
    ? `<div>Accepted by ${e(r.acceptance.acceptedBy)} until ${e(r.acceptance.expiresAt)}${r.acceptance.expired ? ' (expired)' : ''}: ${e(r.acceptance.reason)}</div>`
    : '';
  const fix =
    r.state === 'pass'
      ? ''
      : `<details><summary>Fix</summary><div>${e(r.rationale)}</div><div>${e(r.remediation.portal)}</div><code>${e(r.remediation.automation)}</code></details>`;
  return `<tr data-state="${e(r.state)}" data-severity="${e(r.severity)}" data-area="${e(r.area)}">
<td><span class="state s-${e(r.state)}">${e(r.state)}</span></td><td data-key="${SEVERITY_ORDER.indexOf(r.severity)}">${e(r.severity)}</td><td>${e(r.area)}</td>
<td><code>${e(r.checkId)}</code><div>${e(r.title)}</div></td><td>${e(r.reason ?? r.summary)}${acceptance}${evidence}${fix}</td></tr>`;
}

export function renderHtml(report: ScanReport): string {
  const name = report.tenant.displayName ?? report.tenant.tenantId;
  const t = report.scores.tenant;
  const areas = AREAS.map((a) => {
    const s = report.scores.areas[a];
    return `<tr><td>${a}</td><td>${score(s)}</td><td>${s.counts.pass}</td><td>${s.counts.fail}</td><td>${s.counts.accepted}</td><td>${s.counts.unknown}</td><td>${s.counts.notLicensed}</td><td>${s.counts.manual}</td></tr>`;
  }).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Security posture — ${e(name)}</title><style>${CSS}</style></head><body>
<h1>Security posture — ${e(name)}</h1>
<div class="meta">Tenant ${e(report.tenant.tenantId)} · snapshot ${e(report.snapshotCollectedAt)} · Entra ID plan ${e(report.licence.plan ?? 'unknown')}</div>
<p><span class="score">${score(t)}</span> / 100 — weighted by severity (critical ${report.severityWeights.critical}, high ${report.severityWeights.high}, medium ${report.severityWeights.medium}, low ${report.severityWeights.low}); only pass and fail count.
${t.counts.pass} pass, ${t.counts.fail} fail, ${t.counts.accepted} accepted, ${t.counts.unknown} unknown, ${t.counts.notLicensed} not licensed, ${t.counts.manual} manual.</p>
<table><thead><tr><th>area</th><th>score</th><th>pass</th><th>fail</th><th>accepted</th><th>unknown</th><th>not licensed</th><th>manual</th></tr></thead><tbody>${areas}</tbody></table>
<div class="filters">${options(['fail', 'accepted', 'pass', 'unknown', 'notLicensed', 'notApplicable', 'manual'], 'State', 'f-state')}${options(SEVERITY_ORDER, 'Severity', 'f-severity')}${options(AREAS, 'Area', 'f-area')}<input id="f-q" type="search" placeholder="Search" aria-label="Search"></div>
<table id="results"><thead><tr><th>state</th><th>severity</th><th>area</th><th>check</th><th>details</th></tr></thead><tbody>
${sortedResults(report).map(row).join('\n')}
</tbody></table>
<script>${SCRIPT}</script></body></html>
`;
}
