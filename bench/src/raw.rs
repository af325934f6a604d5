//! The engine's own ceiling: how many durable commits the database makes on
//! this machine with the server's settings, with no HTTP and no application
//! code: a check-in-shaped transaction (one check-in row and fifteen answer
//! rows) in a loop, and single-row upserts into a draft table, from one
//! connection and from eight at once.
//!
//! - SQLite: WAL, `synchronous=FULL`, the busy timeout, a pool of eight,
//!   `BEGIN IMMEDIATE` as the store does;
//! - PostgreSQL: the server's defaults (`synchronous_commit=on`, so every
//!   commit waits for its WAL flush), a pool of eight, plain `BEGIN`.
//!
//! The same [`Pool`] serves the minimal endpoint (`bin/endpoint.rs`).

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The server's busy timeout (`store/src/lib.rs`).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The server's pool size (`STEGVIS_DB_MAX_CONNECTIONS`).
pub const POOL_SIZE: u32 = 8;

/// The tables the benchmark writes (shaped like the server's drafts,
/// check-ins and answers); the same text on both engines.
const TABLES: [&str; 3] = [
    "CREATE TABLE IF NOT EXISTS drafts (
        participant_id TEXT NOT NULL,
        occasion_kind TEXT NOT NULL,
        occasion_number INTEGER NOT NULL,
        submission_id TEXT NOT NULL UNIQUE,
        answers TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (participant_id, occasion_kind, occasion_number))",
    "CREATE TABLE IF NOT EXISTS check_ins (
        submission_id TEXT PRIMARY KEY,
        participant_id TEXT NOT NULL,
        occasion_kind TEXT NOT NULL,
        occasion_number INTEGER NOT NULL,
        instrument_version TEXT NOT NULL,
        language TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        UNIQUE (participant_id, occasion_kind, occasion_number))",
    "CREATE TABLE IF NOT EXISTS answers (
        submission_id TEXT NOT NULL REFERENCES check_ins(submission_id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        value TEXT,
        declined BOOLEAN NOT NULL,
        score INTEGER,
        PRIMARY KEY (submission_id, item_id))",
];

/// The draft upsert an answer save ends in.
const UPSERT: &str = "INSERT INTO drafts
       (participant_id, occasion_kind, occasion_number, submission_id, answers, updated_at)
     VALUES ($1, 'intake', 0, $2, $3, $4)
     ON CONFLICT (participant_id, occasion_kind, occasion_number) DO UPDATE SET
       answers = excluded.answers,
       updated_at = excluded.updated_at";

const INSERT_CHECK_IN: &str =
    "INSERT INTO check_ins (submission_id, participant_id, occasion_kind, occasion_number,
       instrument_version, language, submitted_at)
     VALUES ($1, $2, 'intake', 0, 'v1', 'sv', $3)";

const INSERT_ANSWER: &str = "INSERT INTO answers (submission_id, item_id, value, declined, score)
     VALUES ($1, $2, $3, FALSE, $4)";

/// A pool on either engine, so the loops and the endpoint are written once.
#[derive(Clone, Debug)]
pub enum Pool {
    /// A SQLite file with the server's settings.
    Sqlite(SqlitePool),
    /// A PostgreSQL database with the server's (default) settings.
    Postgres(PgPool),
}

