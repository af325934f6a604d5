-- no-transaction
-- A record's whole life: withdrawal of consent, erasure asked for by one person
-- and confirmed by another, and retention settings per organisation. Also drops
-- the unused `participants.access_token` column of 0001.
--
-- SQLite cannot drop a UNIQUE column, so `participants` is rebuilt with
-- SQLite's twelve-step procedure. Dropping the old table with foreign keys on
-- would delete every check-in, draft, code and phone through ON DELETE CASCADE,
-- and `PRAGMA foreign_keys` does nothing inside a transaction: hence the
-- `no-transaction` first line, foreign keys off around our own transaction,
-- with foreign keys back on after the commit. No row of any other table is
-- touched.

PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE new_participants (
    id                 TEXT PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    intake_date        TEXT NOT NULL,
    exit_date          TEXT,
    created_at         TEXT NOT NULL,
    programme_id       TEXT REFERENCES programmes(id),
    organisation_id    TEXT REFERENCES organisations(id),
    case_manager_id    TEXT REFERENCES staff(id),
    gender             TEXT,
    birth_year         INTEGER,
    municipality       TEXT,
    referral           TEXT,
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at         TEXT,
    consent_by         TEXT REFERENCES staff(id),
    consent_version    TEXT,
    exit_outcome       TEXT,
    -- Withdrawal of consent, recorded by the case manager: when, how (`verbally`,
    -- `in-writing`, `other`) and by whom. No check-ins after it.
    withdrawn_at       TEXT,
    withdrawn_how      TEXT CHECK (withdrawn_how IN ('verbally', 'in-writing', 'other')),
    withdrawn_by       TEXT REFERENCES staff(id)
);

INSERT INTO new_participants
    (id, code, intake_date, exit_date, created_at, programme_id, organisation_id,
     case_manager_id, gender, birth_year, municipality, referral, protected_identity,
     consent_at, consent_by, consent_version, exit_outcome)
SELECT id, code, intake_date, exit_date, created_at, programme_id, organisation_id,
       case_manager_id, gender, birth_year, municipality, referral, protected_identity,
       consent_at, consent_by, consent_version, exit_outcome
FROM participants;

DROP TABLE participants;

ALTER TABLE new_participants RENAME TO participants;

CREATE INDEX participants_by_organisation ON participants (organisation_id, case_manager_id);

-- How long records are kept, and what a withdrawal of consent does.
-- A participant who exited is erased `retention_months_after_exit` months after
-- the exit date; one who never exited, `retention_months_inactive` months after
-- the later of the intake date and the last check-in.
ALTER TABLE organisations ADD COLUMN retention_months_after_exit INTEGER NOT NULL DEFAULT 24
    CHECK (retention_months_after_exit BETWEEN 1 AND 240);
ALTER TABLE organisations ADD COLUMN retention_months_inactive INTEGER NOT NULL DEFAULT 36
    CHECK (retention_months_inactive BETWEEN 1 AND 240);
-- FALSE (default): a withdrawal erases the participant's answers with the rest
-- of the record. TRUE: the answers stay for statistics, pseudonymised.
ALTER TABLE organisations ADD COLUMN withdrawal_keeps_answers BOOLEAN NOT NULL DEFAULT FALSE;

-- An erasure asked for by a case manager, waiting for an admin of the same
-- organisation (another account) to confirm or decline it. The row goes with
-- the participant when the erasure is carried out; the audit log keeps that
-- it happened, by whom and when.
CREATE TABLE erasure_requests (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    participant_id  TEXT NOT NULL UNIQUE REFERENCES participants(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    requested_by    TEXT NOT NULL REFERENCES staff(id),
    requested_at    TEXT NOT NULL
);

CREATE INDEX erasure_requests_by_organisation ON erasure_requests (organisation_id);

COMMIT;

PRAGMA foreign_keys = ON;
