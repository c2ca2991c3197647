-- Sign-in with Microsoft Entra ID (OpenID Connect; src/auth/microsoft-*.ts).
--
-- Like sessions and the second factor, both tables are system tables: the application role has
-- no privilege on them and row-level security is on without a policy. A link belongs to a person
-- (people are global, not a workspace's); a pending sign-in exists before anyone is signed in.

-- The Entra identity a person linked while signed in. A person is found at Microsoft sign-in by
-- (entra_tenant_id, entra_object_id) alone: the `tid` and `oid` claims of a verified id_token,
-- which Entra never reassigns. Never by an email or `preferred_username`, which a tenant's
-- administrator can set to anything (the "nOAuth" takeover). One identity, at most one person.
CREATE TABLE user_microsoft_identities (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  entra_tenant_id uuid NOT NULL,
  entra_object_id uuid NOT NULL,
  -- `preferred_username` when linked: shown to the person, never used to find anyone
  display_upn text CHECK (length(display_upn) <= 320),
  linked_at timestamptz NOT NULL,
  last_sign_in_at timestamptz,
  UNIQUE (entra_tenant_id, entra_object_id)
);

-- A Microsoft sign-in (or link) on its way through the browser. Only the SHA-256 of `state` is
-- kept; the nonce and the PKCE verifier are derived from `state` under a key derived from the
-- key-encryption key, so nothing here completes a sign-in. Single use (deleted when redeemed),
-- 10 minutes (expires_at); expired rows are deleted as new ones are made.
CREATE TABLE microsoft_sign_in_states (
  state_hash text PRIMARY KEY CHECK (state_hash ~ '^[0-9a-f]{64}$'),
  purpose text NOT NULL CHECK (purpose IN ('sign-in', 'link')),
  -- the signed-in person who asked to link; NULL for a sign-in
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  -- where to send the browser afterwards: a path of this site, checked when stored
  next_path text CHECK (length(next_path) <= 500),
  redirect_uri text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK ((purpose = 'link') = (user_id IS NOT NULL))
);
CREATE INDEX microsoft_sign_in_states_expires_idx ON microsoft_sign_in_states (expires_at);

ALTER TABLE user_microsoft_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE microsoft_sign_in_states ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON user_microsoft_identities, microsoft_sign_in_states FROM tenantscope_app;
