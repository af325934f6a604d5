//! Server-side session records. The session layer (tower-sessions) decides
//! what goes in them; the store only keeps them, so sessions survive restarts
//! and live in the same database as everything else.

use crate::{Store, StoreResult};
use sqlx::Row;

impl Store {
    /// The session's JSON data, unless it is missing or expired at `now` (unix seconds).
    pub async fn load_session(&self, id: &str, now: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT data FROM sessions WHERE id = ? AND expires_at > ?")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get("data")))
    }

    /// Inserts a new session; `false` when the id is already taken.
    pub async fn create_session(&self, id: &str, data: &str, expires_at: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces the data and expiry of an existing session; `false` when it is
    /// gone. A request that loaded the session before another one deleted it
    /// (sign-out in a second tab, a new id at sign-in) must not bring it back,
    /// so this never inserts: new sessions come from [`Store::create_session`].
    pub async fn save_session(&self, id: &str, data: &str, expires_at: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE sessions SET data = ?, expires_at = ? WHERE id = ?")
            .bind(data)
            .bind(expires_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a session (logout).
    pub async fn delete_session(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
