//! The tamper-evident audit log against a real database (SQLite or
//! PostgreSQL, see `stegvis_store::testing`): entries form
//! one hash chain per organisation; altering, deleting, inserting or
//! reordering any entry, or cutting entries off the end, is reported at the
//! first broken link; erasure (participant id set to NULL) keeps the chain
//! whole; many writers at once never fork it; entries from before the chains
//! are chained once; and the export's check-in query.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::NaiveDate;
use stegvis_store::test_sql::SqlValue;
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{NewAuditEntry, Store};

struct Log {
    store: Store,
    _db: Option<TestDatabase>,
    org: String,
    participant: String,
    code: String,
}

/// A new database with `entries` audit entries in one organisation.
async fn log(entries: usize) -> Log {
    let (store, db) = testing::store().await;
    let mut log = log_in(store, entries).await;
    log._db = Some(db);
    log
}

/// `entries` audit entries in a new organisation of `store`.
async fn log_in(store: Store, entries: usize) -> Log {
    let org = store.create_organisation("Förbundet").await.unwrap().id;
    let row = store
        .create_participant(
            &stegvis_store::ids::participant_code(),
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        )
        .await
        .unwrap();
    let (participant, code) = (row.id, row.code);
    for i in 0..entries {
        store
            .audit(&NewAuditEntry {
                organisation_id: &org,
                staff_id: None,
                action: "read-answers",
                participant_id: (i % 2 == 0).then_some(participant.as_str()),
                detail: &format!("entry {}", i + 1),
            })
            .await
            .unwrap();
    }
    Log {
        store,
        _db: None,
        org,
        participant,
        code,
    }
}

async fn exec(store: &Store, sql: &str, binds: &[SqlValue]) {
    store.test_sql().execute(sql, binds).await.unwrap();
}

/// The place the verifier reports, and that it found one.
async fn broken_at(store: &Store) -> Option<i64> {
    let report = store.verify_audit_chain().await.unwrap();
    let broken = report.broken?;
    Some(broken.seq.unwrap_or(-1))
}

#[tokio::test]
async fn entries_form_a_chain_that_verifies() {
    let l = log(5).await;
    let other = l.store.create_organisation("Annat").await.unwrap().id;
    l.store
        .audit(&NewAuditEntry {
            organisation_id: &other,
            staff_id: None,
            action: "export",
            participant_id: None,
            detail: "svar.csv",
        })
        .await
        .unwrap();
    let report = l.store.verify_audit_chain().await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!((report.organisations, report.entries), (2, 6));
    let entries = l.store.audit_entries(&l.org).await.unwrap();
    let places: Vec<i64> = entries.iter().map(|e| e.seq.unwrap()).collect();
    assert_eq!(places, [1, 2, 3, 4, 5]);
    assert_eq!(
        entries[0].prev_hash.as_deref(),
        Some(stegvis_store::GENESIS_HASH)
    );
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    // Each organisation has a chain of its own, starting at 1.
    let theirs = l.store.audit_entries(&other).await.unwrap();
    assert_eq!(theirs[0].seq, Some(1));
    // The reference to the participant, not the id, is in the entry.
    assert_eq!(
        entries[0].participant_ref.as_deref(),
        Some(stegvis_store::participant_ref(&l.participant).as_str())
    );
    assert_eq!(
        entries[0].participant_code.as_deref(),
        Some(l.code.as_str())
    );
}

#[tokio::test]
async fn an_altered_entry_is_found() {
    let l = log(5).await;
    exec(
        &l.store,
        "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3",
        &[],
    )
    .await;
    assert_eq!(broken_at(&l.store).await, Some(3));
}

