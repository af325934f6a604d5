//! Phone access for participants: single-use access codes handed out by a case
//! manager, and the devices (phones) that redeemed one and hold a PIN.
//!
//! A code is stored only as a keyed hash ([`crate::Keyring::code_hash`]): the
//! code itself exists on the printed sheet and nowhere on the server, so a
//! database copy cannot connect a phone.

use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, Row};

/// An access code as stored: its keyed hash, never the code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessCodeRow {
    pub code_hash: String,
    pub participant_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub redeemed_at: Option<DateTime<Utc>>,
}

impl AccessCodeRow {
    /// Whether the code can still connect a phone at `now`.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.redeemed_at.is_none() && now < self.expires_at
    }
}

/// A connected phone. The PIN hash stays on the server.
#[derive(Clone)]
pub struct DeviceRow {
    pub id: String,
    pub participant_id: String,
    pub pin_hash: String,
    pub pin_failures: u32,
    pub locked: bool,
    pub revoked: bool,
}

impl std::fmt::Debug for DeviceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceRow")
            .field("id", &self.id)
            .field("participant_id", &self.participant_id)
            .field("pin_failures", &self.pin_failures)
            .field("locked", &self.locked)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

const CODE_COLUMNS: &str =
    "code_hash, participant_id, created_at, expires_at, revoked_at, redeemed_at";

/// An access code from a row with [`CODE_COLUMNS`], on any engine.
fn code_from_row<'r, R: Row>(r: &'r R) -> StoreResult<AccessCodeRow>
where
    AccessCodeRow: FromRow<'r, R>,
{
    Ok(AccessCodeRow::from_row(r)?)
}

impl Store {
    /// Issues a new access code for a participant; any earlier unused code of
    /// theirs is revoked, so only the newest sheet works. Only the code's
    /// keyed hash is stored. A code that happens to exist already is
    /// [`StoreError::CodeTaken`].
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

    /// An access code by its canonical form, found by its hash under the
    /// current key or any old key still configured (codes issued before a
    /// key rotation keep working until they expire).
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

    /// The participant's newest code that can still be used (its expiry is
    /// shown; the code itself cannot be read back).
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

    /// Revokes every unused code and disconnects every phone of a participant.
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

    /// Connects a phone: uses up the code (by the hash [`Store::access_code`]
    /// found; it must still be usable) and stores the device with its PIN
    /// hash, in one transaction. Returns the device id, or `None` when the
    /// code was used, revoked or expired meanwhile.
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

    /// A phone by the hash of its cookie token.
    pub async fn device(&self, token_hash: &str) -> StoreResult<Option<DeviceRow>> {
        let row = sqlx::query(
            "SELECT id, participant_id, pin_hash, pin_failures, locked_at, revoked_at
             FROM participant_devices WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let locked: Option<String> = r.try_get("locked_at")?;
            let revoked: Option<String> = r.try_get("revoked_at")?;
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

    /// How many phones a participant has connected and not been disconnected from.
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