/// Is `target` a PostgreSQL URL (otherwise a SQLite file or `sqlite:` URL)?
pub fn is_postgres(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Pool {
    /// What the loops ran on, for the summary.
    pub fn describe(&self) -> &'static str {
        match self {
            Pool::Sqlite(_) => "SQLite, WAL, synchronous=FULL, busy timeout 10 s, pool of 8",
            Pool::Postgres(_) => "PostgreSQL, default settings (synchronous_commit=on), pool of 8",
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// A pool with the server's settings on `target` (a SQLite file path, a
/// `sqlite:` URL or a `postgres://` URL of an existing, empty database),
/// and the tables the benchmark writes.
pub async fn open(target: &str) -> anyhow::Result<Pool> {
    if is_postgres(target) {
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .connect_with(PgConnectOptions::from_str(target)?)
            .await?;
        for statement in TABLES {
            sqlx::query(statement).execute(&pool).await?;
        }
        return Ok(Pool::Postgres(pool));
    }
    let url = if target.starts_with("sqlite:") {
        target.to_owned()
    } else {
        format!("sqlite://{target}")
    };
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .connect_with(options)
        .await?;
    for statement in TABLES {
        sqlx::query(statement).execute(&pool).await?;
    }
    Ok(Pool::Sqlite(pool))
}

/// One draft upsert: the statement an answer save ends in.
pub async fn upsert(pool: &Pool, participant: &str, item: &str, answer: &str) -> sqlx::Result<()> {
    let answers = serde_json::json!({ item: answer }).to_string();
    let submission = format!("sub-{participant}");
    let now = chrono::Utc::now().to_rfc3339();
    match pool {
        Pool::Sqlite(p) => {
            sqlx::query(UPSERT)
                .bind(participant)
                .bind(submission)
                .bind(answers)
                .bind(now)
                .execute(p)
                .await?;
        }
        Pool::Postgres(p) => {
            sqlx::query(UPSERT)
                .bind(participant)
                .bind(submission)
                .bind(answers)
                .bind(now)
                .execute(p)
                .await?;
        }
    }
    Ok(())
}

/// One check-in-shaped transaction: a check-in row and fifteen answers.
async fn check_in(pool: &Pool, n: u64) -> sqlx::Result<()> {
    let id = format!("raw-{n}");
    let participant = format!("participant-{n}");
    let now = chrono::Utc::now().to_rfc3339();
    // The same statements on both engines; only the transaction differs.
    macro_rules! rows {
        ($tx:expr) => {{
            sqlx::query(INSERT_CHECK_IN)
                .bind(&id)
                .bind(&participant)
                .bind(&now)
                .execute(&mut *$tx)
                .await?;
            for item in 0..15i32 {
                sqlx::query(INSERT_ANSWER)
                    .bind(&id)
                    .bind(format!("item{item}"))
                    .bind(format!("{}", item % 5))
                    .bind(item % 5)
                    .execute(&mut *$tx)
                    .await?;
            }
        }};
    }
    match pool {
        Pool::Sqlite(p) => {
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            rows!(tx);
            tx.commit().await
        }
        Pool::Postgres(p) => {
            let mut tx = p.begin().await?;
            rows!(tx);
            tx.commit().await
        }
    }
}

/// One measured loop: how many of an operation per second.
#[derive(Debug, Clone)]
pub struct Rate {
    pub what: &'static str,
    pub per_second: f64,
    pub count: u64,
}

#[allow(clippy::cast_precision_loss)]
fn rate(what: &'static str, count: u64, since: Instant) -> Rate {
    Rate {
        what,
        per_second: count as f64 / since.elapsed().as_secs_f64().max(f64::EPSILON),
        count,
    }
}

/// Measures each loop for `duration` on a new database at `target` (see
/// [`open`]); also says what it ran on.
pub async fn measure(
    target: &str,
    duration: Duration,
) -> anyhow::Result<(&'static str, Vec<Rate>)> {
    let pool = open(target).await?;
    let mut rates = Vec::new();

    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < duration {
        check_in(&pool, n).await?;
        n += 1;
    }
    rates.push(rate("check-in transaction (1 + 15 rows)", n, start));

    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < duration {
        upsert(
            &pool,
            &format!("p{}", n % 1000),
            &format!("item{}", n % 15),
            "3",
        )
        .await?;
        n += 1;
    }
    rates.push(rate("draft upsert, one connection", n, start));

    let start = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..POOL_SIZE {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while start.elapsed() < duration {
                upsert(&pool, &format!("w{worker}-{}", n % 1000), "item1", "2").await?;
                n += 1;
            }
            Ok::<u64, sqlx::Error>(n)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    rates.push(rate(
        "draft upsert, eight connections at once",
        total,
        start,
    ));
    pool.close().await;
    Ok((pool.describe(), rates))
}
