//! Check-ins a phone could not deliver: the server refused them (a 4xx other
//! than "sign in first"), the phone keeps the answers and asks the participant
//! to show their case manager, and the case manager's participant page lists
//! what the server saw here. A report goes away when the same submission is
//! later stored (see `store_check_in`).

use crate::{Store, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A refused check-in as the case manager sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckCheckIn {
    pub submission_id: String,
    /// The HTTP status the phone was answered with.
    pub status: u16,
    /// The message the phone was given.
    pub reason: String,
    pub first_reported_at: DateTime<Utc>,
    pub last_reported_at: DateTime<Utc>,
    /// How many times the phone tried.
    pub attempts: u32,
}

impl Store {
    /// Records (or counts again) a refused check-in of a participant. One row
    /// per submission, however often the phone retries.
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

    /// A participant's refused check-ins, newest first.
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
