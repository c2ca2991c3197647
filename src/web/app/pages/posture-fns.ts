import type { Finding, Severity } from '../types.ts';

export interface AreaGroup {
  area: string;
  findings: Finding[];
  /** failing (not accepted) findings in the area */
  failing: number;
}

const SEV_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Findings grouped by area: the areas with most failing first, findings most severe first. */
export function groupByArea(findings: Finding[]): AreaGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.area, [...(groups.get(f.area) ?? []), f]);
  return [...groups]
    .map(([area, list]) => ({
      area,
      findings: [...list].sort(
        (a, b) => (SEV_RANK[a.severity] ?? 9) - (SEV_RANK[b.severity] ?? 9) || a.title.localeCompare(b.title),
      ),
      failing: list.filter((f) => f.state === 'fail').length,
    }))
    .sort((a, b) => b.failing - a.failing || a.area.localeCompare(b.area));
}

export function countBySeverity(findings: Finding[], state = 'fail'): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) if (f.state === state && f.severity in out) out[f.severity] += 1;
  return out;
}

/** `mfa-and-auth` → "Mfa and auth"; areas are ids, people read words. */
export const areaLabel = (area: string) => {
  const words = area
    .replace(/[-_]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The default expiry offered when accepting: 90 days ahead, as yyyy-mm-dd for a date input. */
export function defaultExpiry(now: Date, days = 90): string {
  const d = new Date(now.getTime() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/**
 * The end of the chosen day in the reader's time zone, as an instant: "until 31 March" means
 * through that day where the person is.
 */
export function endOfLocalDay(yyyyMmDd: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(yyyyMmDd);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return Number.isNaN(d.getTime()) ? null : d;
}
