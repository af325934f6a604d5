//! Every statement the store runs, written once and compiled once per engine.
//!
//! This module is included by each engine module (`engine/sqlite.rs`,
//! `engine/postgres.rs`) with `#[path]`, so `super` is the engine: its `Db`
//! type, its `begin_write` and its `MIGRATOR`. The statements use `$1`-style
//! placeholders and SQL both engines accept; where they cannot, the engine
//! module provides the method instead (see docs/store.md).

/// The engine's per-key write turns, for a transaction under way.
pub(crate) use super::lock_keys;
use super::Db;
use crate::{Keyring, StoreError, StoreResult};
use sqlx::{Pool, Transaction};
use std::sync::Arc;

mod access;
mod accounts;
mod attempts;
mod audit;
mod check_ins;
mod instruments;
mod lifecycle;
mod participants;
mod ratings;
mod respondents;
mod secrets;
mod sessions;
mod staff;
mod statistics;
mod stuck;
#[cfg(feature = "test-support")]
mod test_sql;

/// One engine's connection pool and the keys that seal secrets.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) pool: Pool<Db>,
    /// Seals TOTP secrets and personnummer and hashes access codes; `None`
    /// until [`crate::Store::with_secrets`], and then every secret write is refused.
    pub(crate) keys: Option<Arc<Keyring>>,
}

impl Core {
    /// A store on `pool`, without keys.
    pub(crate) fn new(pool: Pool<Db>) -> Self {
        Self { pool, keys: None }
    }

    /// The keyring, or [`StoreError::NoSecretKey`].
    pub(crate) fn keys(&self) -> StoreResult<&Keyring> {
        self.keys.as_deref().ok_or(StoreError::NoSecretKey)
    }

    /// A write transaction as the engine makes them (see the engine module).
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Db>> {
        super::begin_write(&self.pool).await
    }

    /// A write transaction for what concerns `keys` only (a participant, a
    /// submission id): on PostgreSQL writers of other keys go on in
    /// parallel (see the engine module).
    pub(crate) async fn begin_write_for(
        &self,
        keys: &[&str],
    ) -> StoreResult<Transaction<'static, Db>> {
        super::begin_write_for(&self.pool, keys).await
    }

    /// Brings the schema up to date. Safe to run at every start.
    /// Entries the audit log held before it had hash chains are chained
    /// here, once.
    pub async fn migrate(&self) -> StoreResult<()> {
        super::MIGRATOR.run(&self.pool).await?;
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
}
