-- Instruments managed by an association's admin: the same tables as
-- SQLite's 0014 (see there for what they mean).
CREATE TABLE instrument_uploads (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    version         TEXT NOT NULL REFERENCES instrument_versions(version),
    uploaded_by     TEXT NOT NULL REFERENCES staff(id),
    uploaded_at     TIMESTAMPTZ NOT NULL,
    retired_by      TEXT REFERENCES staff(id),
    retired_at      TIMESTAMPTZ,
    PRIMARY KEY (organisation_id, version)
);

CREATE TABLE instrument_activations (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    version      TEXT NOT NULL REFERENCES instrument_versions(version),
    activated_by TEXT NOT NULL REFERENCES staff(id),
    activated_at TIMESTAMPTZ NOT NULL
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
    confirmed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, language)
);
