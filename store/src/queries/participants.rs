//! The statements of `participants.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::participants::*;
use crate::{StoreError, StoreResult};
use chrono::{NaiveDate, Utc};
use sqlx::Row;
use stegvis_domain::schedule::Window;

impl Core {
    pub async fn register_participant(&self, new: &NewParticipant<'_>) -> StoreResult<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO participants
               (id, code, intake_date, created_at, programme_id, organisation_id, case_manager_id,
                gender, birth_year, municipality, referral, protected_identity,
                consent_at, consent_by, consent_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(new.code)
        .bind(new.start_date)
        .bind(now)
        .bind(new.programme_id)
        .bind(new.organisation_id)
        .bind(new.case_manager_id)
        .bind(new.gender)
        .bind(new.birth_year.map(i64::from))
        .bind(new.municipality)
        .bind(new.referral)
        .bind(new.protected_identity)
        .bind(new.consent.as_ref().map(|c| c.at))
        .bind(new.consent.as_ref().map(|c| c.by.as_str()))
        .bind(new.consent.as_ref().map(|c| c.version.as_str()))
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::CodeTaken);
            }
        }
        inserted?;
        if let Some(pnr) = new.personnummer {
            if new.protected_identity {
                return Err(StoreError::Refused(
                    "a personnummer for a protected identity".into(),
                ));
            }
            sqlx::query(
                "INSERT INTO participant_identities
                   (participant_id, personnummer, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(
                self.keys()?
                    .seal(&crate::secrets::personnummer_context(&id), pnr),
            )
            .bind(new.case_manager_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn participant_in(
        &self,
        organisation_id: &str,
        participant_id: &str,
    ) -> StoreResult<Option<ParticipantDetail>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DETAIL_SELECT} WHERE p.organisation_id = $1 AND p.id = $2"
        )))
        .bind(organisation_id)
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(detail_from_row).transpose()
    }

    pub async fn personnummer(&self, participant_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT personnummer FROM participant_identities WHERE participant_id = $1",
        )
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let sealed: String = r.try_get("personnummer")?;
            crate::secrets::open(
                self.keys()?,
                &crate::secrets::personnummer_context(participant_id),
                &sealed,
            )
            .map(|p| p.to_string())
        })
        .transpose()
    }

    pub async fn caseload(
        &self,
        organisation_id: &str,
        case_manager_id: Option<&str>,
    ) -> StoreResult<Vec<CaseloadEntry>> {
        // Two plain reads side by side on two connections; no ORDER BY (the
        // caller sorts by what is due, which the database does not know).
        let people = sqlx::query(
            "SELECT p.id, p.code, p.programme_id, g.name AS programme_name,
                    s.name AS case_manager_name, g.window_before_days, g.window_after_days,
                    p.intake_date, p.exit_date
             FROM participants p
             LEFT JOIN programmes g ON g.id = p.programme_id
             LEFT JOIN staff s ON s.id = p.case_manager_id
             WHERE p.organisation_id = $1 AND ($2 IS NULL OR p.case_manager_id = $2)",
        )
        .bind(organisation_id)
        .bind(case_manager_id)
        .fetch_all(&self.pool);
        let check_ins = sqlx::query(
            "SELECT c.participant_id, c.occasion_kind, c.occasion_number, c.submitted_at
             FROM check_ins c JOIN participants p ON p.id = c.participant_id
             WHERE p.organisation_id = $1 AND ($2 IS NULL OR p.case_manager_id = $2)",
        )
        .bind(organisation_id)
        .bind(case_manager_id)
        .fetch_all(&self.pool);
        let (people, check_ins) = futures_util::future::try_join(people, check_ins).await?;
        let mut entries = people
            .iter()
            .map(|r| {
                Ok(CaseloadEntry {
                    id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    programme_id: r.try_get("programme_id")?,
                    programme_name: r.try_get("programme_name")?,
                    case_manager_name: r.try_get("case_manager_name")?,
                    window: crate::window_from_row(r)?,
                    start_date: r.try_get("intake_date")?,
                    exit_date: r.try_get("exit_date")?,
                    answered: Vec::new(),
                    last_check_in: None,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        entries.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        for r in &check_ins {
            let participant: &str = r.try_get("participant_id")?;
            // Registered between the two reads: the next request has them.
            let Ok(at) = entries.binary_search_by(|e| e.id.as_str().cmp(participant)) else {
                continue;
            };
            let occasion = crate::occasion_from_row(r)?;
            let submitted_at: chrono::DateTime<Utc> = r.try_get("submitted_at")?;
            let entry = &mut entries[at];
            entry.answered.push((occasion.kind, occasion.number));
            entry.last_check_in = entry.last_check_in.max(Some(submitted_at));
        }
        Ok(entries)
    }

    pub async fn check_ins_of(&self, participant_id: &str) -> StoreResult<Vec<ParticipantCheckIn>> {
        let rows = sqlx::query(
            "SELECT c.submission_id, c.occasion_kind, c.occasion_number, c.submitted_at,
                    c.instrument_version, c.language, s.name AS assisted_by
             FROM check_ins c LEFT JOIN staff s ON s.id = c.assisted_by
             WHERE c.participant_id = $1 ORDER BY c.submitted_at",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_in_from_row).collect()
    }

    pub async fn record_exit(
        &self,
        organisation_id: &str,
        participant_id: &str,
        exit_date: NaiveDate,
        outcome: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE participants SET exit_date = $1, exit_outcome = $2
             WHERE id = $3 AND organisation_id = $4",
        )
        .bind(exit_date)
        .bind(outcome)
        .bind(participant_id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn create_programme_in(
        &self,
        organisation_id: &str,
        name: &str,
        window: Window,
    ) -> StoreResult<crate::ProgrammeRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO programmes
               (id, name, window_before_days, window_after_days, created_at, organisation_id)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(i64::from(window.before_days))
        .bind(i64::from(window.after_days))
        .bind(Utc::now())
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(crate::ProgrammeRow {
            id,
            name: name.to_owned(),
            window,
        })
    }

    pub async fn programmes(&self, organisation_id: &str) -> StoreResult<Vec<ProgrammeSummary>> {
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.window_before_days, g.window_after_days,
                    (SELECT COUNT(*) FROM participants p WHERE p.programme_id = g.id) AS participants
             FROM programmes g WHERE g.organisation_id = $1 ORDER BY g.name",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProgrammeSummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    window: crate::window_from_row(r)?.unwrap_or_default(),
                    participants: r.try_get("participants")?,
                })
            })
            .collect()
    }

    pub async fn participants_by_gender(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT COALESCE(gender, '') AS gender, COUNT(*) AS n FROM participants
             WHERE organisation_id = $1 GROUP BY COALESCE(gender, '') ORDER BY gender",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("gender")?, r.try_get("n")?)))
            .collect()
    }
}
