//! Lockouts that hold when many attempts arrive at once.
//!
//! Checking a password or PIN takes tens of milliseconds (argon2id, on
//! purpose). If the failures were counted first and recorded after the check,
//! every attempt that arrived during that time would see the same low count
//! and be checked: twenty parallel guesses all reached the password check
//! against a limit of five. So an attempt is *reserved* before anything is
//! checked: one write transaction (`BEGIN IMMEDIATE`, so attempts queue for
//! it) counts the earlier failures under the domain's policy and, if the
//! attempt is allowed, records it as a failure straight away. A successful
//! check removes that record again ([`Store::release_attempt`]); a failed
//! one leaves it. The n-th concurrent attempt therefore sees the n − 1 before
//! it, and no more than the limit are ever checked.
//!
//! Phones count wrong PINs on their own row instead (`pin_failures`), with the
//! same idea in one conditional `UPDATE … RETURNING`.

use crate::AttemptKind;
use chrono::{DateTime, Utc};
use stegvis_domain::throttle::ThrottlePolicy;

/// One count an attempt falls under: what, for which key, with which limit.
#[derive(Debug, Clone, Copy)]
pub struct AttemptLimit<'a> {
    pub kind: AttemptKind,
    /// An e-mail address, a network address, a staff id.
    pub key: &'a str,
    pub policy: ThrottlePolicy,
}

/// The answer to a reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Go ahead and check. The attempt is recorded as a failure under this id
    /// until [`Store::release_attempt`] is called with it.
    Allowed { attempt: String },
    /// Locked: refuse without checking anything, until then.
    Locked { until: DateTime<Utc> },
}
