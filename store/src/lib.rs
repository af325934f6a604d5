//! Persistence for Stegvis: migrations and every query, behind one [`Store`].
//!
//! The web layer never writes SQL. Keeping every statement here means the
//! integration tests in `tests/` exercise exactly the SQL the product runs, and a
//! second engine (PostgreSQL) can be added behind the same methods.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::schedule::Window;

pub use sqlx;
pub use zeroize;

mod access;
mod accounts;
mod attempts;
mod audit;
mod lifecycle;
mod participants;
mod ratings;
mod respondents;
pub mod seal;
mod secrets;
mod sessions;
mod staff;
mod statistics;
mod stuck;
mod write;

pub use access::{AccessCodeRow, DeviceRow};
pub use accounts::PasswordResetRow;
pub use attempts::{AttemptLimit, Reservation};
pub use audit::{
    entry_hash, participant_ref, AuditEntry, AuditRow, BrokenLink, ChainReport, Link,
    NewAuditEntry, GENESIS_HASH,
};
pub use lifecycle::{
    ErasureDecision, ErasureRequest, LifecycleSettings, PruneReport, RetentionCandidate,
    Withdrawal, WithdrawalHow, WithdrawalOutcome,
};
pub use participants::{
    CaseloadEntry, Consent, NewParticipant, ParticipantCheckIn, ParticipantDetail, ProgrammeSummary,
};
pub use ratings::StaffRating;
pub use respondents::{LoadedRespondents, RespondentCache, StatisticsVersion};
pub use seal::{KeyError, Keyring, SealError, SecretKey};
pub use secrets::SecretsReport;
pub use sessions::{session_key, SessionWrite, StaffSessionRow};
pub use staff::{AttemptKind, NewStaff, OrganisationRow, Role, StaffCredentials, StaffRow};
pub use statistics::{AnswerRecord, CheckInRecord};
pub use stuck::StuckCheckIn;

/// Migrations compiled into the binary, so a fresh install needs nothing but the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Errors of the persistence layer. The web layer maps them to status codes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// The participant already sent a different check-in for this occasion.
    #[error("this occasion already has a check-in")]
    OccasionAlreadyAnswered,
    /// The submission id is taken by another participant's check-in.
    #[error("the submission id belongs to another check-in")]
    SubmissionIdTaken,
    /// The e-mail address already has a staff account.
    #[error("the e-mail address is already in use")]
    EmailTaken,
    /// A randomly drawn code exists already; draw another.
    #[error("the code is already in use")]
    CodeTaken,
    /// The store refused to write something it must never hold.
    #[error("refused to store {0}")]
    Refused(String),
    /// A secret had to be sealed, opened or hashed, but the store was opened
    /// without a key ([`Store::with_secrets`]).
    #[error("no secret key is configured: open the store with Store::with_secrets (tests: Keyring::for_tests())")]
    NoSecretKey,
    /// A sealed value did not open: unknown key, or altered.
    #[error("a sealed value in {context} cannot be opened: {source}")]
    Sealed {
        context: String,
        source: seal::SealError,
    },
}

/// Result alias for the store.
pub type StoreResult<T> = Result<T, StoreError>;

/// The file behind a SQLite database URL, so the server can create it with
/// owner-only permissions before SQLite does; `None` for in-memory databases
/// and other engines.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    let text = path.to_string_lossy();
    (!text.is_empty() && !text.starts_with("file:") && text != ":memory:")
        .then(|| path.to_path_buf())
}

/// How long a write waits for another connection's write lock before it
/// fails. Each write holds the lock for milliseconds (200 sends at once were
/// all answered within half a second on 2 cores), but SQLite's waiting is
/// polling, not a queue, and jobs from the command line hold the lock longer:
/// a slow answer beats a 500, which the phone would only send again.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections in the pool. Readers work in parallel in WAL mode and writers
/// take turns for the one write lock, so more connections would only add
/// writers polling for it; further requests wait in the pool's queue instead.
pub const POOL_SIZE: u32 = 8;

/// A participant as the check-in flow needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRow {
    pub id: String,
    pub code: String,
    /// `None` only for participants added without one by tests and tools.
    pub organisation_id: Option<String>,
    pub intake_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    /// The check-in window of the participant's programme, when they have one.
    pub window: Option<Window>,
}

/// A programme (insats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeRow {
    pub id: String,
    pub name: String,
    pub window: Window,
}

/// Which occasion a check-in or draft belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccasionRef {
    pub kind: OccasionKind,
    /// 0 for intake and exit, n for the n-th follow-up.
    pub number: u32,
}

