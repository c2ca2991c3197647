-- What analysis stores after each sync (src/pipeline/): posture findings with their lifecycle,
-- acceptances and break-glass exceptions, score history, drift events with triage, licence
-- summaries and the workspace price book. Every table carries workspace_id and row-level security.

-- One row per tenant and check: the latest result, and the dates of the current failing episode.
-- `state` is the last evaluated result state; `first_seen_at` / `last_seen_at` are collection
-- times of the snapshots where the check failed (or failed but was accepted); `resolved_at` is set
-- when an open finding passes, becomes not applicable, or its check leaves the ruleset. A result
-- that cannot tell (unknown, notLicensed, manual) leaves the episode as it was: never a false pass.
CREATE TABLE findings (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  check_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('pass', 'fail', 'accepted', 'notApplicable', 'notLicensed', 'unknown', 'manual', 'retired')),
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  area text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL,
  reason text,
  -- { items: Evidence[] (at most maxEvidence), total: number }
  evidence jsonb NOT NULL DEFAULT '{"items":[],"total":0}',
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  resolved_at timestamptz,
  -- the snapshot of the last evaluation (NULL in minimal mode, where no snapshot is stored)
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  evaluated_collected_at timestamptz NOT NULL,
  UNIQUE (tenant_id, check_id)
);
CREATE INDEX findings_workspace_state_idx ON findings (workspace_id, state, severity);

-- State changes of one finding over time (only changes: a stable tenant adds nothing). A log of
-- evaluations: re-analysing a snapshot with new exceptions appends the change it made.
CREATE TABLE finding_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  check_id text NOT NULL,
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  collected_at timestamptz NOT NULL,
  from_state text,
  to_state text NOT NULL
);
CREATE INDEX finding_history_check_idx ON finding_history (tenant_id, check_id, collected_at);

-- An accepted finding: a fail covered by it is reported as `accepted` until expires_at; after
-- that it fails again. Revoked acceptances stay for the record.
CREATE TABLE finding_acceptances (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  check_id text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  accepted_by text NOT NULL,
  accepted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > accepted_at),
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX finding_acceptances_tenant_idx ON finding_acceptances (tenant_id, check_id) WHERE revoked_at IS NULL;

-- Per-tenant posture exceptions: declared break-glass accounts (UPNs or object ids), the only
-- exclusions "all users" Conditional Access checks accept, and threshold overrides.
CREATE TABLE tenant_exceptions (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  break_glass jsonb NOT NULL DEFAULT '[]',
  thresholds jsonb NOT NULL DEFAULT '{}',
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE posture_scores (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  collected_at timestamptz NOT NULL,
  -- 0–100; NULL when nothing weighted passed or failed
  score double precision,
  passed_weight integer NOT NULL,
  possible_weight integer NOT NULL,
  counts jsonb NOT NULL,
  areas jsonb NOT NULL,
  licence_plan text,
  UNIQUE (tenant_id, collected_at)
);

-- One row per analysed snapshot: what was compared with what, and what could not be compared.
CREATE TABLE drift_comparisons (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  from_snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  to_snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  from_collected_at timestamptz,
  to_collected_at timestamptz NOT NULL,
  -- compared: diffed; noPrevious: the tenant's first snapshot; minimalMode: no raw data kept to diff
  status text NOT NULL CHECK (status IN ('compared', 'noPrevious', 'minimalMode')),
  compared jsonb NOT NULL DEFAULT '[]',
  not_compared jsonb NOT NULL DEFAULT '[]',
  summary jsonb NOT NULL DEFAULT '{}',
  UNIQUE (tenant_id, to_collected_at)
);

CREATE TABLE drift_events (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  comparison_id uuid NOT NULL REFERENCES drift_comparisons (id) ON DELETE CASCADE,
  from_snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  to_snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  from_collected_at timestamptz NOT NULL,
  to_collected_at timestamptz NOT NULL,
  object_kind text NOT NULL,
  object_id text NOT NULL,
  object_name text NOT NULL,
  path text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('added', 'removed', 'changed')),
  severity text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
  -- JSON values, JSON null when absent (never SQL NULL, so reverts compare with IS NOT DISTINCT FROM)
  before jsonb NOT NULL,
  after jsonb NOT NULL,
  -- the analysis' Attribution: actor, at, activity, confidence… or { actor: 'unknown', reason }
  attribution jsonb NOT NULL,
  -- a UPN, an app's name, or 'unknown': for filtering and display
  actor_label text NOT NULL,
  fingerprint text NOT NULL,
  triage_state text NOT NULL DEFAULT 'open' CHECK (triage_state IN ('open', 'accepted', 'revertedInTenant', 'customerSpecific')),
  triage_note text,
  triaged_by text,
  triaged_at timestamptz,
  -- revertedInTenant: the later snapshot where the old value came back
  reverted_seen_at timestamptz,
  UNIQUE (comparison_id, fingerprint)
);
CREATE INDEX drift_events_tenant_idx ON drift_events (tenant_id, to_collected_at DESC);
CREATE INDEX drift_events_object_idx ON drift_events (tenant_id, object_kind, object_id);
CREATE INDEX drift_events_fingerprint_idx ON drift_events (tenant_id, fingerprint);

-- The licence view of one snapshot reduced to figures (no per-user lines: those are recomputed
-- from the snapshot when asked, so a 100,000-user tenant stores a few kilobytes per sync).
CREATE TABLE licence_summaries (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  collected_at timestamptz NOT NULL,
  currency text NOT NULL,
  totals jsonb NOT NULL,
  counts jsonb NOT NULL,
  UNIQUE (tenant_id, collected_at)
);

-- The workspace's price book (format tenantscope.prices/v1, src/analyse/licences/price-book.ts);
-- no row means the starter list shipped with Tenantscope.
CREATE TABLE price_books (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  book jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One analysis of one snapshot: its steps and, when it failed, why (a failure never fails the sync).
CREATE TABLE analysis_runs (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  steps jsonb NOT NULL DEFAULT '{}',
  error_code text,
  error_message text,
  started_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX analysis_runs_tenant_idx ON analysis_runs (tenant_id, started_at DESC);

ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON findings
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE finding_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON finding_history
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE finding_acceptances ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON finding_acceptances
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE tenant_exceptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tenant_exceptions
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE posture_scores ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON posture_scores
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE drift_comparisons ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON drift_comparisons
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE drift_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON drift_events
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE licence_summaries ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON licence_summaries
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE price_books ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON price_books
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE analysis_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON analysis_runs
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON findings, finding_acceptances, tenant_exceptions, posture_scores,
  drift_comparisons, drift_events, licence_summaries, price_books, analysis_runs TO tenantscope_app;
-- history is append-only for the application
GRANT SELECT, INSERT ON finding_history TO tenantscope_app;
