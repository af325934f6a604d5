//! The statements of `respondents.rs`, compiled once per engine (see engine/mod.rs).

use super::{Core, Db};
use crate::respondents::*;
use crate::statistics::parse;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::Row;
use std::collections::HashMap;
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::participant::{ExitOutcome, Gender, Referral};
use stegvis_domain::stats::{CheckInScores, ItemIndex, Respondent};

impl Core {
    pub async fn statistics_version(
        &self,
        organisation_id: &str,
    ) -> StoreResult<StatisticsVersion> {
        let row = sqlx::query(
            "SELECT seq, epoch, pruned_through FROM statistics_versions WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => StatisticsVersion {
                seq: r.try_get(0)?,
                epoch: r.try_get(1)?,
                pruned_through: r.try_get(2)?,
            },
            None => StatisticsVersion::default(),
        })
    }

    pub async fn load_respondents(
        &self,
        organisation_id: &str,
        index: &ItemIndex,
    ) -> StoreResult<LoadedRespondents> {
        self.load_respondents_where(organisation_id, None, index)
            .await
    }

    pub(crate) async fn load_respondents_where(
        &self,
        organisation_id: &str,
        changed_since: Option<i64>,
        index: &ItemIndex,
    ) -> StoreResult<LoadedRespondents> {
        let filter = if changed_since.is_some() {
            CHANGED_ONLY
        } else {
            ""
        };
        // No ORDER BY: sorting in the database cost more than reading (a
        // temporary B-tree of every check-in); the order is made here.
        let participants_sql = format!("{PARTICIPANTS_SELECT}{filter}");
        let check_ins_sql = format!("{CHECK_INS_SELECT}{filter}");
        let mut people: Vec<(String, Respondent)> = Vec::new();
        {
            let mut query =
                sqlx::query(sqlx::AssertSqlSafe(participants_sql)).bind(organisation_id);
            if let Some(since) = changed_since {
                query = query.bind(since);
            }
            let mut rows = query.fetch(&self.pool);
            while let Some(r) = rows.try_next().await? {
                people.push((r.try_get(0)?, respondent_from_row(&r)?));
            }
        }
        people.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let (participant_ids, mut respondents): (Vec<String>, Vec<Respondent>) =
            people.into_iter().unzip();
        // (respondent, submission id, check-in): put in submission-id order
        // per respondent below, as the row-by-row reading has them.
        let mut check_ins: Vec<(usize, String, CheckInScores)> = Vec::new();
        {
            let position: HashMap<&str, usize> = participant_ids
                .iter()
                .enumerate()
                .map(|(at, id)| (id.as_str(), at))
                .collect();
            let mut query = sqlx::query(sqlx::AssertSqlSafe(check_ins_sql)).bind(organisation_id);
            if let Some(since) = changed_since {
                query = query.bind(since);
            }
            let mut rows = query.fetch(&self.pool);
            while let Some(r) = rows.try_next().await? {
                let participant: &str = r.try_get(0)?;
                // A participant added between the two reads: the next request has them.
                let Some(&at) = position.get(participant) else {
                    continue;
                };
                let kind: &str = r.try_get(1)?;
                let kind: OccasionKind =
                    kind.parse()
                        .map_err(|e: stegvis_domain::occasion::UnknownOccasion| {
                            StoreError::Corrupt(e.to_string())
                        })?;
                let number: i64 = r.try_get(2)?;
                let submitted: DateTime<Utc> = r.try_get(3)?;
                let scores: &str = r.try_get(4)?;
                check_ins.push((
                    at,
                    r.try_get(5)?,
                    CheckInScores {
                        kind,
                        number: u32::try_from(number)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        date: submitted.date_naive(),
                        scores: scores_from_compact(index, scores)?,
                    },
                ));
            }
        }
        check_ins.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (at, _, check_in) in check_ins {
            respondents[at].check_ins.push(check_in);
        }
        let loaded = LoadedRespondents {
            participant_ids,
            respondents,
        };
        Ok(loaded)
    }

    pub(crate) async fn changed_participants(
        &self,
        organisation_id: &str,
        since: i64,
    ) -> StoreResult<Vec<String>> {
        sqlx::query(
            "SELECT DISTINCT participant_id FROM statistics_changes
             WHERE organisation_id = $1 AND seq > $2",
        )
        .bind(organisation_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
    }

    pub async fn prune_statistics_changes(&self, keep: i64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE statistics_versions SET pruned_through = seq - $1
             WHERE seq - $1 > pruned_through",
        )
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "DELETE FROM statistics_changes
             WHERE seq <= (SELECT v.pruned_through FROM statistics_versions v
                           WHERE v.organisation_id = statistics_changes.organisation_id)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

/// A respondent from a row of [`PARTICIPANTS_SELECT`] (its columns by
/// position), without check-ins.
pub(crate) fn respondent_from_row(r: &<Db as sqlx::Database>::Row) -> StoreResult<Respondent> {
    let consent: Option<DateTime<Utc>> = r.try_get(5)?;
    let exit_date: Option<NaiveDate> = r.try_get(8)?;
    let outcome = parse::<ExitOutcome>("exit outcome", r.try_get(9)?)?;
    Ok(Respondent {
        gender: parse::<Gender>("gender", r.try_get(1)?)?.unwrap_or(Gender::Undisclosed),
        birth_year: r
            .try_get::<Option<i64>, _>(2)?
            .and_then(|y| i32::try_from(y).ok()),
        referral: parse::<Referral>("referral", r.try_get(4)?)?,
        municipality: r.try_get(3)?,
        programme: r.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
        start_date: r.try_get(7)?,
        anonymous: consent.is_none(),
        exit: exit_date.zip(outcome),
        check_ins: Vec::new(),
    })
}
