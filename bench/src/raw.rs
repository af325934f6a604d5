//! The engine's own ceiling: how many durable commits SQLite makes on this
//! disk with the server's settings (WAL, `synchronous=FULL`, the busy
//! timeout, a pool of eight), with no HTTP and no application code: a
//! check-in-shaped transaction (one check-in row and fifteen answer rows,
//! `BEGIN IMMEDIATE` as the store does) in a loop, and single-row upserts
//! into a draft table, from one connection and from eight at once.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The server's busy timeout (`store/src/lib.rs`).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The server's pool size (`STEGVIS_DB_MAX_CONNECTIONS`).
pub const POOL_SIZE: u32 = 8;

/// A pool on a SQLite file with the server's settings, and the tables the
/// benchmark writes (shaped like the server's drafts, check-ins and answers).
pub async fn open(path: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .connect_with(options)
        .await?;
    for statement in [
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
    ] {
        sqlx::query(statement).execute(&pool).await?;
    }
    Ok(pool)
}

/// One draft upsert: the statement an answer save ends in.
pub async fn upsert(
    pool: &SqlitePool,
    participant: &str,
    item: &str,
    answer: &str,
) -> sqlx::Result<()> {
    let answers = serde_json::json!({ item: answer }).to_string();
    sqlx::query(
        "INSERT INTO drafts
           (participant_id, occasion_kind, occasion_number, submission_id, answers, updated_at)
         VALUES ($1, 'intake', 0, $2, $3, $4)
         ON CONFLICT (participant_id, occasion_kind, occasion_number) DO UPDATE SET
           answers = excluded.answers,
           updated_at = excluded.updated_at",
    )
    .bind(participant)
    .bind(format!("sub-{participant}"))
    .bind(answers)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(pool)
    .await?;
    Ok(())
}

/// One check-in-shaped transaction: a check-in row and fifteen answers.
async fn check_in(pool: &SqlitePool, n: u64) -> sqlx::Result<()> {
    let id = format!("raw-{n}");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "INSERT INTO check_ins (submission_id, participant_id, occasion_kind, occasion_number,
           instrument_version, language, submitted_at)
         VALUES ($1, $2, 'intake', 0, 'v1', 'sv', $3)",
    )
    .bind(&id)
    .bind(format!("participant-{n}"))
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    for item in 0..15 {
        sqlx::query(
            "INSERT INTO answers (submission_id, item_id, value, declined, score)
             VALUES ($1, $2, $3, FALSE, $4)",
        )
        .bind(&id)
        .bind(format!("item{item}"))
        .bind(format!("{}", item % 5))
        .bind(item % 5)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
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

/// Measures each loop for `duration` on a new database at `path`.
pub async fn measure(path: &str, duration: Duration) -> anyhow::Result<Vec<Rate>> {
    let pool = open(path).await?;
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
    Ok(rates)
}
