//! The statements of `sessions.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::sessions::*;
use crate::StoreResult;
use chrono::Utc;
use sqlx::Row;

impl Core {
    pub async fn load_session(&self, id: &str, now: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(session_key(id))
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("data")).transpose()?)
    }

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

    pub async fn touch_session(&self, id: &str, expires_at: i64) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE sessions SET expires_at = $1, last_seen_at = $2 WHERE id = $3")
                .bind(expires_at)
                .bind(Utc::now())
                .bind(session_key(id))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete_session(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_key(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

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

    pub async fn end_staff_session(&self, staff_id: &str, key: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND id = $2")
            .bind(staff_id)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

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
