//! The statements of `lifecycle.rs`, compiled once per engine (see engine/mod.rs).

use super::{Core, Db};
use crate::lifecycle::*;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Transaction};
use stegvis_domain::retention::{RecordDates, RetentionPolicy};

impl Core {
    pub async fn lifecycle_settings(
        &self,
        organisation_id: &str,
    ) -> StoreResult<LifecycleSettings> {
        let row = sqlx::query(
            "SELECT retention_months_after_exit, retention_months_inactive,
                    withdrawal_keeps_answers
             FROM organisations WHERE id = $1",
        )
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::Corrupt("unknown organisation".into()))?;
        Ok(LifecycleSettings {
            retention: RetentionPolicy {
                months_after_exit: crate::to_u32(row.try_get("retention_months_after_exit")?)?,
                months_inactive: crate::to_u32(row.try_get("retention_months_inactive")?)?,
            },
            withdrawal_keeps_answers: row.try_get("withdrawal_keeps_answers")?,
        })
    }

    pub async fn update_lifecycle_settings(
        &self,
        organisation_id: &str,
        settings: &LifecycleSettings,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE organisations SET retention_months_after_exit = $1,
                    retention_months_inactive = $2, withdrawal_keeps_answers = $3
             WHERE id = $4",
        )
        .bind(i64::from(settings.retention.months_after_exit))
        .bind(i64::from(settings.retention.months_inactive))
        .bind(settings.withdrawal_keeps_answers)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn withdrawal(&self, participant_id: &str) -> StoreResult<Option<Withdrawal>> {
        let row = sqlx::query(
            "SELECT withdrawn_at, withdrawn_how FROM participants
             WHERE id = $1 AND withdrawn_at IS NOT NULL",
        )
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let how: Option<String> = r.try_get("withdrawn_how")?;
            Ok(Withdrawal {
                on: r.try_get("withdrawn_at")?,
                how: how
                    .as_deref()
                    .and_then(WithdrawalHow::from_code)
                    .ok_or_else(|| StoreError::Corrupt(format!("withdrawn_how {how:?}")))?,
            })
        })
        .transpose()
    }

    pub async fn withdraw_consent(
        &self,
        organisation_id: &str,
        participant_id: &str,
        on: NaiveDate,
        how: WithdrawalHow,
        by: &str,
        keep_answers: bool,
    ) -> StoreResult<WithdrawalOutcome> {
        let mut tx = self.begin_write().await?;
        let exists = participant_in(&mut tx, organisation_id, participant_id).await?;
        if !exists {
            return Ok(WithdrawalOutcome::NotFound);
        }
        // A check-in or draft being stored for them finishes first, or waits.
        super::lock_keys(&mut tx, &[participant_id]).await?;
        if !keep_answers {
            erase_in(&mut tx, participant_id).await?;
            tx.commit().await?;
            return Ok(WithdrawalOutcome::Erased);
        }
        for table in [
            "check_in_drafts",
            "stuck_check_ins",
            "participant_devices",
            "access_codes",
            "participant_identities",
            "erasure_requests",
            "sessions",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE participant_id = $1"
            )))
            .bind(participant_id)
            .execute(&mut *tx)
            .await?;
        }
        // A new code, so a printed sheet or a note with the old one no longer
        // leads to these answers.
        let mut attempts = 0;
        loop {
            let updated = sqlx::query(
                "UPDATE participants SET code = $1, withdrawn_at = $2, withdrawn_how = $3,
                        withdrawn_by = $4
                 WHERE id = $5",
            )
            .bind(crate::ids::participant_code())
            .bind(on)
            .bind(how.code())
            .bind(by)
            .bind(participant_id)
            .execute(&mut *tx)
            .await;
            match updated {
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() && attempts < 5 => {
                    attempts += 1;
                }
                other => {
                    other?;
                    break;
                }
            }
        }
        tx.commit().await?;
        Ok(WithdrawalOutcome::Pseudonymised)
    }

    pub async fn erase_participant(
        &self,
        organisation_id: &str,
        participant_id: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let exists = participant_in(&mut tx, organisation_id, participant_id).await?;
        if !exists {
            return Ok(false);
        }
        let erased = erase_in(&mut tx, participant_id).await?;
        tx.commit().await?;
        Ok(erased)
    }

    pub async fn request_erasure(
        &self,
        organisation_id: &str,
        participant_id: &str,
        reason: &str,
        requested_by: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO erasure_requests
               (id, organisation_id, participant_id, reason, requested_by, requested_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (participant_id) DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(organisation_id)
        .bind(participant_id)
        .bind(reason)
        .bind(requested_by)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn erasure_requests(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<ErasureRequest>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REQUEST_SELECT} WHERE e.organisation_id = $1 ORDER BY e.requested_at, e.id"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(request_from_row).collect()
    }

    pub async fn erasure_request_for(
        &self,
        participant_id: &str,
    ) -> StoreResult<Option<ErasureRequest>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REQUEST_SELECT} WHERE e.participant_id = $1"
        )))
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(request_from_row).transpose()
    }

    pub async fn cancel_erasure(
        &self,
        organisation_id: &str,
        request_id: &str,
    ) -> StoreResult<Option<ErasureRequest>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REQUEST_SELECT} WHERE e.organisation_id = $1 AND e.id = $2"
        )))
        .bind(organisation_id)
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(request) = row.as_ref().map(request_from_row).transpose()? else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM erasure_requests WHERE id = $1")
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(request))
    }

    pub async fn confirm_erasure(
        &self,
        organisation_id: &str,
        request_id: &str,
        admin_id: &str,
    ) -> StoreResult<ErasureDecision> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REQUEST_SELECT} WHERE e.organisation_id = $1 AND e.id = $2"
        )))
        .bind(organisation_id)
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(request) = row.as_ref().map(request_from_row).transpose()? else {
            return Ok(ErasureDecision::NotFound);
        };
        if request.requested_by == admin_id {
            return Ok(ErasureDecision::SamePerson);
        }
        erase_in(&mut tx, &request.participant_id).await?;
        tx.commit().await?;
        Ok(ErasureDecision::Erased(request))
    }

    pub async fn retention_due(
        &self,
        organisation_id: Option<&str>,
        today: NaiveDate,
    ) -> StoreResult<Vec<RetentionCandidate>> {
        let rows = sqlx::query(
            "SELECT p.id, p.code, p.organisation_id, p.intake_date, p.exit_date,
                    o.retention_months_after_exit, o.retention_months_inactive,
                    (SELECT MAX(c.submitted_at) FROM check_ins c
                      WHERE c.participant_id = p.id) AS last_check_in
             FROM participants p JOIN organisations o ON o.id = p.organisation_id
             WHERE ($1 IS NULL OR p.organisation_id = $1)
             ORDER BY p.organisation_id, p.code",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::new();
        for r in &rows {
            let policy = RetentionPolicy {
                months_after_exit: crate::to_u32(r.try_get("retention_months_after_exit")?)?,
                months_inactive: crate::to_u32(r.try_get("retention_months_inactive")?)?,
            };
            let last: Option<DateTime<Utc>> = r.try_get("last_check_in")?;
            let dates = RecordDates {
                intake: r.try_get("intake_date")?,
                exit: r.try_get("exit_date")?,
                last_check_in: last.map(|t| t.date_naive()),
            };
            let (due_from, reason) = policy.erase_from(dates);
            if today >= due_from {
                due.push(RetentionCandidate {
                    participant_id: r.try_get("id")?,
                    participant_code: r.try_get("code")?,
                    organisation_id: r.try_get("organisation_id")?,
                    reason,
                    due_from,
                });
            }
        }
        Ok(due)
    }

    pub async fn prune(
        &self,
        now: DateTime<Utc>,
        attempts_before: DateTime<Utc>,
    ) -> StoreResult<PruneReport> {
        let sessions = self.delete_expired_sessions(now.timestamp()).await?;
        let failed_attempts = sqlx::query("DELETE FROM failed_attempts WHERE at < $1")
            .bind(attempts_before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let access_codes = sqlx::query(
            "DELETE FROM access_codes
             WHERE redeemed_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= $1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(PruneReport {
            sessions,
            failed_attempts,
            access_codes,
        })
    }
}

/// Deletes every row about one participant, inside `tx`. Returns whether the
/// participant existed.
async fn erase_in(tx: &mut Transaction<'static, Db>, participant_id: &str) -> StoreResult<bool> {
    // A check-in being stored for them finishes first, or waits for this.
    super::lock_keys(tx, &[participant_id]).await?;
    sqlx::query(
        "DELETE FROM answers WHERE submission_id IN
           (SELECT submission_id FROM check_ins WHERE participant_id = $1)",
    )
    .bind(participant_id)
    .execute(&mut **tx)
    .await?;
    for table in [
        "check_ins",
        "check_in_drafts",
        "staff_ratings",
        "stuck_check_ins",
        "participant_devices",
        "access_codes",
        "participant_identities",
        "erasure_requests",
        "sessions",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE participant_id = $1"
        )))
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE audit_log SET participant_id = NULL WHERE participant_id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query("DELETE FROM participants WHERE id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the participant exists in the organisation, read inside the
/// write that acts on them, so a withdrawal or erasure never acts on
/// another organisation's participant.
async fn participant_in(
    tx: &mut sqlx::Transaction<'static, Db>,
    organisation_id: &str,
    participant_id: &str,
) -> StoreResult<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM participants WHERE id = $1 AND organisation_id = $2")
            .bind(participant_id)
            .bind(organisation_id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}
