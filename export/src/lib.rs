//! Stegvis exports: what an evaluator takes away from Stegvis, in the formats
//! their tools read.
//!
//! Evaluators report to boards and to the ESF; what they export must carry the
//! same figures as the dashboard, state how they were made (filter, period
//! rule, k, weighting, interval methods) and be unable to single anyone out.
//! This crate turns the domain's reports ([`stegvis_domain::stats`]) and
//! answer rows into files, and nothing else: no web framework, no database.
//! The caller (dashboard, command line) queries the data, records the export
//! in the audit log and hands the rows here.
//!
//! - [`aggregates`]: NDI, distance travelled and exit outcomes as CSV
//!   (comma or semicolon) and XLSX, through one [`Table`] model.
//! - [`answers`]: the pseudonymised answer-level file, streamed row by row to
//!   CSV or XLSX in bounded memory, with [`Pseudonyms`].
//! - [`anonymity`]: makes that file k-anonymous (coarser dates and ages,
//!   rare values merged, people who still stand alone left out) and reports
//!   what it did.
//! - [`codebook`]: SPSS syntax and an R script that read the answer file and
//!   apply variable and value labels.
//! - [`fhir`]: the instrument as a FHIR R4 `Questionnaire`, check-ins as
//!   `QuestionnaireResponse`s, streamed into a `Bundle`.
//!
//! `docs/exports.md` describes the formats for their readers.

pub mod aggregates;
pub mod anonymity;
pub mod answers;
pub mod codebook;
pub mod fhir;
mod format;
pub mod table;

pub use aggregates::{
    aggregates_xlsx, tables_xlsx, write_distance_csv, write_ndi_csv, write_outcomes_csv,
    write_table_csv,
};
pub use anonymity::{anonymise, full_detail, Anonymised, Period, Released, Report};
pub use answers::{
    write_notes_csv, write_text_csv, AnswerCsvWriter, AnswerRow, AnswerXlsxWriter, Pseudonyms,
    ANSWER_COLUMNS, PSEUDONYM_LEN,
};
pub use codebook::{r_script, spss_syntax};
pub use fhir::{questionnaire, questionnaire_response, Authored, BundleWriter};
pub use format::{CsvOptions, Separator, UnknownSeparator};
pub use table::{distance_table, ndi_table, outcome_table, ReportKind, Table, TableRow, Unit};

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not write the XLSX file: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("could not write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A value that should be a code (item id, option code) holds other
    /// text; refused so that free text can never reach an export.
    #[error("\"{value}\" in the column {column} is not a code (a–z, 0–9, '-', '_')")]
    NotACode { column: &'static str, value: String },
    /// A declined answer with an option code or a score.
    #[error("item {item}: a declined answer cannot have a value or a score")]
    DeclinedWithValue { item: String },
    #[error("item \"{item}\" is not in the instrument {instrument}")]
    UnknownItem { instrument: String, item: String },
    #[error("\"{code}\" is not an option of item {item}")]
    UnknownOption { item: String, code: String },
    /// Something other than a FHIR resource was pushed into a bundle.
    #[error("a bundle entry must be a FHIR resource (a JSON object with resourceType)")]
    NotAResource,
}

/// The result of every export function.
pub type Result<T, E = ExportError> = std::result::Result<T, E>;

#[cfg(test)]
mod testdata;
