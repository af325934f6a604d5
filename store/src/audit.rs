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

use crate::{Store, StoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, Row, SqliteConnection};

/// The `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first element of the hashed encoding; a new encoding gets a new tag.
const ENCODING_TAG: &str = "stegvis-audit-1";

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

fn hex(bytes: &[u8]) -> String {
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

/// Appends an entry to its organisation's chain on a connection that holds
/// the write lock (inside a `BEGIN IMMEDIATE` transaction), so that erasure
/// and other multi-statement writes can log in their own transaction.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    entry: &NewAuditEntry<'_>,
) -> StoreResult<()> {
    let head = sqlx::query("SELECT seq, hash FROM audit_chain_heads WHERE organisation_id = $1")
        .bind(entry.organisation_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (seq, prev_hash) = match head {
        Some(r) => (
            r.try_get::<i64, _>("seq")? + 1,
            r.try_get::<String, _>("hash")?,
        ),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let id = uuid::Uuid::new_v4().to_string();
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let reference = entry.participant_id.map(participant_ref);
    let hash = entry_hash(&Link {
        organisation_id: entry.organisation_id,
        seq,
        id: &id,
        at: &at,
        staff_id: entry.staff_id,
        action: entry.action,
        participant_ref: reference.as_deref(),
        detail: entry.detail,
        prev_hash: &prev_hash,
    });
    sqlx::query(
        "INSERT INTO audit_log (id, organisation_id, staff_id, at, action, participant_id, detail,
                                seq, prev_hash, hash, participant_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(entry.organisation_id)
    .bind(entry.staff_id)
    .bind(&at)
    .bind(entry.action)
    .bind(entry.participant_id)
    .bind(entry.detail)
    .bind(seq)
    .bind(&prev_hash)
    .bind(&hash)
    .bind(reference.as_deref())
    .execute(&mut *conn)
    .await?;
    move_head(conn, entry.organisation_id, seq, &hash).await
}

async fn move_head(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    seq: i64,
    hash: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_chain_heads (organisation_id, seq, hash) VALUES ($1, $2, $3)
         ON CONFLICT (organisation_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(organisation_id)
    .bind(seq)
    .bind(hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One stored entry as the verifier reads it.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    seq: Option<i64>,
    at: String,
    staff_id: Option<String>,
    action: String,
    participant_id: Option<String>,
    participant_ref: Option<String>,
    detail: String,
    prev_hash: Option<String>,
    hash: Option<String>,
}

const STORED_COLUMNS: &str = "id, seq, at, staff_id, action, participant_id, participant_ref,
     detail, prev_hash, hash";

impl Store {
    /// Writes one audit record, appended to its organisation's chain.
    pub async fn audit(&self, entry: &NewAuditEntry<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest audit records of an organisation, newest first.
    pub async fn audit_log(&self, organisation_id: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT a.at, s.name AS staff_name, a.action, a.participant_id, p.code, a.detail
             FROM audit_log a
             LEFT JOIN staff s ON s.id = a.staff_id
             LEFT JOIN participants p ON p.id = a.participant_id
             WHERE a.organisation_id = $1
             ORDER BY a.seq DESC, a.at DESC, a.id LIMIT $2",
        )
        .bind(organisation_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    at: r.try_get("at")?,
                    staff_name: r.try_get("staff_name")?,
                    action: r.try_get("action")?,
                    participant_id: r.try_get("participant_id")?,
                    participant_code: r.try_get("code")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Every audit entry of an organisation in chain order, with all that
    /// its hash covers: the DPO's export.
    pub async fn audit_entries(&self, organisation_id: &str) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT a.organisation_id, a.seq, a.id, a.at, a.staff_id, s.name AS staff_name,
                    a.action, a.participant_ref, p.code, a.detail, a.prev_hash, a.hash
             FROM audit_log a
             LEFT JOIN staff s ON s.id = a.staff_id
             LEFT JOIN participants p ON p.id = a.participant_id
             WHERE a.organisation_id = $1
             ORDER BY a.seq, a.at, a.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    organisation_id: r.try_get("organisation_id")?,
                    seq: r.try_get("seq")?,
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    staff_id: r.try_get("staff_id")?,
                    staff_name: r.try_get("staff_name")?,
                    action: r.try_get("action")?,
                    participant_ref: r.try_get("participant_ref")?,
                    participant_code: r.try_get("code")?,
                    detail: r.try_get("detail")?,
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect()
    }

    /// Chains the entries written before the log had chains (migration
    /// 0009), once, in the order they were written (by time; entries written in
    /// the same instant by id). Only organisations
    /// without a chain yet are touched: an unchained entry in an organisation
    /// that has a chain was not written by Stegvis, and stays for
    /// [`Store::verify_audit_chain`] to report. Returns how many were chained.
    pub async fn chain_unchained_audit_entries(&self) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let organisations: Vec<String> = sqlx::query(
            "SELECT DISTINCT organisation_id FROM audit_log
             WHERE seq IS NULL
               AND organisation_id NOT IN (SELECT organisation_id FROM audit_chain_heads)
             ORDER BY organisation_id",
        )
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("organisation_id"))
        .collect::<Result<_, _>>()?;
        let mut chained = 0;
        for organisation_id in organisations {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {STORED_COLUMNS} FROM audit_log
                 WHERE organisation_id = $1 ORDER BY at, id"
            )))
            .bind(&organisation_id)
            .fetch_all(&mut *tx)
            .await?;
            let mut prev_hash = GENESIS_HASH.to_owned();
            let mut seq = 0;
            for row in &rows {
                let e = Stored::from_row(row)?;
                seq += 1;
                let reference = e.participant_id.as_deref().map(participant_ref);
                let hash = entry_hash(&Link {
                    organisation_id: &organisation_id,
                    seq,
                    id: &e.id,
                    at: &e.at,
                    staff_id: e.staff_id.as_deref(),
                    action: &e.action,
                    participant_ref: reference.as_deref(),
                    detail: &e.detail,
                    prev_hash: &prev_hash,
                });
                sqlx::query(
                    "UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3, participant_ref = $4
                     WHERE id = $5",
                )
                .bind(seq)
                .bind(&prev_hash)
                .bind(&hash)
                .bind(reference.as_deref())
                .bind(&e.id)
                .execute(&mut *tx)
                .await?;
                prev_hash = hash;
                chained += 1;
            }
            move_head(&mut tx, &organisation_id, seq, &prev_hash).await?;
        }
        tx.commit().await?;
        Ok(chained)
    }

    /// Recomputes every organisation's chain and reports the first broken
    /// link (see the module documentation). Reads entry by entry.
    pub async fn verify_audit_chain(&self) -> StoreResult<ChainReport> {
        let organisations: Vec<String> = sqlx::query(
            "SELECT organisation_id FROM audit_log
             UNION SELECT organisation_id FROM audit_chain_heads
             ORDER BY organisation_id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("organisation_id"))
        .collect::<Result<_, _>>()?;
        let mut report = ChainReport {
            organisations: organisations.len(),
            entries: 0,
            broken: None,
        };
        for organisation_id in &organisations {
            let (entries, broken) = self.verify_chain(organisation_id).await?;
            report.entries += entries;
            if broken.is_some() {
                report.broken = broken;
                break;
            }
        }
        Ok(report)
    }

    /// One organisation's chain: entries read, and the first broken link.
    async fn verify_chain(&self, organisation_id: &str) -> StoreResult<(u64, Option<BrokenLink>)> {
        let broken = |seq: Option<i64>, id: Option<&str>, reason: String| BrokenLink {
            organisation_id: organisation_id.to_owned(),
            seq,
            entry_id: id.map(str::to_owned),
            reason,
        };
        // NULL places sort first: an entry outside the chain is reported first.
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STORED_COLUMNS} FROM audit_log WHERE organisation_id = $1 ORDER BY seq"
        )))
        .bind(organisation_id)
        .fetch(&self.pool);
        let mut entries = 0_u64;
        let mut last: (i64, String) = (0, GENESIS_HASH.to_owned());
        while let Some(row) = rows.try_next().await? {
            let e = Stored::from_row(&row)?;
            entries += 1;
            let expected = last.0 + 1;
            let Some(seq) = e.seq else {
                return Ok((
                    entries,
                    Some(broken(
                        None,
                        Some(&e.id),
                        "entry is not in the chain (no place, no hash)".into(),
                    )),
                ));
            };
            if seq != expected {
                return Ok((
                    entries,
                    Some(broken(
                        Some(expected),
                        None,
                        format!("entry {expected} is missing (the next one is {seq})"),
                    )),
                ));
            }
            if e.prev_hash.as_deref() != Some(last.1.as_str()) {
                return Ok((
                    entries,
                    Some(broken(
                        Some(seq),
                        Some(&e.id),
                        "does not follow the entry before it (previous hash differs)".into(),
                    )),
                ));
            }
            if let (Some(id), Some(reference)) = (&e.participant_id, &e.participant_ref) {
                if participant_ref(id) != *reference {
                    return Ok((
                        entries,
                        Some(broken(
                            Some(seq),
                            Some(&e.id),
                            "the participant was changed (does not match its reference)".into(),
                        )),
                    ));
                }
            } else if e.participant_id.is_some() {
                return Ok((
                    entries,
                    Some(broken(
                        Some(seq),
                        Some(&e.id),
                        "a participant was added to the entry".into(),
                    )),
                ));
            }
            let hash = entry_hash(&Link {
                organisation_id,
                seq,
                id: &e.id,
                at: &e.at,
                staff_id: e.staff_id.as_deref(),
                action: &e.action,
                participant_ref: e.participant_ref.as_deref(),
                detail: &e.detail,
                prev_hash: &last.1,
            });
            if e.hash.as_deref() != Some(hash.as_str()) {
                return Ok((
                    entries,
                    Some(broken(
                        Some(seq),
                        Some(&e.id),
                        "the entry was altered (its hash differs)".into(),
                    )),
                ));
            }
            last = (seq, hash);
        }
        drop(rows);
        let head =
            sqlx::query("SELECT seq, hash FROM audit_chain_heads WHERE organisation_id = $1")
                .bind(organisation_id)
                .fetch_optional(&self.pool)
                .await?;
        let head: Option<(i64, String)> = head
            .map(|r| -> StoreResult<_> { Ok((r.try_get("seq")?, r.try_get("hash")?)) })
            .transpose()?;
        let ends_right = match &head {
            Some((seq, hash)) => *seq == last.0 && *hash == last.1,
            None => last.0 == 0,
        };
        if !ends_right {
            let reason = match head {
                Some((seq, _)) if seq > last.0 => {
                    format!(
                        "entries after {} are missing (the chain ended at {seq})",
                        last.0
                    )
                }
                Some(_) => "the chain's recorded end differs from its last entry".into(),
                None => "the chain's recorded end is missing".into(),
            };
            return Ok((entries, Some(broken(Some(last.0 + 1), None, reason))));
        }
        Ok((entries, None))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
