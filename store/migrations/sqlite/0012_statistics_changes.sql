-- The evaluator's figures at scale (docs/statistics.md, "Figures at scale").
--
-- 1. Every check-in carries its scores in one compact text column,
--    `item=score;item=score;…` (an empty score for "Vill inte svara" or an
--    option without a score), kept by the database itself from the answer
--    rows: loading the statistics reads one row per check-in instead of one
--    per answer.
-- 2. Every change that can move a figure is logged per organisation, in
--    commit order, by triggers: a server keeps the organisation's
--    respondents in memory and asks the database only "what changed since
--    change n?". Triggers, not the Rust write paths, so no write (today's or
--    a later one, from any server process or tool) can forget to log.
--    Erasing a participant removes every change entry that names them and
--    bumps the organisation's `epoch`, which makes every server load the
--    figures again from scratch: nothing of an erased person stays behind.

ALTER TABLE check_ins ADD COLUMN scores TEXT;

UPDATE check_ins SET scores = (
    SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';')
    FROM answers a WHERE a.submission_id = check_ins.submission_id
);

CREATE TRIGGER check_in_scores_on_answer_insert AFTER INSERT ON answers
BEGIN
    UPDATE check_ins
    SET scores = COALESCE(scores || ';', '') || NEW.item_id || '='
                 || COALESCE(CAST(NEW.score AS TEXT), '')
    WHERE submission_id = NEW.submission_id;
END;

CREATE TRIGGER check_in_scores_on_answer_update AFTER UPDATE ON answers
BEGIN
    UPDATE check_ins SET scores = (
        SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';')
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id IN (OLD.submission_id, NEW.submission_id);
END;

CREATE TRIGGER check_in_scores_on_answer_delete AFTER DELETE ON answers
BEGIN
    UPDATE check_ins SET scores = (
        SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';')
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id = OLD.submission_id;
END;

-- Per organisation: `seq` counts changes (the last entry's number), `epoch`
-- counts erasures (and anything else that needs a fresh start), and
-- `pruned_through` is the highest change number no longer in the log.
-- Updating this row is what every logging trigger does first, so concurrent
-- writers of one organisation take turns on it and change numbers are in
-- commit order on every engine.
CREATE TABLE statistics_versions (
    organisation_id TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL DEFAULT 0,
    epoch           INTEGER NOT NULL DEFAULT 0,
    pruned_through  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE statistics_changes (
    organisation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    participant_id  TEXT NOT NULL,
    at              TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (organisation_id, seq)
);

CREATE INDEX statistics_changes_by_participant ON statistics_changes (participant_id);

INSERT INTO statistics_versions (organisation_id)
SELECT id FROM organisations;

-- A participant's own facts changed (or they were added).
CREATE TRIGGER statistics_on_participant_insert AFTER INSERT ON participants
WHEN NEW.organisation_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO statistics_versions (organisation_id) VALUES (NEW.organisation_id);
    UPDATE statistics_versions SET seq = seq + 1 WHERE organisation_id = NEW.organisation_id;
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT organisation_id, seq, NEW.id FROM statistics_versions
    WHERE organisation_id = NEW.organisation_id;
END;

CREATE TRIGGER statistics_on_participant_update AFTER UPDATE ON participants
WHEN NEW.organisation_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO statistics_versions (organisation_id) VALUES (NEW.organisation_id);
    UPDATE statistics_versions SET seq = seq + 1 WHERE organisation_id = NEW.organisation_id;
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT organisation_id, seq, NEW.id FROM statistics_versions
    WHERE organisation_id = NEW.organisation_id;
END;

-- Moved to another organisation: the old one starts afresh.
CREATE TRIGGER statistics_on_participant_move AFTER UPDATE OF organisation_id ON participants
WHEN OLD.organisation_id IS NOT NULL AND OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT OR IGNORE INTO statistics_versions (organisation_id) VALUES (OLD.organisation_id);
    UPDATE statistics_versions SET seq = seq + 1, epoch = epoch + 1
    WHERE organisation_id = OLD.organisation_id;
END;

-- Erased: forget every entry naming them; every server starts afresh.
CREATE TRIGGER statistics_on_participant_delete AFTER DELETE ON participants
BEGIN
    DELETE FROM statistics_changes WHERE participant_id = OLD.id;
    INSERT OR IGNORE INTO statistics_versions (organisation_id)
    SELECT OLD.organisation_id WHERE OLD.organisation_id IS NOT NULL;
    UPDATE statistics_versions SET seq = seq + 1, epoch = epoch + 1
    WHERE organisation_id = OLD.organisation_id;
END;

-- A check-in stored, changed or removed. (Its answers are written in the
-- same transaction as the check-in, so the insert covers them.)
CREATE TRIGGER statistics_on_check_in_insert AFTER INSERT ON check_ins
BEGIN
    INSERT OR IGNORE INTO statistics_versions (organisation_id)
    SELECT organisation_id FROM participants
    WHERE id = NEW.participant_id AND organisation_id IS NOT NULL;
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT organisation_id FROM participants WHERE id = NEW.participant_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id = NEW.participant_id;
END;

-- A check-in moved to another occasion or date (corrections). The scores
-- column, which the answer triggers rewrite, is left out on purpose: the
-- answer triggers below log for themselves, and storing a check-in (one
-- insert of the check-in and one per answer) logs once.
CREATE TRIGGER statistics_on_check_in_update
AFTER UPDATE OF participant_id, occasion_kind, occasion_number, submitted_at ON check_ins
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id IN (SELECT organisation_id FROM participants
                              WHERE id IN (OLD.participant_id, NEW.participant_id));
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id IN (OLD.participant_id, NEW.participant_id);
END;

-- An answer changed or removed after its check-in was stored.
CREATE TRIGGER statistics_on_answer_update AFTER UPDATE ON answers
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT p.organisation_id FROM check_ins c
                             JOIN participants p ON p.id = c.participant_id
                             WHERE c.submission_id = NEW.submission_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM check_ins c JOIN participants p ON p.id = c.participant_id
    JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE c.submission_id = NEW.submission_id;
END;

CREATE TRIGGER statistics_on_answer_delete AFTER DELETE ON answers
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT p.organisation_id FROM check_ins c
                             JOIN participants p ON p.id = c.participant_id
                             WHERE c.submission_id = OLD.submission_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM check_ins c JOIN participants p ON p.id = c.participant_id
    JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE c.submission_id = OLD.submission_id;
END;

CREATE TRIGGER statistics_on_check_in_delete AFTER DELETE ON check_ins
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT organisation_id FROM participants WHERE id = OLD.participant_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id = OLD.participant_id;
END;
