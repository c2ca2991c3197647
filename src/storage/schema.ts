import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types for Kysely, kept by hand beside the migrations they describe. */
export interface Schema {
  schema_migrations: {
    version: string;
    name: string;
    checksum: string;
    applied_at: Generated<Date>;
  };
  workspaces: {
    id: string;
    slug: string;
    name: string;
    created_at: Generated<Date>;
  };
  users: {
    id: string;
    email: string;
    display_name: string | null;
    /** argon2id; never selected by the application role (column grant) */
    password_hash: string | null;
    created_at: Generated<Date>;
  };
  memberships: {
    workspace_id: string;
    user_id: string;
    role: MemberRole;
    created_at: Generated<Date>;
  };
  tenants: {
    id: string;
    workspace_id: string;
    display_name: string;
    microsoft_tenant_id: string;
    status: Generated<TenantStatus>;
    created_at: Generated<Date>;
    cloud: Generated<string>;
    connection_kind: 'consent' | 'app' | 'arm-delegated' | null;
    client_id: string | null;
    endpoints: ColumnType<Record<string, string>, string | undefined, string>;
    minimal_mode: Generated<boolean>;
    sync_interval_minutes: Generated<number>;
    status_reason: string | null;
    consecutive_failures: Generated<number>;
    last_sync_at: Date | null;
    next_sync_at: Date | null;
  };
  tenant_credentials: {
    tenant_id: string;
    workspace_id: string;
    kind: 'secret' | 'certificate' | 'refresh-token';
    wrapped_data_key: string;
    secret_ciphertext: string;
    certificate_pem: string | null;
    expires_at: Date | null;
    updated_at: Generated<Date>;
  };
  snapshots: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    status: 'collecting' | 'complete' | 'abandoned';
    format: string;
    started_at: Date;
    completed_at: Date | null;
  };
  snapshot_datasets: {
    snapshot_id: string;
    workspace_id: string;
    name: string;
    status: 'ok' | 'notLicensed' | 'forbidden' | 'error';
    collected_at: Date;
    item_count: number;
    error_code: string | null;
    error_message: string | null;
    delta_link: string | null;
    delta_query: Generated<string | null>;
  };
  snapshot_chunks: {
    snapshot_id: string;
    workspace_id: string;
    dataset: string;
    seq: number;
    items: Buffer;
  };
  sync_runs: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    snapshot_id: string | null;
    trigger: 'schedule' | 'manual' | 'demo';
    status: 'running' | 'succeeded' | 'failed';
    started_at: Date;
    finished_at: Date | null;
    progress: ColumnType<Record<string, unknown>, string | undefined, string>;
    requests: Generated<number>;
    throttled: Generated<number>;
    error_code: string | null;
    error_message: string | null;
  };
  notifications: {
    id: string;
    workspace_id: string;
    tenant_id: string | null;
    kind: string;
    message: string;
    due_at: Date | null;
    created_at: Generated<Date>;
    dismissed_at: Date | null;
    dedupe_key: string;
  };
  audit_log: {
    id: Generated<string>;
    workspace_id: string;
    actor: string;
    action: string;
    target: string | null;
    ip: string | null;
    detail: ColumnType<Record<string, unknown>, string | undefined, never>;
    at: Generated<Date>;
  };
  // ---- analysis results (0003_findings.sql, src/pipeline/) ----
  findings: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    check_id: string;
    state: FindingState;
    severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
    area: string;
    title: string;
    summary: string;
    reason: string | null;
    evidence: ColumnType<FindingEvidence, string, string>;
    first_seen_at: Date | null;
    last_seen_at: Date | null;
    resolved_at: Date | null;
    snapshot_id: string | null;
    evaluated_collected_at: Date;
  };
  finding_history: {
    id: Generated<string>;
    workspace_id: string;
    tenant_id: string;
    check_id: string;
    snapshot_id: string | null;
    collected_at: Date;
    from_state: FindingState | null;
    to_state: FindingState;
  };
  finding_acceptances: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    check_id: string;
    reason: string;
    accepted_by: string;
    accepted_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    revoked_by: string | null;
  };
  tenant_exceptions: {
    tenant_id: string;
    workspace_id: string;
    break_glass: ColumnType<string[], string, string>;
    thresholds: ColumnType<Record<string, unknown>, string, string>;
    updated_by: string;
    updated_at: Date;
  };
  posture_scores: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    snapshot_id: string | null;
    collected_at: Date;
    score: number | null;
    passed_weight: number;
    possible_weight: number;
    counts: ColumnType<Record<string, number>, string, string>;
    areas: ColumnType<Record<string, unknown>, string, string>;
    licence_plan: string | null;
  };
  drift_comparisons: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    from_snapshot_id: string | null;
    to_snapshot_id: string | null;
    from_collected_at: Date | null;
    to_collected_at: Date;
    status: 'compared' | 'noPrevious' | 'minimalMode';
    compared: ColumnType<string[], string, string>;
    not_compared: ColumnType<unknown[], string, string>;
    summary: ColumnType<Record<string, number>, string, string>;
  };
  drift_events: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    comparison_id: string;
    from_snapshot_id: string | null;
    to_snapshot_id: string | null;
    from_collected_at: Date;
    to_collected_at: Date;
    object_kind: string;
    object_id: string;
    object_name: string;
    path: string;
    kind: 'added' | 'removed' | 'changed';
    severity: 'high' | 'medium' | 'low';
    before: ColumnType<unknown, string, string>;
    after: ColumnType<unknown, string, string>;
    attribution: ColumnType<Record<string, unknown>, string, string>;
    actor_label: string;
    fingerprint: string;
    triage_state: Generated<DriftTriageState>;
    triage_note: string | null;
    triaged_by: string | null;
    triaged_at: Date | null;
    reverted_seen_at: Date | null;
  };
  licence_summaries: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    snapshot_id: string | null;
    collected_at: Date;
    currency: string;
    totals: ColumnType<Record<string, unknown>, string, string>;
    counts: ColumnType<Record<string, unknown>, string, string>;
  };
  price_books: {
    workspace_id: string;
    book: ColumnType<Record<string, unknown>, string, string>;
    updated_by: string;
    updated_at: Date;
  };
  analysis_runs: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    snapshot_id: string | null;
    status: 'running' | 'succeeded' | 'failed';
    steps: ColumnType<Record<string, unknown>, string | undefined, string>;
    error_code: string | null;
    error_message: string | null;
    started_at: Date;
    finished_at: Date | null;
  };
  // ---- sign-in (0004_auth.sql, src/auth/): system tables, no access for the application role ----
  sessions: {
    /** SHA-256 hex of the cookie's random bytes */
    id: string;
    user_id: string;
    selected_workspace_id: string | null;
    created_at: Date;
    last_seen_at: Date;
    created_ip: string | null;
  };
  sign_in_throttle: {
    key: string;
    failures: number;
    last_failure_at: Date;
    locked_until: Date | null;
  };
}

export type MemberRole = 'owner' | 'admin' | 'reports';
export type TenantStatus = 'new' | 'connected' | 'disconnected' | 'paused';
export type AuditEntry = Selectable<Schema['audit_log']>;

/** A stored finding's last result state; `retired` when its check left the ruleset. */
export type FindingState =
  | 'pass'
  | 'fail'
  | 'accepted'
  | 'notApplicable'
  | 'notLicensed'
  | 'unknown'
  | 'manual'
  | 'retired';
export interface FindingEvidence {
  items: { type: string; id: string; name?: string; properties?: Record<string, unknown> }[];
  total: number;
}
export type DriftTriageState = 'open' | 'accepted' | 'revertedInTenant' | 'customerSpecific';
