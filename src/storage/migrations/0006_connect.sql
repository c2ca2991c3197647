-- Connecting tenants by admin consent and delegated ARM, ARM reads in server sync, purge.
--
-- arm_reads: which credential server sync reads Azure Resource Manager with, per tenant:
-- 'off' (the default: reading cost is opt-in, since it needs Azure roles the admin assigns),
-- 'app' (the tenant's app connection: its app holds Reader / Cost Management Reader), or
-- 'delegated' (the refresh token in tenant_arm_credentials).
ALTER TABLE tenants
  ADD COLUMN arm_reads text NOT NULL DEFAULT 'off' CHECK (arm_reads IN ('off', 'app', 'delegated'));

-- A pending admin-consent or delegated-ARM sign-in. Only the SHA-256 of the `state` value is
-- kept: the value itself travels in the browser's redirect and is never stored. Single use
-- (the row is deleted when redeemed) and short-lived (expires_at).
CREATE TABLE connect_states (
  state_hash text PRIMARY KEY CHECK (state_hash ~ '^[0-9a-f]{64}$'),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- the member who started it (a person id), or 'cli'
  actor text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('admin-consent', 'arm-delegated')),
  microsoft_tenant_id text NOT NULL,
  cloud text NOT NULL,
  endpoints jsonb NOT NULL DEFAULT '{}',
  redirect_uri text NOT NULL,
  display_name text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The delegated ARM connection of a tenant: a user's refresh token, sealed like every other
-- secret (src/tenants/README.md). It sits beside the tenant's Graph connection, not instead of it.
CREATE TABLE tenant_arm_credentials (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind = 'refresh-token'),
  client_id text NOT NULL,
  -- who signed in (their UPN, from the token response): whose Azure roles the reads use
  signed_in_as text,
  wrapped_data_key text NOT NULL,
  secret_ciphertext text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE connect_states ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON connect_states
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE tenant_arm_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tenant_arm_credentials
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON connect_states, tenant_arm_credentials TO tenantscope_app;
