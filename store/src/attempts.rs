//! Lockouts that hold when many attempts arrive at once.
//!
//! Checking a password or PIN takes tens of milliseconds (argon2id, on
//! purpose). If the failures were counted first and recorded after the check,
//! every attempt that arrived during that time would see the same low count
//! and be checked: twenty parallel guesses all reached the password check
//! against a limit of five. So an attempt is *reserved* before anything is
//! checked: one write transaction (`BEGIN IMMEDIATE`, so attempts queue for
//! it) counts the earlier failures under the domain's policy and, if the
//! attempt is allowed, records it as a failure straight away. A successful
//! check removes that record again ([`Store::release_attempt`]); a failed
//! one leaves it. The n-th concurrent attempt therefore sees the n − 1 before
//! it, and no more than the limit are ever checked.
//!
//! Phones count wrong PINs on their own row instead (`pin_failures`), with the
//! same idea in one conditional `UPDATE … RETURNING`.

use crate::{AttemptKind, Store, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;
use stegvis_domain::throttle::{Throttle, ThrottlePolicy};

/// One count an attempt falls under: what, for which key, with which limit.
#[derive(Debug, Clone, Copy)]
pub struct AttemptLimit<'a> {
    pub kind: AttemptKind,
    /// An e-mail address, a network address, a staff id.
    pub key: &'a str,
    pub policy: ThrottlePolicy,
}

/// The answer to a reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Go ahead and check. The attempt is recorded as a failure under this id
    /// until [`Store::release_attempt`] is called with it.
    Allowed { attempt: String },
    /// Locked: refuse without checking anything, until then.
    Locked { until: DateTime<Utc> },
}

impl Store {
    /// Counts the recent failures under every limit and, when none of them
    /// is locked at `now`, records this attempt as a failure under each, all
    /// in one write transaction. When any is locked nothing is recorded
    /// (attempts refused during a lock do not extend it).
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

    /// The attempt succeeded: it no longer counts as a failure.
    pub async fn release_attempt(&self, attempt: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM failed_attempts WHERE attempt_id = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Reserves a PIN attempt on a phone: counts it among the phone's wrong
    /// PINs before the PIN is checked, unless the phone already has
    /// `max_failures` (or is locked or disconnected). Returns the count with
    /// this attempt, or `None` when the attempt must be refused unchecked.
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

    /// A reserved PIN attempt was wrong: the phone is locked for good when
    /// its count has reached `max_failures`. Returns the count.
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

    /// A reserved PIN attempt was right: the count starts over. A lock set
    /// meanwhile by another attempt reserved at the same time is lifted too,
    /// since this one was within the limit when it was reserved.
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
