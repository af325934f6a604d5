-- Instruments managed by an association's admin (docs/instruments.md,
-- "Managing instruments in the app").
--
-- An upload makes a version known to one organisation: who uploaded it and
-- when, and whether it has been retired (no new check-ins with it). The
-- version's source stays in `instrument_versions`, shared by every
-- organisation, as for the instrument the server loads at start.
CREATE TABLE instrument_uploads (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    version         TEXT NOT NULL REFERENCES instrument_versions(version),
    uploaded_by     TEXT NOT NULL REFERENCES staff(id),
    uploaded_at     TEXT NOT NULL,
    retired_by      TEXT REFERENCES staff(id),
    retired_at      TEXT,
    PRIMARY KEY (organisation_id, version)
);

-- Every activation of a version for a programme, never changed or removed:
-- the latest one per programme is the programme's instrument (when its
-- version is retired, the server's default is used again), and the whole
-- list is the history an evaluator reads.
CREATE TABLE instrument_activations (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    version      TEXT NOT NULL REFERENCES instrument_versions(version),
    activated_by TEXT NOT NULL REFERENCES staff(id),
    activated_at TEXT NOT NULL
);
CREATE INDEX instrument_activations_by_programme
    ON instrument_activations (programme_id, activated_at);

-- An association's confirmation that a preliminary translation of the
-- participant's screens (docs/languages.md) has been reviewed by a native
-- speaker: the admin view then shows it as reviewed for that association.
CREATE TABLE language_reviews (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    language        TEXT NOT NULL,
    confirmed_by    TEXT NOT NULL REFERENCES staff(id),
    confirmed_at    TEXT NOT NULL,
    PRIMARY KEY (organisation_id, language)
);
