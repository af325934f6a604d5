//! The SQLite engine: the default, one file next to the server.
//!
//! Everything here is what SQLite does differently from PostgreSQL: opening
//! the database (WAL, `synchronous`, busy timeout, foreign keys), write
//! transactions, reading every stored value for the secrets check, and
//! backups. The statements themselves are shared (`queries/`), compiled
//! here with [`Db`] = `sqlx::Sqlite`.
//!
//! # Write transactions that wait for a busy database instead of failing
//!
//! SQLite lets one connection write at a time. A transaction opened with a
//! plain `BEGIN` (deferred) asks for the write lock only at its first write.
//! When it has read something first and another connection holds the lock or
//! wrote in the meantime, SQLite cannot upgrade it: it fails at once with
//! `SQLITE_BUSY` (5) or `SQLITE_BUSY_SNAPSHOT` (517), without waiting for the
//! busy timeout, because waiting could deadlock or read stale data. Under many
//! phones at once that turned sending a check-in into a 500.
//!
//! `BEGIN IMMEDIATE` takes the write lock when the transaction starts, before
//! it has read anything, where SQLite can safely wait (up to the busy timeout)
//! for the writer before it. Every transaction in the store that writes starts
//! with [`begin_write`]. Single statements (`INSERT … ON CONFLICT`,
//! `UPDATE … RETURNING`) need nothing: SQLite takes the lock at their start and
//! waits as well. See docs/check-in.md, "Many phones at once".

use super::backup::{create_owner_only, BackupReport};
use crate::{PoolSettings, StoreError, StoreResult, BUSY_TIMEOUT};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Pool, Row, Transaction};
use std::path::Path;
use std::str::FromStr;

/// The engine the shared statements are compiled for in this module.
pub(crate) type Db = sqlx::Sqlite;

/// SQLite's migrations, compiled into the binary.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

// Included once per engine on purpose (see engine/mod.rs).
#[allow(clippy::duplicate_mod)]
#[path = "../queries/mod.rs"]
pub(crate) mod queries;

/// Opens (creating when missing) a SQLite database.
///
/// WAL lets readers work while one connection writes. `durable` makes every
/// commit reach the disk before the store returns (`synchronous=FULL`), so an
/// acknowledged check-in survives a power cut; without it (`OFF`, demo
/// seeding only) commits do not wait for the disk.
pub(crate) async fn connect(url: &str, pool: PoolSettings, durable: bool) -> StoreResult<Pool<Db>> {
    let synchronous = if durable {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Off
    };
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    Ok(SqlitePoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        .connect_with(options)
        .await?)
}

/// A transaction holding the write lock from its start (`BEGIN IMMEDIATE`),
/// so that a read followed by a write in it waits for other writers within
/// the busy timeout instead of failing with "database is locked".
pub(crate) async fn begin_write(pool: &Pool<Db>) -> StoreResult<Transaction<'static, Db>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// A write transaction for what concerns `keys` only. SQLite has one writer
/// at a time whatever the keys: the same as [`begin_write`].
pub(crate) async fn begin_write_for(
    pool: &Pool<Db>,
    _keys: &[&str],
) -> StoreResult<Transaction<'static, Db>> {
    begin_write(pool).await
}

/// Takes the write turns of `keys` in a transaction already under way; on
/// SQLite the transaction holds the only write turn already.
pub(crate) async fn lock_keys(
    _tx: &mut Transaction<'static, Db>,
    _keys: &[&str],
) -> StoreResult<()> {
    Ok(())
}

