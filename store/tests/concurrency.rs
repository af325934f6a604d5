//! The store under many writers at once, on a database opened the way the
//! server opens it (`Store::connect`: for SQLite a file with WAL,
//! `synchronous=FULL` and the busy timeout, since an in-memory database
//! would hide the locking; for PostgreSQL a pool on a server): the same
//! submission from several tasks is stored once, a hundred participants
//! sending while others save drafts all succeed, a code connects one phone
//! however many redeem it at once, a session deleted by one request is not
//! brought back by another, one submission id sent for two participants at
//! once goes to one of them, and on PostgreSQL answer saves and check-ins do
//! not wait for the store's one write turn.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{Days, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{
    DraftRow, NewCheckIn, NewStaff, OccasionRef, Role, Store, StoreError, StoreOutcome,
};
use tokio::sync::Barrier;

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");
const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

/// A store on a database of its own, removed on drop.
struct Db {
    store: Store,
    instrument: Instrument,
    _database: TestDatabase,
}

async fn db() -> Db {
    let (store, database) = testing::store().await;
    let store = store.with_secrets(stegvis_store::Keyring::for_tests());
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    Db {
        store,
        instrument,
        _database: database,
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn submission_id(i: usize) -> String {
    format!("0d6f3b2a-4c1e-4b7d-9a8f-{i:012x}")
}

/// Every intake item answered with its first option.
fn answers(instrument: &Instrument) -> BTreeMap<String, String> {
    instrument
        .items_for(OccasionKind::Intake)
        .iter()
        .map(|item| (item.id.clone(), item.options[0].code.clone()))
        .collect()
}

fn check_in(instrument: &Instrument, participant_id: &str, submission_id: &str) -> NewCheckIn {
    let answers = answers(instrument)
        .into_iter()
        .map(|(item, code)| (item, AnswerValue::Option(code)))
        .collect();
    let checked = check_submission(instrument, OccasionKind::Intake, &answers).unwrap();
    NewCheckIn {
        submission_id: submission_id.into(),
        participant_id: participant_id.into(),
        occasion: INTAKE,
        instrument_version: instrument.version(),
        language: "sv".into(),
        answers: checked.into_iter().map(Into::into).collect(),
        assisted_by: None,
        submitted_at: None,
        answered_at: None,
    }
}

fn draft(instrument: &Instrument, submission_id: &str) -> DraftRow {
    DraftRow {
        submission_id: submission_id.into(),
        occasion: INTAKE,
        instrument_version: instrument.version(),
        language: "sv".into(),
        answers: answers(instrument),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_submission_sent_from_many_tasks_at_once_is_stored_once() {
    let db = db().await;
    let participant = db
        .store
        .create_participant("KX7-M4Q", date())
        .await
        .unwrap();
    let check_in = Arc::new(check_in(&db.instrument, &participant.id, &submission_id(1)));
    let tasks = 8;
    let start = Arc::new(Barrier::new(tasks));
    let mut sends = Vec::new();
    for _ in 0..tasks {
        let (store, check_in, start) = (db.store.clone(), check_in.clone(), start.clone());
        sends.push(tokio::spawn(async move {
            start.wait().await;
            store.store_check_in(&check_in).await
        }));
    }
    let mut stored = 0;
    for send in sends {
        match send.await.unwrap() {
            Ok(StoreOutcome::Stored) => stored += 1,
            Ok(StoreOutcome::AlreadyStored) => {}
            Err(e) => panic!("a repeat failed instead of being recognised: {e}"),
        }
    }
    assert_eq!(stored, 1);
    assert_eq!(db.store.recent_check_ins(10).await.unwrap().len(), 1);
    assert_eq!(
        db.store.answers(&submission_id(1)).await.unwrap().len(),
        check_in.answers.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sending_while_others_save_drafts_all_succeed() {
    let db = db().await;
    let phones = 100;
    let mut participants = Vec::new();
    for i in 0..2 * phones {
        let p = db
            .store
            .create_participant(&format!("P{i:03}-ABC"), date())
            .await
            .unwrap();
        participants.push(p.id);
    }
    let start = Arc::new(Barrier::new(2 * phones));
    let mut tasks = Vec::new();
    for (i, participant) in participants.into_iter().enumerate() {
        let (store, start) = (db.store.clone(), start.clone());
        let sid = submission_id(i);
        // The first hundred send, the other hundred answer question by question.
        let check_in = (i < phones).then(|| check_in(&db.instrument, &participant, &sid));
        let mut draft = draft(&db.instrument, &sid);
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            if let Some(check_in) = check_in {
                store.save_draft(&participant, &draft).await?;
                store.store_check_in(&check_in).await.map(|_| ())
            } else {
                let all = std::mem::take(&mut draft.answers);
                for (item, value) in all {
                    draft.answers.insert(item, value);
                    store.save_draft(&participant, &draft).await?;
                    store.draft(&participant, INTAKE).await?;
                }
                Ok::<(), StoreError>(())
            }
        }));
    }
    let mut failed = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            failed.push(e.to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} failed, e.g. {:?}",
        failed.len(),
        2 * phones,
        failed.first()
    );
    assert_eq!(db.store.recent_check_ins(1000).await.unwrap().len(), phones);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_submission_id_for_two_participants_at_once_goes_to_one() {
    let db = db().await;
    for round in 0..12 {
        let a = db
            .store
            .create_participant(&format!("A{round:02}-XYZ"), date())
            .await
            .unwrap()
            .id;
        let b = db
            .store
            .create_participant(&format!("B{round:02}-XYZ"), date())
            .await
            .unwrap()
            .id;
        let sid = submission_id(1000 + round);
        let start = Arc::new(Barrier::new(2));
        // A saves a draft under the id while B sends a check-in with it
        // (every other round the other way round).
        let (first, second) = if round % 2 == 0 { (a, b) } else { (b, a) };
        let drafting = {
            let (store, start, draft) =
                (db.store.clone(), start.clone(), draft(&db.instrument, &sid));
            let participant = first.clone();
            tokio::spawn(async move {
                start.wait().await;
                store.save_draft(&participant, &draft).await.map(|_| ())
            })
        };
        let sending = {
            let (store, start, check_in) = (
                db.store.clone(),
                start.clone(),
                check_in(&db.instrument, &second, &sid),
            );
            tokio::spawn(async move {
                start.wait().await;
                store.store_check_in(&check_in).await.map(|_| ())
            })
        };
        let results = [drafting.await.unwrap(), sending.await.unwrap()];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StoreError::SubmissionIdTaken))),
            "round {round}: {results:?}"
        );
        // The id is held in one place only, by one participant.
        let holders = db
            .store
            .test_sql()
            .rows(
                "SELECT participant_id FROM check_ins WHERE submission_id = $1
                 UNION ALL
                 SELECT participant_id FROM check_in_drafts WHERE submission_id = $1",
                &[sid.as_str().into()],
            )
            .await
            .unwrap();
        assert_eq!(holders.len(), 1, "round {round}: {holders:?}");
    }
}

