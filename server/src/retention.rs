//! Retention (GDPR article 5(1)(e)): erasing records whose organisation's
//! retention period has ended, and pruning what only lives for a while
//! (expired sessions, failed attempts older than any lockout needs, spent or
//! expired access codes). `stegvis retention [--dry-run]` runs it once; the
//! server runs it by itself every `STEGVIS_RETENTION_HOURS` (default 24).
//! Every erasure is written to its organisation's audit log, with the reason
//! and no personal data.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use stegvis_store::{NewAuditEntry, PruneReport, RetentionCandidate, Store, StoreResult};

/// Failed sign-in and code attempts are kept this long: far longer than any
/// lockout looks back (45 minutes), short enough that addresses and e-mail
/// addresses of failed attempts do not pile up.
pub const KEEP_FAILED_ATTEMPTS: Duration = Duration::hours(24);

/// What a run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRun {
    /// Records past their period: erased, or (dry run) to be erased.
    pub due: Vec<RetentionCandidate>,
    /// How many of them were erased (0 in a dry run).
    pub erased: usize,
    /// What pruning removed (nothing in a dry run).
    pub pruned: PruneReport,
}

/// Erases every record past its retention period on `today` (of one
/// organisation, or all) and prunes, unless `dry_run`, which only lists.
pub async fn run(
    store: &Store,
    organisation_id: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
    dry_run: bool,
) -> StoreResult<RetentionRun> {
    let due = store.retention_due(organisation_id, today).await?;
    if dry_run {
        return Ok(RetentionRun {
            due,
            ..RetentionRun::default()
        });
    }
    let mut erased = 0;
    for candidate in &due {
        if store
            .erase_participant(&candidate.organisation_id, &candidate.participant_id)
            .await?
        {
            erased += 1;
            store
                .audit(&NewAuditEntry {
                    organisation_id: &candidate.organisation_id,
                    staff_id: None,
                    action: "retention-erase",
                    participant_id: None,
                    detail: &format!("{}, since {}", candidate.reason.code(), candidate.due_from),
                })
                .await?;
        }
    }
    let pruned = store.prune(now, now - KEEP_FAILED_ATTEMPTS).await?;
    store
        .prune_statistics_changes(KEEP_STATISTICS_CHANGES)
        .await?;
    Ok(RetentionRun {
        due,
        erased,
        pruned,
    })
}

/// Changes to the evaluator's figures kept in the change log per
/// organisation: a server whose figures are further behind than this (one
/// that has not shown them for weeks) reads them all again, which is always
/// correct, only slower once.
pub const KEEP_STATISTICS_CHANGES: i64 = 100_000;

/// Runs retention now and then every `every`, for as long as the server runs.
pub async fn run_every(store: Store, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match run(
            &store,
            None,
            chrono::Local::now().date_naive(),
            Utc::now(),
            false,
        )
        .await
        {
            Ok(done) => tracing::info!(
                erased = done.erased,
                sessions = done.pruned.sessions,
                failed_attempts = done.pruned.failed_attempts,
                access_codes = done.pruned.access_codes,
                "retention run"
            ),
            Err(err) => tracing::error!(error = %err, "retention run failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stegvis_domain::throttle::{CODE_PER_ADDRESS, LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS};

    #[test]
    fn failed_attempts_outlive_every_lockout() {
        for policy in [LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS, CODE_PER_ADDRESS] {
            assert!(policy.lookback() < KEEP_FAILED_ATTEMPTS);
        }
    }
}