/// A half-finished check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub submission_id: String,
    pub occasion: OccasionRef,
    pub instrument_version: String,
    pub language: String,
    /// Item id → form value (an option code or `declined`).
    pub answers: BTreeMap<String, String>,
}

/// One answer ready to store: already validated against its instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnswer {
    pub item_id: String,
    pub value: AnswerValue,
    pub score: Option<i32>,
}

impl From<stegvis_domain::check_in::CheckedAnswer> for NewAnswer {
    fn from(a: stegvis_domain::check_in::CheckedAnswer) -> Self {
        Self {
            item_id: a.item_id,
            value: a.value,
            score: a.score,
        }
    }
}

/// A validated check-in ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckIn {
    pub submission_id: String,
    pub participant_id: String,
    pub occasion: OccasionRef,
    pub instrument_version: String,
    pub language: String,
    pub answers: Vec<NewAnswer>,
    /// The staff account that answered together with the participant, if any.
    pub assisted_by: Option<String>,
    /// When it was sent; `None` means now. Set only when importing or seeding
    /// check-ins made in the past.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the participant pressed Send on the phone, if that was earlier than
    /// the server received it (answered without network); `None` means when
    /// it was received.
    pub answered_at: Option<DateTime<Utc>>,
}

/// What storing a check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    /// A new check-in was written.
    Stored,
    /// The same submission had been stored before; nothing was written.
    AlreadyStored,
}

/// A stored check-in for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInSummary {
    pub submission_id: String,
    pub participant_code: String,
    pub occasion: OccasionRef,
    pub instrument_version: String,
    pub language: String,
    pub submitted_at: DateTime<Utc>,
    pub answers: usize,
    pub declined: usize,
}

/// A stored answer, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub item_id: String,
    pub value: AnswerValue,
    pub score: Option<i32>,
}

/// The database behind Stegvis. Cheap to clone: it holds a connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Seals TOTP secrets and personnummer and hashes access codes; `None`
    /// until [`Store::with_secrets`], and then every secret write is refused.
    keys: Option<std::sync::Arc<Keyring>>,
    /// Each organisation's statistics respondents between requests.
    respondent_cache: std::sync::Arc<RespondentCache>,
}

