import { formatNumber } from '../format.ts';

export type RetentionKind = 'snapshots' | 'findings' | 'drift' | 'deliveries' | 'audit' | 'disconnected';

/** `GET /api/retention` */
export interface Retention {
  policy: Record<RetentionKind, number>;
  defaults: Record<RetentionKind, number>;
  bounds: Record<string, { min: number; max: number }>;
  updatedBy: string | null;
  updatedAt: string | null;
  lastPurgeAt: string | null;
  lastPurge: Record<string, number> | null;
}

export const RETENTION_ROWS: { kind: RetentionKind; label: string; what: string }[] = [
  { kind: 'snapshots', label: 'Snapshots', what: 'Raw tenant data read at each sync.' },
  {
    kind: 'findings',
    label: 'Finding history',
    what: 'Finding history, score and licence trends, sync runs.',
  },
  { kind: 'drift', label: 'Drift', what: 'Drift events and comparisons.' },
  { kind: 'deliveries', label: 'Deliveries', what: 'Alert deliveries and sent emails.' },
  { kind: 'audit', label: 'Audit log', what: 'Who did what.' },
  {
    kind: 'disconnected',
    label: 'Disconnected tenants',
    what: 'How long after you disconnect a tenant its data is purged.',
  },
];

/** The fields that differ from the saved policy, or the first field that is not a whole number in bounds. */
export function retentionChanges(
  saved: Retention,
  draft: Record<string, string>,
): { changes: Partial<Record<RetentionKind, number>> } | { error: string } {
  const changes: Partial<Record<RetentionKind, number>> = {};
  for (const row of RETENTION_ROWS) {
    const text = (draft[row.kind] ?? '').trim();
    const days = Number(text);
    const bounds = saved.bounds[row.kind];
    if (!/^\d+$/.test(text) || (bounds && (days < bounds.min || days > bounds.max)))
      return {
        error: `${row.label}: give a whole number of days${bounds ? ` from ${bounds.min} to ${bounds.max}` : ''}.`,
      };
    if (days !== saved.policy[row.kind]) changes[row.kind] = days;
  }
  return { changes };
}

const PURGED_WORDS: Record<string, [string, string]> = {
  tenants: ['disconnected tenant', 'disconnected tenants'],
  snapshots: ['snapshot', 'snapshots'],
  findingHistory: ['finding history row', 'finding history rows'],
  driftEvents: ['drift event', 'drift events'],
  syncRuns: ['sync run', 'sync runs'],
  emails: ['email', 'emails'],
  alertDeliveries: ['alert delivery', 'alert deliveries'],
  auditLog: ['audit entry', 'audit entries'],
};

/** "Deleted 2 snapshots and 1 audit entry." — the kinds people recognise, nothing for zero. */
export function purgeSummary(deleted: Record<string, number>): string {
  const parts = Object.entries(PURGED_WORDS)
    .filter(([key]) => (deleted[key] ?? 0) > 0)
    .map(([key, [one, many]]) => `${formatNumber(deleted[key]!)} ${deleted[key] === 1 ? one : many}`);
  const rest = Object.entries(deleted)
    .filter(([key]) => !(key in PURGED_WORDS))
    .reduce((n, [, v]) => n + v, 0);
  if (rest > 0) parts.push(`${formatNumber(rest)} other ${rest === 1 ? 'row' : 'rows'}`);
  if (parts.length === 0) return 'nothing was due.';
  const last = parts.pop()!;
  return `deleted ${parts.length ? `${parts.join(', ')} and ${last}` : last}.`;
}
