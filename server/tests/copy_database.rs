//! `stegvis copy-database`: an association's SQLite database, filled by the
//! demo, moved into an empty PostgreSQL database by the binary itself, then
//! read back through the store on both sides: the same participants,
//! check-ins, answers, statistics respondents, compact scores and audit
//! chain. A target that is not empty, and a copy in the other direction, are
//! refused and change nothing. Needs PostgreSQL whatever the run's engine
//! (`TEST_DATABASE_URL`, see stegvis_store::testing).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use std::path::Path;
use std::process::Command;
use stegvis_domain::instrument::Instrument;
use stegvis_domain::stats::ItemIndex;
use stegvis_store::testing::TestDatabase;
use stegvis_store::{EngineKind, Store};

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

/// Runs `stegvis <args>` with `data_dir` and `database_url`; (success, output).
fn stegvis(data_dir: &Path, database_url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stegvis"))
        .args(args)
        .env_clear()
        .env("STEGVIS_CONFIG", "/dev/null")
        .env("STEGVIS_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("STEGVIS_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn table_counts(store: &Store) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in [
        "organisations",
        "staff",
        "staff_roles",
        "programmes",
        "participants",
        "check_ins",
        "answers",
        "access_codes",
        "audit_log",
        "audit_chain_heads",
        "instrument_versions",
    ] {
        let n = store
            .test_sql()
            .count(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .unwrap();
        counts.push((table.to_owned(), n));
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_database_moves_from_sqlite_to_postgres_whole() {
    let sqlite = TestDatabase::empty_on(EngineKind::Sqlite).await;
    let postgres = TestDatabase::empty_on(EngineKind::Postgres).await;
    let data = std::env::temp_dir().join(format!("stegvis-copy-{}", uuid_like()));
    std::fs::create_dir_all(&data).unwrap();

    let (ok, log) = stegvis(&data, &sqlite.url, &["demo", "--participants", "120"]);
    assert!(ok, "{log}");
    // An export is audited: the audit chain has entries to carry over.
    for kind in ["ndi", "distance"] {
        let out = data.join(format!("{kind}.csv"));
        let out = out.to_str().unwrap();
        let (ok, log) = stegvis(&data, &sqlite.url, &["export", kind, "--output", out]);
        assert!(ok, "{log}");
    }

    let (ok, log) = stegvis(
        &data,
        &sqlite.url,
        &[
            "copy-database",
            "--from",
            &sqlite.url,
            "--to",
            &postgres.url,
        ],
    );
    assert!(ok, "{log}");
    assert!(log.contains("every table's row count matches"), "{log}");
    assert!(log.contains("from SQLite to PostgreSQL"), "{log}");

    let from = sqlite.store().await;
    let to = postgres.store().await;
    assert_eq!(to.engine(), EngineKind::Postgres);
    let counts = table_counts(&from).await;
    assert!(counts.iter().all(|(_, n)| *n > 0), "{counts:?}");
    assert_eq!(table_counts(&to).await, counts);

    // The same check-ins and answers, read back through the store.
    let check_ins = from.recent_check_ins(100_000).await.unwrap();
    assert!(check_ins.len() > 100, "{}", check_ins.len());
    assert_eq!(to.recent_check_ins(100_000).await.unwrap(), check_ins);
    for c in check_ins.iter().step_by(7) {
        assert_eq!(
            to.answers(&c.submission_id).await.unwrap(),
            from.answers(&c.submission_id).await.unwrap()
        );
    }
    // The compact scores PostgreSQL's triggers wrote are SQLite's, text for text.
    let scores = "SELECT submission_id, scores FROM check_ins ORDER BY submission_id";
    assert_eq!(
        to.test_sql().rows(scores, &[]).await.unwrap(),
        from.test_sql().rows(scores, &[]).await.unwrap()
    );

    // The same figures for the evaluator, and an intact audit chain.
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    let index = ItemIndex::new(&instrument);
    let org = from.find_organisation(None).await.unwrap().unwrap();
    assert_eq!(
        to.load_respondents(&org.id, &index).await.unwrap(),
        from.load_respondents(&org.id, &index).await.unwrap()
    );
    assert_eq!(
        to.audit_entries(&org.id).await.unwrap(),
        from.audit_entries(&org.id).await.unwrap()
    );
    let chain = to.verify_audit_chain().await.unwrap();
    assert!(chain.broken.is_none(), "{chain:?}");
    assert!(chain.entries > 0);

    // Never into a database that holds anything: refused, nothing added.
    let (ok, log) = stegvis(
        &data,
        &sqlite.url,
        &[
            "copy-database",
            "--from",
            &sqlite.url,
            "--to",
            &postgres.url,
        ],
    );
    assert!(!ok, "{log}");
    assert!(log.contains("not empty"), "{log}");
    assert_eq!(table_counts(&to).await, counts);

    // And only from SQLite to PostgreSQL.
    let (ok, log) = stegvis(
        &data,
        &sqlite.url,
        &[
            "copy-database",
            "--from",
            &postgres.url,
            "--to",
            &sqlite.url,
        ],
    );
    assert!(!ok, "{log}");
    assert!(log.contains("pg_dump"), "{log}");
    assert_eq!(table_counts(&from).await, counts);

    from.close().await;
    to.close().await;
    let _ = std::fs::remove_dir_all(&data);
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
