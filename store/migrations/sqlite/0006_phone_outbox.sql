-- Check-ins answered on a phone without network arrive later than they were
-- given. `submitted_at` stays the time the server received the check-in;
-- `answered_at` is when the participant pressed Send on the phone (the same
-- as `submitted_at` for a check-in sent online).
ALTER TABLE check_ins ADD COLUMN answered_at TEXT;

-- A phone reports here, by sending, every check-in the server refused with a
-- 4xx other than "sign in first": the phone keeps the answers and tells the
-- participant to show their case manager, whose participant page lists them.
-- A row goes away when the same submission is later stored.
CREATE TABLE stuck_check_ins (
    submission_id     TEXT PRIMARY KEY,
    participant_id    TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    status            INTEGER NOT NULL,
    reason            TEXT NOT NULL,
    first_reported_at TEXT NOT NULL,
    last_reported_at  TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stuck_check_ins_participant ON stuck_check_ins (participant_id);