impl Store {
    /// Opens (creating when missing) a SQLite database, e.g. `sqlite://data/stegvis.db`.
    ///
    /// WAL lets readers work while one connection writes. `synchronous=FULL`
    /// makes every commit durable before the store returns, so an acknowledged
    /// check-in survives a power cut (the phone forgets the answers once it is
    /// acknowledged). Writers queue for the lock within [`BUSY_TIMEOUT`]; see
    /// docs/check-in.md, "Many phones at once".
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_synchronous(url, SqliteSynchronous::Full).await
    }

    /// [`Store::connect`] for filling a new database with invented demo data
    /// (`stegvis demo`): commits do not wait for the disk
    /// (`synchronous=OFF`), which makes seeding 100 000 participants take
    /// minutes instead of hours. A power cut while seeding can only damage
    /// that demo database, which is then made again. Never for real data.
    pub async fn connect_for_demo_seeding(url: &str) -> StoreResult<Self> {
        Self::connect_synchronous(url, SqliteSynchronous::Off).await
    }

    async fn connect_synchronous(url: &str, synchronous: SqliteSynchronous) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(options)
            .await?;
        Ok(Self::from_pool(pool))
    }

    /// Wraps an existing pool (tests get one from `#[sqlx::test]`).
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self {
            pool,
            keys: None,
            respondent_cache: std::sync::Arc::default(),
        }
    }

    /// The same store, sealing and hashing secrets with `keys`. Without it
    /// the store still works for everything else, but refuses to write or
    /// read a TOTP secret, personnummer or access code
    /// ([`StoreError::NoSecretKey`]), so plain text can never be written by
    /// a store that forgot its key.
    pub fn with_secrets(mut self, keys: Keyring) -> Self {
        self.keys = Some(std::sync::Arc::new(keys));
        self
    }

    /// The id of the key that seals (for messages), when there is one.
    pub fn key_id(&self) -> Option<String> {
        self.keys.as_deref().map(|k| k.current_id().to_owned())
    }

    /// The keyring, or [`StoreError::NoSecretKey`].
    pub(crate) fn keys(&self) -> StoreResult<&Keyring> {
        self.keys.as_deref().ok_or(StoreError::NoSecretKey)
    }

    /// Brings the schema up to date. Safe to run at every start.
    /// Entries the audit log held before it had hash chains are chained
    /// here, once.
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await?;
        let chained = self.chain_unchained_audit_entries().await?;
        if chained > 0 {
            tracing::info!(entries = chained, "audit log entries chained");
        }
        Ok(())
    }

    /// Proves the database answers; used by `/healthz`.
    pub async fn health(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Records an instrument version with its source, once per version.
    pub async fn register_instrument(
        &self,
        instrument: &Instrument,
        source: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO instrument_versions (version, instrument_id, hash, source, loaded_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING",
        )
        .bind(instrument.version())
        .bind(&instrument.id)
        .bind(&instrument.hash)
        .bind(source)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The source of a stored instrument version, to read old answers with old wording.
    pub async fn instrument_source(&self, version: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT source FROM instrument_versions WHERE version = ?")
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get("source")))
    }

    /// Every instrument version ever loaded, newest first: (version, when loaded).
    pub async fn instrument_versions(&self) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT version, loaded_at FROM instrument_versions ORDER BY loaded_at DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("version"), r.get("loaded_at")))
            .collect())
    }

    /// Adds a participant with nothing but a code and an intake date (tests and
    /// tools; staff register participants with [`Store::register_participant`]).
    pub async fn create_participant(
        &self,
        code: &str,
        intake_date: NaiveDate,
    ) -> StoreResult<ParticipantRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO participants (id, code, intake_date, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(code)
        .bind(intake_date)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(ParticipantRow {
            id,
            code: code.to_owned(),
            organisation_id: None,
            intake_date,
            exit_date: None,
            window: None,
        })
    }

    /// Adds a programme with its check-in window.
    pub async fn create_programme(&self, name: &str, window: Window) -> StoreResult<ProgrammeRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO programmes (id, name, window_before_days, window_after_days, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(name)
        .bind(i64::from(window.before_days))
        .bind(i64::from(window.after_days))
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(ProgrammeRow {
            id,
            name: name.to_owned(),
            window,
        })
    }

    /// Places a participant in a programme; its window applies from then on.
    pub async fn assign_programme(
        &self,
        participant_id: &str,
        programme_id: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE participants SET programme_id = ? WHERE id = ?")
            .bind(programme_id)
            .bind(participant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records the day a participant leaves the programme, which opens the exit check-in.
    pub async fn set_exit_date(
        &self,
        participant_id: &str,
        exit_date: NaiveDate,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE participants SET exit_date = ? WHERE id = ?")
            .bind(exit_date)
            .bind(participant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many participants exist; demo seeding refuses to touch a database with any.
    pub async fn participant_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM participants")
            .fetch_one(&self.pool)
            .await?
            .get("n"))
    }

    /// A participant as the check-in flow needs them, by id.
    pub async fn participant(&self, id: &str) -> StoreResult<Option<ParticipantRow>> {
        let row = sqlx::query(
            "SELECT p.id, p.code, p.organisation_id, p.intake_date, p.exit_date,
                    g.window_before_days, g.window_after_days
             FROM participants p LEFT JOIN programmes g ON g.id = p.programme_id
             WHERE p.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ParticipantRow {
                id: r.get("id"),
                code: r.get("code"),
                organisation_id: r.get("organisation_id"),
                intake_date: r.get("intake_date"),
                exit_date: r.get("exit_date"),
                window: window_from_row(&r)?,
            })
        })
        .transpose()
    }

    /// The occasions a participant has sent check-ins for.
    pub async fn answered_occasions(&self, participant_id: &str) -> StoreResult<Vec<OccasionRef>> {
        let rows = sqlx::query(
            "SELECT occasion_kind, occasion_number FROM check_ins WHERE participant_id = ?",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(occasion_from_row).collect()
    }

    /// The participant's saved, unsent answers for an occasion.
    pub async fn draft(
        &self,
        participant_id: &str,
        occasion: OccasionRef,
    ) -> StoreResult<Option<DraftRow>> {
        let row = sqlx::query(
            "SELECT submission_id, occasion_kind, occasion_number, instrument_version, language, answers
             FROM check_in_drafts
             WHERE participant_id = ? AND occasion_kind = ? AND occasion_number = ?",
        )
        .bind(participant_id)
        .bind(occasion.kind.as_str())
        .bind(i64::from(occasion.number))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let answers: String = r.get("answers");
            Ok(DraftRow {
                submission_id: r.get("submission_id"),
                occasion: occasion_from_row(&r)?,
                instrument_version: r.get("instrument_version"),
                language: r.get("language"),
                answers: serde_json::from_str(&answers)
                    .map_err(|e| StoreError::Corrupt(format!("draft answers: {e}")))?,
            })
        })
        .transpose()
    }

    /// Saves a draft whole (insert or replace). The caller has validated every answer.
    ///
    /// A submission id names one check-in: when another draft (another
    /// participant's, or another occasion's) or any stored check-in holds it,
    /// this is [`StoreError::SubmissionIdTaken`] and nothing is written.
    pub async fn save_draft(&self, participant_id: &str, draft: &DraftRow) -> StoreResult<()> {
        let answers = serde_json::to_string(&draft.answers)
            .map_err(|e| StoreError::Corrupt(format!("draft answers: {e}")))?;
        // Reads before it writes: the write lock must be held from the start.
        let mut tx = self.begin_write().await?;
        let held_elsewhere = sqlx::query(
            "SELECT 1 FROM check_ins WHERE submission_id = ?
             UNION ALL
             SELECT 1 FROM check_in_drafts
             WHERE submission_id = ?
               AND NOT (participant_id = ? AND occasion_kind = ? AND occasion_number = ?)",
        )
        .bind(&draft.submission_id)
        .bind(&draft.submission_id)
        .bind(participant_id)
        .bind(draft.occasion.kind.as_str())
        .bind(i64::from(draft.occasion.number))
        .fetch_optional(&mut *tx)
        .await?;
        if held_elsewhere.is_some() {
            return Err(StoreError::SubmissionIdTaken);
        }
        let saved = sqlx::query(
            "INSERT INTO check_in_drafts
               (participant_id, occasion_kind, occasion_number, submission_id, instrument_version,
                language, answers, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (participant_id, occasion_kind, occasion_number) DO UPDATE SET
               submission_id = excluded.submission_id,
               instrument_version = excluded.instrument_version,
               language = excluded.language,
               answers = excluded.answers,
               updated_at = excluded.updated_at",
        )
        .bind(participant_id)
        .bind(draft.occasion.kind.as_str())
        .bind(i64::from(draft.occasion.number))
        .bind(&draft.submission_id)
        .bind(&draft.instrument_version)
        .bind(&draft.language)
        .bind(answers)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await;
        unique_as_taken(saved)?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a submission id was already stored, and for which participant.
    pub async fn check_in_owner(&self, submission_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = ?")
            .bind(submission_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get("participant_id")))
    }

    /// Stores a validated check-in atomically and removes its draft.
    ///
    /// Idempotent on the submission id: a repeat of a stored submission changes
    /// nothing and reports [`StoreOutcome::AlreadyStored`].
    pub async fn store_check_in(&self, check_in: &NewCheckIn) -> StoreResult<StoreOutcome> {
        // Reads before it writes: the write lock must be held from the start.
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = ?")
            .bind(&check_in.submission_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            let owner: String = row.get("participant_id");
            return if owner == check_in.participant_id {
                Ok(StoreOutcome::AlreadyStored)
            } else {
                Err(StoreError::SubmissionIdTaken)
            };
        }
        // Another draft holding the id (another participant's, or another
        // occasion's) keeps it: sending that draft later must not meet this.
        let held_by_draft = sqlx::query(
            "SELECT 1 FROM check_in_drafts
             WHERE submission_id = ?
               AND NOT (participant_id = ? AND occasion_kind = ? AND occasion_number = ?)",
        )
        .bind(&check_in.submission_id)
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .fetch_optional(&mut *tx)
        .await?;
        if held_by_draft.is_some() {
            return Err(StoreError::SubmissionIdTaken);
        }
        let submitted_at = check_in.submitted_at.unwrap_or_else(Utc::now);
        let inserted = sqlx::query(
            "INSERT INTO check_ins
               (submission_id, participant_id, occasion_kind, occasion_number, instrument_version,
                language, submitted_at, assisted_by, answered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&check_in.submission_id)
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .bind(&check_in.instrument_version)
        .bind(&check_in.language)
        .bind(submitted_at)
        .bind(check_in.assisted_by.as_deref())
        .bind(check_in.answered_at.unwrap_or(submitted_at))
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::OccasionAlreadyAnswered);
            }
        }
        inserted?;
        for answer in &check_in.answers {
            let (value, declined) = match &answer.value {
                AnswerValue::Option(code) => (Some(code.as_str()), false),
                AnswerValue::Declined => (None, true),
            };
            sqlx::query(
                "INSERT INTO answers (submission_id, item_id, value, declined, score)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&check_in.submission_id)
            .bind(&answer.item_id)
            .bind(value)
            .bind(declined)
            .bind(if declined { None } else { answer.score })
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "DELETE FROM check_in_drafts
             WHERE participant_id = ? AND occasion_kind = ? AND occasion_number = ?",
        )
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM stuck_check_ins WHERE submission_id = ?")
            .bind(&check_in.submission_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(StoreOutcome::Stored)
    }

    /// The newest stored check-ins, newest first.
    pub async fn recent_check_ins(&self, limit: u32) -> StoreResult<Vec<CheckInSummary>> {
        let rows = sqlx::query(
            "SELECT c.submission_id, p.code, c.occasion_kind, c.occasion_number,
                    c.instrument_version, c.language, c.submitted_at,
                    (SELECT COUNT(*) FROM answers a WHERE a.submission_id = c.submission_id) AS answers,
                    (SELECT COUNT(*) FROM answers a
                      WHERE a.submission_id = c.submission_id AND a.declined) AS declined
             FROM check_ins c JOIN participants p ON p.id = c.participant_id
             ORDER BY c.submitted_at DESC, c.submission_id
             LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CheckInSummary {
                    submission_id: r.get("submission_id"),
                    participant_code: r.get("code"),
                    occasion: occasion_from_row(r)?,
                    instrument_version: r.get("instrument_version"),
                    language: r.get("language"),
                    submitted_at: r.get("submitted_at"),
                    answers: count(r, "answers")?,
                    declined: count(r, "declined")?,
                })
            })
            .collect()
    }

    /// The answers of one stored check-in, in item order of storage.
    pub async fn answers(&self, submission_id: &str) -> StoreResult<Vec<StoredAnswer>> {
        let rows = sqlx::query(
            "SELECT item_id, value, declined, score FROM answers WHERE submission_id = ?
             ORDER BY rowid",
        )
        .bind(submission_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let declined: bool = r.get("declined");
                let value: Option<String> = r.get("value");
                let value = match (declined, value) {
                    (true, _) => AnswerValue::Declined,
                    (false, Some(code)) => AnswerValue::Option(code),
                    (false, None) => {
                        return Err(StoreError::Corrupt("answer without a value".into()))
                    }
                };
                Ok(StoredAnswer {
                    item_id: r.get("item_id"),
                    value,
                    score: r.get("score"),
                })
            })
            .collect()
    }
}

