-- The whole schema on PostgreSQL, as SQLite's migrations leave it after
-- 0013 (store/migrations/sqlite/). PostgreSQL's history starts here: there
-- never was a PostgreSQL database with an older schema, so the steps SQLite
-- took to get there (added columns, the rebuild of `participants` in 0010,
-- the renamed `access_codes.code_hash` of 0007, …) are not repeated. The
-- scores column and the change log of SQLite's 0012/0013 are in
-- 0002_statistics_changes.sql.
--
-- Same tables, columns (names and order), keys, foreign keys with their
-- ON DELETE actions, CHECK constraints and indexes as SQLite; store/tests/
-- schema.rs compares the two. Types are PostgreSQL's own:
--   - every integer BIGINT (the store reads them as i64),
--   - booleans BOOLEAN,
--   - instants (RFC 3339 text on SQLite) TIMESTAMPTZ,
--   - calendar dates (YYYY-MM-DD text on SQLite) DATE,
--   - ids, codes, hashes, JSON and other text TEXT.
-- Columns whose type was a judgement call:
--   - participants.withdrawn_at is DATE, not TIMESTAMPTZ: despite its name
--     the store writes and reads it as a calendar date (lifecycle.rs,
--     Withdrawal::on is a NaiveDate).
--   - participants.birth_year is BIGINT (a year, read as Option<i64>).
--   - sessions.expires_at is BIGINT: unix seconds, not an instant column.
--   - check_in_drafts.answers and sessions.data stay TEXT (JSON written and
--     read as a string), not JSONB.
--   - sessions.created_at and last_seen_at are TIMESTAMPTZ although nullable
--     (sessions from before SQLite's 0008 had none).
--   - staff.disabled_at, access_codes.revoked_at/redeemed_at,
--     participant_devices.locked_at/revoked_at, password_resets.used_at are
--     TIMESTAMPTZ (instants; NULL while not happened).

CREATE TABLE instrument_versions (
    version       TEXT PRIMARY KEY,           -- "<instrument id>@<content hash>"
    instrument_id TEXT NOT NULL,
    hash          TEXT NOT NULL,
    source        TEXT NOT NULL,
    loaded_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE programmes (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    window_before_days BIGINT NOT NULL CHECK (window_before_days BETWEEN 0 AND 366),
    window_after_days  BIGINT NOT NULL CHECK (window_after_days BETWEEN 0 AND 366),
    created_at         TIMESTAMPTZ NOT NULL,
    organisation_id    TEXT -- REFERENCES organisations(id), added below
);

-- A samordningsförbund. Everything staff see is scoped to their organisation.
CREATE TABLE organisations (
    id                          TEXT PRIMARY KEY,
    name                        TEXT NOT NULL,
    small_cell_k                BIGINT NOT NULL DEFAULT 5 CHECK (small_cell_k BETWEEN 2 AND 100),
    code_lifetime_days          BIGINT NOT NULL DEFAULT 14 CHECK (code_lifetime_days BETWEEN 1 AND 365),
    created_at                  TIMESTAMPTZ NOT NULL,
    retention_months_after_exit BIGINT NOT NULL DEFAULT 24
        CHECK (retention_months_after_exit BETWEEN 1 AND 240),
    retention_months_inactive   BIGINT NOT NULL DEFAULT 36
        CHECK (retention_months_inactive BETWEEN 1 AND 240),
    withdrawal_keeps_answers    BOOLEAN NOT NULL DEFAULT FALSE
);

ALTER TABLE programmes ADD FOREIGN KEY (organisation_id) REFERENCES organisations(id);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    email           TEXT NOT NULL UNIQUE,     -- stored lower-cased
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,            -- argon2id PHC string
    totp_secret     TEXT,                     -- sealed; set once two-factor is confirmed
    created_at      TIMESTAMPTZ NOT NULL,
    disabled_at     TIMESTAMPTZ,
    totp_last_step  BIGINT
);

CREATE TABLE staff_roles (
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('admin', 'case-manager', 'evaluator')),
    PRIMARY KEY (staff_id, role)
);

-- Participants are known by a random id and a human-friendly code; nothing in
-- either says who the person is. Column order as SQLite's 0010 rebuilt it.
CREATE TABLE participants (
    id                 TEXT PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    intake_date        DATE NOT NULL,
    exit_date          DATE,
    created_at         TIMESTAMPTZ NOT NULL,
    programme_id       TEXT REFERENCES programmes(id),
    organisation_id    TEXT REFERENCES organisations(id),
    case_manager_id    TEXT REFERENCES staff(id),
    gender             TEXT,
    birth_year         BIGINT,
    municipality       TEXT,
    referral           TEXT,
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at         TIMESTAMPTZ,
    consent_by         TEXT REFERENCES staff(id),
    consent_version    TEXT,
    exit_outcome       TEXT,
    withdrawn_at       DATE,
    withdrawn_how      TEXT CHECK (withdrawn_how IN ('verbally', 'in-writing', 'other')),
    withdrawn_by       TEXT REFERENCES staff(id)
);

CREATE INDEX participants_by_organisation ON participants (organisation_id, case_manager_id);

-- A half-finished check-in, saved after every answer so it can be resumed on any device.
CREATE TABLE check_in_drafts (
    participant_id     TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    occasion_kind      TEXT NOT NULL,
    occasion_number    BIGINT NOT NULL,
    submission_id      TEXT NOT NULL UNIQUE,
    instrument_version TEXT NOT NULL REFERENCES instrument_versions(version),
    language           TEXT NOT NULL,
    answers            TEXT NOT NULL,         -- JSON object: item id -> form value
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (participant_id, occasion_kind, occasion_number)
);

