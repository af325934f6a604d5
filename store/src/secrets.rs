//! Keeping the stored secrets sealed: sealing what older versions stored in
//! clear, and re-sealing everything under a new key (rotation).
//!
//! Both run over whole tables in one write transaction, so a crash leaves
//! either the old or the new state, and both are idempotent: running them
//! again finds nothing left to do.

use crate::seal::{CODE_HASH_PREFIX, SEALED_PREFIX};
use crate::{Store, StoreError, StoreResult};
use sqlx::Row;

/// The sealed columns: (table, key column, secret column, context prefix).
/// The context names the column and row, so a value cannot be moved.
pub(crate) const SEALED_COLUMNS: [(&str, &str, &str, &str); 2] = [
    ("staff", "id", "totp_secret", "staff.totp_secret/"),
    (
        "participant_identities",
        "participant_id",
        "personnummer",
        "participant_identities.personnummer/",
    ),
];

/// The sealing context of a TOTP secret.
pub(crate) fn totp_context(staff_id: &str) -> String {
    format!("{}{staff_id}", SEALED_COLUMNS[0].3)
}

/// The sealing context of a personnummer.
pub(crate) fn personnummer_context(participant_id: &str) -> String {
    format!("{}{participant_id}", SEALED_COLUMNS[1].3)
}

/// Opens a stored value, naming the column in the error.
pub(crate) fn open(
    store: &Store,
    context: &str,
    sealed: &str,
) -> StoreResult<zeroize::Zeroizing<String>> {
    store
        .keys()?
        .open(context, sealed)
        .map_err(|source| StoreError::Sealed {
            context: context.split('/').next().unwrap_or_default().to_owned(),
            source,
        })
}

/// What sealing or rotation changed, per kind of secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsReport {
    /// TOTP secrets sealed or re-sealed.
    pub totp_secrets: u64,
    /// Personnummer sealed or re-sealed.
    pub personnummer: u64,
    /// Access codes hashed (sealing only; a hash cannot be re-keyed).
    pub access_codes: u64,
    /// Access codes still hashed under an old key: they keep working while
    /// that key stays configured, until they are redeemed or expire.
    pub access_codes_under_old_keys: u64,
}

impl SecretsReport {
    /// Whether anything was changed.
    pub fn changed(&self) -> bool {
        self.totp_secrets + self.personnummer + self.access_codes > 0
    }
}

impl Store {
    /// Seals TOTP secrets and personnummer, and hashes access codes, that an
    /// older version stored in clear. Run at every start, after migrations;
    /// does nothing when everything is sealed already.
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

    /// Re-seals every sealed value that is not under the current key (a key
    /// rotation: the new key is current, the old one configured as old).
    /// A value under a key that is not configured stops the rotation with
    /// [`StoreError::Sealed`] before anything is written.
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
                let plain = open(self, &context, &sealed)?;
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
        open(self, context, sealed)
    }

    /// Every value of every table as text (table, column, value), for tests
    /// that prove a secret is never stored in clear. Reads the schema, so
    /// tables added later are searched too.
    pub async fn all_stored_text(&self) -> StoreResult<Vec<(String, String, String)>> {
        let tables = sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for t in &tables {
            let table: String = t.try_get("name")?;
            let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{table}')"
            )))
            .fetch_all(&self.pool)
            .await?;
            for c in &columns {
                let column: String = c.try_get("name")?;
                let values = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(\"{column}\" AS BLOB) AS v FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                )))
                .fetch_all(&self.pool)
                .await?;
                for v in &values {
                    // Bytes, read leniently: binary columns (migration checksums) are not UTF-8.
                    let bytes: Vec<u8> = v.try_get("v")?;
                    out.push((
                        table.clone(),
                        column.clone(),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ));
                }
            }
        }
        Ok(out)
    }
}
