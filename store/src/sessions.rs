//! Server-side session records. The session layer (tower-sessions) decides
//! what goes in them; the store only keeps them, so sessions survive restarts
//! and live in the same database as everything else.
//!
//! A session is stored under the SHA-256 of its id, never the id itself: the
//! id is what the browser's cookie holds, so a copy of the database (a backup,
//! a stolen file) must not be enough to sign in as someone. Every method here
//! takes the id as the cookie holds it and hashes it first; the hash
//! ([`session_key`]) is also the handle by which a staff member's own sessions
//! are listed and ended.

use chrono::{DateTime, Utc};

/// The key a session is stored under: SHA-256 of its id, in hex.
pub fn session_key(id: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What is written with a session each time it is saved.
#[derive(Debug, Clone, Copy)]
pub struct SessionWrite<'a> {
    /// The session's data (JSON).
    pub data: &'a str,
    /// Unix seconds after which the session is gone.
    pub expires_at: i64,
    /// The staff account it is signed in as, if any.
    pub staff_id: Option<&'a str>,
    /// The participant it is signed in as (a phone), if any: erasure and
    /// withdrawal end the participant's sessions by this column.
    pub participant_id: Option<&'a str>,
    /// A short label of the browser (e.g. "Firefox på Windows").
    pub label: Option<&'a str>,
}

/// One of a staff member's sessions, for their account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRow {
    /// The stored key ([`session_key`] of the id): names the session without
    /// being able to sign anyone in.
    pub key: String,
    pub created_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub label: Option<String>,
}
