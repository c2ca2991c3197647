-- Retention (src/retention/): how long each kind of data is kept, per workspace. No row means
-- the defaults (src/retention/retention-policy.ts). The purge job writes what it last deleted
-- here, so people can see that retention is enforced, not only configured.

CREATE TABLE retention_policies (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  -- days, each within the bounds of retention-policy.ts (checked there with words, here as a backstop)
  snapshots_days integer NOT NULL CHECK (snapshots_days BETWEEN 7 AND 3650),
  findings_days integer NOT NULL CHECK (findings_days BETWEEN 30 AND 3650),
  drift_days integer NOT NULL CHECK (drift_days BETWEEN 30 AND 3650),
  deliveries_days integer NOT NULL CHECK (deliveries_days BETWEEN 7 AND 3650),
  audit_days integer NOT NULL CHECK (audit_days BETWEEN 90 AND 3650),
  disconnected_days integer NOT NULL CHECK (disconnected_days BETWEEN 7 AND 365),
  updated_by text,
  updated_at timestamptz,
  last_purge_at timestamptz,
  -- { snapshots: n, findingHistory: n, … } of the last purge
  last_purge jsonb
);

ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON retention_policies
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
GRANT SELECT, INSERT, UPDATE ON retention_policies TO tenantscope_app;

-- When a workspace owner disconnected the tenant (NULL otherwise, and again once it is connected
-- anew). Only this starts the countdown to the automatic purge: a tenant disconnected because its
-- consent was revoked keeps its data until a person decides.
ALTER TABLE tenants ADD COLUMN disconnected_at timestamptz;
