-- The evaluator's figures at scale (docs/statistics.md, "Figures at scale"):
-- the same as SQLite's 0012 and 0013, in PL/pgSQL. PostgreSQL's history
-- starts from SQLite's schema after 0013 (see 0001_schema.sql), so there
-- are no existing rows to fill.
--
-- 1. Every check-in carries its scores in one compact text column,
--    `item=score;item=score;…` in the answers' position order (an empty
--    score for "Vill inte svara" or an option without a score), kept by the
--    database from the answer rows. The text is the same as SQLite's for the
--    same writes.
-- 2. Every change that can move a figure is logged per organisation, in
--    commit order, by triggers; erasing a participant removes every change
--    entry that names them and bumps the organisation's `epoch`.
--
-- Differences from SQLite that do not change what is stored: PostgreSQL
-- fires AFTER ROW triggers at the end of the statement, not straight after
-- each row, and in trigger name order; each trigger below touches rows no
-- other trigger of the same event touches, so the order does not matter.
-- `INSERT OR IGNORE` is `INSERT … ON CONFLICT DO NOTHING`.

ALTER TABLE check_ins ADD COLUMN scores TEXT;

-- Per organisation: `seq` counts changes (the last entry's number), `epoch`
-- counts erasures (and anything else that needs a fresh start), and
-- `pruned_through` is the highest change number no longer in the log.
-- Updating this row is what every logging trigger does first, so concurrent
-- writers of one organisation take turns on it (the row lock is held to the
-- commit) and change numbers are in commit order.
CREATE TABLE statistics_versions (
    organisation_id TEXT PRIMARY KEY,
    seq             BIGINT NOT NULL DEFAULT 0,
    epoch           BIGINT NOT NULL DEFAULT 0,
    pruned_through  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE statistics_changes (
    organisation_id TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    participant_id  TEXT NOT NULL,
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, seq)
);

CREATE INDEX statistics_changes_by_participant ON statistics_changes (participant_id);

INSERT INTO statistics_versions (organisation_id)
SELECT id FROM organisations;

-- The scores column. An inserted answer is appended (answers are written in
-- position order); a changed or removed one makes the whole text again.
CREATE FUNCTION check_in_scores_on_answer_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE check_ins
    SET scores = COALESCE(scores || ';', '') || NEW.item_id || '='
                 || COALESCE(CAST(NEW.score AS TEXT), '')
    WHERE submission_id = NEW.submission_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER check_in_scores_on_answer_insert AFTER INSERT ON answers
FOR EACH ROW EXECUTE FUNCTION check_in_scores_on_answer_insert();

CREATE FUNCTION check_in_scores_on_answer_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE check_ins SET scores = (
        SELECT string_agg(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';'
                          ORDER BY a.position, a.item_id COLLATE "C")
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id IN (OLD.submission_id, NEW.submission_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER check_in_scores_on_answer_update AFTER UPDATE ON answers
FOR EACH ROW EXECUTE FUNCTION check_in_scores_on_answer_update();

CREATE FUNCTION check_in_scores_on_answer_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE check_ins SET scores = (
        SELECT string_agg(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';'
                          ORDER BY a.position, a.item_id COLLATE "C")
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id = OLD.submission_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER check_in_scores_on_answer_delete AFTER DELETE ON answers
FOR EACH ROW EXECUTE FUNCTION check_in_scores_on_answer_delete();

-- A participant's own facts changed (or they were added). Both triggers run
-- this function; their WHEN clauses are SQLite's.
CREATE FUNCTION statistics_on_participant_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistics_versions (organisation_id) VALUES (NEW.organisation_id)
    ON CONFLICT DO NOTHING;
    UPDATE statistics_versions SET seq = seq + 1 WHERE organisation_id = NEW.organisation_id;
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT organisation_id, seq, NEW.id FROM statistics_versions
    WHERE organisation_id = NEW.organisation_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_participant_insert AFTER INSERT ON participants
FOR EACH ROW WHEN (NEW.organisation_id IS NOT NULL)
EXECUTE FUNCTION statistics_on_participant_change();

CREATE TRIGGER statistics_on_participant_update AFTER UPDATE ON participants
FOR EACH ROW WHEN (NEW.organisation_id IS NOT NULL)
EXECUTE FUNCTION statistics_on_participant_change();

-- Moved to another organisation: the old one starts afresh.
CREATE FUNCTION statistics_on_participant_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistics_versions (organisation_id) VALUES (OLD.organisation_id)
    ON CONFLICT DO NOTHING;
    UPDATE statistics_versions SET seq = seq + 1, epoch = epoch + 1
    WHERE organisation_id = OLD.organisation_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_participant_move AFTER UPDATE OF organisation_id ON participants
FOR EACH ROW
WHEN (OLD.organisation_id IS NOT NULL AND OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
EXECUTE FUNCTION statistics_on_participant_move();

-- Erased: forget every entry naming them; every server starts afresh.
CREATE FUNCTION statistics_on_participant_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM statistics_changes WHERE participant_id = OLD.id;
    INSERT INTO statistics_versions (organisation_id)
    SELECT OLD.organisation_id WHERE OLD.organisation_id IS NOT NULL
    ON CONFLICT DO NOTHING;
    UPDATE statistics_versions SET seq = seq + 1, epoch = epoch + 1
    WHERE organisation_id = OLD.organisation_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_participant_delete AFTER DELETE ON participants
FOR EACH ROW EXECUTE FUNCTION statistics_on_participant_delete();

-- A check-in stored, changed or removed. (Its answers are written in the
-- same transaction as the check-in, so the insert covers them.)
CREATE FUNCTION statistics_on_check_in_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistics_versions (organisation_id)
    SELECT organisation_id FROM participants
    WHERE id = NEW.participant_id AND organisation_id IS NOT NULL
    ON CONFLICT DO NOTHING;
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT organisation_id FROM participants WHERE id = NEW.participant_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id = NEW.participant_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_check_in_insert AFTER INSERT ON check_ins
FOR EACH ROW EXECUTE FUNCTION statistics_on_check_in_insert();

-- A check-in moved to another occasion or date (corrections). The scores
-- column, which the answer triggers rewrite, is left out on purpose: the
-- answer triggers log for themselves, and storing a check-in (one insert of
-- the check-in and one per answer) logs once.
CREATE FUNCTION statistics_on_check_in_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id IN (SELECT organisation_id FROM participants
                              WHERE id IN (OLD.participant_id, NEW.participant_id));
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id IN (OLD.participant_id, NEW.participant_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_check_in_update
AFTER UPDATE OF participant_id, occasion_kind, occasion_number, submitted_at ON check_ins
FOR EACH ROW EXECUTE FUNCTION statistics_on_check_in_update();

CREATE FUNCTION statistics_on_check_in_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE statistics_versions SET seq = seq + 1
    WHERE organisation_id = (SELECT organisation_id FROM participants WHERE id = OLD.participant_id);
    INSERT INTO statistics_changes (organisation_id, seq, participant_id)
    SELECT v.organisation_id, v.seq, p.id
    FROM participants p JOIN statistics_versions v ON v.organisation_id = p.organisation_id
    WHERE p.id = OLD.participant_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_check_in_delete AFTER DELETE ON check_ins
FOR EACH ROW EXECUTE FUNCTION statistics_on_check_in_delete();

-- An answer changed or removed after its check-in was stored.
CREATE FUNCTION statistics_on_answer_update() RETURNS trigger
LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_answer_update AFTER UPDATE ON answers
FOR EACH ROW EXECUTE FUNCTION statistics_on_answer_update();

CREATE FUNCTION statistics_on_answer_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;

CREATE TRIGGER statistics_on_answer_delete AFTER DELETE ON answers
FOR EACH ROW EXECUTE FUNCTION statistics_on_answer_delete();