#[tokio::test]
async fn every_covered_field_is_checked() {
    let (store, _db) = testing::store().await;
    for (sql, at) in [
        (
            "UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 2",
            2,
        ),
        ("UPDATE audit_log SET action = 'login' WHERE seq = 2", 2),
        (
            "UPDATE audit_log SET participant_ref = NULL WHERE seq = 1",
            1,
        ),
        (
            "UPDATE audit_log SET participant_id = NULL, participant_ref = NULL WHERE seq = 3",
            3,
        ),
        ("UPDATE audit_log SET hash = prev_hash WHERE seq = 2", 2),
        ("UPDATE audit_log SET prev_hash = hash WHERE seq = 2", 2),
    ] {
        let l = log_in(store.clone(), 3).await;
        assert_eq!(broken_at(&l.store).await, None);
        exec(&l.store, sql, &[]).await;
        assert_eq!(broken_at(&l.store).await, Some(at), "{sql}");
        exec(&store, "DELETE FROM audit_log", &[]).await;
        exec(&store, "DELETE FROM audit_chain_heads", &[]).await;
    }
}

#[tokio::test]
async fn a_deleted_entry_is_found() {
    let l = log(5).await;
    exec(&l.store, "DELETE FROM audit_log WHERE seq = 2", &[]).await;
    let report = l.store.verify_audit_chain().await.unwrap();
    let broken = report.broken.unwrap();
    assert_eq!(broken.seq, Some(2));
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}

#[tokio::test]
async fn entries_cut_off_the_end_are_found() {
    let l = log(5).await;
    exec(&l.store, "DELETE FROM audit_log WHERE seq >= 4", &[]).await;
    assert_eq!(broken_at(&l.store).await, Some(4));
}

#[tokio::test]
async fn reordered_entries_are_found() {
    let l = log(5).await;
    // Swap the places of entries 2 and 3 (through a free place, for the index).
    exec(
        &l.store,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        &[],
    )
    .await;
    exec(&l.store, "UPDATE audit_log SET seq = 2 WHERE seq = 3", &[]).await;
    exec(
        &l.store,
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
        &[],
    )
    .await;
    assert_eq!(broken_at(&l.store).await, Some(2));
}

#[tokio::test]
async fn an_inserted_entry_is_found() {
    let l = log(3).await;
    exec(
        &l.store,
        "INSERT INTO audit_log (id, organisation_id, at, action, detail)
         VALUES ('forged', $1, '2026-01-01T00:00:00Z', 'login', '')",
        &[(&l.org).into()],
    )
    .await;
    // Not chained at the next start either: the organisation has a chain.
    assert_eq!(l.store.chain_unchained_audit_entries().await.unwrap(), 0);
    let broken = l.store.verify_audit_chain().await.unwrap().broken.unwrap();
    assert_eq!(broken.entry_id.as_deref(), Some("forged"));
}

#[tokio::test]
async fn erasure_keeps_the_chain_and_a_changed_participant_is_found() {
    let l = log(4).await;
    // What erasure does to the log.
    exec(
        &l.store,
        "UPDATE audit_log SET participant_id = NULL WHERE participant_id = $1",
        &[(&l.participant).into()],
    )
    .await;
    exec(
        &l.store,
        "DELETE FROM participants WHERE id = $1",
        &[(&l.participant).into()],
    )
    .await;
    assert_eq!(broken_at(&l.store).await, None);
    let entries = l.store.audit_entries(&l.org).await.unwrap();
    assert!(entries.iter().all(|e| e.participant_code.is_none()));

    // Pointing an entry at another person is found.
    let other = l
        .store
        .create_participant(
            &stegvis_store::ids::participant_code(),
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        )
        .await
        .unwrap()
        .id;
    exec(
        &l.store,
        "UPDATE audit_log SET participant_id = $1 WHERE seq = 1",
        &[(&other).into()],
    )
    .await;
    assert_eq!(broken_at(&l.store).await, Some(1));
}

