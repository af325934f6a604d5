//! A record's whole life: withdrawal of consent, erasure (asked for by a case
//! manager, confirmed by an admin), retention and the pruning of what only
//! lives for a while (sessions, failed attempts, spent or expired codes).
//!
//! Erasure removes every row about one participant in one transaction, table
//! by table rather than trusting the cascades alone, so a table added later
//! without `ON DELETE CASCADE` fails the erasure tests instead of keeping data.
//! The audit log keeps its rows with `participant_id` set to NULL: that
//! something happened, by whom and when, with nothing that points to a person.

use crate::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};
use stegvis_domain::retention::{RetentionPolicy, RetentionReason};

/// An organisation's settings for a record's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleSettings {
    pub retention: RetentionPolicy,
    /// `false` (default): withdrawing consent erases the whole record, answers
    /// included. `true`: the answers stay for statistics, pseudonymised.
    pub withdrawal_keeps_answers: bool,
}

/// How a participant withdrew their consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalHow {
    Verbally,
    InWriting,
    Other,
}

impl WithdrawalHow {
    /// Every way, in the order forms list them.
    pub const ALL: [WithdrawalHow; 3] = [Self::Verbally, Self::InWriting, Self::Other];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Verbally => "verbally",
            Self::InWriting => "in-writing",
            Self::Other => "other",
        }
    }

    /// Reads a stored or posted code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.code() == code)
    }

    /// Swedish label for staff pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Verbally => "Muntligt",
            Self::InWriting => "Skriftligt",
            Self::Other => "På annat sätt",
        }
    }
}

/// A recorded withdrawal of consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub on: NaiveDate,
    pub how: WithdrawalHow,
}

/// What withdrawing consent did to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalOutcome {
    /// The whole record is gone.
    Erased,
    /// The answers stay under a new code; identity, phones, codes and drafts are gone.
    Pseudonymised,
    /// No such participant in the organisation.
    NotFound,
}

/// An erasure waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    pub id: String,
    pub participant_id: String,
    pub participant_code: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
}

/// What confirming an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureDecision {
    /// The participant's record is gone; the request as it was.
    Erased(ErasureRequest),
    /// The admin asked for it themselves: a second person must confirm.
    SamePerson,
    /// No such request in the organisation.
    NotFound,
}

/// A participant whose retention period has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCandidate {
    pub participant_id: String,
    pub participant_code: String,
    pub organisation_id: String,
    pub reason: RetentionReason,
    /// The first day the record could be erased.
    pub due_from: NaiveDate,
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneReport {
    pub sessions: u64,
    pub failed_attempts: u64,
    pub access_codes: u64,
}

/// An erasure request from a row of [`REQUEST_SELECT`], on any engine.
pub(crate) fn request_from_row<'r, R>(r: &'r R) -> StoreResult<ErasureRequest>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ErasureRequest {
        id: r.try_get("id")?,
        participant_id: r.try_get("participant_id")?,
        participant_code: r.try_get("code")?,
        reason: r.try_get("reason")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r
            .try_get::<Option<String>, _>("requested_by_name")?
            .unwrap_or_default(),
        requested_at: r.try_get("requested_at")?,
    })
}

pub(crate) const REQUEST_SELECT: &str =
    "SELECT e.id, e.participant_id, p.code, e.reason, e.requested_by,
        s.name AS requested_by_name, e.requested_at
    FROM erasure_requests e
    JOIN participants p ON p.id = e.participant_id
    LEFT JOIN staff s ON s.id = e.requested_by";
