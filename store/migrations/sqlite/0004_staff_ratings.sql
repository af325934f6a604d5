-- A case manager's own rating of an item at an occasion, recorded in a meeting
-- next to the participant's answer (as in Outcomes Star), so agreement and
-- disagreement are visible. The participant's answer is never changed by it.
CREATE TABLE staff_ratings (
    participant_id  TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    occasion_kind   TEXT NOT NULL,
    occasion_number INTEGER NOT NULL,
    item_id         TEXT NOT NULL,
    value           TEXT NOT NULL,            -- an option code of the item
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (participant_id, occasion_kind, occasion_number, item_id)
);
