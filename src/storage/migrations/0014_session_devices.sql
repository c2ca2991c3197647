-- Signed-in devices (src/auth/session-repo.ts, GET /api/me/sessions): a person sees their live
-- sessions and ends one. The primary key is the SHA-256 of the cookie, which must never leave
-- the server, so each session gets a second, public id to be named by in the API; it says
-- nothing about the cookie. `device_label` is a short description derived from the User-Agent
-- at sign-in ("Chrome on Windows", src/auth/device-label.ts); the raw User-Agent is not kept.
-- Sessions from before this migration get a random public id and no label.

ALTER TABLE sessions ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE sessions ADD COLUMN device_label text CHECK (char_length(device_label) BETWEEN 1 AND 80);
CREATE UNIQUE INDEX sessions_public_id_idx ON sessions (public_id);
