-- Sessions stored only as a hash of their id, tied to a staff account, and
-- the records behind lockouts and password-reset links.
--
-- Until now the `sessions.id` column held the cookie's value, so anyone who
-- could read the database could sign in as a staff member. From now on it
-- holds the SHA-256 of the cookie's value (hex). Existing sessions cannot be
-- converted (the hash of the old id would work, but keeping ids that were
-- readable in plain text defeats the purpose): they are all removed, and
-- everyone signs in again once after the upgrade.
DELETE FROM sessions;

-- The staff account a session is signed in as (NULL for participants and
-- visitors), so an account's sessions can be listed and ended; the
-- participant a phone's session is signed in as (NULL for staff and
-- visitors), so erasure and withdrawal end exactly that participant's
-- sessions (searching the JSON data for the id would also end a staff
-- member's session that only mentions them); when it was started and last
-- used, and a short label of the browser it came from. `participant_id` has
-- no foreign key: erasure deletes the sessions itself, table by table, and a
-- session saved just after an erasure must not fail on a missing row.
ALTER TABLE sessions ADD COLUMN staff_id TEXT REFERENCES staff(id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN participant_id TEXT;
ALTER TABLE sessions ADD COLUMN created_at TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;

CREATE INDEX sessions_by_staff ON sessions (staff_id);
CREATE INDEX sessions_by_participant ON sessions (participant_id);

-- A failed-attempt row is written before the password, code or PIN is
-- checked (the attempt is reserved in the same transaction that counts the
-- earlier ones), and removed again when the check succeeds. The id names the
-- rows of one attempt (one per key it counts under).
ALTER TABLE failed_attempts ADD COLUMN attempt_id TEXT;

CREATE INDEX failed_attempts_by_attempt ON failed_attempts (attempt_id);

-- One-time links an admin makes for a staff member who lost their password.
-- Only the SHA-256 of the link's random token is kept; a link works once,
-- for 24 hours, and a newer link replaces an older one.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    staff_id    TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE INDEX password_resets_by_staff ON password_resets (staff_id);
