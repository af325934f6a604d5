//! Persistence for Stegvis: migrations and every query, behind one [`Store`].
//!
//! The web layer never writes SQL. Keeping every statement here means the
//! integration tests in `tests/` exercise exactly the SQL the product runs, and a
//! second engine (PostgreSQL) can be added behind the same methods.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ColumnIndex, Decode, Row, Type};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::schedule::Window;
use stegvis_domain::stats::{ItemIndex, Respondent};

pub use zeroize;

mod access;
mod accounts;
mod attempts;
mod audit;
mod copy;
mod engine;
mod instruments;
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
pub mod testing;

pub use access::{AccessCodeRow, DeviceRow};
pub use accounts::PasswordResetRow;
pub use attempts::{AttemptLimit, Reservation};
pub use audit::{
    entry_hash, participant_ref, AuditEntry, AuditRow, BrokenLink, ChainReport, Link,
    NewAuditEntry, GENESIS_HASH,
};
pub use copy::CopyReport;
pub use engine::backup::BackupReport;
pub use instruments::{InstrumentActivation, InstrumentUpload, LanguageReview, UploadOutcome};
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
    /// Text the database cannot hold was sent (PostgreSQL refuses the NUL
    /// character, which SQLite stores): the input is wrong, not the server.
    #[error("the text holds a character the database cannot store")]
    UnstorableText,
    /// The database URL names an engine this version cannot use.
    #[error("DATABASE_URL names the engine {0:?}; Stegvis stores data in SQLite (sqlite://…) or PostgreSQL (postgres://…); see docs/operations.md")]
    UnsupportedEngine(String),
    /// A copy between databases was refused or did not add up; nothing was copied.
    #[error("copy refused: {0}")]
    Copy(String),
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
            sqlx::Error::Database(db) => is_busy(db.as_ref()),
            _ => false,
        };
        let unstorable = matches!(&err, sqlx::Error::Database(db)
            if matches!(db.code().as_deref(), Some("22021" | "22P05")));
        if busy {
            Self::Busy(err)
        } else if unstorable {
            Self::UnstorableText
        } else {
            Self::Database(err)
        }
    }
}

/// Whether a database error means "wait and try again": SQLite's
/// `SQLITE_BUSY` and `SQLITE_LOCKED` (with their extended codes: the write
/// lock was not free within the busy timeout); PostgreSQL's lock timeout
/// (`55P03`), serialization failure (`40001`), deadlock (`40P01`) and too
/// many connections (`53300`).
fn is_busy(db: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<i32>()
            .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
    } else {
        matches!(code.as_ref(), "55P03" | "40001" | "40P01" | "53300")
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

/// The database behind Stegvis, on whichever engine the URL names. Cheap
/// to clone: it holds a connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    engine: Engine,
    /// Each organisation's statistics respondents between requests.
    respondent_cache: Arc<RespondentCache>,
}

/// One engine's compiled statements over its pool (see `engine/`).
#[derive(Debug, Clone)]
enum Engine {
    Sqlite(engine::sqlite::queries::Core),
    Postgres(engine::postgres::queries::Core),
}

/// The engines a database URL can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// `sqlite:…`: one file, the default.
    Sqlite,
    /// `postgres://…` or `postgresql://…`: shared by several servers.
    Postgres,
}

impl EngineKind {
    /// The engine a database URL names, or [`StoreError::UnsupportedEngine`].
    pub fn of_url(url: &str) -> StoreResult<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            other => Err(StoreError::UnsupportedEngine(other.to_owned())),
        }
    }

    /// The engine's name, for logs and reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// Runs one method of whichever engine the store is on: the only place
/// that names every engine.
macro_rules! on_engine {
    ($store:expr, $core:ident => $call:expr) => {
        match &$store.engine {
            Engine::Sqlite($core) => $call,
            Engine::Postgres($core) => $call,
        }
    };
}

