//! Instruments, participants' drafts and check-ins: the check-in flow's statements,
//! compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::{
    count, occasion_from_row, unique_as_taken, window_from_row, CheckInSummary, DraftRow,
    NewCheckIn, OccasionRef, ParticipantRow, ProgrammeRow, StoreError, StoreOutcome, StoreResult,
    StoredAnswer,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::schedule::Window;

impl Core {
    pub async fn register_instrument(
        &self,
        instrument: &Instrument,
        source: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO instrument_versions (version, instrument_id, hash, source, loaded_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING",
        )
        .bind(instrument.version())
        .bind(&instrument.id)
        .bind(&instrument.hash)
        .bind(source)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn instrument_source(&self, version: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT source FROM instrument_versions WHERE version = $1")
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("source")).transpose()?)
    }

    pub async fn instrument_versions(&self) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT version, loaded_at FROM instrument_versions ORDER BY loaded_at DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("version")?, r.try_get("loaded_at")?)))
            .collect()
    }

    pub async fn create_participant(
        &self,
        code: &str,
        intake_date: NaiveDate,
    ) -> StoreResult<ParticipantRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO participants (id, code, intake_date, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(code)
        .bind(intake_date)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(ParticipantRow {
            id,
            code: code.to_owned(),
            organisation_id: None,
            intake_date,
            exit_date: None,
            window: None,
        })
    }

    pub async fn create_programme(&self, name: &str, window: Window) -> StoreResult<ProgrammeRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO programmes (id, name, window_before_days, window_after_days, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(i64::from(window.before_days))
        .bind(i64::from(window.after_days))
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(ProgrammeRow {
            id,
            name: name.to_owned(),
            window,
        })
    }

    pub async fn assign_programme(
        &self,
        participant_id: &str,
        programme_id: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE participants SET programme_id = $1 WHERE id = $2")
            .bind(programme_id)
            .bind(participant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_exit_date(
        &self,
        participant_id: &str,
        exit_date: NaiveDate,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE participants SET exit_date = $1 WHERE id = $2")
            .bind(exit_date)
            .bind(participant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn participant_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM participants")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    pub async fn participant(&self, id: &str) -> StoreResult<Option<ParticipantRow>> {
        let row = sqlx::query(
            "SELECT p.id, p.code, p.organisation_id, p.intake_date, p.exit_date,
                    g.window_before_days, g.window_after_days
             FROM participants p LEFT JOIN programmes g ON g.id = p.programme_id
             WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ParticipantRow {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                organisation_id: r.try_get("organisation_id")?,
                intake_date: r.try_get("intake_date")?,
                exit_date: r.try_get("exit_date")?,
                window: window_from_row(&r)?,
            })
        })
        .transpose()
    }

    pub async fn answered_occasions(&self, participant_id: &str) -> StoreResult<Vec<OccasionRef>> {
        let rows = sqlx::query(
            "SELECT occasion_kind, occasion_number FROM check_ins WHERE participant_id = $1",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(occasion_from_row).collect()
    }

    pub async fn draft(
        &self,
        participant_id: &str,
        occasion: OccasionRef,
    ) -> StoreResult<Option<DraftRow>> {
        let row = sqlx::query(
            "SELECT submission_id, occasion_kind, occasion_number, instrument_version, language, answers
             FROM check_in_drafts
             WHERE participant_id = $1 AND occasion_kind = $2 AND occasion_number = $3",
        )
        .bind(participant_id)
        .bind(occasion.kind.as_str())
        .bind(i64::from(occasion.number))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let answers: String = r.try_get("answers")?;
            Ok(DraftRow {
                submission_id: r.try_get("submission_id")?,
                occasion: occasion_from_row(&r)?,
                instrument_version: r.try_get("instrument_version")?,
                language: r.try_get("language")?,
                answers: serde_json::from_str(&answers)
                    .map_err(|e| StoreError::Corrupt(format!("draft answers: {e}")))?,
            })
        })
        .transpose()
    }

    pub async fn save_draft(&self, participant_id: &str, draft: &DraftRow) -> StoreResult<()> {
        let answers = serde_json::to_string(&draft.answers)
            .map_err(|e| StoreError::Corrupt(format!("draft answers: {e}")))?;
        // Reads before it writes: the participant's and the submission id's
        // write turns are held from the start.
        let mut tx = self
            .begin_write_for(&[participant_id, &draft.submission_id])
            .await?;
        let held_elsewhere = sqlx::query(
            "SELECT 1 FROM check_ins WHERE submission_id = $1
             UNION ALL
             SELECT 1 FROM check_in_drafts
             WHERE submission_id = $2
               AND NOT (participant_id = $3 AND occasion_kind = $4 AND occasion_number = $5)",
        )
        .bind(&draft.submission_id)
        .bind(&draft.submission_id)
        .bind(participant_id)
        .bind(draft.occasion.kind.as_str())
        .bind(i64::from(draft.occasion.number))
        .fetch_optional(&mut *tx)
        .await?;
        if held_elsewhere.is_some() {
            return Err(StoreError::SubmissionIdTaken);
        }
        let saved = sqlx::query(
            "INSERT INTO check_in_drafts
               (participant_id, occasion_kind, occasion_number, submission_id, instrument_version,
                language, answers, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (participant_id, occasion_kind, occasion_number) DO UPDATE SET
               submission_id = excluded.submission_id,
               instrument_version = excluded.instrument_version,
               language = excluded.language,
               answers = excluded.answers,
               updated_at = excluded.updated_at",
        )
        .bind(participant_id)
        .bind(draft.occasion.kind.as_str())
        .bind(i64::from(draft.occasion.number))
        .bind(&draft.submission_id)
        .bind(&draft.instrument_version)
        .bind(&draft.language)
        .bind(answers)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await;
        unique_as_taken(saved)?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn check_in_owner(&self, submission_id: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = $1")
            .bind(submission_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("participant_id")).transpose()?)
    }

    pub async fn store_check_in(&self, check_in: &NewCheckIn) -> StoreResult<StoreOutcome> {
        // Reads before it writes: the participant's and the submission id's
        // write turns are held from the start.
        let mut tx = self
            .begin_write_for(&[&check_in.participant_id, &check_in.submission_id])
            .await?;
        let existing = sqlx::query("SELECT participant_id FROM check_ins WHERE submission_id = $1")
            .bind(&check_in.submission_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            let owner: String = row.try_get("participant_id")?;
            return if owner == check_in.participant_id {
                Ok(StoreOutcome::AlreadyStored)
            } else {
                Err(StoreError::SubmissionIdTaken)
            };
        }
        // Another draft holding the id (another participant's, or another
        // occasion's) keeps it: sending that draft later must not meet this.
        let held_by_draft = sqlx::query(
            "SELECT 1 FROM check_in_drafts
             WHERE submission_id = $1
               AND NOT (participant_id = $2 AND occasion_kind = $3 AND occasion_number = $4)",
        )
        .bind(&check_in.submission_id)
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .fetch_optional(&mut *tx)
        .await?;
        if held_by_draft.is_some() {
            return Err(StoreError::SubmissionIdTaken);
        }
        let submitted_at = check_in.submitted_at.unwrap_or_else(Utc::now);
        let inserted = sqlx::query(
            "INSERT INTO check_ins
               (submission_id, participant_id, occasion_kind, occasion_number, instrument_version,
                language, submitted_at, assisted_by, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&check_in.submission_id)
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .bind(&check_in.instrument_version)
        .bind(&check_in.language)
        .bind(submitted_at)
        .bind(check_in.assisted_by.as_deref())
        .bind(check_in.answered_at.unwrap_or(submitted_at))
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::OccasionAlreadyAnswered);
            }
        }
        inserted?;
        for (position, answer) in (0_i64..).zip(&check_in.answers) {
            let (value, declined) = match &answer.value {
                AnswerValue::Option(code) => (Some(code.as_str()), false),
                AnswerValue::Declined => (None, true),
            };
            sqlx::query(
                "INSERT INTO answers (submission_id, item_id, value, declined, score, position)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&check_in.submission_id)
            .bind(&answer.item_id)
            .bind(value)
            .bind(declined)
            .bind(if declined { None } else { answer.score })
            .bind(position)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "DELETE FROM check_in_drafts
             WHERE participant_id = $1 AND occasion_kind = $2 AND occasion_number = $3",
        )
        .bind(&check_in.participant_id)
        .bind(check_in.occasion.kind.as_str())
        .bind(i64::from(check_in.occasion.number))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM stuck_check_ins WHERE submission_id = $1")
            .bind(&check_in.submission_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(StoreOutcome::Stored)
    }

    pub async fn recent_check_ins(&self, limit: u32) -> StoreResult<Vec<CheckInSummary>> {
        let rows = sqlx::query(
            "SELECT c.submission_id, p.code, c.occasion_kind, c.occasion_number,
                    c.instrument_version, c.language, c.submitted_at,
                    (SELECT COUNT(*) FROM answers a WHERE a.submission_id = c.submission_id) AS answers,
                    (SELECT COUNT(*) FROM answers a
                      WHERE a.submission_id = c.submission_id AND a.declined) AS declined
             FROM check_ins c JOIN participants p ON p.id = c.participant_id
             ORDER BY c.submitted_at DESC, c.submission_id
             LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CheckInSummary {
                    submission_id: r.try_get("submission_id")?,
                    participant_code: r.try_get("code")?,
                    occasion: occasion_from_row(r)?,
                    instrument_version: r.try_get("instrument_version")?,
                    language: r.try_get("language")?,
                    submitted_at: r.try_get("submitted_at")?,
                    answers: count(r, "answers")?,
                    declined: count(r, "declined")?,
                })
            })
            .collect()
    }

    pub async fn answers(&self, submission_id: &str) -> StoreResult<Vec<StoredAnswer>> {
        let rows = sqlx::query(
            "SELECT item_id, value, declined, score FROM answers WHERE submission_id = $1
             ORDER BY position",
        )
        .bind(submission_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let declined: bool = r.try_get("declined")?;
                let value: Option<String> = r.try_get("value")?;
                let value = match (declined, value) {
                    (true, _) => AnswerValue::Declined,
                    (false, Some(code)) => AnswerValue::Option(code),
                    (false, None) => {
                        return Err(StoreError::Corrupt("answer without a value".into()))
                    }
                };
                // Read as i64: PostgreSQL's column is BIGINT, which does not
                // decode as i32; a score out of range is corrupt data.
                let score: Option<i64> = r.try_get("score")?;
                Ok(StoredAnswer {
                    item_id: r.try_get("item_id")?,
                    value,
                    score: score
                        .map(i32::try_from)
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("answers.score: {e}")))?,
                })
            })
            .collect()
    }
}
