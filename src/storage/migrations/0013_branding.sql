-- Branding (src/branding/): how a workspace's reports and emails look. One row per workspace; no
-- row means the defaults (src/branding/branding-fns.ts): the workspace's name, Tenantscope's
-- accent colour, no footer, the configured sender name, no logo. Report definitions will name it.
-- The logo lives here as bytes: it is small (at most 256 KB, 1024 × 1024 px, checked by its own
-- header in src/branding/logo-fns.ts), read by every member, and served only with the type its
-- magic bytes gave (PNG, JPEG or WebP; never SVG, which can carry script).

CREATE TABLE workspace_branding (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  -- NULL: the workspace's name
  display_name text CHECK (char_length(display_name) BETWEEN 1 AND 80),
  accent_color text NOT NULL CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
  footer_text text CHECK (char_length(footer_text) BETWEEN 1 AND 200),
  -- NULL: the display name of TENANTSCOPE_MAIL_FROM; never a line break (it becomes a header)
  sender_name text CHECK (char_length(sender_name) BETWEEN 1 AND 64 AND sender_name !~ '[\r\n]'),
  logo bytea CHECK (octet_length(logo) BETWEEN 1 AND 262144),
  logo_type text CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/webp')),
  logo_sha256 text CHECK (logo_sha256 ~ '^[0-9a-f]{64}$'),
  logo_width integer CHECK (logo_width BETWEEN 1 AND 1024),
  logo_height integer CHECK (logo_height BETWEEN 1 AND 1024),
  -- a logo is all of these or none of them
  CHECK ((logo IS NULL) = (logo_type IS NULL) AND (logo IS NULL) = (logo_sha256 IS NULL)
    AND (logo IS NULL) = (logo_width IS NULL) AND (logo IS NULL) = (logo_height IS NULL)),
  updated_by text,
  updated_at timestamptz
);

ALTER TABLE workspace_branding ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON workspace_branding
  USING (workspace_id = current_workspace_id()) WITH CHECK (workspace_id = current_workspace_id());
-- Removing a logo is an update (columns to NULL); the row itself goes with its workspace.
GRANT SELECT, INSERT, UPDATE ON workspace_branding TO tenantscope_app;
