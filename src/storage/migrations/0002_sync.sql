-- Connecting and syncing tenants: connection settings, the credential vault, snapshots stored as
-- chunks, sync runs and notifications. Every table carries workspace_id and row-level security.

ALTER TABLE tenants
  ADD COLUMN cloud text NOT NULL DEFAULT 'global' CHECK (cloud IN ('global', 'usgov', 'usgovhigh', 'dod', 'china')),
  ADD COLUMN connection_kind text CHECK (connection_kind IN ('consent', 'app', 'arm-delegated')),
  ADD COLUMN client_id text,
  -- overrides of the cloud's endpoints (authorityHost, graphUrl, armUrl): how the emulator is reached
  ADD COLUMN endpoints jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN minimal_mode boolean NOT NULL DEFAULT false,
  ADD COLUMN sync_interval_minutes integer NOT NULL DEFAULT 1440 CHECK (sync_interval_minutes >= 15),
  ADD COLUMN status_reason text,
  ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0,
  ADD COLUMN last_sync_at timestamptz,
  ADD COLUMN next_sync_at timestamptz;

-- One credential per tenant, encrypted under the tenant's own data key, which is stored only
-- wrapped by the key-encryption key (never in this database). See src/tenants/README.md.
CREATE TABLE tenant_credentials (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('secret', 'certificate', 'refresh-token')),
  wrapped_data_key text NOT NULL,
  secret_ciphertext text NOT NULL,
  certificate_pem text,
  expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE snapshots (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- only 'complete' snapshots are ever read; 'collecting' ones are work in progress
  status text NOT NULL CHECK (status IN ('collecting', 'complete', 'abandoned')),
  format text NOT NULL,
  started_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX snapshots_tenant_complete_idx ON snapshots (tenant_id, completed_at DESC) WHERE status = 'complete';

CREATE TABLE snapshot_datasets (
  snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('ok', 'notLicensed', 'forbidden', 'error')),
  collected_at timestamptz NOT NULL,
  item_count integer NOT NULL,
  error_code text,
  error_message text,
  delta_link text,
  PRIMARY KEY (snapshot_id, name)
);

-- Items are stored as gzip-compressed JSON arrays of up to a few thousand objects, so a
-- 100,000-user dataset streams in and out without being held whole in memory.
CREATE TABLE snapshot_chunks (
  snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  dataset text NOT NULL,
  seq integer NOT NULL,
  items bytea NOT NULL,
  PRIMARY KEY (snapshot_id, dataset, seq)
);

CREATE TABLE sync_runs (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'demo')),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  progress jsonb NOT NULL DEFAULT '{}',
  requests integer NOT NULL DEFAULT 0,
  throttled integer NOT NULL DEFAULT 0,
  error_code text,
  error_message text
);
CREATE INDEX sync_runs_tenant_idx ON sync_runs (tenant_id, started_at DESC);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL,
  message text NOT NULL,
  due_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  dismissed_at timestamptz,
  -- one open notice per subject: re-checking an expiring secret daily must not pile them up
  dedupe_key text NOT NULL,
  UNIQUE (workspace_id, dedupe_key)
);

ALTER TABLE tenant_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tenant_credentials
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE snapshots ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON snapshots
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE snapshot_datasets ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON snapshot_datasets
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE snapshot_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON snapshot_chunks
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE sync_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON sync_runs
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON notifications
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_credentials, snapshots, snapshot_datasets, snapshot_chunks, sync_runs, notifications TO tenantscope_app;
