-- Foundation: workspaces, people, tenants and the audit log, with row-level security.
--
-- The application reaches workspace data only as tenantscope_app (see withWorkspace), a role that
-- is neither a superuser nor the tables' owner, so the policies below always apply to it.
-- Postgres roles are cluster-wide: tolerate the role already existing (another database, or a
-- concurrent migration in a parallel test run).
DO $$
BEGIN
  CREATE ROLE tenantscope_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

CREATE TABLE workspaces (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
  display_name text,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'reports')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  display_name text NOT NULL,
  microsoft_tenant_id text NOT NULL,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'connected', 'disconnected', 'paused')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, microsoft_tenant_id)
);

-- Append-only: the application role may insert and read, never change or remove. Retention
-- purges run as the owner.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  ip inet,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_workspace_at_idx ON audit_log (workspace_id, at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Row-level security. Outside withWorkspace the setting is NULL (never set on this connection)
-- or '' (set by an earlier transaction, then reset): both mean "no workspace", so a forgotten
-- context reads nothing rather than everything, and never fails on a cast.
CREATE FUNCTION current_workspace_id() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT NULLIF(current_setting('tenantscope.workspace_id', true), '')::uuid
$$;
ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON workspaces
  USING (id = current_workspace_id())
  WITH CHECK (id = current_workspace_id());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON memberships
  USING (workspace_id = current_workspace_id())
  WITH CHECK (workspace_id = current_workspace_id());

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tenants
  USING (workspace_id = current_workspace_id())
  WITH CHECK (workspace_id = current_workspace_id());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON audit_log
  USING (workspace_id = current_workspace_id())
  WITH CHECK (workspace_id = current_workspace_id());

-- People belong to several workspaces; a workspace sees only its own members.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_of_workspace ON users
  USING (EXISTS (
    SELECT 1 FROM memberships m
    WHERE m.user_id = users.id
      AND m.workspace_id = current_workspace_id()
  ));

GRANT USAGE ON SCHEMA public TO tenantscope_app;
GRANT EXECUTE ON FUNCTION current_workspace_id() TO tenantscope_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON workspaces, memberships, tenants TO tenantscope_app;
GRANT SELECT, INSERT ON audit_log TO tenantscope_app;
-- password hashes stay with the owner role (sign-in runs there)
GRANT SELECT (id, email, display_name, created_at) ON users TO tenantscope_app;