/// The store's API: each method runs the engine's compiled statements.
macro_rules! forward {
    ($(
        $(#[$meta:meta])*
        $vis:vis async fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty;
    )*) => {
        impl Store {
            $(
                $(#[$meta])*
                $vis async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    on_engine!(self, core => core.$name($($arg),*).await)
                }
            )*
        }
    };
}

impl Store {
    /// Opens the database a URL names: `sqlite://data/stegvis.db` (created
    /// when missing) or `postgres://user@host/db` (which must exist).
    ///
    /// SQLite: WAL lets readers work while one connection writes.
    /// `synchronous=FULL` makes every commit durable before the store
    /// returns, so an acknowledged check-in survives a power cut (the phone
    /// forgets the answers once it is acknowledged). Writers queue for the
    /// lock within [`BUSY_TIMEOUT`]; see docs/check-in.md, "Many phones at
    /// once". PostgreSQL: see docs/operations.md.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, PoolSettings::default()).await
    }

    /// [`Store::connect`] with the pool's size and wait from configuration.
    pub async fn connect_with(url: &str, pool: PoolSettings) -> StoreResult<Self> {
        Self::open(url, pool, true).await
    }

    /// [`Store::connect`] for filling a new database with invented demo data
    /// (`stegvis demo`): commits do not wait for the disk
    /// (`synchronous=OFF`, `synchronous_commit=off`), which makes seeding
    /// 100 000 participants take minutes instead of hours. A power cut while
    /// seeding can only damage that demo database, which is then made
    /// again. Never for real data.
    pub async fn connect_for_demo_seeding(url: &str, pool: PoolSettings) -> StoreResult<Self> {
        Self::open(url, pool, false).await
    }

    async fn open(url: &str, pool: PoolSettings, durable: bool) -> StoreResult<Self> {
        let engine = match EngineKind::of_url(url)? {
            EngineKind::Sqlite => Engine::Sqlite(engine::sqlite::queries::Core::new(
                engine::sqlite::connect(url, pool, durable).await?,
            )),
            EngineKind::Postgres => Engine::Postgres(engine::postgres::queries::Core::new(
                engine::postgres::connect(url, pool, durable).await?,
            )),
        };
        Ok(Self {
            engine,
            respondent_cache: Arc::default(),
        })
    }

    /// The engine this store is on.
    pub fn engine(&self) -> EngineKind {
        match &self.engine {
            Engine::Sqlite(_) => EngineKind::Sqlite,
            Engine::Postgres(_) => EngineKind::Postgres,
        }
    }

    /// Closes every connection (tests that drop their database afterwards).
    pub async fn close(&self) {
        on_engine!(self, core => core.pool.close().await)
    }

    /// The same store, sealing and hashing secrets with `keys`. Without it
    /// the store still works for everything else, but refuses to write or
    /// read a TOTP secret, personnummer or access code
    /// ([`StoreError::NoSecretKey`]), so plain text can never be written by
    /// a store that forgot its key.
    pub fn with_secrets(mut self, keys: Keyring) -> Self {
        let keys = Some(Arc::new(keys));
        match &mut self.engine {
            Engine::Sqlite(core) => core.keys = keys,
            Engine::Postgres(core) => core.keys = keys,
        }
        self
    }

    /// The id of the key that seals (for messages), when there is one.
    pub fn key_id(&self) -> Option<String> {
        on_engine!(self, core => core.keys.as_deref().map(|k| k.current_id().to_owned()))
    }

    /// Seals a secret for storage under `context` (a column and row).
    pub fn seal_value(&self, context: &str, plaintext: &str) -> StoreResult<String> {
        on_engine!(self, core => core.seal_value(context, plaintext))
    }

    /// Opens a sealed value stored under `context`.
    pub fn open_value(
        &self,
        context: &str,
        sealed: &str,
    ) -> StoreResult<zeroize::Zeroizing<String>> {
        on_engine!(self, core => core.open_value(context, sealed))
    }

    /// An organisation's respondents for the dashboard and the aggregate
    /// exports, from this store's [`RespondentCache`] (kept current against
    /// the database on every call).
    pub async fn statistics_respondents(
        &self,
        organisation_id: &str,
        index: &ItemIndex,
    ) -> StoreResult<Arc<Vec<Respondent>>> {
        self.respondent_cache
            .get(self, organisation_id, index)
            .await
    }

    /// Whether this store holds the organisation's respondents in memory
    /// (see [`Store::statistics_respondents`]).
    pub fn statistics_held(&self, organisation_id: &str) -> bool {
        self.respondent_cache.holds(organisation_id)
    }

    /// Every stored answer of an organisation, in participant and check-in
    /// order, read row by row: memory stays flat however many answers there
    /// are.
    pub fn answer_stream<'a>(
        &'a self,
        organisation_id: &str,
    ) -> futures_util::stream::BoxStream<'a, StoreResult<AnswerRecord>> {
        on_engine!(self, core => core.answer_stream(organisation_id))
    }
}

