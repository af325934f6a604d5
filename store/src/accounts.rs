//! The life of a staff account after it is created: a new password (ending
//! the account's other sessions), disabling and enabling, one-time
//! password-reset links and resetting a lost second factor. Each change that
//! must end sessions does so in the same transaction, so no request can slip
//! in between with the old state.

use chrono::{DateTime, Utc};

/// A password-reset link as stored (only the hash of its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordResetRow {
    pub staff_id: String,
    pub expires_at: DateTime<Utc>,
}
