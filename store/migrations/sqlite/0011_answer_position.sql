-- Each answer's place in its check-in (0, 1, 2, …, in the order the
-- instrument asked), so answers read back in that order from an explicit
-- column rather than from SQLite's rowid, which other engines do not have.
-- Answers stored before this were written in that order, so their rowid
-- order gives their positions.
ALTER TABLE answers ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

UPDATE answers SET position = numbered.position
FROM (
    SELECT rowid AS answer_rowid,
           ROW_NUMBER() OVER (PARTITION BY submission_id ORDER BY rowid) - 1 AS position
    FROM answers
) AS numbered
WHERE answers.rowid = numbered.answer_rowid;
