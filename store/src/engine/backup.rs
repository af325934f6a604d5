//! Consistent copies of a running SQLite database (`stegvis backup`).
//!
//! Copying `stegvis.db` with `cp` while the server runs can catch a write
//! half-way and leaves out what still sits in the write-ahead log. `VACUUM
//! INTO` instead writes a complete, compacted database as of one moment,
//! inside a read transaction, so phones keep sending while it runs. The copy
//! holds health data: it is created owner-only before SQLite writes to it,
//! and it is checked (integrity and row counts) before the command says it
//! is done. PostgreSQL is backed up with its own tools (docs/operations.md).

use crate::{StoreError, StoreResult};
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

/// Creates the empty backup file readable by its owner only (SQLite's
/// `VACUUM INTO` accepts an empty file and keeps its mode), refusing one
/// that exists.
pub(crate) fn create_owner_only(output: &Path) -> StoreResult<()> {
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