-- A sent check-in. `scores` is added, and kept, by 0002.
CREATE TABLE check_ins (
    submission_id      TEXT PRIMARY KEY,
    participant_id     TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    occasion_kind      TEXT NOT NULL,
    occasion_number    BIGINT NOT NULL,
    instrument_version TEXT NOT NULL REFERENCES instrument_versions(version),
    language           TEXT NOT NULL,
    submitted_at       TIMESTAMPTZ NOT NULL,
    assisted_by        TEXT REFERENCES staff(id),
    answered_at        TIMESTAMPTZ,
    UNIQUE (participant_id, occasion_kind, occasion_number)
);

CREATE INDEX check_ins_by_time ON check_ins (submitted_at);

-- One row per item. "Vill inte svara" is stored as declined, never as a number.
CREATE TABLE answers (
    submission_id TEXT NOT NULL REFERENCES check_ins(submission_id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL,
    value         TEXT,
    declined      BOOLEAN NOT NULL,
    score         BIGINT,
    position      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (submission_id, item_id),
    CHECK ((declined AND value IS NULL AND score IS NULL) OR (NOT declined AND value IS NOT NULL))
);

-- The personnummer lives apart from everything else (sealed).
CREATE TABLE participant_identities (
    participant_id TEXT PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    personnummer   TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES staff(id),
    recorded_at    TIMESTAMPTZ NOT NULL
);

-- Codes a case manager hands out so a participant can connect their phone,
-- stored only as a keyed hash.
CREATE TABLE access_codes (
    code_hash      TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    created_by     TEXT NOT NULL REFERENCES staff(id),
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    redeemed_at    TIMESTAMPTZ
);

CREATE INDEX access_codes_by_participant ON access_codes (participant_id);

CREATE TABLE participant_devices (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL UNIQUE,
    pin_hash       TEXT NOT NULL,
    pin_failures   BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    locked_at      TIMESTAMPTZ,
    revoked_at     TIMESTAMPTZ
);

CREATE INDEX participant_devices_by_participant ON participant_devices (participant_id);

-- Server-side sessions, stored as the SHA-256 of the cookie's value.
-- `participant_id` has no foreign key on purpose (see SQLite's 0008).
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    data           TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,           -- unix seconds
    staff_id       TEXT REFERENCES staff(id) ON DELETE CASCADE,
    participant_id TEXT,
    created_at     TIMESTAMPTZ,
    last_seen_at   TIMESTAMPTZ,
    user_agent     TEXT
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_staff ON sessions (staff_id);
CREATE INDEX sessions_by_participant ON sessions (participant_id);

-- Failed logins and code entries, counted to decide lockouts.
CREATE TABLE failed_attempts (
    kind       TEXT NOT NULL,                 -- login-account, login-address, code-address
    key        TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    attempt_id TEXT
);

CREATE INDEX failed_attempts_by_key ON failed_attempts (kind, key, at);
CREATE INDEX failed_attempts_by_attempt ON failed_attempts (attempt_id);

-- Who looked at or changed what about a participant, and when: a hash chain
-- per organisation (see SQLite's 0009).
CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    staff_id        TEXT REFERENCES staff(id),
    -- Text, not TIMESTAMPTZ: the instant exactly as it was hashed into the
    -- chain (RFC 3339, microseconds, Z), read back and hashed again by the
    -- verifier. Sorts by time because every entry has the same format.
    at              TEXT NOT NULL,
    action          TEXT NOT NULL,
    participant_id  TEXT REFERENCES participants(id) ON DELETE SET NULL,
    detail          TEXT NOT NULL DEFAULT '',
    seq             BIGINT,
    prev_hash       TEXT,
    hash            TEXT,
    participant_ref TEXT
);

CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, at);
CREATE UNIQUE INDEX audit_log_by_chain ON audit_log (organisation_id, seq);

CREATE TABLE audit_chain_heads (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations(id),
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);

-- A case manager's own rating of an item at an occasion.
CREATE TABLE staff_ratings (
    participant_id  TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    occasion_kind   TEXT NOT NULL,
    occasion_number BIGINT NOT NULL,
    item_id         TEXT NOT NULL,
    value           TEXT NOT NULL,            -- an option code of the item
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    recorded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (participant_id, occasion_kind, occasion_number, item_id)
);

-- Check-ins a phone could not store, reported so the case manager sees them.
CREATE TABLE stuck_check_ins (
    submission_id     TEXT PRIMARY KEY,
    participant_id    TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    status            BIGINT NOT NULL,
    reason            TEXT NOT NULL,
    first_reported_at TIMESTAMPTZ NOT NULL,
    last_reported_at  TIMESTAMPTZ NOT NULL,
    attempts          BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX stuck_check_ins_participant ON stuck_check_ins (participant_id);

-- One-time password-reset links (only the SHA-256 of the token is kept).
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    staff_id    TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);

CREATE INDEX password_resets_by_staff ON password_resets (staff_id);

-- An erasure asked for by a case manager, waiting for another admin.
CREATE TABLE erasure_requests (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    participant_id  TEXT NOT NULL UNIQUE REFERENCES participants(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    requested_by    TEXT NOT NULL REFERENCES staff(id),
    requested_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX erasure_requests_by_organisation ON erasure_requests (organisation_id);
