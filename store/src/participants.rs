//! Participants as staff see them: registration with consent, the separately
//! kept personnummer, the caseload, the exit.
//!
//! Every read for staff is scoped to an organisation, so a participant of
//! another organisation is simply not found.

use crate::{OccasionRef, Store, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};
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

/// A participant with every check-in, for computing caseload status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadEntry {
    pub participant: ParticipantDetail,
    pub check_ins: Vec<ParticipantCheckIn>,
}

/// A programme in lists and forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSummary {
    pub id: String,
    pub name: String,
    pub window: Window,
    pub participants: i64,
}

const DETAIL_SELECT: &str = "SELECT p.id, p.organisation_id, p.code, p.case_manager_id,
        s.name AS case_manager_name, p.programme_id, g.name AS programme_name,
        g.window_before_days, g.window_after_days, p.intake_date, p.exit_date, p.exit_outcome,
        p.gender, p.birth_year, p.municipality, p.referral, p.protected_identity,
        p.consent_at, p.consent_by, p.consent_version
    FROM participants p
    LEFT JOIN programmes g ON g.id = p.programme_id
    LEFT JOIN staff s ON s.id = p.case_manager_id";

/// A participant from a row of [`DETAIL_SELECT`], on any engine.
fn detail_from_row<'r, R>(r: &'r R) -> StoreResult<ParticipantDetail>
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
        birth_year: r
            .try_get::<Option<i64>, _>("birth_year")?
            .and_then(|y| i32::try_from(y).ok()),
        municipality: r.try_get("municipality")?,
        referral: r.try_get("referral")?,
        protected_identity: r.try_get("protected_identity")?,
        consent,
    })
}

