-- Email delivery (src/delivery/), invitations and password resets (src/auth/).
--
-- email_outbox: every email Tenantscope sends is first a row here, written in the same
-- transaction as the change it tells about; a pg-boss job sends it later. A row of a workspace
-- (an invitation, a credential notice, a drift alert) carries workspace_id and row-level security
-- like every workspace-owned row. A row with no workspace (a password reset: people are global)
-- is a system row: the policy never matches NULL, so the application role cannot see it, and only
-- withSystem writes it. A link that opens something (an invitation, a reset) is never stored in
-- clear: it is sealed by the key-encryption key (secret_ciphertext), so a copy of this table opens
-- nothing; the rest of the message (content) is plain JSON.
CREATE TABLE email_outbox (
  id uuid PRIMARY KEY,
  workspace_id uuid REFERENCES workspaces (id) ON DELETE CASCADE,
  -- what it is about (invitation, passwordReset, credentialExpiring, driftAlert, …)
  kind text NOT NULL CHECK (kind ~ '^[a-zA-Z][a-zA-Z0-9]{1,62}$'),
  to_address text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320 AND position('@' IN to_address) > 1),
  -- subject, heading, paragraphs, details, action label (src/delivery/email-content.ts)
  content jsonb NOT NULL,
  -- the action link, sealed (AES-256-GCM under the key-encryption key, associated data outbox:<id>)
  secret_ciphertext text,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'expired', 'cancelled')),
  -- why it waits or why it failed, for people ("delivery not configured"); never a secret
  detail text CHECK (length(detail) <= 1000),
  attempts integer NOT NULL DEFAULT 0,
  -- the Message-ID the message was sent with and the SMTP server's answer to DATA
  smtp_message_id text,
  smtp_response text CHECK (length(smtp_response) <= 1000),
  -- the thing it belongs to (invitation:<id>): revoking that cancels what is not sent yet
  ref text,
  -- one message per subject and threshold (credentialExpiring:<tenant>:<credential>:<days>:<to>)
  dedupe_key text,
  -- not sent after this (the link in it would no longer work)
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  claimed_at timestamptz,
  sent_at timestamptz
);
CREATE INDEX email_outbox_status_idx ON email_outbox (status, created_at);
CREATE INDEX email_outbox_ref_idx ON email_outbox (ref) WHERE ref IS NOT NULL;
CREATE UNIQUE INDEX email_outbox_dedupe_key ON email_outbox (workspace_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

-- An invitation to join a workspace. The link carries 32 random bytes; only their SHA-256 is
-- kept. Single use (accepted_at), revocable (revoked_at), 7 days. At most one pending invitation
-- per workspace and email: inviting again revokes the earlier one first.
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'reports')),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz,
  CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
CREATE UNIQUE INDEX invitations_pending_key ON invitations (workspace_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Password reset requests: a system table (people are global), like sessions. One row per
-- request, whether or not the email has an account (user_id NULL: a decoy that can never be
-- redeemed), so both answers cost the same work and the per-email limit counts both. The email
-- itself is kept only as its SHA-256: addresses of people who have no account are not stored.
CREATE TABLE password_resets (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  email_hash text NOT NULL CHECK (email_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  requested_ip inet,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX password_resets_email_idx ON password_resets (email_hash, created_at DESC);
CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE user_id IS NOT NULL;

ALTER TABLE email_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON email_outbox
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON invitations
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;

-- The application role writes a workspace's messages and reads their status; sending, and every
-- system row, is the owner role's (withSystem).
GRANT SELECT, INSERT, UPDATE ON email_outbox TO tenantscope_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO tenantscope_app;
REVOKE ALL ON password_resets FROM tenantscope_app;
