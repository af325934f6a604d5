//! The audit log: who opened or changed what about a participant, and when.
//! Written by the app every time staff read a participant's answers, export,
//! or change an account.
//!
//! The log is tamper-evident. Every organisation's entries form a hash chain:
//! entry n holds its place `seq`, the hash of entry n − 1 (`prev_hash`, 64
//! zeros for the first) and its own `hash`, the SHA-256 of a canonical
//! encoding ([`entry_hash`]) of the entry with `prev_hash`. Entries are
//! appended inside one write transaction (`BEGIN IMMEDIATE`) that reads the
//! chain's head, inserts the entry and moves the head, so two writers can
//! never both append entry n (a unique index backs this up).
//! [`Store::verify_audit_chain`] recomputes every chain and reports the first
//! broken link: an altered, deleted, inserted or reordered entry, or entries
//! cut off the end (the head in `audit_chain_heads` no longer matches).
//!
//! Erasure of a participant sets `participant_id` to NULL, so the hash does
//! not cover it. It covers `participant_ref`, the SHA-256 of the participant
//! id, which stays: the entry still shows that something was done about one
//! person, without pointing at them. While the id is there, it must match its
//! reference.
//!
//! What the chain proves, and what it cannot (a writer who can rewrite the
//! whole database can rewrite a whole chain; an exported copy kept apart
//! anchors it), is in docs/privacy.md and docs/security.md.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// An entry's time as stored: `at` holds the exact text that was hashed
/// (TEXT on every engine), RFC 3339 as Stegvis writes it; the layout
/// SQLite's own date functions produce is read as UTC too.
pub(crate) fn parse_at(at: &str) -> crate::StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|e| crate::StoreError::Corrupt(format!("audit entry time {at:?}: {e}")))
}

/// The `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first element of the hashed encoding; a new encoding gets a new tag.
pub(crate) const ENCODING_TAG: &str = "stegvis-audit-1";

/// An audit record to write.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub organisation_id: &'a str,
    pub staff_id: Option<&'a str>,
    /// A short machine-readable verb, e.g. `read-answers`.
    pub action: &'a str,
    pub participant_id: Option<&'a str>,
    /// What exactly, e.g. which check-in.
    pub detail: &'a str,
}

/// An audit record as an admin reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub staff_name: Option<String>,
    pub action: String,
    pub participant_id: Option<String>,
    pub participant_code: Option<String>,
    pub detail: String,
}

/// A whole audit entry with its place in the chain, as the DPO's export
/// carries it: every field the hash covers, so the chain can be checked
/// outside Stegvis, and the names that make it readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub organisation_id: String,
    /// `None` only for an entry that is not in the chain (a broken log).
    pub seq: Option<i64>,
    pub id: String,
    /// As stored (RFC 3339, UTC), the text the hash covers.
    pub at: String,
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
    pub action: String,
    pub participant_ref: Option<String>,
    /// The participant's code while the participant exists.
    pub participant_code: Option<String>,
    pub detail: String,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// Where a chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub organisation_id: String,
    /// The place in the chain where it breaks (`None`: an entry outside it).
    pub seq: Option<i64>,
    /// The entry found there, when there is one.
    pub entry_id: Option<String>,
    /// What is wrong, in English for the operator.
    pub reason: String,
}

/// What [`Store::verify_audit_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub organisations: usize,
    pub entries: u64,
    /// The first broken link, in organisation id order; `None` when every
    /// chain holds.
    pub broken: Option<BrokenLink>,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reference to a participant the hash covers: SHA-256 of
/// `stegvis-participant:` and the participant id, in hex.
pub fn participant_ref(participant_id: &str) -> String {
    hex(&Sha256::digest(format!(
        "stegvis-participant:{participant_id}"
    )))
}

