//! Instruments an association manages itself: versions its admin uploaded,
//! which version each programme uses, and the history of both, so an
//! evaluator can tell when figures stay comparable (docs/instruments.md).

use chrono::{DateTime, Utc};

/// A version uploaded by an organisation's admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentUpload {
    /// `id@hash`; the file itself is read with `Store::instrument_source`,
    /// only when the version is not loaded yet.
    pub version: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// Who retired it and when; a retired version starts no new check-ins.
    pub retired: Option<(String, DateTime<Utc>)>,
}

/// One activation of a version for a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentActivation {
    pub programme_id: String,
    pub programme_name: String,
    pub version: String,
    pub activated_by: String,
    pub activated_at: DateTime<Utc>,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadOutcome {
    /// The organisation had not uploaded this version before.
    Added,
    /// The same file was uploaded before; nothing changed.
    AlreadyUploaded,
}

/// An association's confirmation that a preliminary translation was reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageReview {
    /// The language code (`fa`, `so`, …).
    pub language: String,
    pub confirmed_by: String,
    pub confirmed_at: DateTime<Utc>,
}
