//! Everything a participant answered, for their charts, and the case
//! manager's own ratings recorded beside those answers in meetings.

use crate::OccasionRef;
use chrono::{DateTime, Utc};

/// A case manager's rating of one item at one occasion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRating {
    pub occasion: OccasionRef,
    pub item_id: String,
    /// An option code of the item.
    pub value: String,
    pub staff_name: String,
    pub recorded_at: DateTime<Utc>,
}