/// The fields one entry's hash covers.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    pub organisation_id: &'a str,
    pub seq: i64,
    pub id: &'a str,
    pub at: &'a str,
    pub staff_id: Option<&'a str>,
    pub action: &'a str,
    pub participant_ref: Option<&'a str>,
    pub detail: &'a str,
    pub prev_hash: &'a str,
}

/// SHA-256 (hex) of the canonical encoding of an entry: the compact JSON
/// array `["stegvis-audit-1", organisation_id, seq, id, at, staff_id,
/// action, participant_ref, detail, prev_hash]` in UTF-8, with `null` for
/// an absent staff member or participant. JSON fixes the escaping, so any
/// tool can recompute it from the exported log.
pub fn entry_hash(link: &Link<'_>) -> String {
    let encoded = serde_json::json!([
        ENCODING_TAG,
        link.organisation_id,
        link.seq,
        link.id,
        link.at,
        link.staff_id,
        link.action,
        link.participant_ref,
        link.detail,
        link.prev_hash,
    ])
    .to_string();
    hex(&Sha256::digest(encoded.as_bytes()))
}

/// One stored entry as the verifier reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct Stored {
    pub(crate) id: String,
    pub(crate) seq: Option<i64>,
    pub(crate) at: String,
    pub(crate) staff_id: Option<String>,
    pub(crate) action: String,
    pub(crate) participant_id: Option<String>,
    pub(crate) participant_ref: Option<String>,
    pub(crate) detail: String,
    pub(crate) prev_hash: Option<String>,
    pub(crate) hash: Option<String>,
}

pub(crate) const STORED_COLUMNS: &str =
    "id, seq, at, staff_id, action, participant_id, participant_ref,
     detail, prev_hash, hash";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn entry_times_are_read_as_written() {
        let expected = DateTime::parse_from_rfc3339("2026-01-01T10:00:00.5Z").unwrap();
        for text in [
            "2026-01-01T10:00:00.500000Z",
            "2026-01-01T10:00:00.500+00:00",
            "2026-01-01 10:00:00.5",
        ] {
            assert_eq!(parse_at(text).unwrap(), expected, "{text}");
        }
        assert!(parse_at("yesterday").is_err());
    }

    #[test]
    fn the_hash_covers_every_field_but_the_participant_id() {
        let link = Link {
            organisation_id: "org",
            seq: 1,
            id: "e1",
            at: "2026-01-01T00:00:00.000000Z",
            staff_id: Some("s1"),
            action: "read-answers",
            participant_ref: Some("ref"),
            detail: "x",
            prev_hash: GENESIS_HASH,
        };
        let base = entry_hash(&link);
        assert_eq!(base.len(), 64);
        let changed = [
            Link {
                organisation_id: "other",
                ..link
            },
            Link { seq: 2, ..link },
            Link { id: "e2", ..link },
            Link {
                at: "2026-01-01T00:00:01.000000Z",
                ..link
            },
            Link {
                staff_id: None,
                ..link
            },
            Link {
                action: "export",
                ..link
            },
            Link {
                participant_ref: None,
                ..link
            },
            Link {
                detail: "y",
                ..link
            },
            Link {
                prev_hash: "1",
                ..link
            },
        ];
        for other in changed {
            assert_ne!(entry_hash(&other), base, "{other:?}");
        }
        // Same input, same hash: the encoding is canonical.
        assert_eq!(entry_hash(&link), base);
    }

    #[test]
    fn the_encoding_is_the_documented_json_array() {
        // Recomputable by any tool: sha256 of the compact JSON array.
        let link = Link {
            organisation_id: "o",
            seq: 3,
            id: "i",
            at: "t",
            staff_id: None,
            action: "a",
            participant_ref: None,
            detail: "d \"q\"",
            prev_hash: "p",
        };
        let text = r#"["stegvis-audit-1","o",3,"i","t",null,"a",null,"d \"q\"","p"]"#;
        assert_eq!(entry_hash(&link), hex(&Sha256::digest(text.as_bytes())));
        assert_eq!(participant_ref("x").len(), 64);
    }
}
