import type { OverviewRow, Severity } from '../types.ts';

export type Health = 'healthy' | 'syncing' | 'failing' | 'disconnected' | 'paused' | 'new';
export type SortKey = 'name' | 'health' | 'lastSync' | 'score' | 'findings' | 'drift' | 'waste';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** One word for how a tenant is doing, from its state and its last sync. */
export function healthOf(row: Pick<OverviewRow, 'status' | 'lastSync'>): Health {
  if (row.status === 'disconnected') return 'disconnected';
  if (row.status === 'paused') return 'paused';
  if (!row.lastSync) return 'new';
  if (row.lastSync.status === 'running') return 'syncing';
  return row.lastSync.status === 'failed' ? 'failing' : 'healthy';
}

const HEALTH_RANK: Record<Health, number> = {
  disconnected: 0,
  failing: 1,
  paused: 2,
  new: 3,
  syncing: 4,
  healthy: 5,
};
const WEIGHT: Record<Severity, number> = { critical: 1_000_000, high: 10_000, medium: 100, low: 1 };

/** Open findings as one number that sorts by the worst severity first. */
export const findingWeight = (f: Record<Severity, number>) =>
  (Object.keys(WEIGHT) as Severity[]).reduce((sum, s) => sum + Math.min(f[s] ?? 0, 99) * WEIGHT[s], 0);

/** Unknown values (never synced, no price) sort last in either direction. */
function keyOf(row: OverviewRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.name.toLocaleLowerCase();
    case 'health':
      return HEALTH_RANK[healthOf(row)];
    case 'lastSync':
      return row.lastSync ? Date.parse(row.lastSync.at) : null;
    case 'score':
      return row.score;
    case 'findings':
      return findingWeight(row.openFindings);
    case 'drift':
      return row.drift7d;
    case 'waste':
      return row.waste?.amount ?? null;
  }
}

export function sortRows(rows: OverviewRow[], sort: Sort): OverviewRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const ka = keyOf(a, sort.key);
    const kb = keyOf(b, sort.key);
    if (ka === null || kb === null) return ka === kb ? a.name.localeCompare(b.name) : ka === null ? 1 : -1;
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a.name.localeCompare(b.name);
  });
}

/** Case-insensitive match on the name, the Microsoft tenant id, or the health word. */
export function filterRows(rows: OverviewRow[], text: string): OverviewRow[] {
  const q = text.trim().toLocaleLowerCase();
  if (!q) return rows;
  return rows.filter(
    (r) =>
      r.name.toLocaleLowerCase().includes(q) ||
      (r.microsoftTenantId ?? '').toLocaleLowerCase().includes(q) ||
      healthOf(r) === q,
  );
}

/** The direction a first click on a column sorts: worst first where that is what people look for. */
export const firstDirection = (key: SortKey): Sort['dir'] =>
  key === 'name' || key === 'health' || key === 'score' ? 'asc' : 'desc';
