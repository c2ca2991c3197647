-- Sign-in: sessions and the failed-sign-in throttle (src/auth/).
--
-- Both tables belong to the system, not to a workspace: a session is a person's (people are
-- global and may belong to several workspaces), and a throttle counter is keyed by an email or
-- an IP address. The application role (tenantscope_app) gets no privilege on either, and
-- row-level security is enabled without a policy, so even a grant added by mistake would show
-- it nothing. Sign-in and session lookups run in withSystem, as the password-hash reads do.
-- Were the app role able to insert a session it could mint one for any member and follow that
-- person into their other workspaces; that is why the selected workspace is a plain pointer here.

CREATE TABLE sessions (
  -- SHA-256 (hex) of the 32 random bytes in the cookie; the cookie value itself is never stored
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- the workspace the person is working in; NULL when they belong to none (or it was deleted)
  selected_workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  created_ip inet
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

-- Failed sign-ins per key: `account:<email>` and `ip:<address>`. See src/auth/README.md for
-- the numbers (threshold, exponential lock, window after which a counter starts again).
CREATE TABLE sign_in_throttle (
  key text PRIMARY KEY CHECK (length(key) BETWEEN 3 AND 400),
  failures integer NOT NULL CHECK (failures >= 0),
  last_failure_at timestamptz NOT NULL,
  locked_until timestamptz
);

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_throttle ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON sessions, sign_in_throttle FROM tenantscope_app;