/// On PostgreSQL an answer save and a check-in take the turns of their
/// participant and submission id only, so they go on while another
/// transaction holds the store's one write turn (which other writes, such as
/// an audit entry, still wait for).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_saves_do_not_wait_for_the_one_write_turn_on_postgresql() {
    if testing::engine() != stegvis_store::EngineKind::Postgres {
        return; // SQLite has one writer at a time by design.
    }
    use sqlx::{Connection, Executor};
    let db = db().await;
    let org = db.store.create_organisation("Förbundet").await.unwrap();
    let participant = db
        .store
        .create_participant("KX7-T4N", date())
        .await
        .unwrap()
        .id;
    let mut holder = sqlx::PgConnection::connect(&db._database.url)
        .await
        .unwrap();
    holder
        .execute(sqlx::AssertSqlSafe(format!(
            "SELECT pg_advisory_lock({})",
            testing::POSTGRES_WRITE_TURN
        )))
        .await
        .unwrap();

    let within = std::time::Duration::from_secs(5);
    let sid = submission_id(2000);
    tokio::time::timeout(
        within,
        db.store
            .save_draft(&participant, &draft(&db.instrument, &sid)),
    )
    .await
    .expect("an answer save waited for the one write turn")
    .unwrap();
    let stored = tokio::time::timeout(
        within,
        db.store
            .store_check_in(&check_in(&db.instrument, &participant, &sid)),
    )
    .await
    .expect("a check-in waited for the one write turn")
    .unwrap();
    assert_eq!(stored, StoreOutcome::Stored);

    // An audit entry takes the one turn: it waits until the holder lets go.
    let audit = {
        let store = db.store.clone();
        let org = org.id.clone();
        tokio::spawn(async move {
            store
                .audit(&stegvis_store::NewAuditEntry {
                    organisation_id: &org,
                    staff_id: None,
                    action: "export",
                    participant_id: None,
                    detail: "test",
                })
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !audit.is_finished(),
        "the audit entry did not take the turn"
    );
    holder
        .execute(sqlx::AssertSqlSafe(format!(
            "SELECT pg_advisory_unlock({})",
            testing::POSTGRES_WRITE_TURN
        )))
        .await
        .unwrap();
    tokio::time::timeout(within, audit)
        .await
        .expect("the audit entry still waits")
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_redeemed_by_many_phones_at_once_connects_one() {
    let db = db().await;
    let org = db.store.create_organisation("Södertörn").await.unwrap();
    let cm = db
        .store
        .create_staff(&NewStaff {
            organisation_id: &org.id,
            email: "cm@forbund.se",
            name: "Cm",
            password_hash: "not-a-real-hash",
            roles: &[Role::CaseManager],
        })
        .await
        .unwrap();
    let participant = db
        .store
        .create_participant("KX7-M4Q", date())
        .await
        .unwrap();
    let code = db
        .store
        .issue_access_code(
            &participant.id,
            "ABCD-EFGH",
            &cm.id,
            Utc::now() + Days::new(7),
        )
        .await
        .unwrap();
    let phones = 10;
    let start = Arc::new(Barrier::new(phones));
    let mut tasks = Vec::new();
    for i in 0..phones {
        let (store, start, code) = (db.store.clone(), start.clone(), code.code_hash.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            store
                .connect_device(&code, &format!("token-{i}"), "pin-hash", Utc::now())
                .await
        }));
    }
    let mut connected = 0;
    for task in tasks {
        if task.await.unwrap().unwrap().is_some() {
            connected += 1;
        }
    }
    assert_eq!(connected, 1);
    assert_eq!(db.store.active_devices(&participant.id).await.unwrap(), 1);
}

#[tokio::test]
async fn a_session_deleted_by_one_request_is_not_brought_back_by_another() {
    let db = db().await;
    let write = |data, expires_at| stegvis_store::SessionWrite {
        data,
        expires_at,
        staff_id: None,
        participant_id: None,
        label: None,
    };
    assert!(db
        .store
        .create_session("s1", &write("{}", 100))
        .await
        .unwrap());
    // Another request saves the session it loaded before: kept.
    assert!(db
        .store
        .save_session("s1", &write("{\"a\":1}", 200))
        .await
        .unwrap());
    assert_eq!(
        db.store.load_session("s1", 150).await.unwrap().as_deref(),
        Some("{\"a\":1}")
    );
    // Signed out meanwhile: saving it again does not recreate it.
    db.store.delete_session("s1").await.unwrap();
    assert!(!db
        .store
        .save_session("s1", &write("{\"a\":1}", 300))
        .await
        .unwrap());
    assert_eq!(db.store.load_session("s1", 0).await.unwrap(), None);
}
