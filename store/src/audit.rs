//! The audit log: who opened or changed what about a participant, and when.
//! Written by the app every time staff read a participant's answers.

use crate::{Store, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// An audit record to write.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub organisation_id: &'a str,
    pub staff_id: Option<&'a str>,
    /// A short machine-readable verb, e.g. `read-answers`.
    pub action: &'a str,
    pub participant_id: Option<&'a str>,
    /// What exactly, e.g. which check-in.
    pub detail: &'a str,
}

/// An audit record as an admin reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub staff_name: Option<String>,
    pub action: String,
    pub participant_id: Option<String>,
    pub participant_code: Option<String>,
    pub detail: String,
}

impl Store {
    /// Writes one audit record.
    pub async fn audit(&self, entry: &NewAuditEntry<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (id, organisation_id, staff_id, at, action, participant_id, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(entry.organisation_id)
        .bind(entry.staff_id)
        .bind(Utc::now())
        .bind(entry.action)
        .bind(entry.participant_id)
        .bind(entry.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest audit records of an organisation, newest first.
    pub async fn audit_log(&self, organisation_id: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT a.at, s.name AS staff_name, a.action, a.participant_id, p.code, a.detail
             FROM audit_log a
             LEFT JOIN staff s ON s.id = a.staff_id
             LEFT JOIN participants p ON p.id = a.participant_id
             WHERE a.organisation_id = ?
             ORDER BY a.at DESC, a.id LIMIT ?",
        )
        .bind(organisation_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| AuditRow {
                at: r.get("at"),
                staff_name: r.get("staff_name"),
                action: r.get("action"),
                participant_id: r.get("participant_id"),
                participant_code: r.get("code"),
                detail: r.get("detail"),
            })
            .collect())
    }
}
