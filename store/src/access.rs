//! Phone access for participants: single-use access codes handed out by a case
//! manager, and the devices (phones) that redeemed one and hold a PIN.
//!
//! A code is stored only as a keyed hash ([`crate::Keyring::code_hash`]): the
//! code itself exists on the printed sheet and nowhere on the server, so a
//! database copy cannot connect a phone.

use crate::StoreResult;
use chrono::{DateTime, Utc};
use sqlx::{FromRow, Row};

/// An access code as stored: its keyed hash, never the code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessCodeRow {
    pub code_hash: String,
    pub participant_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub redeemed_at: Option<DateTime<Utc>>,
}

impl AccessCodeRow {
    /// Whether the code can still connect a phone at `now`.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.redeemed_at.is_none() && now < self.expires_at
    }
}

/// A connected phone. The PIN hash stays on the server.
#[derive(Clone)]
pub struct DeviceRow {
    pub id: String,
    pub participant_id: String,
    pub pin_hash: String,
    pub pin_failures: u32,
    pub locked: bool,
    pub revoked: bool,
}

impl std::fmt::Debug for DeviceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceRow")
            .field("id", &self.id)
            .field("participant_id", &self.participant_id)
            .field("pin_failures", &self.pin_failures)
            .field("locked", &self.locked)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

pub(crate) const CODE_COLUMNS: &str =
    "code_hash, participant_id, created_at, expires_at, revoked_at, redeemed_at";

/// An access code from a row with [`CODE_COLUMNS`], on any engine.
pub(crate) fn code_from_row<'r, R: Row>(r: &'r R) -> StoreResult<AccessCodeRow>
where
    AccessCodeRow: FromRow<'r, R>,
{
    Ok(AccessCodeRow::from_row(r)?)
}
