//! The statements of `staff.rs`, compiled once per engine (see engine/mod.rs).

use super::Core;
use crate::staff::*;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Core {
    pub async fn create_organisation(&self, name: &str) -> StoreResult<OrganisationRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(name)
            .bind(Utc::now())
            .execute(&self.pool)
            .await?;
        self.organisation(&id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("organisation vanished".into()))
    }

    pub async fn organisation(&self, id: &str) -> StoreResult<Option<OrganisationRow>> {
        let row = sqlx::query(
            "SELECT id, name, small_cell_k, code_lifetime_days FROM organisations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(OrganisationRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                small_cell_k: crate::to_u32(r.try_get("small_cell_k")?)?,
                code_lifetime_days: crate::to_u32(r.try_get("code_lifetime_days")?)?,
            })
        })
        .transpose()
    }

    pub async fn update_organisation_settings(
        &self,
        id: &str,
        small_cell_k: u32,
        code_lifetime_days: u32,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE organisations SET small_cell_k = $1, code_lifetime_days = $2 WHERE id = $3",
        )
        .bind(i64::from(small_cell_k))
        .bind(i64::from(code_lifetime_days))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn find_organisation(
        &self,
        key: Option<&str>,
    ) -> StoreResult<Option<OrganisationRow>> {
        let ids: Vec<String> = match key {
            Some(key) => {
                sqlx::query("SELECT id FROM organisations WHERE id = $1 OR name = $2")
                    .bind(key)
                    .bind(key)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT id FROM organisations")
                    .fetch_all(&self.pool)
                    .await?
            }
        }
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
        match ids.as_slice() {
            [one] => self.organisation(one).await,
            _ => Ok(None),
        }
    }

    pub async fn organisation_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM organisations")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    pub async fn organisation_ids(&self) -> StoreResult<Vec<String>> {
        sqlx::query("SELECT id FROM organisations ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("id")?))
            .collect()
    }

    pub async fn create_staff(&self, new: &NewStaff<'_>) -> StoreResult<StaffRow> {
        let id = uuid::Uuid::new_v4().to_string();
        let email = new.email.trim().to_lowercase();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO staff (id, organisation_id, email, name, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(new.organisation_id)
        .bind(&email)
        .bind(new.name.trim())
        .bind(new.password_hash)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.is_unique_violation() {
                return Err(StoreError::EmailTaken);
            }
        }
        inserted?;
        for role in new.roles {
            sqlx::query("INSERT INTO staff_roles (staff_id, role) VALUES ($1, $2)")
                .bind(&id)
                .bind(role.code())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.staff(&id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("staff account vanished".into()))
    }

    pub async fn staff(&self, id: &str) -> StoreResult<Option<StaffRow>> {
        Ok(self
            .credentials_where("s.id = $1", id)
            .await?
            .map(|c| c.staff))
    }

    pub async fn staff_credentials(&self, email: &str) -> StoreResult<Option<StaffCredentials>> {
        self.credentials_where("s.email = $1", &email.trim().to_lowercase())
            .await
    }

    pub async fn staff_credentials_by_id(&self, id: &str) -> StoreResult<Option<StaffCredentials>> {
        self.credentials_where("s.id = $1", id).await
    }

    async fn credentials_where(
        &self,
        condition: &str,
        value: &str,
    ) -> StoreResult<Option<StaffCredentials>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff s WHERE {condition}"
        )))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let roles = self.roles_of(&r.try_get::<String, _>("id")?).await?;
        let staff = staff_from_row(&r, roles)?;
        let sealed: Option<String> = r.try_get("totp_secret")?;
        let totp_secret = match sealed {
            Some(sealed) => Some(
                crate::secrets::open(
                    self.keys()?,
                    &crate::secrets::totp_context(&staff.id),
                    &sealed,
                )?
                .to_string(),
            ),
            None => None,
        };
        Ok(Some(StaffCredentials {
            staff,
            password_hash: r.try_get("password_hash")?,
            totp_secret,
        }))
    }

    async fn roles_of(&self, staff_id: &str) -> StoreResult<Vec<Role>> {
        let rows = sqlx::query("SELECT role FROM staff_roles WHERE staff_id = $1 ORDER BY role")
            .bind(staff_id)
            .fetch_all(&self.pool)
            .await?;
        let mut roles = rows
            .iter()
            .map(|r| {
                let code: String = r.try_get("role")?;
                Role::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("role {code}")))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        roles.sort();
        Ok(roles)
    }

    pub async fn list_staff(&self, organisation_id: &str) -> StoreResult<Vec<StaffRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff s WHERE s.organisation_id = $1 ORDER BY s.name, s.email"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut roles: std::collections::HashMap<String, Vec<Role>> =
            std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT r.staff_id, r.role FROM staff_roles r JOIN staff s ON s.id = r.staff_id
             WHERE s.organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?
        {
            let code: String = r.try_get("role")?;
            let role = Role::from_code(&code)
                .ok_or_else(|| StoreError::Corrupt(format!("role {code}")))?;
            roles.entry(r.try_get("staff_id")?).or_default().push(role);
        }
        rows.iter()
            .map(|r| {
                let mut own = roles
                    .remove(&r.try_get::<String, _>("id")?)
                    .unwrap_or_default();
                own.sort();
                staff_from_row(r, own)
            })
            .collect()
    }

    pub async fn set_password_hash(&self, staff_id: &str, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(staff_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_totp_secret(&self, staff_id: &str, secret: Option<&str>) -> StoreResult<()> {
        let sealed = match secret {
            Some(secret) => Some(
                self.keys()?
                    .seal(&crate::secrets::totp_context(staff_id), secret),
            ),
            None => None,
        };
        sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
            .bind(sealed)
            .bind(staff_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn accept_totp_step(&self, staff_id: &str, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
        )
        .bind(step)
        .bind(staff_id)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn record_failed_attempt(
        &self,
        kind: AttemptKind,
        key: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO failed_attempts (kind, key, at) VALUES ($1, $2, $3)")
            .bind(kind.code())
            .bind(key)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn failed_attempts_since(
        &self,
        kind: AttemptKind,
        key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>> {
        let rows = sqlx::query(
            "SELECT at FROM failed_attempts WHERE kind = $1 AND key = $2 AND at >= $3 ORDER BY at",
        )
        .bind(kind.code())
        .bind(key)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("at"))
            .collect::<Result<_, _>>()?)
    }

    pub async fn clear_failed_attempts(
        &self,
        kind: AttemptKind,
        key: &str,
        before: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM failed_attempts WHERE (kind = $1 AND key = $2) OR at < $3")
            .bind(kind.code())
            .bind(key)
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
