//! The statements of `statistics.rs`, compiled once per engine (see engine/mod.rs).

use super::{Core, Db};
use crate::statistics::*;
use crate::StoreResult;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::Row;
use std::collections::HashMap;
use stegvis_domain::stats::{CheckInScores, ItemIndex, Respondent};

impl Core {
    pub async fn respondents(
        &self,
        organisation_id: &str,
        index: &ItemIndex,
    ) -> StoreResult<Vec<Respondent>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{} ORDER BY p.id",
            crate::respondents::PARTICIPANTS_SELECT
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut respondents = Vec::with_capacity(rows.len());
        let mut position: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        for r in &rows {
            position.insert(r.try_get(0)?, respondents.len());
            respondents.push(super::respondents::respondent_from_row(r)?);
        }
        let mut answers = sqlx::query(
            "SELECT c.participant_id, c.submission_id, c.occasion_kind, c.occasion_number,
                    c.submitted_at, a.item_id, a.score
             FROM check_ins c
             JOIN participants p ON p.id = c.participant_id
             JOIN answers a ON a.submission_id = c.submission_id
             WHERE p.organisation_id = $1
             ORDER BY c.participant_id, c.submission_id",
        )
        .bind(organisation_id)
        .fetch(&self.pool);
        let width = index.items().len();
        let mut current: Option<String> = None;
        while let Some(r) = answers.try_next().await? {
            let submission: String = r.try_get("submission_id")?;
            let participant: String = r.try_get("participant_id")?;
            let Some(&at) = position.get(&participant) else {
                continue;
            };
            if current.as_deref() != Some(submission.as_str()) {
                let submitted: DateTime<Utc> = r.try_get("submitted_at")?;
                let occasion = crate::occasion_from_row(&r)?;
                respondents[at].check_ins.push(CheckInScores {
                    kind: occasion.kind,
                    number: occasion.number,
                    date: submitted.date_naive(),
                    scores: vec![None; width],
                });
                current = Some(submission);
            }
            let item: String = r.try_get("item_id")?;
            if let (Some(p), Some(last)) =
                (index.position(&item), respondents[at].check_ins.last_mut())
            {
                last.scores[p] = r
                    .try_get::<Option<i64>, _>("score")?
                    .and_then(|s| i32::try_from(s).ok());
            }
        }
        Ok(respondents)
    }

    /// Every stored answer of an organisation, in participant and check-in
    /// order, read row by row: memory stays flat however many answers there
    /// are.
    pub fn answer_stream<'a>(
        &'a self,
        organisation_id: &str,
    ) -> futures_util::stream::BoxStream<'a, StoreResult<AnswerRecord>> {
        use futures_util::StreamExt;
        sqlx::query(
            "SELECT p.id AS participant_id, p.gender, p.birth_year, p.municipality, p.referral,
                    p.consent_at, p.programme_id, g.name AS programme, p.intake_date,
                    c.occasion_kind, c.occasion_number, c.submitted_at, c.instrument_version,
                    a.item_id, a.value, a.score, a.declined
             FROM participants p
             LEFT JOIN programmes g ON g.id = p.programme_id
             JOIN check_ins c ON c.participant_id = p.id
             JOIN answers a ON a.submission_id = c.submission_id
             WHERE p.organisation_id = $1
             ORDER BY p.id, c.submitted_at, c.submission_id, a.position",
        )
        .bind(organisation_id.to_owned())
        .fetch(&self.pool)
        .map(|row| {
            let r = row?;
            let c = check_in_record(&r)?;
            Ok(AnswerRecord {
                participant_id: c.participant_id,
                gender: c.gender,
                birth_year: c.birth_year,
                municipality: c.municipality,
                referral: c.referral,
                anonymous: c.anonymous,
                programme_id: c.programme_id,
                programme: c.programme,
                start_date: c.start_date,
                occasion_kind: c.occasion_kind,
                occasion_number: c.occasion_number,
                submitted_at: c.submitted_at,
                instrument_version: c.instrument_version,
                item_id: r.try_get("item_id")?,
                value: r.try_get("value")?,
                score: r
                    .try_get::<Option<i64>, _>("score")?
                    .and_then(|s| i32::try_from(s).ok()),
                declined: r.try_get("declined")?,
            })
        })
        .boxed()
    }

    pub async fn export_check_ins(&self, organisation_id: &str) -> StoreResult<Vec<CheckInRecord>> {
        let rows = sqlx::query(
            "SELECT p.id AS participant_id, p.gender, p.birth_year, p.municipality, p.referral,
                    p.consent_at, p.programme_id, g.name AS programme, p.intake_date,
                    c.occasion_kind, c.occasion_number, c.submitted_at, c.instrument_version
             FROM participants p
             LEFT JOIN programmes g ON g.id = p.programme_id
             JOIN check_ins c ON c.participant_id = p.id
             WHERE p.organisation_id = $1
               AND EXISTS (SELECT 1 FROM answers a WHERE a.submission_id = c.submission_id)
             ORDER BY p.id, c.submitted_at",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_in_record).collect()
    }

    pub async fn municipality_counts(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT municipality, COUNT(*) AS n FROM participants
             WHERE organisation_id = $1 AND municipality IS NOT NULL
             GROUP BY municipality ORDER BY municipality",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("municipality")?, r.try_get("n")?)))
            .collect()
    }
}

/// A check-in with its participant's facts, from a row of either export
/// query (the answer query has these columns too).
fn check_in_record(r: &<Db as sqlx::Database>::Row) -> StoreResult<CheckInRecord> {
    let occasion = crate::occasion_from_row(r)?;
    let consent: Option<DateTime<Utc>> = r.try_get("consent_at")?;
    Ok(CheckInRecord {
        participant_id: r.try_get("participant_id")?,
        gender: r.try_get("gender")?,
        birth_year: crate::birth_year_from_row(r)?,
        municipality: r.try_get("municipality")?,
        referral: r.try_get("referral")?,
        anonymous: consent.is_none(),
        programme_id: r.try_get("programme_id")?,
        programme: r.try_get("programme")?,
        start_date: r.try_get("intake_date")?,
        occasion_kind: occasion.kind,
        occasion_number: occasion.number,
        submitted_at: r.try_get("submitted_at")?,
        instrument_version: r.try_get("instrument_version")?,
    })
}
