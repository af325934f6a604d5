-- Programmes (insatser). Each sets how long before and after its date a
-- check-in can be answered; participants without a programme use the server's
-- default window. Staff, organisations and the rest come in later migrations.
CREATE TABLE programmes (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    window_before_days INTEGER NOT NULL CHECK (window_before_days BETWEEN 0 AND 366),
    window_after_days  INTEGER NOT NULL CHECK (window_after_days BETWEEN 0 AND 366),
    created_at         TEXT NOT NULL
);

ALTER TABLE participants ADD COLUMN programme_id TEXT REFERENCES programmes(id);
