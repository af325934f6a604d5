//! The statements of `secrets.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::seal::{CODE_HASH_PREFIX, SEALED_PREFIX};
use crate::secrets::*;
use crate::StoreResult;
use sqlx::Row;

impl Core {
    pub async fn seal_plaintext_secrets(&self) -> StoreResult<SecretsReport> {
        let keys = self.keys()?;
        let mut report = SecretsReport::default();
        let mut tx = self.begin_write().await?;
        for (i, (table, key, column, context)) in SEALED_COLUMNS.iter().enumerate() {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {key} AS k, {column} AS v FROM {table}
                 WHERE {column} IS NOT NULL AND {column} NOT LIKE '{SEALED_PREFIX}%'"
            )))
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let id: String = r.try_get("k")?;
                let plain: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(r.try_get("v")?);
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET {column} = $1 WHERE {key} = $2"
                )))
                .bind(keys.seal(&format!("{context}{id}"), &plain))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            let n = rows.len() as u64;
            if i == 0 {
                report.totp_secrets = n;
            } else {
                report.personnummer = n;
            }
        }
        let codes = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT code_hash FROM access_codes WHERE code_hash NOT LIKE '{CODE_HASH_PREFIX}%'"
        )))
        .fetch_all(&mut *tx)
        .await?;
        for r in &codes {
            let plain: String = r.try_get("code_hash")?;
            sqlx::query("UPDATE access_codes SET code_hash = $1 WHERE code_hash = $2")
                .bind(keys.code_hash(&plain))
                .bind(&plain)
                .execute(&mut *tx)
                .await?;
        }
        report.access_codes = codes.len() as u64;
        tx.commit().await?;
        Ok(report)
    }

    pub async fn rotate_secrets(&self) -> StoreResult<SecretsReport> {
        let keys = self.keys()?;
        let mut report = self.seal_plaintext_secrets().await?;
        let mut tx = self.begin_write().await?;
        for (i, (table, key, column, context)) in SEALED_COLUMNS.iter().enumerate() {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {key} AS k, {column} AS v FROM {table} WHERE {column} IS NOT NULL"
            )))
            .fetch_all(&mut *tx)
            .await?;
            let mut n = 0;
            for r in &rows {
                let id: String = r.try_get("k")?;
                let sealed: String = r.try_get("v")?;
                if !keys.needs_resealing(&sealed) {
                    continue;
                }
                let context = format!("{context}{id}");
                let plain = open(self.keys()?, &context, &sealed)?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET {column} = $1 WHERE {key} = $2"
                )))
                .bind(keys.seal(&context, &plain))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                n += 1;
            }
            if i == 0 {
                report.totp_secrets += n;
            } else {
                report.personnummer += n;
            }
        }
        let current = format!("{CODE_HASH_PREFIX}{}:%", keys.current_id());
        let old: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM access_codes
             WHERE code_hash NOT LIKE $1 AND redeemed_at IS NULL AND revoked_at IS NULL",
        )
        .bind(&current)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        report.access_codes_under_old_keys = u64::try_from(old).unwrap_or_default();
        tx.commit().await?;
        Ok(report)
    }

    /// Seals a value the web layer must keep for a while without storing it
    /// in clear (a new access code, kept in the issuing case manager's
    /// session until the sheet is printed).
    pub fn seal_value(&self, context: &str, plaintext: &str) -> StoreResult<String> {
        Ok(self.keys()?.seal(context, plaintext))
    }

    /// Opens a value sealed by [`Store::seal_value`] for the same context.
    pub fn open_value(
        &self,
        context: &str,
        sealed: &str,
    ) -> StoreResult<zeroize::Zeroizing<String>> {
        open(self.keys()?, context, sealed)
    }
}
