//! The store against a real database (each test gets a fresh, migrated one on
//! the engine `STEGVIS_TEST_ENGINE` names): what is stored, what a repeat
//! does, and what is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use stegvis_domain::check_in::check_submission;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::test_sql::SqlValue;
use stegvis_store::testing::{self, TestDatabase};
use stegvis_store::{
    DraftRow, EngineKind, NewCheckIn, OccasionRef, Store, StoreError, StoreOutcome,
};

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");
const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

/// A store on a fresh database with the instrument registered; keep the
/// database alive as long as the store is used.
async fn setup() -> (Store, Instrument, TestDatabase) {
    let (store, db) = testing::store().await;
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    (store, instrument, db)
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

/// A complete intake: first option everywhere, the last item declined.
fn check_in(instrument: &Instrument, participant_id: &str, submission_id: &str) -> NewCheckIn {
    let items = instrument.items_for(OccasionKind::Intake);
    let mut answers = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let value = if i + 1 == items.len() {
            AnswerValue::Declined
        } else {
            AnswerValue::Option(item.options[0].code.clone())
        };
        answers.insert(item.id.clone(), value);
    }
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

#[tokio::test]
async fn a_check_in_is_stored_with_its_answers() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCC", date()).await.unwrap();
    let new = check_in(&instrument, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a01");

    assert_eq!(
        store.store_check_in(&new).await.unwrap(),
        StoreOutcome::Stored
    );

    let listed = store.recent_check_ins(10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].participant_code, "AAA-CCC");
    assert_eq!(listed[0].answers, new.answers.len());
    assert_eq!(listed[0].declined, 1);
    let read_back = store.answers(&new.submission_id).await.unwrap();
    assert_eq!(read_back.len(), new.answers.len());
    for (stored, sent) in read_back.iter().zip(&new.answers) {
        assert_eq!(stored.item_id, sent.item_id);
        assert_eq!(stored.value, sent.value);
        assert_eq!(stored.score, sent.score);
    }
    assert_eq!(store.answered_occasions(&p.id).await.unwrap(), vec![INTAKE]);
}

