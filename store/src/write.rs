//! Write transactions that wait for a busy database instead of failing.
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
//! with [`Store::begin_write`]. Single statements (`INSERT … ON CONFLICT`,
//! `UPDATE … RETURNING`) need nothing: SQLite takes the lock at their start and
//! waits as well. See docs/check-in.md, "Many phones at once".

use crate::{Store, StoreResult};
use sqlx::{Sqlite, Transaction};

impl Store {
    /// A transaction holding the write lock from its start (`BEGIN IMMEDIATE`),
    /// so that a read followed by a write in it waits for other writers within
    /// the busy timeout instead of failing with "database is locked".
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::Store;
    use sqlx::Row;

    /// A database file of its own in the temporary directory, removed on drop.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn connected(name: &str) -> (Store, TempDb) {
        let dir = std::env::temp_dir().join(format!("stegvis-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::connect(&format!("sqlite://{}/stegvis.db", dir.display()))
            .await
            .unwrap();
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
