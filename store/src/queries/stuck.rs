//! The statements of `stuck.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::stuck::*;
use crate::StoreResult;
use chrono::Utc;
use sqlx::Row;

impl Core {
    pub async fn report_stuck_check_in(
        &self,
        participant_id: &str,
        submission_id: &str,
        status: u16,
        reason: &str,
    ) -> StoreResult<()> {
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO stuck_check_ins
               (submission_id, participant_id, status, reason, first_reported_at, last_reported_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (submission_id) DO UPDATE SET
               status = excluded.status,
               reason = excluded.reason,
               last_reported_at = excluded.last_reported_at,
               attempts = stuck_check_ins.attempts + 1
             WHERE stuck_check_ins.participant_id = excluded.participant_id",
        )
        .bind(submission_id)
        .bind(participant_id)
        .bind(i64::from(status))
        .bind(reason)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn stuck_check_ins(&self, participant_id: &str) -> StoreResult<Vec<StuckCheckIn>> {
        let rows = sqlx::query(
            "SELECT submission_id, status, reason, first_reported_at, last_reported_at, attempts
             FROM stuck_check_ins WHERE participant_id = $1
             ORDER BY last_reported_at DESC, submission_id",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StuckCheckIn {
                    submission_id: r.try_get("submission_id")?,
                    status: u16::try_from(r.try_get::<i64, _>("status")?).unwrap_or(0),
                    reason: r.try_get("reason")?,
                    first_reported_at: r.try_get("first_reported_at")?,
                    last_reported_at: r.try_get("last_reported_at")?,
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(0),
                })
            })
            .collect()
    }
}
