//! Fresh databases for tests, on the engine the test run asks for.
//!
//! Every store test and every HTTP test takes its database from here, so one
//! suite runs on each engine: `STEGVIS_TEST_ENGINE=sqlite` (the default) or
//! `postgres`. PostgreSQL tests connect to `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), create a database of their own
//! for each test, copied from a migrated template (one per set of
//! migrations, made once), and drop it when the test ends. A PostgreSQL run
//! that cannot reach its server fails; it is never skipped.
//!
//! Only with the `test-support` feature: nothing here is in the server.

use crate::{EngineKind, Store};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use std::str::FromStr;

/// The advisory lock number of PostgreSQL's one write turn, for tests that
/// hold it from outside to show which writes wait for it.
pub const POSTGRES_WRITE_TURN: i64 = crate::engine::postgres::WRITE_LOCK;

/// The engine this test run uses, from `STEGVIS_TEST_ENGINE`.
///
/// # Panics
/// On a value other than `sqlite` or `postgres`: a typo must not quietly
/// test the other engine.
pub fn engine() -> EngineKind {
    match std::env::var("STEGVIS_TEST_ENGINE").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => EngineKind::Sqlite,
        Ok("postgres") | Ok("postgresql") => EngineKind::Postgres,
        Ok(other) => panic!("STEGVIS_TEST_ENGINE={other:?}: use sqlite or postgres"),
    }
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// One test's own database, removed when dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL to open it with (`DATABASE_URL` for a server process).
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Directory(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    /// A new, empty database (not migrated) on the run's engine.
    ///
    /// # Panics
    /// When the database cannot be made: the test cannot run.
    pub async fn empty() -> Self {
        Self::make(engine(), false).await
    }

    /// A new, empty database on `engine`, whatever the run's engine (tests
    /// that move data between engines).
    ///
    /// # Panics
    /// When the database cannot be made.
    pub async fn empty_on(engine: EngineKind) -> Self {
        Self::make(engine, false).await
    }

    /// A new database with every migration applied, on the run's engine.
    ///
    /// # Panics
    /// When the database cannot be made: the test cannot run.
    pub async fn migrated() -> Self {
        Self::make(engine(), true).await
    }

    async fn make(engine: EngineKind, migrated: bool) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match engine {
            EngineKind::Sqlite => {
                let dir = std::env::temp_dir().join(format!("stegvis-test-{id}"));
                std::fs::create_dir_all(&dir).expect("a directory for the test database");
                let db = Self {
                    url: format!("sqlite://{}/stegvis.db", dir.display()),
                    cleanup: Cleanup::Directory(dir),
                };
                if migrated {
                    let store = Store::connect(&db.url).await.expect("open SQLite");
                    store.migrate().await.expect("migrate SQLite");
                    store.close().await;
                }
                db
            }
            EngineKind::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("stegvis_t_{id}");
                let template = if migrated {
                    Some(postgres_template(&admin_url).await)
                } else {
                    None
                };
                let mut admin = admin_connection(&admin_url).await;
                let create = match &template {
                    Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
                    None => format!("CREATE DATABASE {name}"),
                };
                admin
                    .execute(sqlx::AssertSqlSafe(create))
                    .await
                    .expect("create the test database");
                let _ = admin.close().await;
                Self {
                    url: database_url(&admin_url, &name),
                    cleanup: Cleanup::PostgresDatabase { admin_url, name },
                }
            }
        }
    }

    /// A store on this database (without secret keys).
    ///
    /// # Panics
    /// When it cannot be opened.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url)
            .await
            .expect("open the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Drop runs inside the test's runtime, which cannot be
                // blocked on: a thread of its own with a runtime of its own.
                let admin_url = admin_url.clone();
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async {
                        if let Ok(mut admin) = try_admin_connection(&admin_url).await {
                            let _ = admin
                                .execute(sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                )))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A store on a fresh, migrated database of its own, and the database
/// (keep it alive as long as the store is used).
///
/// # Panics
/// When the database cannot be made.
pub async fn store() -> (Store, TestDatabase) {
    let db = TestDatabase::migrated().await;
    (db.store().await, db)
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.find('?') {
        Some(q) => admin_url.split_at(q),
        None => (admin_url, ""),
    };
    let host_from = base.find("://").map_or(0, |i| i + 3);
    let host_to = base[host_from..]
        .find('/')
        .map_or(base.len(), |i| host_from + i);
    format!("{}/{name}{query}", &base[..host_to])
}

async fn try_admin_connection(admin_url: &str) -> Result<sqlx::PgConnection, sqlx::Error> {
    PgConnectOptions::from_str(admin_url)?.connect().await
}

async fn admin_connection(admin_url: &str) -> sqlx::PgConnection {
    try_admin_connection(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL tests need a server: none answered at {admin_url} ({e}). \
             Set TEST_DATABASE_URL, or run the README's test command, which starts one."
        )
    })
}

/// The name of a migrated template database for the current migrations,
/// made once (under an advisory lock, so parallel test processes make it
/// once between them).
async fn postgres_template(admin_url: &str) -> String {
    let mut fingerprint = Sha256::new();
    for migration in crate::engine::postgres::MIGRATOR.iter() {
        fingerprint.update(&migration.checksum);
    }
    let fingerprint = crate::audit::hex(&fingerprint.finalize()[..8]);
    let name = format!("stegvis_template_{fingerprint}");
    let mut admin = admin_connection(admin_url).await;
    admin
        .execute("SELECT pg_advisory_lock(7351)")
        .await
        .expect("template lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("look for the template");
    if !exists {
        let building = format!("{name}_building");
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
            )))
            .await
            .expect("clear an unfinished template");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {building}")))
            .await
            .expect("create the template");
        let store = Store::connect(&database_url(admin_url, &building))
            .await
            .expect("open the template");
        store.migrate().await.expect("migrate the template");
        store.close().await;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "ALTER DATABASE {building} RENAME TO {name}"
            )))
            .await
            .expect("finish the template");
    }
    admin
        .execute("SELECT pg_advisory_unlock(7351)")
        .await
        .expect("template unlock");
    let _ = admin.close().await;
    name
}
