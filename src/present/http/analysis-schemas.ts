import { z } from 'zod';
import { OBJECT_KINDS } from '../../analyse/drift/index.ts';
import { AREAS, SEVERITIES } from '../../analyse/posture/posture-types.ts';

/**
 * Response allowlists and query pieces of the analysis routes (findings, drift). Dates leave as
 * ISO 8601 strings (`toJson` turns the pipeline's Date fields into them).
 */
const isoDate = z.string().describe('ISO 8601 date-time');

export const FINDING_STATES = [
  'pass',
  'fail',
  'accepted',
  'notApplicable',
  'notLicensed',
  'unknown',
  'manual',
  'retired',
] as const;
export const TRIAGE_STATES = ['open', 'accepted', 'revertedInTenant', 'customerSpecific'] as const;
export const DRIFT_SEVERITIES = ['high', 'medium', 'low'] as const;
export const DRIFT_KINDS = ['added', 'removed', 'changed'] as const;
export const OBJECT_KIND_NAMES = OBJECT_KINDS.map((k) => k.kind) as [string, ...string[]];

/**
 * A list filter in the query string: `?state=fail,accepted` or `?state=fail&state=accepted`.
 * Each value must be one of `values`; the error names the field.
 */
export function listOf<T extends string>(values: readonly [T, ...T[]]) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform(splitList)
    .pipe(z.array(z.enum(values)).max(50))
    .optional();
}

/** `a,b` and `x=a&x=b` alike: the non-empty values, trimmed. */
function splitList(v: string | string[]): string[] {
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const limitQuery = (fallback: number, max = 1000) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
export const offsetQuery = z.coerce.number().int().min(0).max(1_000_000).default(0);
export const booleanQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** A check id of the ruleset (`ca-block-legacy-auth`); anything else is refused before any lookup. */
export const checkIdParam = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,120}$/, 'must be a check id such as ca-block-legacy-auth');

export const acceptanceSchema = z.object({
  id: z.string(),
  reason: z.string(),
  acceptedBy: z.string().describe('the member id of who accepted it'),
  acceptedAt: isoDate,
  expiresAt: isoDate,
  expired: z.boolean(),
});

export const findingSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  tenantName: z.string(),
  checkId: z.string(),
  state: z.enum(FINDING_STATES).describe('effective now: an unexpired acceptance turns fail into accepted'),
  severity: z.enum(SEVERITIES),
  area: z.string(),
  title: z.string(),
  summary: z.string(),
  reason: z.string().nullable(),
  evidence: z.object({
    items: z.array(
      z.object({
        type: z.string(),
        id: z.string(),
        name: z.string().optional(),
        properties: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    total: z.number().int(),
  }),
  firstSeenAt: isoDate.nullable(),
  lastSeenAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
  snapshotId: z.string().nullable(),
  evaluatedCollectedAt: isoDate,
  acceptance: acceptanceSchema.nullable().describe('the acceptance that counts, expired or not'),
});

export const checkSchema = z.object({
  id: z.string(),
  title: z.string(),
  area: z.string(),
  severity: z.enum(SEVERITIES),
  rationale: z.string(),
  remediation: z.object({ portal: z.string(), automation: z.string() }),
  references: z.array(z.string()),
  frameworks: z.object({
    cis: z.array(z.string()),
    scuba: z.array(z.string()),
    maester: z.array(z.string()),
  }),
});

export const findingHistorySchema = z.object({
  changes: z.array(
    z.object({
      collectedAt: isoDate,
      snapshotId: z.string().nullable(),
      from: z.enum(FINDING_STATES).nullable(),
      to: z.enum(FINDING_STATES),
    }),
  ),
  acceptances: z.array(
    z.object({
      id: z.string(),
      reason: z.string(),
      acceptedBy: z.string(),
      acceptedAt: isoDate,
      expiresAt: isoDate,
      revokedAt: isoDate.nullable(),
      revokedBy: z.string().nullable(),
    }),
  ),
});

export const FINDING_SORTS = ['severity', 'tenant', 'check', 'area', 'state', 'since'] as const;

const findingFilters = {
  state: listOf(FINDING_STATES),
  severity: listOf(SEVERITIES),
  area: listOf(AREAS),
  open: booleanQuery.describe('true: failing and not fixed since; false: resolved'),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe("words in the check's title or id, or the tenant's name (case-insensitive)"),
  sort: z
    .enum(FINDING_SORTS)
    .default('severity')
    .describe('severity (most severe first), tenant name, check title, area, state, or since (first seen)'),
  dir: z.enum(['asc', 'desc']).default('asc').describe('asc: most severe, A–Z or oldest first'),
  limit: limitQuery(200),
  offset: offsetQuery,
};
export const findingsQuery = z.object(findingFilters).strict();
/** Tenant ids, comma-separated or repeated, as `listOf` takes values; a page's worth at most. */
const tenantIdList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set(splitList(v).map((s) => s.toLowerCase()))])
  .pipe(z.array(z.guid()).max(200))
  .optional()
  .describe('only these tenants (comma-separated or repeated ids, at most 200); absent: every tenant');
