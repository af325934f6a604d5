//! Organisations, staff accounts and their roles, and the failed-attempt
//! records behind login lockouts.

use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};

/// What a staff account may do. An account has one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages the organisation's programmes, staff and audit log.
    Admin,
    /// Registers participants and works with their check-ins.
    CaseManager,
    /// Sees aggregates and pseudonymised data only.
    Evaluator,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::CaseManager, Role::Evaluator];

    /// The stored and submitted form of the role.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CaseManager => "case-manager",
            Role::Evaluator => "evaluator",
        }
    }

    /// Reads a stored or submitted role.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A samordningsförbund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: String,
    pub name: String,
    pub small_cell_k: u32,
    pub code_lifetime_days: u32,
}

/// A staff account as the app shows it. Holds no secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub id: String,
    pub organisation_id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub two_factor: bool,
    pub disabled: bool,
}

impl StaffRow {
    /// Whether the account has `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// What login needs: the account and its secrets. Never sent anywhere.
#[derive(Clone)]
pub struct StaffCredentials {
    pub staff: StaffRow,
    pub password_hash: String,
    pub totp_secret: Option<String>,
}

impl std::fmt::Debug for StaffCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffCredentials")
            .field("staff", &self.staff)
            .finish_non_exhaustive()
    }
}

/// A new staff account; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewStaff<'a> {
    pub organisation_id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [Role],
}

/// What a failed attempt was, for counting lockouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    LoginAccount,
    LoginAddress,
    CodeAddress,
}

impl AttemptKind {
    pub(crate) fn code(self) -> &'static str {
        match self {
            AttemptKind::LoginAccount => "login-account",
            AttemptKind::LoginAddress => "login-address",
            AttemptKind::CodeAddress => "code-address",
        }
    }
}

/// A staff row (selected with [`STAFF_COLUMNS`]) with its roles. The TOTP
/// secret stays sealed: only whether there is one is read here.
fn staff_from_row<'r, R>(r: &'r R, roles: Vec<Role>) -> StoreResult<StaffRow>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let totp_secret: Option<String> = r.try_get("totp_secret")?;
    let disabled_at: Option<String> = r.try_get("disabled_at")?;
    Ok(StaffRow {
        id: r.try_get("id")?,
        organisation_id: r.try_get("organisation_id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        roles,
        two_factor: totp_secret.is_some(),
        disabled: disabled_at.is_some(),
    })
}

const STAFF_COLUMNS: &str = "s.id, s.organisation_id, s.email, s.name, s.password_hash,
    s.totp_secret, s.disabled_at";

impl Store {
    /// Adds an organisation with the default small-cell threshold and code lifetime.
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

    /// An organisation by id.
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

    /// Changes an organisation's small-cell threshold and access-code lifetime.
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

    /// An organisation by id or exact name; with `None`, the only one (if
    /// there is exactly one).
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

    /// How many organisations exist; demo seeding refuses to touch a database with any.
    pub async fn organisation_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM organisations")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    /// Adds a staff account. The e-mail address is stored lower-cased and must be unused.
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

    /// A staff account by id.
    pub async fn staff(&self, id: &str) -> StoreResult<Option<StaffRow>> {
        Ok(self
            .credentials_where("s.id = $1", id)
            .await?
            .map(|c| c.staff))
    }

    /// A staff account with its secrets, by e-mail address (any case).
    pub async fn staff_credentials(&self, email: &str) -> StoreResult<Option<StaffCredentials>> {
        self.credentials_where("s.email = $1", &email.trim().to_lowercase())
            .await
    }

    /// A staff account with its secrets, by id (password change, two-factor setup).
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
                crate::secrets::open(self, &crate::secrets::totp_context(&staff.id), &sealed)?
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

    /// The staff of an organisation, by name (two queries, whatever the number).
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

    /// Replaces an account's password hash.
    pub async fn set_password_hash(&self, staff_id: &str, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(staff_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Turns two-factor login on (with its secret) or off. The secret is
    /// stored sealed under the current key, bound to this account.
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

    /// Accepts a TOTP time step for sign-in only when it is later than the last
    /// accepted one (so a code works once); records it. Returns whether accepted.
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

    /// Notes a failed attempt under `key` (an e-mail address or a network address).
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

    /// Failed attempts under `key` since `since`, oldest first.
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

    /// Forgets failed attempts under `key` (after a successful login) and any
    /// older than `before`, so the table stays small.
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