#[tokio::test]
async fn entries_from_before_the_chain_are_chained_once() {
    let (store, _db) = testing::store().await;
    let org = store.create_organisation("Förbundet").await.unwrap().id;
    for (id, at) in [
        ("b", "2025-01-02T00:00:00Z"),
        ("a", "2025-01-01T00:00:00Z"),
        ("c", "2025-01-03T00:00:00Z"),
    ] {
        exec(
            &store,
            "INSERT INTO audit_log (id, organisation_id, at, action, detail)
             VALUES ($1, $2, $3, 'read-answers', '')",
            &[id.into(), (&org).into(), at.into()],
        )
        .await;
    }
    assert!(store.verify_audit_chain().await.unwrap().broken.is_some());
    assert_eq!(store.chain_unchained_audit_entries().await.unwrap(), 3);
    assert_eq!(store.chain_unchained_audit_entries().await.unwrap(), 0);
    let entries = store.audit_entries(&org).await.unwrap();
    let order: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(order, ["a", "b", "c"], "in the order they were written");
    // New entries go on from there.
    store
        .audit(&NewAuditEntry {
            organisation_id: &org,
            staff_id: None,
            action: "export",
            participant_id: None,
            detail: "",
        })
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!((report.entries, report.broken), (4, None));
}

#[tokio::test]
async fn many_writers_at_once_never_fork_the_chain() {
    let (store, _db) = testing::store().await;
    let org = store.create_organisation("Förbundet").await.unwrap().id;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        let org = org.clone();
        tasks.push(tokio::spawn(async move {
            store
                .audit(&NewAuditEntry {
                    organisation_id: &org,
                    staff_id: None,
                    action: "read-answers",
                    participant_id: None,
                    detail: &i.to_string(),
                })
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!((report.entries, report.broken), (40, None));
    let places: Vec<i64> = store
        .audit_entries(&org)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq.unwrap())
        .collect();
    assert_eq!(places, (1..=40).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_export_reads_every_check_in_with_answers_once() {
    use stegvis_domain::instrument::AnswerValue;
    use stegvis_domain::occasion::OccasionKind;
    use stegvis_store::{NewAnswer, NewCheckIn, OccasionRef};
    let l = log(0).await;
    let source = include_str!("../../instruments/stegvis-bas.toml");
    let instrument = stegvis_domain::instrument::Instrument::from_toml(source).unwrap();
    l.store
        .register_instrument(&instrument, source)
        .await
        .unwrap();
    let other = l.store.create_organisation("Annat").await.unwrap().id;
    exec(
        &l.store,
        "UPDATE participants SET organisation_id = $1, gender = 'kvinna', birth_year = 1980",
        &[(&l.org).into()],
    )
    .await;
    for (number, answers) in [(0_u32, 2_usize), (1, 1), (2, 0)] {
        l.store
            .store_check_in(&NewCheckIn {
                submission_id: stegvis_store::ids::submission_id(),
                participant_id: l.participant.clone(),
                occasion: OccasionRef {
                    kind: if number == 0 {
                        OccasionKind::Intake
                    } else {
                        OccasionKind::FollowUp
                    },
                    number,
                },
                instrument_version: instrument.version(),
                language: "sv".into(),
                answers: (0..answers)
                    .map(|i| NewAnswer {
                        item_id: format!("item-{i}"),
                        value: AnswerValue::Option("1".into()),
                        score: Some(1),
                    })
                    .collect(),
                assisted_by: None,
                submitted_at: None,
                answered_at: None,
            })
            .await
            .unwrap();
    }
    let records = l.store.export_check_ins(&l.org).await.unwrap();
    // One row per check-in (not per answer); the one without answers is not
    // in the answer file, so not here either.
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].occasion_kind, OccasionKind::Intake);
    assert_eq!(records[1].occasion_number, 1);
    assert_eq!(records[0].gender.as_deref(), Some("kvinna"));
    assert_eq!(records[0].birth_year, Some(1980));
    assert!(records[0].anonymous, "no consent recorded");
    assert_eq!(records[0].instrument_version, instrument.version());
    assert!(l.store.export_check_ins(&other).await.unwrap().is_empty());
}
