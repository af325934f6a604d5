//! Consistent copies of a running SQLite database (`stegvis backup`).
//!
//! Copying `stegvis.db` with `cp` while the server runs can catch a write
//! half-way and leaves out what still sits in the write-ahead log. `VACUUM
//! INTO` instead writes a complete, compacted database as of one moment,
//! inside a read transaction, so phones keep sending while it runs. The copy
//! holds health data: it is created owner-only before SQLite writes to it,
//! and it is checked (integrity and row counts) before the command says it
//! is done. PostgreSQL is backed up with its own tools (docs/operations.md).

use crate::{Store, StoreError, StoreResult};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::Path;

/// What a finished backup holds, read back from the copy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// Size of the backup file.
    pub bytes: u64,
    /// Participants in the copy.
    pub participants: i64,
    /// Check-ins in the copy.
    pub check_ins: i64,
}

impl Store {
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

/// Creates the empty backup file readable by its owner only (SQLite's
/// `VACUUM INTO` accepts an empty file and keeps its mode), refusing one
/// that exists.
fn create_owner_only(output: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(output).map(drop).map_err(|e| {
        StoreError::Backup(match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} exists already; choose a new file name (a backup never overwrites one)",
                output.display()
            ),
            _ => format!("cannot create {}: {e}", output.display()),
        })
    })
}
