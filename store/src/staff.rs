//! Organisations, staff accounts and their roles, and the failed-attempt
//! records behind login lockouts.

use crate::StoreResult;
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
pub(crate) fn staff_from_row<'r, R>(r: &'r R, roles: Vec<Role>) -> StoreResult<StaffRow>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let totp_secret: Option<String> = r.try_get("totp_secret")?;
    Ok(StaffRow {
        id: r.try_get("id")?,
        organisation_id: r.try_get("organisation_id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        roles,
        two_factor: totp_secret.is_some(),
        disabled: r.try_get("disabled")?,
    })
}

/// Whether the account is disabled is read as a boolean, so the column's
/// type (text on SQLite, a timestamp on PostgreSQL) does not matter.
pub(crate) const STAFF_COLUMNS: &str = "s.id, s.organisation_id, s.email, s.name, s.password_hash,
    s.totp_secret, s.disabled_at IS NOT NULL AS disabled";
