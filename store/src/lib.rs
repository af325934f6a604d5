//! Persistence for Stegvis: migrations and every query, behind one [`Store`].
//!
//! The web layer never writes SQL. Keeping every statement here means the
//! integration tests in `tests/` exercise exactly the SQL the product runs, and a
//! second engine (PostgreSQL) can be added behind the same methods.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ColumnIndex, Decode, Row, SqlitePool, Type};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::schedule::Window;

pub use zeroize;

mod access;
mod accounts;
mod attempts;
mod audit;
mod backup;
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
#[cfg(feature = "test-support")]
pub mod test_sql;
mod write;

pub use access::{AccessCodeRow, DeviceRow};
pub use accounts::PasswordResetRow;
pub use attempts::{AttemptLimit, Reservation};
pub use audit::{
    entry_hash, participant_ref, AuditEntry, AuditRow, BrokenLink, ChainReport, Link,
    NewAuditEntry, GENESIS_HASH,
};
pub use backup::BackupReport;
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
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Errors of the persistence layer. The web layer maps them to status codes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// No connection became free, or the database stayed locked, within
    /// the configured wait: the server is overloaded, not broken, and the
    /// request can be sent again (the web layer answers 503).
    #[error("the database is busy: {0}")]
    Busy(sqlx::Error),
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
    /// The database URL names an engine this version cannot use.
    #[error("DATABASE_URL names the engine {0:?}, but this version stores data in SQLite only (sqlite://…); see docs/operations.md")]
    UnsupportedEngine(String),
    /// A backup could not be written where it was asked for.
    #[error("backup failed: {0}")]
    Backup(String),
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

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let busy = match &err {
            sqlx::Error::PoolTimedOut => true,
            // SQLITE_BUSY and SQLITE_LOCKED (with their extended codes): the
            // write lock was not free within the busy timeout.
            sqlx::Error::Database(db) => db
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
            _ => false,
        };
        if busy {
            Self::Busy(err)
        } else {
            Self::Database(err)
        }
    }
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

