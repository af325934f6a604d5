//! The statements of `access.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::access::*;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Core {
    pub async fn issue_access_code(
        &self,
        participant_id: &str,
        code: &str,
        created_by: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<AccessCodeRow> {
        let now = Utc::now();
        let code_hash = self.keys()?.code_hash(code);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE access_codes SET revoked_at = $1
             WHERE participant_id = $2 AND revoked_at IS NULL AND redeemed_at IS NULL",
        )
        .bind(now)
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO access_codes (code_hash, participant_id, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&code_hash)
        .bind(participant_id)
        .bind(created_by)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::CodeTaken);
            }
        }
        inserted?;
        tx.commit().await?;
        Ok(AccessCodeRow {
            code_hash,
            participant_id: participant_id.to_owned(),
            created_at: now,
            expires_at,
            revoked_at: None,
            redeemed_at: None,
        })
    }

    pub async fn access_code(&self, code: &str) -> StoreResult<Option<AccessCodeRow>> {
        for code_hash in self.keys()?.code_hashes(code) {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CODE_COLUMNS} FROM access_codes WHERE code_hash = $1"
            )))
            .bind(&code_hash)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                return Ok(Some(code_from_row(&row)?));
            }
        }
        Ok(None)
    }

    pub async fn usable_access_code(
        &self,
        participant_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AccessCodeRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CODE_COLUMNS} FROM access_codes
             WHERE participant_id = $1 AND revoked_at IS NULL AND redeemed_at IS NULL
               AND expires_at > $2
             ORDER BY created_at DESC LIMIT 1"
        )))
        .bind(participant_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(code_from_row).transpose()
    }

    pub async fn revoke_access(&self, participant_id: &str) -> StoreResult<()> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE access_codes SET revoked_at = $1
             WHERE participant_id = $2 AND revoked_at IS NULL AND redeemed_at IS NULL",
        )
        .bind(now)
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE participant_devices SET revoked_at = $1
             WHERE participant_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn connect_device(
        &self,
        code_hash: &str,
        token_hash: &str,
        pin_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(String, String)>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE access_codes SET redeemed_at = $1
             WHERE code_hash = $2 AND revoked_at IS NULL AND redeemed_at IS NULL AND expires_at > $3
             RETURNING participant_id",
        )
        .bind(now)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let participant_id: String = row.try_get("participant_id")?;
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO participant_devices
               (id, participant_id, token_hash, pin_hash, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&participant_id)
        .bind(token_hash)
        .bind(pin_hash)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((id, participant_id)))
    }

    pub async fn device(&self, token_hash: &str) -> StoreResult<Option<DeviceRow>> {
        let row = sqlx::query(
            "SELECT id, participant_id, pin_hash, pin_failures, locked_at, revoked_at
             FROM participant_devices WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let locked: Option<DateTime<Utc>> = r.try_get("locked_at")?;
            let revoked: Option<DateTime<Utc>> = r.try_get("revoked_at")?;
            Ok(DeviceRow {
                id: r.try_get("id")?,
                participant_id: r.try_get("participant_id")?,
                pin_hash: r.try_get("pin_hash")?,
                pin_failures: crate::to_u32(r.try_get("pin_failures")?)?,
                locked: locked.is_some(),
                revoked: revoked.is_some(),
            })
        })
        .transpose()
    }

    pub async fn active_devices(&self, participant_id: &str) -> StoreResult<i64> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM participant_devices
             WHERE participant_id = $1 AND revoked_at IS NULL AND locked_at IS NULL",
        )
        .bind(participant_id)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?)
    }
}
