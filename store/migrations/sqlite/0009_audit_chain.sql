-- A tamper-evident audit log: every organisation's entries form a hash chain.
--
-- Each entry gets its place in the chain (`seq`, 1, 2, … per organisation),
-- the hash of the entry before it (`prev_hash`, 64 zeros for the first) and
-- its own hash (`hash`): SHA-256 over a canonical encoding of the entry and
-- `prev_hash` (see store/src/audit.rs and docs/security.md). Altering,
-- deleting or reordering an entry breaks the chain at that point, which
-- `stegvis audit verify` reports.
--
-- The hash does not cover `participant_id`, which erasure sets to NULL. It
-- covers `participant_ref` instead: the SHA-256 of the participant id,
-- written with the entry and kept after erasure, so the entry still proves
-- that something was done about one person without pointing at them, and a
-- participant id that was changed no longer matches its reference.
--
-- `audit_chain_heads` holds the last entry of each chain, written in the same
-- transaction, so that cutting entries off the end is detected as well.
--
-- Entries written before this migration are chained once at the next start
-- (SQLite has no SHA-256 function), in the order they were written.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN participant_ref TEXT;

-- One entry per place: two writers can never both append entry n.
CREATE UNIQUE INDEX audit_log_by_chain ON audit_log (organisation_id, seq);

CREATE TABLE audit_chain_heads (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations(id),
    seq             INTEGER NOT NULL,
    hash            TEXT NOT NULL
);
