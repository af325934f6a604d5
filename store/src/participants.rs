//! Participants as staff see them: registration with consent, the separately
//! kept personnummer, the caseload, the exit.
//!
//! Every read for staff is scoped to an organisation, so a participant of
//! another organisation is simply not found.

use crate::{OccasionRef, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::schedule::Window;

/// Consent as recorded at registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub at: DateTime<Utc>,
    /// The staff account that recorded it.
    pub by: String,
    /// Which consent text the participant agreed to.
    pub version: String,
}

/// A participant to register. For an anonymous participant (no consent) the
/// caller leaves birth year, municipality, referral and personnummer empty.
#[derive(Debug, Clone)]
pub struct NewParticipant<'a> {
    pub organisation_id: &'a str,
    pub case_manager_id: &'a str,
    pub programme_id: Option<&'a str>,
    pub code: &'a str,
    pub start_date: NaiveDate,
    pub gender: &'a str,
    pub birth_year: Option<i32>,
    pub municipality: Option<&'a str>,
    pub referral: Option<&'a str>,
    pub protected_identity: bool,
    pub consent: Option<Consent>,
    /// Normalised personnummer; refused by the caller for protected identities.
    pub personnummer: Option<&'a str>,
}

/// A participant's recorded facts, for their own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantDetail {
    pub id: String,
    pub organisation_id: String,
    pub code: String,
    pub case_manager_id: Option<String>,
    pub case_manager_name: Option<String>,
    pub programme_id: Option<String>,
    pub programme_name: Option<String>,
    pub window: Option<Window>,
    pub start_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub exit_outcome: Option<String>,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub municipality: Option<String>,
    pub referral: Option<String>,
    pub protected_identity: bool,
    pub consent: Option<Consent>,
}

/// One stored check-in of a participant, for their page and the caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantCheckIn {
    pub submission_id: String,
    pub occasion: OccasionRef,
    pub submitted_at: DateTime<Utc>,
    pub instrument_version: String,
    /// The language it was answered in (a code such as `sv`).
    pub language: String,
    /// Name of the staff member who answered together with the participant.
    pub assisted_by: Option<String>,
}

/// What the caseload needs of one participant: enough to work out what is
/// due and to sort, nothing more. A caseload request reads this for every
/// participant in its scope (thousands for a busy case manager, the whole
/// organisation for "all"), so it is a few columns and the answered
/// occasions, not the participant's record and check-ins; only the page shown
/// becomes rows on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadEntry {
    pub id: String,
    pub code: String,
    pub programme_id: Option<String>,
    pub programme_name: Option<String>,
    pub case_manager_name: Option<String>,
    pub window: Option<Window>,
    pub start_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    /// The occasions answered, in no particular order.
    pub answered: Vec<(OccasionKind, u32)>,
    /// When the latest check-in was stored.
    pub last_check_in: Option<DateTime<Utc>>,
}

/// A programme in lists and forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSummary {
    pub id: String,
    pub name: String,
    pub window: Window,
    pub participants: i64,
}

pub(crate) const DETAIL_SELECT: &str = "SELECT p.id, p.organisation_id, p.code, p.case_manager_id,
        s.name AS case_manager_name, p.programme_id, g.name AS programme_name,
        g.window_before_days, g.window_after_days, p.intake_date, p.exit_date, p.exit_outcome,
        p.gender, p.birth_year, p.municipality, p.referral, p.protected_identity,
        p.consent_at, p.consent_by, p.consent_version
    FROM participants p
    LEFT JOIN programmes g ON g.id = p.programme_id
    LEFT JOIN staff s ON s.id = p.case_manager_id";

/// A participant from a row of [`DETAIL_SELECT`], on any engine.
pub(crate) fn detail_from_row<'r, R>(r: &'r R) -> StoreResult<ParticipantDetail>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
    NaiveDate: Decode<'r, R::Database> + Type<R::Database>,
    DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
{
    let consent_at: Option<DateTime<Utc>> = r.try_get("consent_at")?;
    let consent = match consent_at {
        Some(at) => Some(Consent {
            at,
            by: r
                .try_get::<Option<String>, _>("consent_by")?
                .unwrap_or_default(),
            version: r
                .try_get::<Option<String>, _>("consent_version")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(ParticipantDetail {
        id: r.try_get("id")?,
        organisation_id: r
            .try_get::<Option<String>, _>("organisation_id")?
            .unwrap_or_default(),
        code: r.try_get("code")?,
        case_manager_id: r.try_get("case_manager_id")?,
        case_manager_name: r.try_get("case_manager_name")?,
        programme_id: r.try_get("programme_id")?,
        programme_name: r.try_get("programme_name")?,
        window: crate::window_from_row(r)?,
        start_date: r.try_get("intake_date")?,
        exit_date: r.try_get("exit_date")?,
        exit_outcome: r.try_get("exit_outcome")?,
        gender: r.try_get("gender")?,
        birth_year: crate::birth_year_from_row(r)?,
        municipality: r.try_get("municipality")?,
        referral: r.try_get("referral")?,
        protected_identity: r.try_get("protected_identity")?,
        consent,
    })
}

/// One of a participant's check-ins, on any engine.
pub(crate) fn check_in_from_row<'r, R>(r: &'r R) -> StoreResult<ParticipantCheckIn>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ParticipantCheckIn {
        submission_id: r.try_get("submission_id")?,
        occasion: crate::occasion_from_row(r)?,
        submitted_at: r.try_get("submitted_at")?,
        instrument_version: r.try_get("instrument_version")?,
        language: r.try_get("language")?,
        assisted_by: r.try_get("assisted_by")?,
    })
}
