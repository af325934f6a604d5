//! The statements of `audit.rs`, compiled once per engine (see engine/mod.rs).

use super::{Core, Db};
use crate::audit::*;
use crate::StoreResult;
use chrono::{SecondsFormat, Utc};
use futures_util::TryStreamExt;
use sqlx::{FromRow, Row};

impl Core {
    pub async fn audit(&self, entry: &NewAuditEntry<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

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
                    at: parse_at(&r.try_get::<String, _>("at")?)?,
                    staff_name: r.try_get("staff_name")?,
                    action: r.try_get("action")?,
                    participant_id: r.try_get("participant_id")?,
                    participant_code: r.try_get("code")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

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

/// Appends an entry to its organisation's chain on a connection that holds
/// the write lock (inside a `BEGIN IMMEDIATE` transaction), so that erasure
/// and other multi-statement writes can log in their own transaction.
pub(crate) async fn append(
    conn: &mut <Db as sqlx::Database>::Connection,
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
    conn: &mut <Db as sqlx::Database>::Connection,
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
