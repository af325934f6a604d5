//! Server-side session records. The session layer (tower-sessions) decides
//! what goes in them; the store only keeps them, so sessions survive restarts
//! and live in the same database as everything else.
//!
//! A session is stored under the SHA-256 of its id, never the id itself: the
//! id is what the browser's cookie holds, so a copy of the database (a backup,
//! a stolen file) must not be enough to sign in as someone. Every method here
//! takes the id as the cookie holds it and hashes it first; the hash
//! ([`session_key`]) is also the handle by which a staff member's own sessions
//! are listed and ended.

use crate::{Store, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The key a session is stored under: SHA-256 of its id, in hex.
pub fn session_key(id: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What is written with a session each time it is saved.
#[derive(Debug, Clone, Copy)]
pub struct SessionWrite<'a> {
    /// The session's data (JSON).
    pub data: &'a str,
    /// Unix seconds after which the session is gone.
    pub expires_at: i64,
    /// The staff account it is signed in as, if any.
    pub staff_id: Option<&'a str>,
    /// The participant it is signed in as (a phone), if any: erasure and
    /// withdrawal end the participant's sessions by this column.
    pub participant_id: Option<&'a str>,
    /// A short label of the browser (e.g. "Firefox på Windows").
    pub label: Option<&'a str>,
}

/// One of a staff member's sessions, for their account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRow {
    /// The stored key ([`session_key`] of the id): names the session without
    /// being able to sign anyone in.
    pub key: String,
    pub created_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub label: Option<String>,
}

impl Store {
    /// The session's JSON data, unless it is missing or expired at `now` (unix seconds).
    pub async fn load_session(&self, id: &str, now: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(session_key(id))
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("data")).transpose()?)
    }

    /// Inserts a new session; `false` when the id is already taken.
    pub async fn create_session(&self, id: &str, session: &SessionWrite<'_>) -> StoreResult<bool> {
        let now = Utc::now();
        let done = sqlx::query(
            "INSERT INTO sessions
               (id, data, expires_at, staff_id, participant_id, created_at, last_seen_at, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(session_key(id))
        .bind(session.data)
        .bind(session.expires_at)
        .bind(session.staff_id)
        .bind(session.participant_id)
        .bind(now)
        .bind(now)
        .bind(session.label)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces the data and expiry of an existing session; `false` when it is
    /// gone. A request that loaded the session before another one deleted it
    /// (sign-out in a second tab, a new id at sign-in, "end my other
    /// sessions", a disabled account) must not bring it back, so this never
    /// inserts: new sessions come from [`Store::create_session`].
    pub async fn save_session(&self, id: &str, session: &SessionWrite<'_>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE sessions SET data = $1, expires_at = $2, staff_id = $3, participant_id = $4,
               last_seen_at = $5, user_agent = COALESCE($6, user_agent)
             WHERE id = $7",
        )
        .bind(session.data)
        .bind(session.expires_at)
        .bind(session.staff_id)
        .bind(session.participant_id)
        .bind(Utc::now())
        .bind(session.label)
        .bind(session_key(id))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a session (logout).
    pub async fn delete_session(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_key(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// A staff member's sessions that have not expired at `now` (unix
    /// seconds), most recently used first.
    pub async fn staff_sessions(
        &self,
        staff_id: &str,
        now: i64,
    ) -> StoreResult<Vec<StaffSessionRow>> {
        let rows = sqlx::query(
            "SELECT id, created_at, last_seen_at, user_agent FROM sessions
             WHERE staff_id = $1 AND expires_at > $2
             ORDER BY last_seen_at DESC, id",
        )
        .bind(staff_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffSessionRow {
                    key: r.try_get("id")?,
                    created_at: r.try_get("created_at")?,
                    last_seen_at: r.try_get("last_seen_at")?,
                    label: r.try_get("user_agent")?,
                })
            })
            .collect()
    }

    /// Ends one of a staff member's sessions by its key; `false` when they
    /// have no such session.
    pub async fn end_staff_session(&self, staff_id: &str, key: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND id = $2")
            .bind(staff_id)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every session of a staff member, except the one with the key
    /// `keep` (the browser asking); returns how many ended.
    pub async fn end_staff_sessions(&self, staff_id: &str, keep: Option<&str>) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND ($2 IS NULL OR id <> $3)")
                .bind(staff_id)
                .bind(keep)
                .bind(keep)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
