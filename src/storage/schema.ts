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
    /** which credential server sync reads ARM with (0006_connect.sql) */
    arm_reads: Generated<'off' | 'app' | 'delegated'>;
    disconnected_at: Date | null;
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
  retention_policies: {
    workspace_id: string;
    snapshots_days: number;
    findings_days: number;
    drift_days: number;
    deliveries_days: number;
    audit_days: number;
    disconnected_days: number;
    updated_by: string | null;
    updated_at: Date | null;
    last_purge_at: Date | null;
    last_purge: ColumnType<Record<string, number> | null, string | null, string | null>;
  };
  workspace_branding: {
    workspace_id: string;
    display_name: string | null;
    accent_color: string;
    footer_text: string | null;
    sender_name: string | null;
    logo: Buffer | null;
    logo_type: string | null;
    logo_sha256: string | null;
    logo_width: number | null;
    logo_height: number | null;
    updated_by: string | null;
    updated_at: Date | null;
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
  // ---- baselines, standards, alerts (0007_baselines_alerts.sql, src/pipeline/, src/alerts/) ----
  tenant_baselines: {
    tenant_id: string;
    workspace_id: string;
    snapshot_id: string;
    collected_at: Date;
    note: string | null;
    pinned_by: string;
    pinned_at: Date;
  };
  baseline_comparisons: {
    id: string;
    workspace_id: string;
    tenant_id: string;
    baseline_snapshot_id: string;
    baseline_collected_at: Date;
    snapshot_id: string;
    collected_at: Date;
    compared: ColumnType<string[], string, string>;
    not_compared: ColumnType<unknown[], string, string>;
    summary: ColumnType<Record<string, number>, string, string>;
    events: ColumnType<unknown[], string, string>;
    compared_at: Date;
  };
  standards: {
    id: string;
    workspace_id: string;
    name: string;
    document: ColumnType<Record<string, unknown>, string, string>;
    version: Generated<number>;
    updated_by: string;
    updated_at: Date;
  };
  standard_assignments: {
    standard_id: string;
    tenant_id: string;
    workspace_id: string;
    overrides: ColumnType<Record<string, unknown>, string, string>;
    assigned_by: string;
    assigned_at: Date;
  };
  standard_results: {
    id: string;
    workspace_id: string;
    standard_id: string;
    tenant_id: string;
    snapshot_id: string;
    collected_at: Date;
    standard_version: number;
    summary: ColumnType<Record<string, number>, string, string>;
    results: ColumnType<unknown[], string, string>;
    evaluated_at: Date;
  };
  alert_rules: {
    id: string;
    workspace_id: string;
    name: string;
    enabled: Generated<boolean>;
    min_severity: 'high' | 'medium' | 'low';
    object_kinds: ColumnType<string[], string, string>;
    tenant_ids: ColumnType<string[], string, string>;
    webhook_url: string | null;
    /** sealed: never selected for an API answer */
    webhook_wrapped_key: string | null;
    webhook_secret_ciphertext: string | null;
    email_to: ColumnType<string[], string, string>;
    created_by: string;
    updated_at: Date;
  };
  alert_deliveries: {
    id: string;
    workspace_id: string;
    rule_id: string;
    tenant_id: string | null;
    comparison_id: string | null;
    channel: 'webhook' | 'email';
    kind: 'drift' | 'test';
    status: 'pending' | 'queued' | 'delivered' | 'failed';
    target: string;
    payload: ColumnType<Record<string, unknown>, string, string>;
    attempts: Generated<number>;
    last_status_code: number | null;
    last_error: string | null;
    created_at: Date;
    last_attempt_at: Date | null;
    delivered_at: Date | null;
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
    /** the id the API names the session by (0014_session_devices.sql): never the cookie or its hash */
    public_id: Generated<string>;
    /** "Chrome on Windows", derived at sign-in; the raw User-Agent is not stored */
    device_label: string | null;
  };
  sign_in_throttle: {
    key: string;
    failures: number;
    last_failure_at: Date;
    locked_until: Date | null;
  };
  // ---- second factor (0008_second_factor.sql, src/auth/totp*.ts): system tables ----
  user_totp: {
    user_id: string;
    wrapped_data_key: string;
    secret_ciphertext: string;
    created_at: Date;
    confirmed_at: Date | null;
    /** bigint: read back as a string by pg */
    last_used_step: ColumnType<string | null, number | null, number | null>;
  };
  user_recovery_codes: {
    user_id: string;
    code_hash: string;
    used_at: Date | null;
  };
  // ---- sign-in with Microsoft (0010_microsoft_sign_in.sql, src/auth/microsoft-*.ts): system tables ----
  user_microsoft_identities: {
    user_id: string;
    /** the id_token's `tid` and `oid`: the only key a person is found by at Microsoft sign-in */
    entra_tenant_id: string;
    entra_object_id: string;
    display_upn: string | null;
    linked_at: Date;
    last_sign_in_at: Date | null;
  };
  microsoft_sign_in_states: {
    /** SHA-256 hex of `state`; the value itself travels only through the browser */
    state_hash: string;
    purpose: 'sign-in' | 'link';
    user_id: string | null;
    next_path: string | null;
    redirect_uri: string;
    expires_at: Date;
    created_at: Date;
  };
  // ---- admin consent, delegated ARM (0006_connect.sql, src/tenants/) ----
  connect_states: {
    state_hash: string;
    workspace_id: string;
    actor: string;
    purpose: 'admin-consent' | 'arm-delegated';
    microsoft_tenant_id: string;
    cloud: string;
    endpoints: ColumnType<Record<string, string>, string | undefined, string>;
    redirect_uri: string;
    display_name: string | null;
    expires_at: Date;
    created_at: Generated<Date>;
  };
  tenant_arm_credentials: {
    tenant_id: string;
    workspace_id: string;
    kind: 'refresh-token';
    client_id: string;
    signed_in_as: string | null;
    wrapped_data_key: string;
    secret_ciphertext: string;
    updated_at: Generated<Date>;
  };
  // ---- data-subject rights (0012_person_erasures.sql, src/rights/) ----
  person_erasures: {
    /** bigint: read back as a string by pg */
    seq: ColumnType<string, never, never>;
    workspace_id: string;
    tenant_id: string;
    /** SHA-256 hex of one identifier of the erased person (subject-match.ts), never the identifier */
    identifier_hash: string;
    erased_at: Date;
  };
  // ---- email delivery, invitations, password resets (0009_delivery.sql, src/delivery/, src/auth/) ----
  email_outbox: {
    id: string;
    /** NULL: a system row (a password reset), invisible to the application role */
    workspace_id: string | null;
    kind: string;
    to_address: string;
    content: ColumnType<Record<string, unknown>, string, string>;
    /** the sealed action link: never selected for an API answer */
    secret_ciphertext: string | null;
    status: Generated<EmailStatus>;
    detail: string | null;
    attempts: Generated<number>;
    smtp_message_id: string | null;
    smtp_response: string | null;
    ref: string | null;
    dedupe_key: string | null;
    expires_at: Date | null;
    created_at: Date;
    claimed_at: Date | null;
    sent_at: Date | null;
  };
  invitations: {
    id: string;
    workspace_id: string;
    email: string;
    role: MemberRole;
    /** SHA-256 hex of the link's random bytes */
    token_hash: string;
    invited_by: string;
    created_at: Date;
    expires_at: Date;
    accepted_at: Date | null;
    accepted_by: string | null;
    revoked_at: Date | null;
  };
  password_resets: {
    id: string;
    token_hash: string;
    email_hash: string;
    user_id: string | null;
    requested_ip: string | null;
    created_at: Date;
    expires_at: Date;
    used_at: Date | null;
  };
}

export type EmailStatus = 'pending' | 'queued' | 'sending' | 'sent' | 'failed' | 'expired' | 'cancelled';
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
