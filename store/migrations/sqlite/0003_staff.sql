-- The staff side: organisations, staff accounts and roles, participant facts
-- recorded at registration, phone access (codes, devices, PINs), server-side
-- sessions, failed-attempt records for lockouts, and the audit log.
--
-- Written so it also reads as PostgreSQL: TEXT ids (UUIDs), TEXT timestamps
-- (RFC 3339), INTEGER counters, no AUTOINCREMENT.

-- A samordningsförbund. Everything staff see is scoped to their organisation.
CREATE TABLE organisations (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    -- groups smaller than this are hidden in aggregates
    small_cell_k       INTEGER NOT NULL DEFAULT 5 CHECK (small_cell_k BETWEEN 2 AND 100),
    -- how long a participant access code stays valid
    code_lifetime_days INTEGER NOT NULL DEFAULT 14 CHECK (code_lifetime_days BETWEEN 1 AND 365),
    created_at         TEXT NOT NULL
);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    email           TEXT NOT NULL UNIQUE,     -- stored lower-cased
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,            -- argon2id PHC string
    totp_secret     TEXT,                     -- base32; set once two-factor is confirmed
    created_at      TEXT NOT NULL,
    disabled_at     TEXT
);

CREATE TABLE staff_roles (
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('admin', 'case-manager', 'evaluator')),
    PRIMARY KEY (staff_id, role)
);

ALTER TABLE programmes ADD COLUMN organisation_id TEXT REFERENCES organisations(id);

-- Registration facts. Anonymous participants (no consent) keep only gender and
-- the start date; the columns below stay NULL for them. The old `access_token`
-- column of 0001 is no longer used: phones get access through access codes.
ALTER TABLE participants ADD COLUMN organisation_id TEXT REFERENCES organisations(id);
ALTER TABLE participants ADD COLUMN case_manager_id TEXT REFERENCES staff(id);
ALTER TABLE participants ADD COLUMN gender TEXT;
ALTER TABLE participants ADD COLUMN birth_year INTEGER;
ALTER TABLE participants ADD COLUMN municipality TEXT;
ALTER TABLE participants ADD COLUMN referral TEXT;
ALTER TABLE participants ADD COLUMN protected_identity BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE participants ADD COLUMN consent_at TEXT;
ALTER TABLE participants ADD COLUMN consent_by TEXT REFERENCES staff(id);
ALTER TABLE participants ADD COLUMN consent_version TEXT;
ALTER TABLE participants ADD COLUMN exit_outcome TEXT;

CREATE INDEX participants_by_organisation ON participants (organisation_id, case_manager_id);

-- The personnummer lives apart from everything else, so no list, export or join
-- of participants can carry it by accident.
CREATE TABLE participant_identities (
    participant_id TEXT PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    personnummer   TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES staff(id),
    recorded_at    TEXT NOT NULL
);

-- Codes a case manager hands out so a participant can connect their phone.
-- Single use, with an expiry; revocable.
CREATE TABLE access_codes (
    code           TEXT PRIMARY KEY,          -- canonical form XXXX-XXXX
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    created_by     TEXT NOT NULL REFERENCES staff(id),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    revoked_at     TEXT,
    redeemed_at    TEXT
);

CREATE INDEX access_codes_by_participant ON access_codes (participant_id);

-- A phone a participant connected. The cookie holds a random token; only its
-- SHA-256 is stored. The PIN is stored as an argon2id hash.
CREATE TABLE participant_devices (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL UNIQUE,
    pin_hash       TEXT NOT NULL,
    pin_failures   INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    locked_at      TEXT,
    revoked_at     TEXT
);

CREATE INDEX participant_devices_by_participant ON participant_devices (participant_id);

-- Server-side sessions (staff and participants). `data` is JSON.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL               -- unix seconds
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed logins and code entries, counted per account and per address to
-- decide lockouts. Old rows are pruned.
CREATE TABLE failed_attempts (
    kind TEXT NOT NULL,                       -- login-account, login-address, code-address
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
);

CREATE INDEX failed_attempts_by_key ON failed_attempts (kind, key, at);

-- Who looked at or changed what about a participant, and when.
CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    staff_id        TEXT REFERENCES staff(id),
    at              TEXT NOT NULL,
    action          TEXT NOT NULL,
    participant_id  TEXT REFERENCES participants(id) ON DELETE SET NULL,
    detail          TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, at);

-- A check-in answered on a case manager's device, together with the participant.
ALTER TABLE check_ins ADD COLUMN assisted_by TEXT REFERENCES staff(id);
