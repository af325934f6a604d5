//! The statements of `instruments.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::instruments::*;
use crate::StoreResult;
use chrono::Utc;
use sqlx::Row;
use stegvis_domain::instrument::Instrument;

/// Each programme's active instrument version: its latest activation, unless
/// that version is retired in the programme's organisation (then the
/// programme has none and the server's default applies). The one place
/// this rule is written; callers add `AND …` to choose programmes (with
/// `concat!`, so every statement stays a static string).
macro_rules! active_versions {
    () => {
        "SELECT p.id AS programme_id, a.version
     FROM programmes p
     JOIN instrument_activations a ON a.programme_id = p.id
     LEFT JOIN instrument_uploads u
       ON u.version = a.version AND u.organisation_id = p.organisation_id
     WHERE a.id = (SELECT a2.id FROM instrument_activations a2
                   WHERE a2.programme_id = p.id
                   ORDER BY a2.activated_at DESC, a2.id DESC LIMIT 1)
       AND u.retired_at IS NULL"
    };
}

impl Core {
    pub async fn upload_instrument(
        &self,
        organisation_id: &str,
        instrument: &Instrument,
        source: &str,
        staff_id: &str,
    ) -> StoreResult<UploadOutcome> {
        let version = instrument.version();
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO instrument_versions (version, instrument_id, hash, source, loaded_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING",
        )
        .bind(&version)
        .bind(&instrument.id)
        .bind(&instrument.hash)
        .bind(source)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let added = sqlx::query(
            "INSERT INTO instrument_uploads (organisation_id, version, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, version) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(&version)
        .bind(staff_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(if added == 1 {
            UploadOutcome::Added
        } else {
            UploadOutcome::AlreadyUploaded
        })
    }

    pub async fn instrument_uploads(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<InstrumentUpload>> {
        let rows = sqlx::query(
            "SELECT u.version, up.name AS uploaded_by, u.uploaded_at,
                    re.name AS retired_by, u.retired_at
             FROM instrument_uploads u
             JOIN staff up ON up.id = u.uploaded_by
             LEFT JOIN staff re ON re.id = u.retired_by
             WHERE u.organisation_id = $1
             ORDER BY u.uploaded_at, u.version",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let retired_by: Option<String> = r.try_get("retired_by")?;
                let retired_at = r.try_get("retired_at")?;
                Ok(InstrumentUpload {
                    version: r.try_get("version")?,
                    uploaded_by: r.try_get("uploaded_by")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                    retired: retired_by.zip(retired_at),
                })
            })
            .collect()
    }

    pub async fn activate_instrument(
        &self,
        programme_id: &str,
        version: &str,
        staff_id: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO instrument_activations
               (id, programme_id, version, activated_by, activated_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(programme_id)
        .bind(version)
        .bind(staff_id)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn retire_instrument(
        &self,
        organisation_id: &str,
        version: &str,
        staff_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE instrument_uploads SET retired_by = $1, retired_at = $2
             WHERE organisation_id = $3 AND version = $4 AND retired_at IS NULL",
        )
        .bind(staff_id)
        .bind(Utc::now())
        .bind(organisation_id)
        .bind(version)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn instrument_activations(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<InstrumentActivation>> {
        let rows = sqlx::query(
            "SELECT a.programme_id, p.name AS programme_name, a.version,
                    s.name AS activated_by, a.activated_at
             FROM instrument_activations a
             JOIN programmes p ON p.id = a.programme_id
             JOIN staff s ON s.id = a.activated_by
             WHERE p.organisation_id = $1
             ORDER BY a.activated_at, a.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InstrumentActivation {
                    programme_id: r.try_get("programme_id")?,
                    programme_name: r.try_get("programme_name")?,
                    version: r.try_get("version")?,
                    activated_by: r.try_get("activated_by")?,
                    activated_at: r.try_get("activated_at")?,
                })
            })
            .collect()
    }

    pub async fn participant_instrument_version(
        &self,
        participant_id: &str,
    ) -> StoreResult<Option<String>> {
        let row = sqlx::query(concat!(
            active_versions!(),
            " AND p.id = (SELECT programme_id FROM participants WHERE id = $1)"
        ))
        .bind(participant_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("version")).transpose()?)
    }

    pub async fn active_instrument_versions(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(concat!(active_versions!(), " AND p.organisation_id = $1"))
            .bind(organisation_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("programme_id")?, r.try_get("version")?)))
            .collect()
    }

    pub async fn check_in_versions(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT c.instrument_version AS version, COUNT(*) AS n
             FROM check_ins c JOIN participants p ON p.id = c.participant_id
             WHERE p.organisation_id = $1
             GROUP BY c.instrument_version
             ORDER BY c.instrument_version",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("version")?, r.try_get("n")?)))
            .collect()
    }

    pub async fn confirm_language(
        &self,
        organisation_id: &str,
        language: &str,
        staff_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO language_reviews (organisation_id, language, confirmed_by, confirmed_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, language) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(language)
        .bind(staff_id)
        .bind(Utc::now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn language_reviews(
        &self,
        organisation_id: &str,
    ) -> StoreResult<Vec<LanguageReview>> {
        let rows = sqlx::query(
            "SELECT r.language, s.name AS confirmed_by, r.confirmed_at
             FROM language_reviews r JOIN staff s ON s.id = r.confirmed_by
             WHERE r.organisation_id = $1
             ORDER BY r.language",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LanguageReview {
                    language: r.try_get("language")?,
                    confirmed_by: r.try_get("confirmed_by")?,
                    confirmed_at: r.try_get("confirmed_at")?,
                })
            })
            .collect()
    }
}