export const workspaceFindingsQuery = z.object({ tenantId: tenantIdList, ...findingFilters }).strict();

export const scorePointSchema = z.object({
  collectedAt: isoDate,
  snapshotId: z.string().nullable(),
  score: z.number().nullable(),
  passedWeight: z.number(),
  possibleWeight: z.number(),
  counts: z.record(z.string(), z.number()),
  areas: z.record(z.string(), z.unknown()),
  licencePlan: z.string().nullable(),
});

export const exceptionsSchema = z.object({
  breakGlass: z.array(z.string()),
  thresholds: z.record(z.string(), z.unknown()),
  updatedBy: z.string().nullable(),
  updatedAt: isoDate.nullable(),
});

export const driftEventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  comparisonId: z.string(),
  fromCollectedAt: isoDate,
  toCollectedAt: isoDate,
  objectKind: z.string(),
  objectId: z.string(),
  objectName: z.string(),
  path: z.string().describe("the changed property; '' for the whole object (added or removed)"),
  kind: z.enum(DRIFT_KINDS),
  severity: z.enum(DRIFT_SEVERITIES),
  before: z.unknown(),
  after: z.unknown(),
  attribution: z.record(z.string(), z.unknown()).describe('who changed it, from the directory audit log'),
  actor: z.string().describe('a UPN, an app name, or unknown'),
  fingerprint: z.string(),
  triage: z.object({
    state: z.enum(TRIAGE_STATES),
    note: z.string().nullable(),
    by: z.string().nullable(),
    at: isoDate.nullable(),
    revertSeenAt: isoDate.nullable(),
  }),
});

export const comparisonSchema = z.object({
  id: z.string(),
  status: z.enum(['compared', 'noPrevious', 'minimalMode']),
  fromSnapshotId: z.string().nullable(),
  toSnapshotId: z.string().nullable(),
  fromCollectedAt: isoDate.nullable(),
  toCollectedAt: isoDate,
  compared: z.array(z.string()),
  notCompared: z.array(
    z.object({
      dataset: z.string(),
      objectKinds: z.array(z.string()),
      fromStatus: z.string(),
      toStatus: z.string(),
      reason: z.string(),
    }),
  ),
  summary: z.record(z.string(), z.number()),
});

export const timelinePointSchema = z.object({
  collectedAt: isoDate,
  state: z.enum(['present', 'absent', 'unknown']),
  events: z.array(driftEventSchema),
});

/** Dates become ISO strings, everything else stays: the pipeline's views, ready for a schema. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export function toJson<T>(value: T): Json<T> {
  if (value instanceof Date) return value.toISOString() as Json<T>;
  if (Array.isArray(value)) return value.map(toJson) as Json<T>;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out as Json<T>;
  }
  return value as Json<T>;
}
