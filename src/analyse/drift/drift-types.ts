/**
 * Drift's types: what changed between two snapshots (or a snapshot and a pinned baseline), who
 * changed it when the directory audit log can say, and how a snapshot deviates from a standard.
 * The storage-backed parts (triage, alerts, timeline) are typed here so that the pure output
 * already carries what they need (a stable fingerprint, a severity); they are built elsewhere.
 */
import type { DatasetStatus } from '../../collect/snapshot-types.ts';

export type DriftSeverity = 'high' | 'medium' | 'low';

/**
 * `added` / `removed`: a whole object, a member of an unordered set, or an entry of a keyed list
 * (a credential by keyId, a method configuration by id). `changed`: a property's value. A rename
 * is a `changed` event on `displayName`, never `removed` + `added`.
 */
export type DriftEventKind = 'added' | 'removed' | 'changed';

export interface DriftEvent {
  kind: DriftEventKind;
  /** a tracked kind from object-kinds.ts, e.g. `conditionalAccessPolicy` */
  objectKind: string;
  /** immutable id; for singletons the kind name (`authorizationPolicy`) */
  objectId: string;
  objectName: string;
  /**
   * Where in the object, dot-separated, with `[key]` for entries of keyed lists:
   * `conditions.users.excludeUsers`, `authenticationMethodConfigurations[Sms].state`. Empty for
   * a whole object added or removed. For a set member the path names the set.
   */
  path: string;
  /** normalised values (volatile fields dropped, sets sorted); null when absent */
  before: unknown;
  after: unknown;
  severity: DriftSeverity;
  /**
   * Stable across runs for the same change (kind, object, path, member), without times: what a
   * triage decision ("accepted", "customer-specific") is keyed by.
   */
  fingerprint: string;
  attribution: Attribution;
}

export type Actor =
  | { type: 'user'; id: string | null; userPrincipalName: string | null; displayName: string | null }
  | { type: 'app'; appId: string | null; displayName: string | null; servicePrincipalId: string | null };

export type Confidence = 'high' | 'medium' | 'low';

export interface KnownAttribution {
  actor: Actor;
  /** the audit record's activityDateTime */
  at: string;
  activity: string;
  auditId: string;
  /**
   * high: the record targets the object and names the changed property; medium: it targets the
   * object with an activity consistent with the change; low: it only targets the object.
   */
  confidence: Confidence;
  /** other records in the window that target the object too (a busy object is less certain) */
  otherCandidates: number;
}

export type UnknownReason =
  /** the later snapshot has no `ok` directoryAudits dataset (not licensed, forbidden, failed) */
  | 'auditLogNotAvailable'
  /** no record in the window targets this object (not logged, or not ingested yet) */
  | 'noRecord'
  /** the window starts before the oldest audit record the later snapshot could hold */
  | 'beyondRetention'
  /** the only matching record is dated after the later snapshot started */
  | 'recordAfterSnapshot';

export interface UnknownAttribution {
  actor: 'unknown';
  reason: UnknownReason;
  detail: string;
}

export type Attribution = KnownAttribution | UnknownAttribution;

export interface NotCompared {
  dataset: string;
  objectKinds: string[];
  fromStatus: DatasetStatus | 'missing';
  toStatus: DatasetStatus | 'missing';
  /** the error of the side that failed, as recorded in the snapshot */
  reason: string;
}

export interface DriftReport {
  tenantId: string;
  /** `previous`: the snapshot before; `baseline`: a pinned snapshot */
  against: 'previous' | 'baseline';
  from: { collectedAt: string };
  to: { collectedAt: string };
  events: DriftEvent[];
  notCompared: NotCompared[];
  /** the kinds whose objects were compared */
  compared: string[];
  /** labels for ids that appear in event values (users, groups, roles, apps, locations) */
  names: Record<string, string>;
  summary: { added: number; removed: number; changed: number; attributed: number; unknown: number };
}

export interface DiffOptions {
  against?: 'previous' | 'baseline';
  /** false skips the audit join: every actor is then unknown (`auditLogNotAvailable`) */
  attribute?: boolean;
  /**
   * How many days of audit records the later snapshot can hold: the collector reads 30 days
   * (graph-datasets.ts), and Entra keeps audit logs 30 days with P1/P2, 7 days on Free
   * (Microsoft Learn, "Microsoft Entra data retention").
   */
  auditCoverageDays?: number;
}

// ---- Standards ---------------------------------------------------------------------------

export type DeviationStatus = 'pass' | 'deviation' | 'unknown' | 'skipped';

export interface Deviation {
  objectKind: string;
  /** absent for "an object like this should exist" rules */
  objectId?: string;
  objectName?: string;
  path: string;
  expected: unknown;
  actual: unknown;
}

export interface RuleResult {
  ruleId: string;
  title: string;
  severity: DriftSeverity;
  status: DeviationStatus;
  /** the tenant's override replaced the expectation, or skipped the rule */
  overridden: boolean;
  deviations: Deviation[];
  /** why unknown or skipped */
  reason?: string;
}

export interface StandardReport {
  standard: string;
  tenantId: string;
  collectedAt: string;
  results: RuleResult[];
  summary: { pass: number; deviation: number; unknown: number; skipped: number };
}

// ---- Storage-backed parts (designed here, built with storage) ------------------------------

/** What a member decided about one drift event, keyed by its fingerprint. */
export interface DriftTriage {
  tenantId: string;
  fingerprint: string;
  /**
   * accepted: the new value becomes the expected one (baseline updated); revertedInTenant: the
   * change is being undone in the tenant, tracked until a later snapshot no longer shows it;
   * customerSpecific: a known per-customer difference, not reported again.
   */
  state: 'accepted' | 'revertedInTenant' | 'customerSpecific';
  note: string;
  by: string;
  at: string;
}

/** A rule that turns new drift events into notifications (email, signed webhook). */
export interface DriftAlertRule {
  id: string;
  minSeverity: DriftSeverity;
  /** empty: every kind */
  objectKinds: string[];
  /** empty: every tenant of the workspace */
  tenantIds: string[];
  channels: ({ type: 'email'; to: string[] } | { type: 'webhook'; url: string })[];
}

/** One point of an object's history across snapshots (the timeline API). */
export interface TimelineEntry {
  collectedAt: string;
  state: 'present' | 'absent' | 'unknown';
  events: DriftEvent[];
}
