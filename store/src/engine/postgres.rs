//! The PostgreSQL engine: for several Stegvis servers sharing one database.
//!
//! What PostgreSQL does differently from SQLite: opening the pool (lock
//! timeout, durable or not), write transactions, reading every stored value
//! for the secrets check, and backups (PostgreSQL's own tools). The
//! statements themselves are shared (`queries/`), compiled here with
//! [`Db`] = `sqlx::Postgres`.
//!
//! # Write transactions
//!
//! The store's read-then-write transactions (storing a check-in, reserving
//! a login attempt, appending to the audit chain, …) were written for
//! SQLite, where `BEGIN IMMEDIATE` makes writers take turns. Here
//! [`begin_write`] takes the same turn across every server process sharing
//! the database: a transaction-scoped advisory lock, held until commit or
//! rollback. Single statements (`INSERT … ON CONFLICT`, `UPDATE …
//! RETURNING`) do not take it and run in parallel; constraints keep them
//! right. A write that waits longer than [`crate::BUSY_TIMEOUT`] for a lock
//! fails with `lock_not_available`, which the store reports as busy (503).
//!
//! The hot writes (an answer saved to the draft, a check-in stored) read and
//! write only what belongs to one participant and one submission id, so they
//! take the turns of those two keys instead ([`begin_write_for`]): phones
//! of different participants save in parallel, while two servers handling
//! the same participant or the same submission id still take turns.
//! Transactions under the one turn that change a participant's check-ins
//! (withdrawal, erasure) take that participant's key as well ([`lock_keys`]),
//! so they never interleave with a check-in being stored.

use super::backup::BackupReport;
use crate::{PoolSettings, StoreError, StoreResult, BUSY_TIMEOUT};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, Pool, Row, Transaction};
use std::path::Path;
use std::str::FromStr;

/// The engine the shared statements are compiled for in this module.
pub(crate) type Db = sqlx::Postgres;

/// PostgreSQL's migrations, compiled into the binary.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock key of [`begin_write`] (any fixed number; "stegvis" in ASCII, shortened).
pub(crate) const WRITE_LOCK: i64 = 0x7374_6567_7669;

// Included once per engine on purpose (see engine/mod.rs).
#[allow(clippy::duplicate_mod)]
#[path = "../queries/mod.rs"]
pub(crate) mod queries;

/// Opens a pool on a PostgreSQL database. `durable = false` (demo seeding
/// only) turns `synchronous_commit` off for the pool's connections.
pub(crate) async fn connect(url: &str, pool: PoolSettings, durable: bool) -> StoreResult<Pool<Db>> {
    let lock_timeout = format!("{}ms", BUSY_TIMEOUT.as_millis());
    let mut options = PgConnectOptions::from_str(url)?
        .application_name("stegvis")
        .options([("lock_timeout", lock_timeout.as_str())]);
    if !durable {
        options = options.options([("synchronous_commit", "off")]);
    }
    Ok(PgPoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        .connect_with(options)
        .await?)
}

/// The first half of the two-number advisory locks of [`lock_keys`] (a key
/// space apart from [`WRITE_LOCK`]'s single number).
const KEYED_LOCKS: i32 = 0x7374_6567;

/// A transaction that has taken the write turns of `keys` (participant ids,
/// submission ids), not the store's one turn (see the module header).
pub(crate) async fn begin_write_for(
    pool: &Pool<Db>,
    keys: &[&str],
) -> StoreResult<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    lock_keys(&mut tx, keys).await?;
    Ok(tx)
}

/// Takes the write turns of `keys` in a transaction under way, held until it
/// ends. Keys become numbers by a fixed hash, taken in ascending order so two
/// transactions never wait for each other in a circle; two keys that happen
/// to share a number only take turns more often.
pub(crate) async fn lock_keys(tx: &mut Transaction<'static, Db>, keys: &[&str]) -> StoreResult<()> {
    use sha2::{Digest, Sha256};
    let mut numbers: Vec<i32> = keys
        .iter()
        .map(|key| {
            let digest = Sha256::digest(key.as_bytes());
            i32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    for number in numbers {
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(KEYED_LOCKS)
            .bind(number)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A transaction that has taken the store's write turn (see the module header).
pub(crate) async fn begin_write(pool: &Pool<Db>) -> StoreResult<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

impl queries::Core {
    /// Every value of every column of every table, as text: what
    /// `stegvis secrets check` searches for secrets stored in clear.
    pub async fn all_stored_text(&self) -> StoreResult<Vec<(String, String, String)>> {
        let columns = sqlx::query(
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for c in &columns {
            let table: String = c.try_get("table_name")?;
            let column: String = c.try_get("column_name")?;
            let values = self
                .pool
                .fetch_all(sqlx::AssertSqlSafe(format!(
                    "SELECT \"{column}\"::text AS v FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                )))
                .await?;
            for v in &values {
                out.push((table.clone(), column.clone(), v.try_get("v")?));
            }
        }
        Ok(out)
    }

    /// PostgreSQL is backed up with its own tools (`pg_dump`), which copy a
    /// consistent snapshot of a running database; see docs/operations.md.
    pub async fn backup_to(&self, _output: &Path) -> StoreResult<BackupReport> {
        Err(StoreError::Backup(
            "stegvis backup copies SQLite databases; back up PostgreSQL with pg_dump \
             (see docs/operations.md)"
                .into(),
        ))
    }
}
