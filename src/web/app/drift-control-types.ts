/**
 * The shapes of the drift-control API the web app reads: baselines, standards, alert rules and
 * their deliveries. The server's response schemas (src/present/http/baseline-routes.ts,
 * standard-routes.ts, alert-routes.ts) are the source of truth; these follow them.
 */
export type DriftSeverity = 'high' | 'medium' | 'low';

export interface Baseline {
  snapshotId: string;
  collectedAt: string;
  note: string | null;
  /** a person id, or `cli` when pinned with `tenantscope baseline set` */
  pinnedBy: string;
  pinnedAt: string;
}

/** A drift event of a comparison with the baseline (not stored as a triaged event). */
export interface ComparisonEvent {
  kind: 'added' | 'removed' | 'changed';
  objectKind: string;
  objectId: string;
  objectName: string;
  path: string;
  before: unknown;
  after: unknown;
  severity: DriftSeverity;
  fingerprint: string;
  attribution: Record<string, unknown>;
}

export interface NotCompared {
  dataset: string;
  objectKinds: string[];
  fromStatus: string;
  toStatus: string;
  reason: string;
}

export interface BaselineComparison {
  id: string;
  baselineSnapshotId: string;
  baselineCollectedAt: string;
  snapshotId: string;
  collectedAt: string;
  comparedAt: string;
  compared: string[];
  notCompared: NotCompared[];
  summary: Record<string, number>;
  events: ComparisonEvent[];
}

export interface SnapshotListItem {
  id: string;
  startedAt: string;
  completedAt: string;
}

export interface StandardAssignment {
  tenantId: string;
  overrides: Record<string, unknown>;
  assignedBy: string;
  assignedAt: string;
}

export interface Standard {
  id: string;
  name: string;
  version: number;
  /** tenantscope.standard/v1 without overrides (docs/drift.md "Standards") */
  document: Record<string, unknown>;
  updatedBy: string;
  updatedAt: string;
  tenants: StandardAssignment[];
}

export interface Deviation {
  objectKind: string;
  objectId?: string;
  objectName?: string;
  path: string;
  expected: unknown;
  actual: unknown;
}

export type RuleStatus = 'pass' | 'deviation' | 'unknown' | 'skipped';

export interface RuleResult {
  ruleId: string;
  title: string;
  severity: string;
  status: RuleStatus;
  overridden: boolean;
  deviations: Deviation[];
  reason?: string;
}

export interface StandardResult {
  standardId: string;
  standardName: string;
  standardVersion: number;
  snapshotId: string;
  collectedAt: string;
  evaluatedAt: string;
  summary: Record<string, number>;
  results: RuleResult[];
}

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  minSeverity: DriftSeverity;
  objectKinds: string[];
  tenantIds: string[];
  /** the URL only: the signing secret is never returned */
  webhook: { url: string; secretSet: boolean } | null;
  emailTo: string[];
  createdBy: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'queued' | 'delivered' | 'failed';

export interface AlertDelivery {
  id: string;
  ruleId: string;
  tenantId: string | null;
  comparisonId: string | null;
  channel: 'webhook' | 'email';
  kind: 'drift' | 'test';
  status: DeliveryStatus;
  target: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  totalEvents: number | null;
}