impl queries::Core {
    /// Every value of every column of every table, as text: what
    /// `stegvis secrets check` searches for secrets stored in clear.
    pub async fn all_stored_text(&self) -> StoreResult<Vec<(String, String, String)>> {
        let tables = sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for t in &tables {
            let table: String = t.try_get("name")?;
            let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{table}')"
            )))
            .fetch_all(&self.pool)
            .await?;
            for c in &columns {
                let column: String = c.try_get("name")?;
                let values = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(\"{column}\" AS BLOB) AS v FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                )))
                .fetch_all(&self.pool)
                .await?;
                for v in &values {
                    // Bytes, read leniently: binary columns (migration checksums) are not UTF-8.
                    let bytes: Vec<u8> = v.try_get("v")?;
                    out.push((
                        table.clone(),
                        column.clone(),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Writes a consistent copy of the database to `output`, which must not
    /// exist yet (an earlier backup is never overwritten), then opens the
    /// copy and checks it. On failure no partial file is left behind.
    pub async fn backup_to(&self, output: &Path) -> StoreResult<BackupReport> {
        create_owner_only(output)?;
        let result = self.write_and_check(output).await;
        if result.is_err() {
            // The file is ours (create_new above): a failed copy must not be
            // mistaken for a backup later.
            let _ = std::fs::remove_file(output);
        }
        result
    }

    async fn write_and_check(&self, output: &Path) -> StoreResult<BackupReport> {
        let target = output
            .to_str()
            .ok_or_else(|| StoreError::Backup("the file name is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        let mut copy = SqliteConnectOptions::new()
            .filename(output)
            .read_only(true)
            .connect()
            .await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut copy)
            .await?;
        if integrity != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the backup failed its integrity check: {integrity}"
            )));
        }
        let participants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM participants")
            .fetch_one(&mut copy)
            .await?;
        let check_ins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM check_ins")
            .fetch_one(&mut copy)
            .await?;
        copy.close().await?;
        let bytes = std::fs::metadata(output)
            .map_err(|e| StoreError::Backup(format!("reading the backup file: {e}")))?
            .len();
        Ok(BackupReport {
            bytes,
            participants,
            check_ins,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::queries::Core;
    use crate::PoolSettings;
    use sqlx::Row;

    /// A database file of its own in the temporary directory, removed on drop.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn connected(name: &str) -> (Core, TempDb) {
        let dir = std::env::temp_dir().join(format!("stegvis-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/stegvis.db", dir.display());
        let store = Core::new(
            super::connect(&url, PoolSettings::default(), true)
                .await
                .unwrap(),
        );
        store.migrate().await.unwrap();
        (store, TempDb(dir))
    }

    #[tokio::test]
    async fn every_connection_is_wal_with_full_sync_and_the_busy_timeout() {
        let (store, _dir) = connected("pragmas").await;
        // Hold several connections at once, so more than one is looked at.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(store.pool.acquire().await.unwrap());
        }
        for conn in &mut held {
            let mode: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(mode, "wal");
            // 2 = FULL: a commit is on disk before the store returns.
            let sync: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(sync, 2);
            let timeout: i64 = sqlx::query("PRAGMA busy_timeout")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
            assert_eq!(
                timeout,
                i64::try_from(crate::BUSY_TIMEOUT.as_millis()).unwrap()
            );
        }
    }

    #[tokio::test]
    async fn a_write_transaction_holds_the_write_lock_from_its_start() {
        let (store, _dir) = connected("immediate").await;
        let mut tx = store.begin_write().await.unwrap();
        // Only read so far, yet no other connection may start writing.
        sqlx::query("SELECT COUNT(*) FROM participants")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let mut other = store.pool.acquire().await.unwrap();
        sqlx::query("PRAGMA busy_timeout = 0")
            .execute(&mut *other)
            .await
            .unwrap();
        let refused = sqlx::query("BEGIN IMMEDIATE").execute(&mut *other).await;
        assert!(refused.is_err(), "a second writer got the lock");
        tx.commit().await.unwrap();
        // Free again once the first one committed.
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *other)
            .await
            .unwrap();
        sqlx::query("ROLLBACK").execute(&mut *other).await.unwrap();
        // Not back into the pool with a setting of its own.
        other.close().await.unwrap();
    }
}
