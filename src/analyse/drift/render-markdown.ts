/**
 * Markdown for people: what changed, who changed it (or why we cannot say), what was not
 * compared, and how the tenant deviates from a standard. Pure: report in, text out.
 */
import type { Attribution, DriftEvent, DriftReport, StandardReport } from './drift-types.ts';

const MAX_VALUE = 120;

/** Cells must not break the table: pipes escaped, newlines flattened, long values cut. */
function cell(v: unknown, names: Record<string, string> = {}, max = MAX_VALUE): string {
  if (v === null || v === undefined) return '—';
  let text = typeof v === 'string' ? v : JSON.stringify(v);
  if (typeof v === 'string' && names[v]) text = `${v} (${names[v]})`;
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function who(a: Attribution): string {
  if (a.actor === 'unknown') return `unknown — ${a.detail}`;
  const name =
    a.actor.type === 'user'
      ? (a.actor.userPrincipalName ?? a.actor.id ?? 'a user')
      : `app ${a.actor.displayName ?? a.actor.appId ?? '?'}${a.actor.appId ? ` (${a.actor.appId})` : ''}`;
  const others = a.otherCandidates ? `, ${a.otherCandidates} other record(s)` : '';
  return `${name} at ${a.at} — "${a.activity}" (${a.confidence} confidence${others})`;
}

function eventRow(e: DriftEvent, names: Record<string, string>): string {
  const path = e.path || '(whole object)';
  const values = e.path === '' ? '' : ` ${cell(e.before, names)} → ${cell(e.after, names)}`;
  return `| ${e.severity} | ${cell(e.objectName)} | ${e.kind} | \`${cell(path)}\`${values} | ${cell(who(e.attribution), {}, 300)} |`;
}

export function renderDriftMarkdown(r: DriftReport): string {
  const lines = [
    `# Drift for tenant ${r.tenantId}`,
    '',
    `Compared against the ${r.against === 'baseline' ? 'baseline' : 'previous snapshot'} of ${r.from.collectedAt} → ${r.to.collectedAt}.`,
    `${r.events.length} change(s): ${r.summary.added} added, ${r.summary.removed} removed, ${r.summary.changed} changed; ` +
      `${r.summary.attributed} attributed, ${r.summary.unknown} with an unknown actor.`,
    '',
  ];
  if (r.notCompared.length) {
    lines.push(
      '## Not compared',
      '',
      'These were not read completely in one of the snapshots, so no drift is reported for them:',
      '',
    );
    for (const n of r.notCompared)
      lines.push(`- **${n.dataset}** (${n.objectKinds.join(', ')}): ${n.reason}`);
    lines.push('');
  }
  if (r.events.length) {
    lines.push('## Changes', '', '| severity | object | change | what | who |', '|---|---|---|---|---|');
    for (const e of r.events) lines.push(eventRow(e, r.names));
    lines.push('');
  } else {
    lines.push('No configuration changed in what was compared.', '');
  }
  return lines.join('\n');
}

export function renderStandardMarkdown(s: StandardReport): string {
  const lines = [
    `# Standard "${s.standard}" for tenant ${s.tenantId}`,
    '',
    `Snapshot of ${s.collectedAt}: ${s.summary.pass} pass, ${s.summary.deviation} deviate, ${s.summary.unknown} unknown, ${s.summary.skipped} skipped.`,
    '',
    '| rule | severity | status | detail |',
    '|---|---|---|---|',
  ];
  for (const r of s.results) {
    const mark = r.overridden ? ' (tenant override)' : '';
    const detail =
      r.status === 'deviation'
        ? r.deviations
            .map(
              (d) =>
                `${d.objectName ?? d.objectKind} \`${d.path || '—'}\`: expected ${cell(d.expected)}, found ${cell(d.actual)}`,
            )
            .join('; ')
        : (r.reason ?? '');
    lines.push(`| ${cell(r.title)}${mark} | ${r.severity} | ${r.status} | ${cell(detail, {}, 600)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
