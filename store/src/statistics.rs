//! Reading for statistics and exports: every participant of an organisation
//! as a statistics respondent, and every stored answer as a stream of rows,
//! so an export of any size passes through in bounded memory.

use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use stegvis_domain::occasion::OccasionKind;

/// One stored answer with the facts an export may carry about its
/// participant. The participant id is only there to be pseudonymised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    pub participant_id: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub municipality: Option<String>,
    pub referral: Option<String>,
    pub anonymous: bool,
    pub programme_id: Option<String>,
    pub programme: Option<String>,
    pub start_date: NaiveDate,
    pub occasion_kind: OccasionKind,
    pub occasion_number: u32,
    pub submitted_at: DateTime<Utc>,
    pub instrument_version: String,
    pub item_id: String,
    pub value: Option<String>,
    pub score: Option<i32>,
    pub declined: bool,
}

/// One check-in with the facts an export may carry about its participant
/// ([`AnswerRecord`] without the answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRecord {
    pub participant_id: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub municipality: Option<String>,
    pub referral: Option<String>,
    pub anonymous: bool,
    pub programme_id: Option<String>,
    pub programme: Option<String>,
    pub start_date: NaiveDate,
    pub occasion_kind: OccasionKind,
    pub occasion_number: u32,
    pub submitted_at: DateTime<Utc>,
    pub instrument_version: String,
}

/// A stored code as its domain type; a code the domain does not know is
/// corrupt data, named by `what`.
pub(crate) fn parse<T: std::str::FromStr>(
    what: &str,
    value: Option<&str>,
) -> StoreResult<Option<T>> {
    value
        .map(|v| {
            v.parse()
                .map_err(|_| StoreError::Corrupt(format!("{what} {v:?}")))
        })
        .transpose()
}