impl Store {
    /// Registers a participant, with the personnummer (if any) in its own table,
    /// in one transaction. A taken participant code is [`StoreError::CodeTaken`]
    /// so the caller can draw another.
    pub async fn register_participant(&self, new: &NewParticipant<'_>) -> StoreResult<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO participants
               (id, code, intake_date, created_at, programme_id, organisation_id, case_manager_id,
                gender, birth_year, municipality, referral, protected_identity,
                consent_at, consent_by, consent_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(new.code)
        .bind(new.start_date)
        .bind(now)
        .bind(new.programme_id)
        .bind(new.organisation_id)
        .bind(new.case_manager_id)
        .bind(new.gender)
        .bind(new.birth_year.map(i64::from))
        .bind(new.municipality)
        .bind(new.referral)
        .bind(new.protected_identity)
        .bind(new.consent.as_ref().map(|c| c.at))
        .bind(new.consent.as_ref().map(|c| c.by.as_str()))
        .bind(new.consent.as_ref().map(|c| c.version.as_str()))
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::CodeTaken);
            }
        }
        inserted?;
        if let Some(pnr) = new.personnummer {
            if new.protected_identity {
                return Err(StoreError::Refused(
                    "a personnummer for a protected identity".into(),
                ));
            }
            sqlx::query(
                "INSERT INTO participant_identities
                   (participant_id, personnummer, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(
                self.keys()?
                    .seal(&crate::secrets::personnummer_context(&id), pnr),
            )
            .bind(new.case_manager_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// A participant of `organisation_id`; another organisation's is `None`.
    pub async fn participant_in(
        &self,
        organisation_id: &str,
        participant_id: &str,
    ) -> StoreResult<Option<ParticipantDetail>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DETAIL_SELECT} WHERE p.organisation_id = $1 AND p.id = $2"
        )))
        .bind(organisation_id)
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(detail_from_row).transpose()
    }

    /// The personnummer of a participant, if one was recorded, opened from
    /// its sealed form. Only ever shown on that participant's own page.
    pub async fn personnummer(&self, participant_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT personnummer FROM participant_identities WHERE participant_id = $1",
        )
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let sealed: String = r.try_get("personnummer")?;
            crate::secrets::open(
                self,
                &crate::secrets::personnummer_context(participant_id),
                &sealed,
            )
            .map(|p| p.to_string())
        })
        .transpose()
    }

    /// The participants of an organisation (of one case manager, when given),
    /// each with their check-ins, for the caseload.
    pub async fn caseload(
        &self,
        organisation_id: &str,
        case_manager_id: Option<&str>,
    ) -> StoreResult<Vec<CaseloadEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DETAIL_SELECT} WHERE p.organisation_id = $1
               AND ($2 IS NULL OR p.case_manager_id = $2)
             ORDER BY p.intake_date DESC, p.code"
        )))
        .bind(organisation_id)
        .bind(case_manager_id)
        .fetch_all(&self.pool)
        .await?;
        let check_ins = sqlx::query(
            "SELECT c.participant_id, c.submission_id, c.occasion_kind, c.occasion_number,
                    c.submitted_at, c.instrument_version, c.language, s.name AS assisted_by
             FROM check_ins c JOIN participants p ON p.id = c.participant_id
             LEFT JOIN staff s ON s.id = c.assisted_by
             WHERE p.organisation_id = $1 AND ($2 IS NULL OR p.case_manager_id = $2)
             ORDER BY c.submitted_at",
        )
        .bind(organisation_id)
        .bind(case_manager_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_participant: std::collections::HashMap<String, Vec<ParticipantCheckIn>> =
            std::collections::HashMap::new();
        for r in &check_ins {
            by_participant
                .entry(r.try_get("participant_id")?)
                .or_default()
                .push(check_in_from_row(r)?);
        }
        rows.iter()
            .map(|r| {
                let participant = detail_from_row(r)?;
                let check_ins = by_participant.remove(&participant.id).unwrap_or_default();
                Ok(CaseloadEntry {
                    participant,
                    check_ins,
                })
            })
            .collect()
    }

    /// A participant's check-ins, oldest first.
    pub async fn check_ins_of(&self, participant_id: &str) -> StoreResult<Vec<ParticipantCheckIn>> {
        let rows = sqlx::query(
            "SELECT c.submission_id, c.occasion_kind, c.occasion_number, c.submitted_at,
                    c.instrument_version, c.language, s.name AS assisted_by
             FROM check_ins c LEFT JOIN staff s ON s.id = c.assisted_by
             WHERE c.participant_id = $1 ORDER BY c.submitted_at",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_in_from_row).collect()
    }

    /// Records the exit date and outcome of a participant of `organisation_id`.
    /// Returns whether such a participant exists.
    pub async fn record_exit(
        &self,
        organisation_id: &str,
        participant_id: &str,
        exit_date: NaiveDate,
        outcome: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE participants SET exit_date = $1, exit_outcome = $2
             WHERE id = $3 AND organisation_id = $4",
        )
        .bind(exit_date)
        .bind(outcome)
        .bind(participant_id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds a programme to an organisation, in one statement: a failure
    /// leaves no programme that belongs to nobody.
    pub async fn create_programme_in(
        &self,
        organisation_id: &str,
        name: &str,
        window: Window,
    ) -> StoreResult<crate::ProgrammeRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO programmes
               (id, name, window_before_days, window_after_days, created_at, organisation_id)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(i64::from(window.before_days))
        .bind(i64::from(window.after_days))
        .bind(Utc::now())
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(crate::ProgrammeRow {
            id,
            name: name.to_owned(),
            window,
        })
    }

    /// The programmes of an organisation with how many participants each has.
    pub async fn programmes(&self, organisation_id: &str) -> StoreResult<Vec<ProgrammeSummary>> {
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.window_before_days, g.window_after_days,
                    (SELECT COUNT(*) FROM participants p WHERE p.programme_id = g.id) AS participants
             FROM programmes g WHERE g.organisation_id = $1 ORDER BY g.name",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProgrammeSummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    window: crate::window_from_row(r)?.unwrap_or_default(),
                    participants: r.try_get("participants")?,
                })
            })
            .collect()
    }

    /// Participants per gender in an organisation, for the evaluator's overview.
    pub async fn participants_by_gender(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT COALESCE(gender, '') AS gender, COUNT(*) AS n FROM participants
             WHERE organisation_id = $1 GROUP BY COALESCE(gender, '') ORDER BY gender",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("gender")?, r.try_get("n")?)))
            .collect()
    }
}

/// One of a participant's check-ins, on any engine.
fn check_in_from_row<'r, R>(r: &'r R) -> StoreResult<ParticipantCheckIn>
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
