//! The statements of `attempts.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::attempts::*;
use crate::StoreResult;
use chrono::{DateTime, Utc};
use sqlx::Row;
use stegvis_domain::throttle::Throttle;

impl Core {
    pub async fn reserve_attempt(
        &self,
        limits: &[AttemptLimit<'_>],
        now: DateTime<Utc>,
    ) -> StoreResult<Reservation> {
        let mut tx = self.begin_write().await?;
        // The time is taken again once the lock is held: an attempt that
        // waited for it must not treat the failures recorded meanwhile as
        // lying in its future (which the policy ignores).
        let now = now.max(Utc::now());
        let mut locked_until: Option<DateTime<Utc>> = None;
        for limit in limits {
            let rows = sqlx::query(
                "SELECT at FROM failed_attempts WHERE kind = $1 AND key = $2 AND at >= $3 ORDER BY at",
            )
            .bind(limit.kind.code())
            .bind(limit.key)
            .bind(now - limit.policy.lookback())
            .fetch_all(&mut *tx)
            .await?;
            let failures: Vec<DateTime<Utc>> = rows
                .iter()
                .map(|r| r.try_get("at"))
                .collect::<Result<_, _>>()?;
            if let Throttle::Locked { until } = limit.policy.decide(&failures, now) {
                locked_until = Some(locked_until.map_or(until, |u| u.max(until)));
            }
        }
        if let Some(until) = locked_until {
            tx.rollback().await?;
            return Ok(Reservation::Locked { until });
        }
        let attempt = uuid::Uuid::new_v4().to_string();
        for limit in limits {
            sqlx::query(
                "INSERT INTO failed_attempts (kind, key, at, attempt_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(limit.kind.code())
            .bind(limit.key)
            .bind(now)
            .bind(&attempt)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Reservation::Allowed { attempt })
    }

    pub async fn release_attempt(&self, attempt: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM failed_attempts WHERE attempt_id = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn reserve_pin_attempt(
        &self,
        device_id: &str,
        max_failures: u32,
    ) -> StoreResult<Option<u32>> {
        let row = sqlx::query(
            "UPDATE participant_devices SET pin_failures = pin_failures + 1
             WHERE id = $1 AND pin_failures < $2 AND locked_at IS NULL AND revoked_at IS NULL
             RETURNING pin_failures",
        )
        .bind(device_id)
        .bind(i64::from(max_failures))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| crate::to_u32(r.try_get("pin_failures")?))
            .transpose()
    }

    pub async fn record_pin_failure(&self, device_id: &str, max_failures: u32) -> StoreResult<u32> {
        let row = sqlx::query(
            "UPDATE participant_devices
             SET locked_at = CASE WHEN pin_failures >= $1 THEN COALESCE(locked_at, $2) ELSE locked_at END
             WHERE id = $3 RETURNING pin_failures",
        )
        .bind(i64::from(max_failures))
        .bind(Utc::now())
        .bind(device_id)
        .fetch_one(&self.pool)
        .await?;
        crate::to_u32(row.try_get("pin_failures")?)
    }

    pub async fn record_pin_success(&self, device_id: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE participant_devices SET pin_failures = 0, locked_at = NULL, last_seen_at = $1
             WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(Utc::now())
        .bind(device_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
