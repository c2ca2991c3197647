import { TenantscopeError } from '../platform/errors.ts';

/**
 * How long each kind of data is kept, in days. Pure: the defaults, the bounds, checking a
 * change, and the cut-off dates a purge works from.
 */
export interface RetentionPolicy {
  /** stored snapshots (raw tenant data); the latest of each tenant and a pinned baseline are always kept */
  snapshots: number;
  /** finding history, score and licence trends, sync and analysis runs */
  findings: number;
  /** drift events and comparisons, baseline comparisons, standard results */
  drift: number;
  /** alert deliveries and sent (or given-up) emails */
  deliveries: number;
  /** the audit log */
  audit: number;
  /** a tenant a workspace owner disconnected is purged this long after */
  disconnected: number;
}

export type RetentionKind = keyof RetentionPolicy;

export const RETENTION_KINDS = [
  'snapshots',
  'findings',
  'drift',
  'deliveries',
  'audit',
  'disconnected',
] as const satisfies readonly RetentionKind[];

/** DESIGN.md: safe defaults; the audit log a year; a disconnected tenant 30 days. */
export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({
  snapshots: 90,
  findings: 365,
  drift: 365,
  deliveries: 90,
  audit: 365,
  disconnected: 30,
});

/**
 * Why the minimums: a week of snapshots keeps drift comparable across a weekend; a quarter of
 * audit log is what an incident review usually reaches back to; trend charts need a month.
 */
export const RETENTION_BOUNDS: Readonly<Record<RetentionKind, { min: number; max: number }>> = Object.freeze({
  snapshots: { min: 7, max: 3650 },
  findings: { min: 30, max: 3650 },
  drift: { min: 30, max: 3650 },
  deliveries: { min: 7, max: 3650 },
  audit: { min: 90, max: 3650 },
  disconnected: { min: 7, max: 365 },
});

/** A partial change applied to a policy; every value out of bounds is named in one error. */
export function applyRetentionChange(
  current: RetentionPolicy,
  change: Partial<Record<string, unknown>>,
): RetentionPolicy {
  const next = { ...current };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(change)) {
    if (!(RETENTION_KINDS as readonly string[]).includes(key)) {
      problems.push(`${key} is not a kind of data (${RETENTION_KINDS.join(', ')})`);
      continue;
    }
    const kind = key as RetentionKind;
    const { min, max } = RETENTION_BOUNDS[kind];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${kind} must be a whole number of days from ${min} to ${max}`);
      continue;
    }
    next[kind] = value;
  }
  if (problems.length > 0) throw new TenantscopeError('TS_ERR_RETENTION_INVALID', problems.join('; '));
  return next;
}

const DAY_MS = 86_400_000;

/** For each kind, the instant before which data of that kind is due to go. */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): Record<RetentionKind, Date> {
  const out = {} as Record<RetentionKind, Date>;
  for (const kind of RETENTION_KINDS) out[kind] = new Date(now.getTime() - policy[kind] * DAY_MS);
  return out;
}
