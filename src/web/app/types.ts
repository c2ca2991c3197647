/**
 * The shapes the web app reads from the API (the fields it uses). The server's response
 * schemas (src/present/http/*-schemas.ts) are the source of truth; these follow them.
 */
import type { BookTrendSeries } from '../../analyse/licences/book-trend.ts';
export type Role = 'owner' | 'admin' | 'reports';
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

export interface WorkspaceChoice {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export interface Me {
  person: { id: string; email: string; displayName: string | null };
  workspace: WorkspaceChoice | null;
  workspaces: WorkspaceChoice[];
  csrfToken: string;
  expiresAt: string;
}

export interface Tenant {
  id: string;
  displayName: string;
  microsoftTenantId: string;
  status: 'new' | 'connected' | 'disconnected' | 'paused';
  statusReason: string | null;
  cloud: string;
  connectionKind: string | null;
  clientId: string | null;
  syncIntervalMinutes: number;
  consecutiveFailures: number;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  credential: { kind: string; expiresAt: string | null } | null;
}

export interface OverviewRow {
  id: string;
  name: string;
  microsoftTenantId?: string;
  status: Tenant['status'];
  lastSync: { at: string; status: 'running' | 'succeeded' | 'failed' } | null;
  score: number | null;
  openFindings: Record<Severity, number>;
  drift7d: number;
  waste: { amount: number; currency: string; perMonth: boolean } | null;
}

export interface Acceptance {
  id: string;
  reason: string;
  acceptedBy: string;
  acceptedAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface EvidenceItem {
  type: string;
  id: string;
  name?: string;
  properties?: Record<string, unknown>;
}

export interface Finding {
  id: string;
  tenantId: string;
  tenantName: string;
  checkId: string;
  state: string;
  severity: Severity;
  area: string;
  title: string;
  summary: string;
  reason: string | null;
  evidence: { items: EvidenceItem[]; total: number };
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  resolvedAt: string | null;
  evaluatedCollectedAt: string;
  acceptance: Acceptance | null;
}

export interface Check {
  id: string;
  title: string;
  area: string;
  severity: Severity;
  rationale: string;
  remediation: { portal: string; automation: string };
  references: string[];
  frameworks: Record<string, string[]>;
}

export interface FindingDetail {
  finding: Finding;
  check: Check;
  history: {
    changes: { collectedAt: string; from: string | null; to: string }[];
    acceptances: (Omit<Acceptance, 'expired'> & { revokedAt: string | null; revokedBy: string | null })[];
  };
}

export interface ScorePoint {
  collectedAt: string;
  score: number | null;
  counts: Record<string, number>;
}

export type TriageState = 'open' | 'accepted' | 'revertedInTenant' | 'customerSpecific';

export interface DriftEvent {
  id: string;
  fromCollectedAt: string;
  toCollectedAt: string;
  objectKind: string;
  objectId: string;
  objectName: string;
  path: string;
  kind: 'added' | 'removed' | 'changed';
  severity: 'high' | 'medium' | 'low';
  before: unknown;
  after: unknown;
  attribution: Record<string, unknown>;
  actor: string;
  triage: { state: TriageState; note: string | null; by: string | null; at: string | null };
}

export interface Money {
  units: number;
  monthly: number;
  unpricedUnits: number;
}

export interface LicenceSummary {
  tenantId: string;
  collectedAt: string;
  currency: string;
  totals: {
    spendMonthly: number;
    wasteMonthly: number;
    possibleWasteMonthly: number;
    savingsAnnual: number;
    savings: { immediateMonthly: number; atRenewalMonthly: number; annual: number };
    unpricedUnits: number;
    unpricedSkus: string[];
    idleDays: number;
    idleKnown: boolean;
    byReason: Record<string, Money | null>;
    byDepartment: Record<string, Money>;
    topWasteSku: {
      skuId: string;
      skuPartNumber: string;
      name: string;
      monthly: number;
      units: number;
    } | null;
  };
  counts: {
    purchased: number;
    consumed: number;
    available: number;
    licensedUsers: number;
    disabledWithLicences: number;
    neverSignedIn: number | null;
    idle: number | null;
    overlapping: number;
    guestsWithLicences: number | null;
    skus: number;
    idleSeats: number | null;
    unavailable: { dataset: string; status: string }[];
    usageConcealed: boolean;
  };
}

/** One row of the licence book (`GET /api/licences`): a tenant's latest summary. */
export interface BookTenant extends LicenceSummary {
  tenantName: string;
  snapshotId: string | null;
}

export interface CurrencyTotals {
  currency: string;
  tenants: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  savingsAnnual: number;
  unpricedUnits: number;
  tenantsWithoutSignInData: number;
}

/** GET /api/licences/trend: per currency, one point a week, the last "as of now". */
export interface BookTrend {
  weeks: number;
  series: BookTrendSeries[];
}

export interface Book {
  tenants: BookTenant[];
  totals: CurrencyTotals[];
}

export interface SkuLine {
  skuId: string;
  skuPartNumber: string;
  name: string;
  free: boolean;
  capabilityStatus: string;
  notBilled: boolean;
  purchased: number;
  warning: number;
  suspended: number;
  consumed: number;
  available: number;
  overAssigned: number;
  pricePerMonth: number | null;
  term: 'monthly' | 'annual' | null;
  spendMonthly: number | null;
  idleAssigned: number | null;
  waste: Money;
  possibleWaste: Money;
}

export interface SkuLines {
  current: {
    snapshotId: string | null;
    collectedAt: string;
    currency: string;
    idleDays: number;
    idleKnown: boolean;
    skus: SkuLine[] | null;
  } | null;
}

export interface UsersPage {
  snapshot: { id: string; collectedAt: string } | null;
  currency: string;
  total: number;
  cannotTell: string | null;
  users: UserLine[];
}

export interface UserLine {
  userId: string;
  userPrincipalName: string | null;
  displayName: string | null;
  department: string | null;
  userType: string | null;
  accountEnabled: boolean | null;
  licences: { skuId: string; skuPartNumber: string; name: string }[];
  signIn: { state: 'unknown' | 'never' | 'seen'; last?: string; daysSince?: number };
  waste: {
    reason: string;
    possible: boolean;
    skuPartNumber: string;
    units: number;
    monthly: number | null;
  }[];
}

export interface SyncRun {
  id: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  requests: number;
  throttled: number;
  progress: {
    datasets: Record<string, { items: number; status?: string }>;
    analysis?: { status: string; code?: string; message?: string };
  };
  error: { code: string; message: string } | null;
}

export interface Member {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorEmail: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface PermissionUse {
  dataset: string;
  why: string;
  licence: string | null;
}

export interface Permissions {
  graph: { permission: string; type: string; usedFor: PermissionUse[] }[];
  arm: { role: string; usedFor: PermissionUse[] }[];
}

export interface PriceEntry {
  skuId?: string;
  skuPartNumber?: string;
  pricePerMonth: number;
  term: 'monthly' | 'annual';
  note?: string;
}

export interface PriceBookDoc {
  format: 'tenantscope.prices/v1';
  currency: string;
  source?: string;
  entries: PriceEntry[];
  tenants?: Record<string, unknown>;
}
