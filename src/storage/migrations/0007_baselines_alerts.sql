-- Baselines, standards and drift alerts (src/pipeline/baseline-*.ts, standard-*.ts, src/alerts/).
-- Every table carries workspace_id and row-level security.

-- One pinned snapshot per tenant: drift is also measured against it. A pinned snapshot cannot be
-- deleted while pinned (the foreign key has no ON DELETE action), so a purge must skip it or
-- unpin it first; replacing and removing a pin are written to the audit log.
CREATE TABLE tenant_baselines (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  snapshot_id uuid NOT NULL REFERENCES snapshots (id),
  collected_at timestamptz NOT NULL,
  note text CHECK (length(note) <= 2000),
  pinned_by text NOT NULL,
  pinned_at timestamptz NOT NULL
);

-- A snapshot compared with the baseline pinned at the time: the pure diff's report, stored whole
-- (events in `events`), one row per (tenant, baseline, snapshot). Datasets not `ok` on either
-- side are in `not_compared`, never in `events`.
CREATE TABLE baseline_comparisons (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  baseline_snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  baseline_collected_at timestamptz NOT NULL,
  snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  collected_at timestamptz NOT NULL,
  compared jsonb NOT NULL DEFAULT '[]',
  not_compared jsonb NOT NULL DEFAULT '[]',
  summary jsonb NOT NULL DEFAULT '{}',
  events jsonb NOT NULL DEFAULT '[]',
  compared_at timestamptz NOT NULL,
  UNIQUE (tenant_id, baseline_snapshot_id, snapshot_id)
);
CREATE INDEX baseline_comparisons_tenant_idx ON baseline_comparisons (tenant_id, collected_at DESC);

-- A workspace-wide standard (format tenantscope.standard/v1 without per-tenant overrides: those
-- live on the assignment).
CREATE TABLE standards (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  document jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (workspace_id, name)
);

-- A standard applied to a tenant, with that tenant's overrides (rule id → { skip | expect | where, reason }).
CREATE TABLE standard_assignments (
  standard_id uuid NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  overrides jsonb NOT NULL DEFAULT '{}',
  assigned_by text NOT NULL,
  assigned_at timestamptz NOT NULL,
  PRIMARY KEY (standard_id, tenant_id)
);

-- One evaluation of a standard on one snapshot: rule results with their deviations.
CREATE TABLE standard_results (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  standard_id uuid NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  collected_at timestamptz NOT NULL,
  standard_version integer NOT NULL,
  summary jsonb NOT NULL,
  results jsonb NOT NULL,
  evaluated_at timestamptz NOT NULL,
  UNIQUE (standard_id, tenant_id, snapshot_id)
);
CREATE INDEX standard_results_tenant_idx ON standard_results (tenant_id, collected_at DESC);

-- Which new drift events notify whom. The webhook secret is sealed like a tenant credential (a
-- data key of its own wrapped by the key-encryption key) and is never selected by a query that
-- answers the API.
CREATE TABLE alert_rules (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  enabled boolean NOT NULL DEFAULT true,
  min_severity text NOT NULL CHECK (min_severity IN ('high', 'medium', 'low')),
  -- empty: every kind; empty tenant_ids: every tenant of the workspace
  object_kinds jsonb NOT NULL DEFAULT '[]',
  tenant_ids jsonb NOT NULL DEFAULT '[]',
  webhook_url text,
  webhook_wrapped_key text,
  webhook_secret_ciphertext text,
  email_to jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((webhook_url IS NULL) = (webhook_secret_ciphertext IS NULL))
);

-- One notification of one rule: a webhook delivery (retried through the job queue) or an email
-- waiting for email delivery to exist (status stays 'pending'). Never holds the secret.
CREATE TABLE alert_deliveries (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
  -- the drift comparison whose new events this notifies (NULL for a test send)
  comparison_id uuid REFERENCES drift_comparisons (id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('webhook', 'email')),
  kind text NOT NULL CHECK (kind IN ('drift', 'test')),
  status text NOT NULL CHECK (status IN ('pending', 'queued', 'delivered', 'failed')),
  target text NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  UNIQUE (rule_id, comparison_id, channel)
);
CREATE INDEX alert_deliveries_status_idx ON alert_deliveries (status, created_at);
CREATE INDEX alert_deliveries_rule_idx ON alert_deliveries (rule_id, created_at DESC);

ALTER TABLE tenant_baselines ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tenant_baselines
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE baseline_comparisons ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON baseline_comparisons
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE standards ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON standards
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE standard_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON standard_assignments
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE standard_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON standard_results
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE alert_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON alert_rules
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE alert_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON alert_deliveries
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_baselines, baseline_comparisons, standards, standard_assignments,
  standard_results, alert_rules, alert_deliveries TO tenantscope_app;