/// How many connections the store keeps and how long a request waits for
/// one (`STEGVIS_DB_MAX_CONNECTIONS`, `STEGVIS_DB_ACQUIRE_TIMEOUT_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections in the pool. For SQLite, readers work in parallel in WAL
    /// mode and writers take turns for the one write lock, so more
    /// connections would only add writers polling for it; further requests
    /// wait in the pool's queue instead.
    pub max_connections: u32,
    /// How long a request waits in that queue before it is answered "busy,
    /// try again" (503) rather than kept waiting by a phone that has long
    /// given up.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

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
        Self::connect_with(url, PoolSettings::default()).await
    }

    /// [`Store::connect`] with the pool's size and wait from configuration.
    pub async fn connect_with(url: &str, pool: PoolSettings) -> StoreResult<Self> {
        Self::open(url, pool, SqliteSynchronous::Full).await
    }

    /// [`Store::connect`] for filling a new database with invented demo data
    /// (`stegvis demo`): commits do not wait for the disk
    /// (`synchronous=OFF`), which makes seeding 100 000 participants take
    /// minutes instead of hours. A power cut while seeding can only damage
    /// that demo database, which is then made again. Never for real data.
    pub async fn connect_for_demo_seeding(url: &str, pool: PoolSettings) -> StoreResult<Self> {
        Self::open(url, pool, SqliteSynchronous::Off).await
    }

    async fn open(
        url: &str,
        pool: PoolSettings,
        synchronous: SqliteSynchronous,
    ) -> StoreResult<Self> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedEngine(
                url.split(':').next().unwrap_or_default().to_owned(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
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
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING",
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
        let row = sqlx::query("SELECT source FROM instrument_versions WHERE version = $1")
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("source")).transpose()?)
    }

    /// Every instrument version ever loaded, newest first: (version, when loaded).
    pub async fn instrument_versions(&self) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT version, loaded_at FROM instrument_versions ORDER BY loaded_at DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("version")?, r.try_get("loaded_at")?)))
            .collect()
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
            "INSERT INTO participants (id, code, intake_date, created_at) VALUES ($1, $2, $3, $4)",
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
             VALUES ($1, $2, $3, $4, $5)",
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
        sqlx::query("UPDATE participants SET programme_id = $1 WHERE id = $2")
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
        sqlx::query("UPDATE participants SET exit_date = $1 WHERE id = $2")
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
            .try_get("n")?)
    }

    /// A participant as the check-in flow needs them, by id.
    pub async fn participant(&self, id: &str) -> StoreResult<Option<ParticipantRow>> {
        let row = sqlx::query(
            "SELECT p.id, p.code, p.organisation_id, p.intake_date, p.exit_date,
                    g.window_before_days, g.window_after_days
             FROM participants p LEFT JOIN programmes g ON g.id = p.programme_id
             WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ParticipantRow {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                organisation_id: r.try_get("organisation_id")?,
                intake_date: r.try_get("intake_date")?,
                exit_date: r.try_get("exit_date")?,
                window: window_from_row(&r)?,
            })
        })
        .transpose()
    }

    /// The occasions a participant has sent check-ins for.
    pub async fn answered_occasions(&self, participant_id: &str) -> StoreResult<Vec<OccasionRef>> {
        let rows = sqlx::query(
            "SELECT occasion_kind, occasion_number FROM check_ins WHERE participant_id = $1",
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
             WHERE participant_id = $1 AND occasion_kind = $2 AND occasion_number = $3",
        )
        .bind(participant_id)
        .bind(occasion.kind.as_str())
        .bind(i64::from(occasion.number))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let answers: String = r.try_get("answers")?;
            Ok(DraftRow {
                submission_id: r.try_get("submission_id")?,
                occasion: occasion_from_row(&r)?,
                instrument_version: r.try_get("instrument_version")?,
                language: r.try_get("language")?,
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
            "SELECT 1 FROM check_ins WHERE submission_id = $1
             UNION ALL
             SELECT 1 FROM check_in_drafts
             WHERE submission_id = $2
               AND NOT (participant_id = $3 AND occasion_kind = $4 AND occasion_number = $5)",
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
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
        let row = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = $1")
            .bind(submission_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("participant_id")).transpose()?)
    }

    /// Stores a validated check-in atomically and removes its draft.
    ///
    /// Idempotent on the submission id: a repeat of a stored submission changes
    /// nothing and reports [`StoreOutcome::AlreadyStored`].
    pub async fn store_check_in(&self, check_in: &NewCheckIn) -> StoreResult<StoreOutcome> {
        // Reads before it writes: the write lock must be held from the start.
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = $1")
            .bind(&check_in.submission_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            let owner: String = row.try_get("participant_id")?;
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
             WHERE submission_id = $1
               AND NOT (participant_id = $2 AND occasion_kind = $3 AND occasion_number = $4)",
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        for (position, answer) in (0_i64..).zip(&check_in.answers) {
            let (value, declined) = match &answer.value {
                AnswerValue::Option(code) => (Some(code.as_str()), false),
                AnswerValue::Declined => (None, true),
            };
            sqlx::query(
                "INSERT INTO answers (submission_id, item_id, value, declined, score, position)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&check_in.submission_id)
            .bind(&answer.item_id)
            .bind(value)
            .bind(declined)
            .bind(if declined { None } else { answer.score })
            .bind(position)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "DELETE FROM check_in_drafts
             WHERE participant_id = $1 AND occasion_kind = $2 AND occasion_number = $3",
        )
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM stuck_check_ins WHERE submission_id = $1")
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
             LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CheckInSummary {
                    submission_id: r.try_get("submission_id")?,
                    participant_code: r.try_get("code")?,
                    occasion: occasion_from_row(r)?,
                    instrument_version: r.try_get("instrument_version")?,
                    language: r.try_get("language")?,
                    submitted_at: r.try_get("submitted_at")?,
                    answers: count(r, "answers")?,
                    declined: count(r, "declined")?,
                })
            })
            .collect()
    }

    /// The answers of one stored check-in, in the order they were given.
    pub async fn answers(&self, submission_id: &str) -> StoreResult<Vec<StoredAnswer>> {
        let rows = sqlx::query(
            "SELECT item_id, value, declined, score FROM answers WHERE submission_id = $1
             ORDER BY position",
        )
        .bind(submission_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let declined: bool = r.try_get("declined")?;
                let value: Option<String> = r.try_get("value")?;
                let value = match (declined, value) {
                    (true, _) => AnswerValue::Declined,
                    (false, Some(code)) => AnswerValue::Option(code),
                    (false, None) => {
                        return Err(StoreError::Corrupt("answer without a value".into()))
                    }
                };
                Ok(StoredAnswer {
                    item_id: r.try_get("item_id")?,
                    value,
                    score: r.try_get("score")?,
                })
            })
            .collect()
    }
}

/// A count column as `usize`.
fn count<'r, R>(row: &'r R, column: &str) -> StoreResult<usize>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let n: i64 = row.try_get(column)?;
    usize::try_from(n).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// A stored count or setting as `u32`.
pub(crate) fn to_u32(n: i64) -> StoreResult<u32> {
    u32::try_from(n).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A programme's check-in window from a joined row, when the participant has a programme.
pub(crate) fn window_from_row<'r, R>(r: &'r R) -> StoreResult<Option<Window>>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let before: Option<i64> = r.try_get("window_before_days")?;
    let after: Option<i64> = r.try_get("window_after_days")?;
    Ok(match (before, after) {
        (Some(b), Some(a)) => Some(Window {
            before_days: to_u32(b)?,
            after_days: to_u32(a)?,
        }),
        _ => None,
    })
}

/// The occasion a check-in or draft row belongs to.
pub(crate) fn occasion_from_row<'r, R>(row: &'r R) -> StoreResult<OccasionRef>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.try_get("occasion_kind")?;
    let number: i64 = row.try_get("occasion_number")?;
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
