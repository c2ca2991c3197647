-- The optional second factor: a TOTP secret per person, and single-use recovery codes
-- (src/auth/totp*.ts). Like sessions, these are system tables: the application role has no
-- privilege on them and row-level security is on without a policy. The secret is sealed like a
-- tenant credential: a data key per person wrapped by the key-encryption key (never stored here),
-- associated data `user:<id>`. Recovery codes are stored as SHA-256 only.

CREATE TABLE user_totp (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  wrapped_data_key text NOT NULL,
  secret_ciphertext text NOT NULL,
  created_at timestamptz NOT NULL,
  -- NULL until the person proves their app produces the codes; only confirmed factors are asked for
  confirmed_at timestamptz,
  -- the last 30-second step a code was accepted for: a code is never accepted twice
  last_used_step bigint
);

CREATE TABLE user_recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE user_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_recovery_codes ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON user_totp, user_recovery_codes FROM tenantscope_app;
