-- A check-in's compact `scores` (0012) in the order the instrument asked its
-- items, whatever wrote them. The insert trigger of 0012 appends in
-- insertion order, which is position order, but the update and delete
-- triggers (and 0012's fill of existing rows) gathered the answers with an
-- unordered group_concat, which SQLite answers from the primary key's index,
-- in item id order: the same answers came out in another order once one of
-- them was changed. Readers do not depend on the order, but the column is
-- the same text on every engine only when the order is fixed.
DROP TRIGGER check_in_scores_on_answer_update;
DROP TRIGGER check_in_scores_on_answer_delete;

CREATE TRIGGER check_in_scores_on_answer_update AFTER UPDATE ON answers
BEGIN
    UPDATE check_ins SET scores = (
        SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';'
                            ORDER BY a.position, a.item_id)
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id IN (OLD.submission_id, NEW.submission_id);
END;

CREATE TRIGGER check_in_scores_on_answer_delete AFTER DELETE ON answers
BEGIN
    UPDATE check_ins SET scores = (
        SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';'
                            ORDER BY a.position, a.item_id)
        FROM answers a WHERE a.submission_id = check_ins.submission_id
    ) WHERE submission_id = OLD.submission_id;
END;

UPDATE check_ins SET scores = (
    SELECT group_concat(a.item_id || '=' || COALESCE(CAST(a.score AS TEXT), ''), ';'
                        ORDER BY a.position, a.item_id)
    FROM answers a WHERE a.submission_id = check_ins.submission_id
);