#[tokio::test]
async fn declined_is_stored_as_declined_never_as_a_number() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCD", date()).await.unwrap();
    let new = check_in(&instrument, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a02");
    store.store_check_in(&new).await.unwrap();

    let sql = store.test_sql();
    let rows = sql
        .rows("SELECT value, score FROM answers WHERE declined", &[])
        .await
        .unwrap();
    assert_eq!(rows, vec![vec![None, None]]);

    // The schema itself refuses a declined answer that carries a value
    // (while the same row without the value is accepted: the refusal is
    // the constraint's, not a mistake in the statement).
    let insert = "INSERT INTO answers (submission_id, item_id, value, declined, score, position)
                  VALUES ($1, $2, $3, TRUE, NULL, 99)";
    let bad = sql
        .execute(
            insert,
            &[(&new.submission_id).into(), "x".into(), "3".into()],
        )
        .await;
    assert!(bad.is_err());
    sql.execute(
        insert,
        &[(&new.submission_id).into(), "y".into(), SqlValue::Null],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn sending_the_same_submission_again_stores_nothing_new() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCE", date()).await.unwrap();
    let new = check_in(&instrument, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a03");

    assert_eq!(
        store.store_check_in(&new).await.unwrap(),
        StoreOutcome::Stored
    );
    assert_eq!(
        store.store_check_in(&new).await.unwrap(),
        StoreOutcome::AlreadyStored
    );

    let sql = store.test_sql();
    let check_ins = sql
        .count("SELECT COUNT(*) FROM check_ins", &[])
        .await
        .unwrap();
    let answers = sql
        .count("SELECT COUNT(*) FROM answers", &[])
        .await
        .unwrap();
    assert_eq!(check_ins, 1);
    assert_eq!(answers, new.answers.len() as i64);
}

#[tokio::test]
async fn a_second_check_in_for_the_same_occasion_is_refused() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCF", date()).await.unwrap();
    store
        .store_check_in(&check_in(
            &instrument,
            &p.id,
            "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a04",
        ))
        .await
        .unwrap();
    let other = check_in(&instrument, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a05");
    assert!(matches!(
        store.store_check_in(&other).await,
        Err(StoreError::OccasionAlreadyAnswered)
    ));
    // The refused one left nothing behind (the transaction rolled back).
    assert!(store
        .answers(&other.submission_id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.recent_check_ins(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_submission_id_cannot_be_reused_by_another_participant() {
    let (store, instrument, _db) = setup().await;
    let a = store.create_participant("AAA-CCG", date()).await.unwrap();
    let b = store.create_participant("AAA-CCH", date()).await.unwrap();
    let id = "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a06";
    store
        .store_check_in(&check_in(&instrument, &a.id, id))
        .await
        .unwrap();
    assert!(matches!(
        store
            .store_check_in(&check_in(&instrument, &b.id, id))
            .await,
        Err(StoreError::SubmissionIdTaken)
    ));
    assert!(store.answered_occasions(&b.id).await.unwrap().is_empty());
}

/// A submission id is one check-in's, drafts included: another participant's
/// draft holding it is a refusal the web layer answers with 409, never a
/// database error (a 500).
#[tokio::test]
async fn a_submission_id_held_by_another_participants_draft_is_refused() {
    let (store, instrument, _db) = setup().await;
    let a = store.create_participant("AAA-CCK", date()).await.unwrap();
    let b = store.create_participant("AAA-CCL", date()).await.unwrap();
    let id = "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a10";
    let draft = DraftRow {
        submission_id: id.into(),
        occasion: INTAKE,
        instrument_version: instrument.version(),
        language: "sv".into(),
        answers: BTreeMap::from([("halsa".to_string(), "4".to_string())]),
    };
    store.save_draft(&a.id, &draft).await.unwrap();
    // Saving the same id as b's draft, or sending it as b's check-in.
    assert!(matches!(
        store.save_draft(&b.id, &draft).await,
        Err(StoreError::SubmissionIdTaken)
    ));
    assert!(matches!(
        store
            .store_check_in(&check_in(&instrument, &b.id, id))
            .await,
        Err(StoreError::SubmissionIdTaken)
    ));
    assert_eq!(store.draft(&b.id, INTAKE).await.unwrap(), None);
    assert!(store.answered_occasions(&b.id).await.unwrap().is_empty());
    // a's draft is untouched and a can still send it.
    assert_eq!(
        store.draft(&a.id, INTAKE).await.unwrap(),
        Some(draft.clone())
    );
    store
        .store_check_in(&check_in(&instrument, &a.id, id))
        .await
        .unwrap();
    // A stored check-in's id cannot start anybody's new draft either.
    assert!(matches!(
        store.save_draft(&b.id, &draft).await,
        Err(StoreError::SubmissionIdTaken)
    ));
}

#[tokio::test]
async fn a_draft_is_kept_between_steps_and_removed_when_sent() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCJ", date()).await.unwrap();
    let id = "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a07";
    let mut draft = DraftRow {
        submission_id: id.into(),
        occasion: INTAKE,
        instrument_version: instrument.version(),
        language: "sv".into(),
        answers: BTreeMap::from([("halsa".to_string(), "4".to_string())]),
    };
    store.save_draft(&p.id, &draft).await.unwrap();
    draft
        .answers
        .insert("vill-arbeta".into(), "declined".into());
    store.save_draft(&p.id, &draft).await.unwrap();
    assert_eq!(store.draft(&p.id, INTAKE).await.unwrap(), Some(draft));

    store
        .store_check_in(&check_in(&instrument, &p.id, id))
        .await
        .unwrap();
    assert_eq!(store.draft(&p.id, INTAKE).await.unwrap(), None);
}

#[tokio::test]
async fn answers_keep_their_instrument_version_when_the_file_changes() {
    let (store, old, _db) = setup().await;
    let p = store.create_participant("AAA-CCK", date()).await.unwrap();
    let sent = check_in(&old, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a08");
    store.store_check_in(&sent).await.unwrap();

    let changed_source = SOURCE.replace("Hur mår du nu?", "Hur känns det nu?");
    let new = Instrument::from_toml(&changed_source).unwrap();
    assert_ne!(
        new.version(),
        old.version(),
        "a changed file is a new version"
    );
    store
        .register_instrument(&new, &changed_source)
        .await
        .unwrap();

    let listed = store.recent_check_ins(10).await.unwrap();
    assert_eq!(listed[0].instrument_version, old.version());
    let stored_source = store
        .instrument_source(&old.version())
        .await
        .unwrap()
        .unwrap();
    assert!(stored_source.contains("Hur mår du nu?"));
    assert!(store
        .instrument_source(&new.version())
        .await
        .unwrap()
        .unwrap()
        .contains("Hur känns det nu?"));
}

#[tokio::test]
async fn migrating_again_changes_nothing() {
    let (store, _, _db) = setup().await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.health().await.unwrap();
    assert_eq!(store.participant_count().await.unwrap(), 0);
}

#[tokio::test]
async fn an_id_finds_its_participant_and_nothing_else() {
    let (store, _, _db) = setup().await;
    let p = store.create_participant("AAA-CCM", date()).await.unwrap();
    assert_eq!(store.participant(&p.id).await.unwrap(), Some(p));
    assert_eq!(store.participant("no-such-id").await.unwrap(), None);
}

#[tokio::test]
async fn a_participant_carries_their_programmes_window() {
    use stegvis_domain::schedule::Window;
    let (store, _, _db) = setup().await;
    let p = store.create_participant("AAA-CCN", date()).await.unwrap();
    let found = store.participant(&p.id).await.unwrap().unwrap();
    assert_eq!(found.window, None);

    let window = Window {
        before_days: 7,
        after_days: 21,
    };
    let programme = store
        .create_programme("Arbetsträning", window)
        .await
        .unwrap();
    store.assign_programme(&p.id, &programme.id).await.unwrap();
    let found = store.participant(&p.id).await.unwrap().unwrap();
    assert_eq!(found.window, Some(window));

    // The schema refuses a window no programme could mean (and takes the
    // same row with a window that can be meant).
    let insert =
        "INSERT INTO programmes (id, name, window_before_days, window_after_days, created_at)
                  VALUES ($1, 'x', $2, 28, $3)";
    let sql = store.test_sql();
    let bad = sql
        .execute(insert, &["x".into(), (-1_i64).into(), Utc::now().into()])
        .await;
    assert!(bad.is_err());
    sql.execute(insert, &["y".into(), 0_i64.into(), Utc::now().into()])
        .await
        .unwrap();
}

/// `stegvis backup`: a copy taken while the database is open (its latest
/// writes still in the write-ahead log) holds the same check-ins, is
/// owner-only, and never overwrites a file. SQLite only (`VACUUM INTO` a
/// file; PostgreSQL is backed up with `pg_dump`).
#[tokio::test]
async fn a_backup_of_an_open_database_restores_the_same_check_ins() {
    if testing::engine() != EngineKind::Sqlite {
        eprintln!("SQLite only: `stegvis backup` copies a SQLite file");
        return;
    }
    let dir = std::env::temp_dir().join(format!("stegvis-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/live.db", dir.display());
    let live = Store::connect(&url).await.unwrap();
    live.migrate().await.unwrap();
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    live.register_instrument(&instrument, SOURCE).await.unwrap();
    let p = live.create_participant("BAK-UPP", date()).await.unwrap();
    let new = check_in(&instrument, &p.id, "6f1c2d7e-0b1a-4c55-9a8e-2b7f0c9d1e23");
    live.store_check_in(&new).await.unwrap();

    let output = dir.join("backup.db");
    let report = live.backup_to(&output).await.unwrap();
    assert_eq!((report.participants, report.check_ins), (1, 1));
    assert_eq!(report.bytes, std::fs::metadata(&output).unwrap().len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&output).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup holds health data: owner only"
        );
    }

    // Restore: the copy opens as a database of its own and reads the same.
    let restored = Store::connect(&format!("sqlite://{}", output.display()))
        .await
        .unwrap();
    restored.migrate().await.unwrap();
    assert_eq!(
        restored.recent_check_ins(10).await.unwrap(),
        live.recent_check_ins(10).await.unwrap()
    );
    assert_eq!(
        restored.answers(&new.submission_id).await.unwrap(),
        live.answers(&new.submission_id).await.unwrap()
    );
    assert_eq!(
        restored.participant(&p.id).await.unwrap(),
        live.participant(&p.id).await.unwrap()
    );

    // An existing file is never overwritten, and stays as it was.
    let before = std::fs::read(&output).unwrap();
    let err = live.backup_to(&output).await.unwrap_err();
    assert!(matches!(err, StoreError::Backup(_)), "{err}");
    assert!(err.to_string().contains("exists already"), "{err}");
    assert_eq!(std::fs::read(&output).unwrap(), before);

    // A failed copy leaves nothing behind that could pass for a backup.
    let nowhere = dir.join("missing-folder").join("backup.db");
    assert!(live.backup_to(&nowhere).await.is_err());
    assert!(!nowhere.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A URL for an engine Stegvis does not support is refused by name, never
/// half-opened, and its password is not repeated in the message.
#[tokio::test]
async fn an_unsupported_engine_is_named_in_the_error() {
    let err = Store::connect("mysql://stegvis:hemligt@db.example/stegvis")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::UnsupportedEngine(e) if e == "mysql"),
        "{err}"
    );
    assert!(!err.to_string().contains("hemligt"), "{err}");
}

/// SQLite's migrations as (version, SQL), in order, read from the folder
/// the store compiles them in from.
fn sqlite_migrations() -> Vec<(i64, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut migrations: Vec<(i64, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let version = name.split('_').next().unwrap().parse().unwrap();
            (version, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    migrations.sort();
    migrations
}

/// Migration 0011 gives answers stored before it their positions from the
/// order they were written in, per check-in, so they read back as before.
/// SQLite only: the backfill reads SQLite's rowid; PostgreSQL's schema had
/// positions from its first migration.
#[tokio::test]
async fn answers_stored_before_positions_keep_their_order() {
    if testing::engine() != EngineKind::Sqlite {
        eprintln!("SQLite only: migration 0011 backfills positions from SQLite's rowid");
        return;
    }
    let db = TestDatabase::empty().await;
    let store = db.store().await;
    let sql = store.test_sql();
    let migrations = sqlite_migrations();
    for (_, migration) in migrations.iter().filter(|(v, _)| *v < 11) {
        sql.execute(migration, &[]).await.unwrap();
    }
    let t = "2026-01-12T10:00:00+00:00";
    sql.execute(
        &format!(
            "INSERT INTO instrument_versions VALUES ('i@1', 'i', '1', 'src', '{t}');
             INSERT INTO participants (id, code, intake_date, created_at)
               VALUES ('p', 'AAA-BBB', '2026-01-12', '{t}');
             INSERT INTO check_ins (submission_id, participant_id, occasion_kind, occasion_number,
               instrument_version, language, submitted_at, answered_at)
             VALUES ('s1', 'p', 'intake', 0, 'i@1', 'sv', '{t}', '{t}'),
                    ('s2', 'p', 'follow-up', 1, 'i@1', 'sv', '{t}', '{t}');
             INSERT INTO answers (submission_id, item_id, value, declined, score) VALUES
               ('s1', 'sova', '1', FALSE, 1),
               ('s2', 'halsa', '2', FALSE, 2),
               ('s1', 'arbete', '3', FALSE, 3),
               ('s2', 'ekonomi', NULL, TRUE, NULL),
               ('s1', 'boende', NULL, TRUE, NULL);"
        ),
        &[],
    )
    .await
    .unwrap();
    let (_, m11) = migrations.iter().find(|(v, _)| *v == 11).unwrap();
    sql.execute(m11, &[]).await.unwrap();

    let items = |answers: Vec<stegvis_store::StoredAnswer>| {
        answers.into_iter().map(|a| a.item_id).collect::<Vec<_>>()
    };
    assert_eq!(
        items(store.answers("s1").await.unwrap()),
        ["sova", "arbete", "boende"]
    );
    assert_eq!(
        items(store.answers("s2").await.unwrap()),
        ["halsa", "ekonomi"]
    );
    let positions = sql
        .rows(
            "SELECT item_id, position FROM answers WHERE submission_id = $1 ORDER BY position",
            &["s1".into()],
        )
        .await
        .unwrap();
    let text = |item: &str, n: &str| vec![Some(item.to_owned()), Some(n.to_owned())];
    assert_eq!(
        positions,
        [text("sova", "0"), text("arbete", "1"), text("boende", "2")]
    );
}

/// A stored value that does not decode is an error for the caller to
/// answer, never a panic in the middle of a request.
#[tokio::test]
async fn a_stored_value_that_does_not_decode_is_an_error() {
    let (store, instrument, _db) = setup().await;
    let p = store.create_participant("AAA-CCP", date()).await.unwrap();
    let new = check_in(&instrument, &p.id, "0d9f3a52-5d0c-4b0e-8f55-3f4d1d2f6a0f");
    store.store_check_in(&new).await.unwrap();
    let sql = store.test_sql();
    match testing::engine() {
        EngineKind::Sqlite => {
            // SQLite holds a value of any type in any column.
            sql.execute("UPDATE check_ins SET submitted_at = 'yesterday'", &[])
                .await
                .unwrap();
            sql.execute("UPDATE answers SET score = 'many' WHERE NOT declined", &[])
                .await
                .unwrap();

            assert!(matches!(
                store.recent_check_ins(10).await,
                Err(StoreError::Database(_))
            ));
            assert!(matches!(
                store.answers(&new.submission_id).await,
                Err(StoreError::Database(_))
            ));
        }
        EngineKind::Postgres => {
            // PostgreSQL's typed columns refuse values of the wrong type
            // outright; what they can hold but the store cannot read is
            // an occasion that does not exist and a score out of range.
            assert!(sql
                .execute("UPDATE check_ins SET submitted_at = 'not a time'", &[])
                .await
                .is_err());
            assert!(sql
                .execute("UPDATE answers SET score = 'many' WHERE NOT declined", &[])
                .await
                .is_err());
            sql.execute("UPDATE check_ins SET occasion_kind = 'someday'", &[])
                .await
                .unwrap();
            sql.execute(
                "UPDATE answers SET score = 5000000000 WHERE NOT declined",
                &[],
            )
            .await
            .unwrap();

            assert!(matches!(
                store.recent_check_ins(10).await,
                Err(StoreError::Corrupt(_))
            ));
            assert!(matches!(
                store.answers(&new.submission_id).await,
                Err(StoreError::Corrupt(_))
            ));
        }
    }
}
