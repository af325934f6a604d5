//! The statements of `accounts.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::accounts::*;
use crate::StoreResult;
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Core {
    pub async fn change_password(
        &self,
        staff_id: &str,
        hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        let ended =
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND ($2 IS NULL OR id <> $3)")
                .bind(staff_id)
                .bind(keep)
                .bind(keep)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        tx.commit().await?;
        Ok(ended)
    }

    pub async fn set_staff_disabled(
        &self,
        organisation_id: &str,
        staff_id: &str,
        disabled: bool,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE staff SET disabled_at = CASE WHEN $1 THEN COALESCE(disabled_at, $2) ELSE NULL END
             WHERE id = $3 AND organisation_id = $4",
        )
        .bind(disabled)
        .bind(Utc::now())
        .bind(staff_id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM password_resets WHERE staff_id = $1 AND used_at IS NULL")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn create_password_reset(
        &self,
        staff_id: &str,
        created_by: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM password_resets WHERE staff_id = $1 AND used_at IS NULL")
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, staff_id, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(created_by)
        .bind(Utc::now())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PasswordResetRow>> {
        let row = sqlx::query(
            "SELECT r.staff_id, r.expires_at FROM password_resets r JOIN staff s ON s.id = r.staff_id
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2
               AND s.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| -> StoreResult<_> {
            Ok(PasswordResetRow {
                staff_id: r.try_get("staff_id")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE password_resets SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3
               AND staff_id IN (SELECT id FROM staff WHERE disabled_at IS NULL)
             RETURNING staff_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let staff_id: String = row.try_get("staff_id")?;
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(&staff_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(&staff_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(staff_id))
    }

    pub async fn reset_two_factor(
        &self,
        organisation_id: &str,
        staff_id: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE staff SET totp_secret = NULL, totp_last_step = NULL
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(staff_id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