fn count(row: &sqlx::sqlite::SqliteRow, column: &str) -> StoreResult<usize> {
    let n: i64 = row.get(column);
    usize::try_from(n).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// A stored count or setting as `u32`.
pub(crate) fn to_u32(n: i64) -> StoreResult<u32> {
    u32::try_from(n).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A programme's check-in window from a joined row, when the participant has a programme.
pub(crate) fn window_from_row(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Option<Window>> {
    let before: Option<i64> = r.get("window_before_days");
    let after: Option<i64> = r.get("window_after_days");
    Ok(match (before, after) {
        (Some(b), Some(a)) => Some(Window {
            before_days: to_u32(b)?,
            after_days: to_u32(a)?,
        }),
        _ => None,
    })
}

pub(crate) fn occasion_from_row(row: &sqlx::sqlite::SqliteRow) -> StoreResult<OccasionRef> {
    let kind: String = row.get("occasion_kind");
    let number: i64 = row.get("occasion_number");
    Ok(OccasionRef {
        kind: kind
            .parse()
            .map_err(|e: stegvis_domain::occasion::UnknownOccasion| {
                StoreError::Corrupt(e.to_string())
            })?,
        number: u32::try_from(number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// A write that met a UNIQUE constraint on a submission id: the id is taken,
/// a refusal for the caller to answer (409), not a database failure.
fn unique_as_taken<T>(result: Result<T, sqlx::Error>) -> StoreResult<T> {
    match result {
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            Err(StoreError::SubmissionIdTaken)
        }
        other => Ok(other?),
    }
}

/// Random identifiers people see or hold.
pub mod ids {
    use rand::distr::{Alphanumeric, SampleString};

    /// A participant code such as `KX7-M4Q`: random, short, says nothing
    /// about the person (the domain's unambiguous alphabet).
    pub fn participant_code() -> String {
        stegvis_domain::access::generate_participant_code(&mut rand::rng())
    }

    /// A fresh submission id, for check-ins made on the server (demo data).
    pub fn submission_id() -> String {
        uuid::Uuid::new_v4().to_string()
    }

    /// An unguessable token for a cookie (about 190 bits).
    pub fn device_token() -> String {
        Alphanumeric.sample_string(&mut rand::rng(), 32)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn codes_use_only_unambiguous_characters() {
            for _ in 0..200 {
                let code = participant_code();
                assert_eq!(code.len(), 7);
                assert!(code
                    .chars()
                    .all(|c| c == '-' || stegvis_domain::access::CODE_ALPHABET.contains(c)));
            }
        }

        #[test]
        fn tokens_are_long_and_differ() {
            let a = device_token();
            assert_eq!(a.len(), 32);
            assert_ne!(a, device_token());
        }
    }
}
