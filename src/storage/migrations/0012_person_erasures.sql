-- Erasure of one person (src/rights/): a per-tenant list of the people erased, so later syncs
-- never store them again. Only hashes are kept — SHA-256 of one identifier of the person (their
-- Entra object id, or a UPN / mail address they had), lower-cased and prefixed with the Microsoft
-- tenant id (src/rights/subject-match.ts) — never the identifier itself. One row per identifier.
-- Every sync of the tenant loads the list and drops those people before storing anything. It is
-- not subject to retention: it is what keeps them out; purging the tenant deletes it.
CREATE TABLE person_erasures (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  -- a purge of the tenant takes its list with it
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  identifier_hash text NOT NULL CHECK (identifier_hash ~ '^[0-9a-f]{64}$'),
  erased_at timestamptz NOT NULL,
  UNIQUE (tenant_id, identifier_hash)
);

ALTER TABLE person_erasures ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON person_erasures
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
-- The list only grows while the tenant is connected: the application may add and read, not remove.
GRANT SELECT, INSERT ON person_erasures TO tenantscope_app;
