//! Check-ins a phone could not deliver: the server refused them (a 4xx other
//! than "sign in first"), the phone keeps the answers and asks the participant
//! to show their case manager, and the case manager's participant page lists
//! what the server saw here. A report goes away when the same submission is
//! later stored (see `store_check_in`).

use chrono::{DateTime, Utc};

/// A refused check-in as the case manager sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckCheckIn {
    pub submission_id: String,
    /// The HTTP status the phone was answered with.
    pub status: u16,
    /// The message the phone was given.
    pub reason: String,
    pub first_reported_at: DateTime<Utc>,
    pub last_reported_at: DateTime<Utc>,
    /// How many times the phone tried.
    pub attempts: u32,
}