forward! {
    /// Brings the schema up to date. Safe to run at every start. Entries the
    /// audit log held before it had hash chains are chained here, once.
    pub async fn migrate(&self) -> StoreResult<()>;
    /// Proves the database answers; used by `/healthz`.
    pub async fn health(&self) -> StoreResult<()>;
    /// Writes a consistent copy of a SQLite database to `output`, which must
    /// not exist yet (an earlier backup is never overwritten), then opens
    /// the copy and checks it. On failure no partial file is left behind.
    /// PostgreSQL is backed up with `pg_dump` (docs/operations.md).
    pub async fn backup_to(&self, output: &std::path::Path) -> StoreResult<BackupReport>;
    // check_ins
    /// Records an instrument version with its source, once per version.
    pub async fn register_instrument(&self, instrument: &Instrument, source: &str) -> StoreResult<()>;
    /// The source of a stored instrument version, to read old answers with old wording.
    pub async fn instrument_source(&self, version: &str) -> StoreResult<Option<String>>;
    /// Every instrument version ever loaded, newest first: (version, when loaded).
    pub async fn instrument_versions(&self) -> StoreResult<Vec<(String, DateTime<Utc>)>>;
    // instruments
    /// Makes a validated version known to an organisation, recording who
    /// uploaded it; the same file twice changes nothing.
    pub async fn upload_instrument(&self, organisation_id: &str, instrument: &Instrument, source: &str, staff_id: &str) -> StoreResult<UploadOutcome>;
    /// The versions an organisation uploaded, oldest first.
    pub async fn instrument_uploads(&self, organisation_id: &str) -> StoreResult<Vec<InstrumentUpload>>;
    /// Makes `version` the programme's instrument for check-ins started from now.
    pub async fn activate_instrument(&self, programme_id: &str, version: &str, staff_id: &str) -> StoreResult<()>;
    /// Stops new check-ins with an uploaded version; `false` when the
    /// organisation has no such version or it is retired already.
    pub async fn retire_instrument(&self, organisation_id: &str, version: &str, staff_id: &str) -> StoreResult<bool>;
    /// Every activation in the organisation's programmes, oldest first.
    pub async fn instrument_activations(&self, organisation_id: &str) -> StoreResult<Vec<InstrumentActivation>>;
    /// The version a participant's next check-in uses: their programme's
    /// latest activation, or `None` (the server's default) when there is
    /// none or it has been retired.
    pub async fn participant_instrument_version(&self, participant_id: &str) -> StoreResult<Option<String>>;
    /// Every programme of the organisation that has an active version of its
    /// own, as (programme id, version); the others use the default.
    pub async fn active_instrument_versions(&self, organisation_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// How many of an organisation's check-ins were given with each
    /// instrument version, by version: what exports name as the versions
    /// behind their figures.
    pub async fn check_in_versions(&self, organisation_id: &str) -> StoreResult<Vec<(String, i64)>>;
    /// Records that the association had a preliminary translation reviewed;
    /// `false` when it had confirmed it before.
    pub async fn confirm_language(&self, organisation_id: &str, language: &str, staff_id: &str) -> StoreResult<bool>;
    /// The translations the association confirmed, by language code.
    pub async fn language_reviews(&self, organisation_id: &str) -> StoreResult<Vec<LanguageReview>>;
    /// Adds a participant with nothing but a code and an intake date (tests and
    /// tools; staff register participants with [`Store::register_participant`]).
    pub async fn create_participant(&self, code: &str, intake_date: NaiveDate) -> StoreResult<ParticipantRow>;
    /// Adds a programme with its check-in window.
    pub async fn create_programme(&self, name: &str, window: Window) -> StoreResult<ProgrammeRow>;
    /// Places a participant in a programme; its window applies from then on.
    pub async fn assign_programme(&self, participant_id: &str, programme_id: &str) -> StoreResult<()>;
    /// Records the day a participant leaves the programme, which opens the exit check-in.
    pub async fn set_exit_date(&self, participant_id: &str, exit_date: NaiveDate) -> StoreResult<()>;
    /// How many participants exist; demo seeding refuses to touch a database with any.
    pub async fn participant_count(&self) -> StoreResult<i64>;
    /// A participant as the check-in flow needs them, by id.
    pub async fn participant(&self, id: &str) -> StoreResult<Option<ParticipantRow>>;
    /// The occasions a participant has sent check-ins for.
    pub async fn answered_occasions(&self, participant_id: &str) -> StoreResult<Vec<OccasionRef>>;
    /// The participant's saved, unsent answers for an occasion.
    pub async fn draft(&self, participant_id: &str, occasion: OccasionRef) -> StoreResult<Option<DraftRow>>;
    /// Saves a draft whole (insert or replace). The caller has validated every answer.
    ///
    /// A submission id names one check-in: when another draft (another
    /// participant's, or another occasion's) or any stored check-in holds it,
    /// this is [`StoreError::SubmissionIdTaken`] and nothing is written.
    pub async fn save_draft(&self, participant_id: &str, draft: &DraftRow) -> StoreResult<()>;
    /// Whether a submission id was already stored, and for which participant.
    pub async fn check_in_owner(&self, submission_id: &str) -> StoreResult<Option<String>>;
    /// Stores a validated check-in atomically and removes its draft.
    ///
    /// Idempotent on the submission id: a repeat of a stored submission changes
    /// nothing and reports [`StoreOutcome::AlreadyStored`].
    pub async fn store_check_in(&self, check_in: &NewCheckIn) -> StoreResult<StoreOutcome>;
    /// The newest stored check-ins, newest first.
    pub async fn recent_check_ins(&self, limit: u32) -> StoreResult<Vec<CheckInSummary>>;
    /// The answers of one stored check-in, in the order they were given.
    pub async fn answers(&self, submission_id: &str) -> StoreResult<Vec<StoredAnswer>>;
    // access
    /// Issues a new access code for a participant; any earlier unused code of
    /// theirs is revoked, so only the newest sheet works. Only the code's
    /// keyed hash is stored. A code that happens to exist already is
    /// [`StoreError::CodeTaken`].
    pub async fn issue_access_code(&self, participant_id: &str, code: &str, created_by: &str, expires_at: DateTime<Utc>) -> StoreResult<AccessCodeRow>;
    /// An access code by its canonical form, found by its hash under the
    /// current key or any old key still configured (codes issued before a
    /// key rotation keep working until they expire).
    pub async fn access_code(&self, code: &str) -> StoreResult<Option<AccessCodeRow>>;
    /// The participant's newest code that can still be used (its expiry is
    /// shown; the code itself cannot be read back).
    pub async fn usable_access_code(&self, participant_id: &str, now: DateTime<Utc>) -> StoreResult<Option<AccessCodeRow>>;
    /// Revokes every unused code and disconnects every phone of a participant.
    pub async fn revoke_access(&self, participant_id: &str) -> StoreResult<()>;
    /// Connects a phone: uses up the code (by the hash [`Store::access_code`]
    /// found; it must still be usable) and stores the device with its PIN
    /// hash, in one transaction. Returns the device id, or `None` when the
    /// code was used, revoked or expired meanwhile.
    pub async fn connect_device(&self, code_hash: &str, token_hash: &str, pin_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(String, String)>>;
    /// A phone by the hash of its cookie token.
    pub async fn device(&self, token_hash: &str) -> StoreResult<Option<DeviceRow>>;
    /// How many phones a participant has connected and not been disconnected from.
    pub async fn active_devices(&self, participant_id: &str) -> StoreResult<i64>;
    // accounts
    /// Replaces an account's password hash and ends every session of the
    /// account except the one stored under `keep` (the browser that changed
    /// it); returns how many sessions ended.
    pub async fn change_password(&self, staff_id: &str, hash: &str, keep: Option<&str>) -> StoreResult<u64>;
    /// Disables (with `disabled`) or enables an account of the organisation.
    /// Disabling ends all its sessions and unused reset links at once.
    /// Returns `false` when the organisation has no such account.
    pub async fn set_staff_disabled(&self, organisation_id: &str, staff_id: &str, disabled: bool) -> StoreResult<bool>;
    /// Stores a new password-reset link (by the hash of its token) for an
    /// account; any earlier unused link of the account stops working.
    pub async fn create_password_reset(&self, staff_id: &str, created_by: &str, token_hash: &str, expires_at: DateTime<Utc>) -> StoreResult<()>;
    /// The reset link with this token hash, if it can still be used at `now`
    /// (unused, not expired, the account not disabled).
    pub async fn password_reset(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<PasswordResetRow>>;
    /// Uses a reset link: marks it used (only if it still can be used at
    /// `now`), sets the new password hash and ends every session of the
    /// account, in one transaction. Returns the account's id, or `None` when
    /// the link was used, replaced or expired (also by a request at the same
    /// moment).
    pub async fn use_password_reset(&self, token_hash: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<String>>;
    /// Turns off two-factor sign-in of an account of the organisation whose
    /// owner lost their authenticator, and ends its sessions; they set it up
    /// again after signing in with their password. `false` when the
    /// organisation has no such account.
    pub async fn reset_two_factor(&self, organisation_id: &str, staff_id: &str) -> StoreResult<bool>;
    // attempts
    /// Counts the recent failures under every limit and, when none of them
    /// is locked at `now`, records this attempt as a failure under each, all
    /// in one write transaction. When any is locked nothing is recorded
    /// (attempts refused during a lock do not extend it).
    pub async fn reserve_attempt(&self, limits: &[AttemptLimit<'_>], now: DateTime<Utc>) -> StoreResult<Reservation>;
    /// The attempt succeeded: it no longer counts as a failure.
    pub async fn release_attempt(&self, attempt: &str) -> StoreResult<()>;
    /// Reserves a PIN attempt on a phone: counts it among the phone's wrong
    /// PINs before the PIN is checked, unless the phone already has
    /// `max_failures` (or is locked or disconnected). Returns the count with
    /// this attempt, or `None` when the attempt must be refused unchecked.
    pub async fn reserve_pin_attempt(&self, device_id: &str, max_failures: u32) -> StoreResult<Option<u32>>;
    /// A reserved PIN attempt was wrong: the phone is locked for good when
    /// its count has reached `max_failures`. Returns the count.
    pub async fn record_pin_failure(&self, device_id: &str, max_failures: u32) -> StoreResult<u32>;
    /// A reserved PIN attempt was right: the count starts over. A lock set
    /// meanwhile by another attempt reserved at the same time is lifted too,
    /// since this one was within the limit when it was reserved.
    pub async fn record_pin_success(&self, device_id: &str) -> StoreResult<()>;
    // audit
    /// Writes one audit record, appended to its organisation's chain.
    pub async fn audit(&self, entry: &NewAuditEntry<'_>) -> StoreResult<()>;
    /// The newest audit records of an organisation, newest first.
    pub async fn audit_log(&self, organisation_id: &str, limit: u32) -> StoreResult<Vec<AuditRow>>;
    /// Every audit entry of an organisation in chain order, with all that
    /// its hash covers: the DPO's export.
    pub async fn audit_entries(&self, organisation_id: &str) -> StoreResult<Vec<AuditEntry>>;
    /// Chains the entries written before the log had chains (migration
    /// 0009), once, in the order they were written (by time; entries written in
    /// the same instant by id). Only organisations
    /// without a chain yet are touched: an unchained entry in an organisation
    /// that has a chain was not written by Stegvis, and stays for
    /// [`Store::verify_audit_chain`] to report. Returns how many were chained.
    pub async fn chain_unchained_audit_entries(&self) -> StoreResult<u64>;
    /// Recomputes every organisation's chain and reports the first broken
    /// link (see the module documentation). Reads entry by entry.
    pub async fn verify_audit_chain(&self) -> StoreResult<ChainReport>;
    // lifecycle
    /// The organisation's retention and withdrawal settings.
    pub async fn lifecycle_settings(&self, organisation_id: &str) -> StoreResult<LifecycleSettings>;
    /// Changes the organisation's retention and withdrawal settings.
    pub async fn update_lifecycle_settings(&self, organisation_id: &str, settings: &LifecycleSettings) -> StoreResult<()>;
    /// The participant's withdrawal of consent, if one is recorded.
    pub async fn withdrawal(&self, participant_id: &str) -> StoreResult<Option<Withdrawal>>;
    /// Records a withdrawal of consent by a participant of `organisation_id`.
    /// With `keep_answers` the answers stay for statistics under a new code
    /// while the personnummer, phones, codes, drafts and reported check-ins
    /// go; otherwise the whole record is erased. One transaction either way.
    pub async fn withdraw_consent(&self, organisation_id: &str, participant_id: &str, on: NaiveDate, how: WithdrawalHow, by: &str, keep_answers: bool) -> StoreResult<WithdrawalOutcome>;
    /// Erases one participant of `organisation_id` in one transaction. Returns
    /// whether there was such a participant.
    pub async fn erase_participant(&self, organisation_id: &str, participant_id: &str) -> StoreResult<bool>;
    /// Asks for a participant's erasure. `false` when one is already waiting.
    pub async fn request_erasure(&self, organisation_id: &str, participant_id: &str, reason: &str, requested_by: &str) -> StoreResult<bool>;
    /// The erasures waiting in an organisation, oldest first.
    pub async fn erasure_requests(&self, organisation_id: &str) -> StoreResult<Vec<ErasureRequest>>;
    /// The erasure waiting for a participant, if any.
    pub async fn erasure_request_for(&self, participant_id: &str) -> StoreResult<Option<ErasureRequest>>;
    /// Withdraws or declines a waiting erasure. Returns the request it removed.
    pub async fn cancel_erasure(&self, organisation_id: &str, request_id: &str) -> StoreResult<Option<ErasureRequest>>;
    /// Carries out a waiting erasure, confirmed by `admin_id`, who must not be
    /// the one who asked for it. The request and the record go together.
    pub async fn confirm_erasure(&self, organisation_id: &str, request_id: &str, admin_id: &str) -> StoreResult<ErasureDecision>;
    /// Participants (of one organisation, or of all) whose retention period
    /// has ended on `today`, with the organisation's own periods.
    pub async fn retention_due(&self, organisation_id: Option<&str>, today: NaiveDate) -> StoreResult<Vec<RetentionCandidate>>;
    /// Removes what only lives for a while: sessions expired at `now`,
    /// failed-attempt rows older than `attempts_before` (longer ago than any
    /// lockout window), and access codes that were used, revoked or expired
    /// before `now`.
    pub async fn prune(&self, now: DateTime<Utc>, attempts_before: DateTime<Utc>) -> StoreResult<PruneReport>;
    // participants
    /// Registers a participant, with the personnummer (if any) in its own table,
    /// in one transaction. A taken participant code is [`StoreError::CodeTaken`]
    /// so the caller can draw another.
    pub async fn register_participant(&self, new: &NewParticipant<'_>) -> StoreResult<String>;
    /// A participant of `organisation_id`; another organisation's is `None`.
    pub async fn participant_in(&self, organisation_id: &str, participant_id: &str) -> StoreResult<Option<ParticipantDetail>>;
    /// The personnummer of a participant, if one was recorded, opened from
    /// its sealed form. Only ever shown on that participant's own page.
    pub async fn personnummer(&self, participant_id: &str) -> StoreResult<Option<String>>;
    /// The participants of an organisation (of one case manager, when given),
    /// each with what the caseload needs to work out what is due, in
    /// participant-id order.
    pub async fn caseload(&self, organisation_id: &str, case_manager_id: Option<&str>) -> StoreResult<Vec<CaseloadEntry>>;
    /// A participant's check-ins, oldest first.
    pub async fn check_ins_of(&self, participant_id: &str) -> StoreResult<Vec<ParticipantCheckIn>>;
    /// Records the exit date and outcome of a participant of `organisation_id`.
    /// Returns whether such a participant exists.
    pub async fn record_exit(&self, organisation_id: &str, participant_id: &str, exit_date: NaiveDate, outcome: &str) -> StoreResult<bool>;
    /// Adds a programme to an organisation, in one statement: a failure
    /// leaves no programme that belongs to nobody.
    pub async fn create_programme_in(&self, organisation_id: &str, name: &str, window: Window) -> StoreResult<crate::ProgrammeRow>;
    /// The programmes of an organisation with how many participants each has.
    pub async fn programmes(&self, organisation_id: &str) -> StoreResult<Vec<ProgrammeSummary>>;
    /// Participants per gender in an organisation, for the evaluator's overview.
    pub async fn participants_by_gender(&self, organisation_id: &str) -> StoreResult<Vec<(String, i64)>>;
    // ratings
    /// Every check-in of a participant with its answers, oldest first.
    pub async fn check_ins_with_answers(&self, participant_id: &str) -> StoreResult<Vec<(ParticipantCheckIn, Vec<StoredAnswer>)>>;
    /// Records (or replaces) the case manager's rating of an item at an occasion.
    pub async fn save_staff_rating(&self, participant_id: &str, occasion: OccasionRef, item_id: &str, value: &str, staff_id: &str) -> StoreResult<()>;
    /// The case managers' ratings for a participant.
    pub async fn staff_ratings(&self, participant_id: &str) -> StoreResult<Vec<StaffRating>>;
    // respondents
    /// Where an organisation's figures stand; all zero for an organisation
    /// nothing was logged for yet.
    pub async fn statistics_version(&self, organisation_id: &str) -> StoreResult<StatisticsVersion>;
    /// Every participant of an organisation as a statistics respondent, read
    /// from the compact scores: the same respondents as
    /// [`Store::respondents`], in the same order, at a fraction of the cost.
    pub async fn load_respondents(&self, organisation_id: &str, index: &ItemIndex) -> StoreResult<LoadedRespondents>;
    /// The participants of an organisation changed after change `since`,
    /// that still belong to it.
    pub(crate) async fn load_respondents_where(&self, organisation_id: &str, changed_since: Option<i64>, index: &ItemIndex) -> StoreResult<LoadedRespondents>;
    /// Ids of the participants of an organisation with a logged change after `since`.
    pub(crate) async fn changed_participants(&self, organisation_id: &str, since: i64) -> StoreResult<Vec<String>>;
    /// Keeps the last `keep` change entries of every organisation and drops
    /// older ones (a server further behind than that loads everything
    /// again). Returns how many entries were dropped.
    pub async fn prune_statistics_changes(&self, keep: i64) -> StoreResult<u64>;
    // secrets
    /// Seals TOTP secrets and personnummer, and hashes access codes, that an
    /// older version stored in clear. Run at every start, after migrations;
    /// does nothing when everything is sealed already.
    pub async fn seal_plaintext_secrets(&self) -> StoreResult<SecretsReport>;
    /// Re-seals every sealed value that is not under the current key (a key
    /// rotation: the new key is current, the old one configured as old).
    /// A value under a key that is not configured stops the rotation with
    /// [`StoreError::Sealed`] before anything is written.
    pub async fn rotate_secrets(&self) -> StoreResult<SecretsReport>;
    /// Every value of every table as text (table, column, value), for tests
    /// that prove a secret is never stored in clear. Reads the schema, so
    /// tables added later are searched too.
    pub async fn all_stored_text(&self) -> StoreResult<Vec<(String, String, String)>>;
    // sessions
    /// The session's JSON data, unless it is missing or expired at `now` (unix seconds).
    pub async fn load_session(&self, id: &str, now: i64) -> StoreResult<Option<String>>;
    /// Inserts a new session; `false` when the id is already taken.
    pub async fn create_session(&self, id: &str, session: &SessionWrite<'_>) -> StoreResult<bool>;
    /// Replaces the data and expiry of an existing session; `false` when it is
    /// gone. A request that loaded the session before another one deleted it
    /// (sign-out in a second tab, a new id at sign-in, "end my other
    /// sessions", a disabled account) must not bring it back, so this never
    /// inserts: new sessions come from [`Store::create_session`].
    pub async fn save_session(&self, id: &str, session: &SessionWrite<'_>) -> StoreResult<bool>;
    /// Renews an existing session's expiry and last use without touching its
    /// data: what a request that only read the session writes, so it can never
    /// put back data another request changed meanwhile. `false` when it is gone.
    pub async fn touch_session(&self, id: &str, expires_at: i64) -> StoreResult<bool>;
    /// Removes a session (logout).
    pub async fn delete_session(&self, id: &str) -> StoreResult<()>;
    /// Removes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64>;
    /// A staff member's sessions that have not expired at `now` (unix
    /// seconds), most recently used first.
    pub async fn staff_sessions(&self, staff_id: &str, now: i64) -> StoreResult<Vec<StaffSessionRow>>;
    /// Ends one of a staff member's sessions by its key; `false` when they
    /// have no such session.
    pub async fn end_staff_session(&self, staff_id: &str, key: &str) -> StoreResult<bool>;
    /// Ends every session of a staff member, except the one with the key
    /// `keep` (the browser asking); returns how many ended.
    pub async fn end_staff_sessions(&self, staff_id: &str, keep: Option<&str>) -> StoreResult<u64>;
    // staff
    /// Adds an organisation with the default small-cell threshold and code lifetime.
    pub async fn create_organisation(&self, name: &str) -> StoreResult<OrganisationRow>;
    /// An organisation by id.
    pub async fn organisation(&self, id: &str) -> StoreResult<Option<OrganisationRow>>;
    /// Changes an organisation's small-cell threshold and access-code lifetime.
    pub async fn update_organisation_settings(&self, id: &str, small_cell_k: u32, code_lifetime_days: u32) -> StoreResult<()>;
    /// An organisation by id or exact name; with `None`, the only one (if
    /// there is exactly one).
    pub async fn find_organisation(&self, key: Option<&str>) -> StoreResult<Option<OrganisationRow>>;
    /// How many organisations exist; demo seeding refuses to touch a database with any.
    pub async fn organisation_count(&self) -> StoreResult<i64>;
    /// Every organisation's id (work done for each, such as warming the
    /// evaluator's figures when a server starts).
    pub async fn organisation_ids(&self) -> StoreResult<Vec<String>>;
    /// Adds a staff account. The e-mail address is stored lower-cased and must be unused.
    pub async fn create_staff(&self, new: &NewStaff<'_>) -> StoreResult<StaffRow>;
    /// A staff account by id.
    pub async fn staff(&self, id: &str) -> StoreResult<Option<StaffRow>>;
    /// A staff account with its secrets, by e-mail address (any case).
    pub async fn staff_credentials(&self, email: &str) -> StoreResult<Option<StaffCredentials>>;
    /// A staff account with its secrets, by id (password change, two-factor setup).
    pub async fn staff_credentials_by_id(&self, id: &str) -> StoreResult<Option<StaffCredentials>>;
    /// The staff of an organisation, by name (two queries, whatever the number).
    pub async fn list_staff(&self, organisation_id: &str) -> StoreResult<Vec<StaffRow>>;
    /// Replaces an account's password hash.
    pub async fn set_password_hash(&self, staff_id: &str, hash: &str) -> StoreResult<()>;
    /// Turns two-factor login on (with its secret) or off. The secret is
    /// stored sealed under the current key, bound to this account.
    pub async fn set_totp_secret(&self, staff_id: &str, secret: Option<&str>) -> StoreResult<()>;
    /// Accepts a TOTP time step for sign-in only when it is later than the last
    /// accepted one (so a code works once); records it. Returns whether accepted.
    pub async fn accept_totp_step(&self, staff_id: &str, step: i64) -> StoreResult<bool>;
    /// Notes a failed attempt under `key` (an e-mail address or a network address).
    pub async fn record_failed_attempt(&self, kind: AttemptKind, key: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Failed attempts under `key` since `since`, oldest first.
    pub async fn failed_attempts_since(&self, kind: AttemptKind, key: &str, since: DateTime<Utc>) -> StoreResult<Vec<DateTime<Utc>>>;
    /// Forgets failed attempts under `key` (after a successful login) and any
    /// older than `before`, so the table stays small.
    pub async fn clear_failed_attempts(&self, kind: AttemptKind, key: &str, before: DateTime<Utc>) -> StoreResult<()>;
    // statistics
    /// Every participant of an organisation with their check-ins scored by
    /// item position, for the statistics. Programmes are identified by id.
    pub async fn respondents(&self, organisation_id: &str, index: &ItemIndex) -> StoreResult<Vec<Respondent>>;
    /// Every check-in of an organisation that has answers, with the facts an
    /// answer-level export may carry about its participant, in participant
    /// order: what the export must make k-anonymous before it writes a row.
    /// One row per check-in, not per answer, so it is small enough to hold.
    pub async fn export_check_ins(&self, organisation_id: &str) -> StoreResult<Vec<CheckInRecord>>;
    /// People per municipality among an organisation's participants with
    /// consent, for dropping municipalities that would single someone out.
    pub async fn municipality_counts(&self, organisation_id: &str) -> StoreResult<Vec<(String, i64)>>;
    // stuck
    /// Records (or counts again) a refused check-in of a participant. One row
    /// per submission, however often the phone retries.
    pub async fn report_stuck_check_in(&self, participant_id: &str, submission_id: &str, status: u16, reason: &str) -> StoreResult<()>;
    /// A participant's refused check-ins, newest first.
    pub async fn stuck_check_ins(&self, participant_id: &str) -> StoreResult<Vec<StuckCheckIn>>;
}

// After the facade: it uses `on_engine!`.
#[cfg(feature = "test-support")]
pub mod test_sql;

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

/// A participant's birth year from a row (stored as an integer, read by
/// every engine as i64); a value no calendar has is read as unknown.
pub(crate) fn birth_year_from_row<'r, R>(r: &'r R) -> StoreResult<Option<i32>>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let year: Option<i64> = r.try_get("birth_year")?;
    Ok(year.and_then(|y| i32::try_from(y).ok()))
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
