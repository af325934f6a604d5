//! The statements of `ratings.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::ratings::*;
use crate::{OccasionRef, ParticipantCheckIn, StoreResult, StoredAnswer};
use chrono::Utc;
use sqlx::Row;

impl Core {
    pub async fn check_ins_with_answers(
        &self,
        participant_id: &str,
    ) -> StoreResult<Vec<(ParticipantCheckIn, Vec<StoredAnswer>)>> {
        let check_ins = self.check_ins_of(participant_id).await?;
        let mut out = Vec::with_capacity(check_ins.len());
        for check_in in check_ins {
            let answers = self.answers(&check_in.submission_id).await?;
            out.push((check_in, answers));
        }
        Ok(out)
    }

    pub async fn save_staff_rating(
        &self,
        participant_id: &str,
        occasion: OccasionRef,
        item_id: &str,
        value: &str,
        staff_id: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO staff_ratings
               (participant_id, occasion_kind, occasion_number, item_id, value, staff_id, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (participant_id, occasion_kind, occasion_number, item_id) DO UPDATE SET
               value = excluded.value, staff_id = excluded.staff_id,
               recorded_at = excluded.recorded_at",
        )
        .bind(participant_id)
        .bind(occasion.kind.as_str())
        .bind(i64::from(occasion.number))
        .bind(item_id)
        .bind(value)
        .bind(staff_id)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn staff_ratings(&self, participant_id: &str) -> StoreResult<Vec<StaffRating>> {
        let rows = sqlx::query(
            "SELECT r.occasion_kind, r.occasion_number, r.item_id, r.value, s.name, r.recorded_at
             FROM staff_ratings r JOIN staff s ON s.id = r.staff_id
             WHERE r.participant_id = $1
             ORDER BY r.recorded_at",
        )
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffRating {
                    occasion: crate::occasion_from_row(r)?,
                    item_id: r.try_get("item_id")?,
                    value: r.try_get("value")?,
                    staff_name: r.try_get("name")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }
}
