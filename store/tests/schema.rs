//! The two engines' schemas side by side: a fresh SQLite database migrated
//! with `migrations/sqlite` and a fresh PostgreSQL database migrated with
//! `migrations/postgres` must have the same tables, columns, keys, unique
//! constraints, foreign keys, CHECK constraints and indexes, and their
//! triggers must keep `check_ins.scores` and the statistics change log the
//! same for the same writes.
//!
//! PostgreSQL is required: the server in `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`; `scripts/postgres.sh` starts a
//! throwaway one) gets a database of its own for each test, dropped at the
//! end. Without a server the tests fail, they are never skipped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------
// Fresh databases on both engines

/// A migrated SQLite database in a file of its own; the directory goes when
/// this is dropped.
struct Sqlite {
    pool: SqlitePool,
    dir: PathBuf,
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn sqlite() -> Sqlite {
    let dir = std::env::temp_dir().join(format!("stegvis-schema-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.join("schema.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .expect("SQLite migrations");
    Sqlite { pool, dir }
}

/// Runs `body` with a pool on a new, migrated PostgreSQL database, and drops
/// the database afterwards, also when `body` panics.
async fn with_postgres<F, Fut>(body: F)
where
    F: FnOnce(PgPool) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_string());
    let admin_options = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("TEST_DATABASE_URL {url:?} is not a PostgreSQL URL: {e}"));
    let mut admin = match tokio::time::timeout(
        Duration::from_secs(10),
        sqlx::PgConnection::connect_with(&admin_options),
    )
    .await
    {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!(
            "PostgreSQL is not reachable at {url} ({e}). These tests need a server: set \
             TEST_DATABASE_URL, or `source scripts/postgres.sh && ensure_postgres`."
        ),
        Err(_) => panic!(
            "PostgreSQL at {url} did not answer within 10 s. These tests need a server: set \
             TEST_DATABASE_URL, or `source scripts/postgres.sh && ensure_postgres`."
        ),
    };
    let name = format!("stegvis_schema_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name} at {url}: {e}"));

    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(admin_options.clone().database(&name))
        .await
        .unwrap();
    let migrated = sqlx::migrate!("./migrations/postgres").run(&pool).await;
    let outcome = match migrated {
        Ok(()) => tokio::spawn(body(pool.clone())).await.map(|()| None),
        Err(e) => Ok(Some(format!("PostgreSQL migrations: {e}"))),
    };
    pool.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("DROP DATABASE {name}: {e}"));
    match outcome {
        Ok(Some(message)) => panic!("{message}"),
        Ok(None) => {}
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------
// What a schema is made of

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Integer,
    Text,
    Boolean,
    Timestamp,
    Date,
    Other,
}

#[derive(Debug)]
struct Column {
    name: String,
    not_null: bool,
    class: Class,
    declared: String,
}

#[derive(Debug, Default)]
struct Table {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
    /// Non-unique indexes: name → columns.
    indexes: BTreeMap<String, Vec<String>>,
    /// (column, referenced table, referenced column, ON DELETE action)
    foreign_keys: BTreeSet<(String, String, String, String)>,
    checks: usize,
}

type Schema = BTreeMap<String, Table>;

/// How many CHECK constraints a table's SQL (as SQLite keeps it) declares.
fn check_constraints(sql: &str) -> usize {
    sql.lines()
        .map(|line| line.split("--").next().unwrap_or_default().to_uppercase())
        .map(|line| line.replace("CHECK(", "CHECK (").matches("CHECK (").count())
        .sum()
}

async fn sqlite_schema(pool: &SqlitePool) -> Schema {
    let mut schema = Schema::new();
    let tables = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for t in tables {
        let name: String = t.get("name");
        let sql: String = t.get("sql");
        let mut table = Table {
            checks: check_constraints(&sql),
            ..Table::default()
        };
        let columns = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in columns {
            let column: String = c.get("name");
            let declared: String = c.get("type");
            let in_pk: i64 = c.get("pk");
            if in_pk > 0 {
                pk.push((in_pk, column.clone()));
            }
            let class = match declared.to_uppercase().as_str() {
                "INTEGER" => Class::Integer,
                "TEXT" => Class::Text,
                "BOOLEAN" => Class::Boolean,
                _ => Class::Other,
            };
            table.columns.push(Column {
                name: column,
                // SQLite lets a non-INTEGER primary key hold NULL; the store
                // never writes one, and PostgreSQL's keys are NOT NULL.
                not_null: c.get::<bool, _>("notnull") || in_pk > 0,
                class,
                declared,
            });
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();

        let indexes = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap();
        for i in indexes {
            let index: String = i.get("name");
            let unique: bool = i.get("unique");
            let origin: String = i.get("origin");
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            if origin == "pk" {
                continue;
            }
            if unique {
                table.unique.insert(columns);
            } else {
                table.indexes.insert(index, columns);
            }
        }

        let keys = sqlx::query(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list($1)",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for k in keys {
            table.foreign_keys.insert((
                k.get("from"),
                k.get("table"),
                k.get::<Option<String>, _>("to").unwrap_or_default(),
                k.get("on_delete"),
            ));
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &PgPool) -> Schema {
    let mut schema = Schema::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for name in tables {
        let mut table = Table::default();
        let columns = sqlx::query(
            "SELECT a.attname::text AS name, a.attnotnull AS not_null,
                    format_type(a.atttypid, a.atttypmod) AS declared
             FROM pg_attribute a
             WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for c in columns {
            let declared: String = c.get("declared");
            let class = match declared.as_str() {
                "bigint" | "integer" | "smallint" => Class::Integer,
                "text" => Class::Text,
                "boolean" => Class::Boolean,
                "timestamp with time zone" => Class::Timestamp,
                "date" => Class::Date,
                _ => Class::Other,
            };
            table.columns.push(Column {
                name: c.get("name"),
                not_null: c.get("not_null"),
                class,
                declared,
            });
        }

        let indexes = sqlx::query(
            "SELECT c.relname::text AS name, i.indisunique AS is_unique,
                    i.indisprimary AS is_primary,
                    ARRAY(SELECT a.attname::text
                          FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                          ORDER BY k.ord) AS columns
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = $1::text::regclass",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for i in indexes {
            let columns: Vec<String> = i.get("columns");
            if i.get("is_primary") {
                table.primary_key = columns;
            } else if i.get("is_unique") {
                table.unique.insert(columns);
            } else {
                table.indexes.insert(i.get("name"), columns);
            }
        }

        let keys = sqlx::query(
            "SELECT a.attname::text AS from_column, t.relname::text AS to_table,
                    af.attname::text AS to_column, c.confdeltype::text AS on_delete
             FROM pg_constraint c
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
             JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol
             JOIN pg_class t ON t.oid = c.confrelid
             WHERE c.contype = 'f' AND c.conrelid = $1::text::regclass",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for k in keys {
            let action = match k.get::<String, _>("on_delete").as_str() {
                "a" => "NO ACTION",
                "r" => "RESTRICT",
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                other => panic!("{name}: unknown ON DELETE action {other:?}"),
            };
            table.foreign_keys.insert((
                k.get("from_column"),
                k.get("to_table"),
                k.get("to_column"),
                action.to_string(),
            ));
        }

        let checks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::text::regclass",
        )
        .bind(&name)
        .fetch_one(pool)
        .await
        .unwrap();
        table.checks = usize::try_from(checks).unwrap();
        schema.insert(name, table);
    }
    schema
}

/// Every difference between the two schemas, each naming its table (and
/// column where there is one).
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    for name in sqlite.keys().filter(|t| !postgres.contains_key(*t)) {
        found.push(format!("table {name}: only on SQLite"));
    }
    for name in postgres.keys().filter(|t| !sqlite.contains_key(*t)) {
        found.push(format!("table {name}: only on PostgreSQL"));
    }
    for (name, s) in sqlite {
        let Some(p) = postgres.get(name) else {
            continue;
        };
        let s_names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
        let p_names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
        for c in &s.columns {
            let Some(pc) = p.columns.iter().find(|pc| pc.name == c.name) else {
                found.push(format!("{name}.{}: only on SQLite", c.name));
                continue;
            };
            if c.not_null != pc.not_null {
                found.push(format!(
                    "{name}.{}: NOT NULL on SQLite {}, on PostgreSQL {}",
                    c.name, c.not_null, pc.not_null
                ));
            }
            let same_class = c.class == pc.class
                || (c.class == Class::Text && matches!(pc.class, Class::Timestamp | Class::Date));
            if !same_class || c.class == Class::Other || pc.class == Class::Other {
                found.push(format!(
                    "{name}.{}: type {} on SQLite, {} on PostgreSQL",
                    c.name, c.declared, pc.declared
                ));
            }
            if pc.class == Class::Integer && pc.declared != "bigint" {
                found.push(format!(
                    "{name}.{}: {} on PostgreSQL; the store reads integers as i64, so BIGINT",
                    c.name, pc.declared
                ));
            }
        }
        for c in p
            .columns
            .iter()
            .filter(|c| !s_names.contains(&c.name.as_str()))
        {
            found.push(format!("{name}.{}: only on PostgreSQL", c.name));
        }
        if found.is_empty() && s_names != p_names {
            found.push(format!(
                "{name}: columns in another order: SQLite {s_names:?}, PostgreSQL {p_names:?}"
            ));
        }
        if s.primary_key != p.primary_key {
            found.push(format!(
                "{name}: primary key ({}) on SQLite, ({}) on PostgreSQL",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        for u in s.unique.symmetric_difference(&p.unique) {
            let side = if s.unique.contains(u) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!(
                "{name}.{}: UNIQUE ({}) only on {side}",
                u.join("+"),
                u.join(", ")
            ));
        }
        for (index, columns) in &s.indexes {
            match p.indexes.get(index) {
                None => found.push(format!(
                    "{name}.{}: index {index} ({}) only on SQLite",
                    columns.join("+"),
                    columns.join(", ")
                )),
                Some(other) if other != columns => found.push(format!(
                    "{name}.{}: index {index} on ({}) on SQLite, ({}) on PostgreSQL",
                    columns.join("+"),
                    columns.join(", "),
                    other.join(", ")
                )),
                Some(_) => {}
            }
        }
        for (index, columns) in p
            .indexes
            .iter()
            .filter(|(i, _)| !s.indexes.contains_key(*i))
        {
            found.push(format!(
                "{name}.{}: index {index} ({}) only on PostgreSQL",
                columns.join("+"),
                columns.join(", ")
            ));
        }
        for k in s.foreign_keys.symmetric_difference(&p.foreign_keys) {
            let side = if s.foreign_keys.contains(k) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!(
                "{name}.{}: REFERENCES {}({}) ON DELETE {} only on {side}",
                k.0, k.1, k.2, k.3
            ));
        }
        if s.checks != p.checks {
            found.push(format!(
                "{name}: {} CHECK constraints on SQLite, {} on PostgreSQL",
                s.checks, p.checks
            ));
        }
    }
    found
}

#[tokio::test]
async fn both_engines_have_the_same_schema() {
    let lite = sqlite().await;
    let sqlite_schema = sqlite_schema(&lite.pool).await;
    assert!(
        sqlite_schema.contains_key("participants")
            && sqlite_schema.contains_key("statistics_changes"),
        "the SQLite schema was not read: {:?}",
        sqlite_schema.keys().collect::<Vec<_>>()
    );
    with_postgres(move |pg| async move {
        let postgres_schema = postgres_schema(&pg).await;
        let found = differences(&sqlite_schema, &postgres_schema);
        assert!(
            found.is_empty(),
            "the schemas differ:\n{}",
            found.join("\n")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------
// Triggers

/// A value to bind, in the type that suits each engine: instants and dates
/// are RFC 3339 / ISO 8601 text on SQLite and TIMESTAMPTZ / DATE on
/// PostgreSQL.
#[derive(Clone, Copy)]
enum V<'a> {
    Text(&'a str),
    NoText,
    Int(i64),
    NoInt,
    Bool(bool),
    Instant(&'a str),
    Date(&'a str),
}

#[derive(Clone)]
enum Engine {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Engine {
    fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite(_) => "SQLite",
            Engine::Postgres(_) => "PostgreSQL",
        }
    }

    async fn run(&self, sql: &'static str, values: &[V<'_>]) {
        match self {
            Engine::Sqlite(pool) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = match *v {
                        V::Text(s) | V::Instant(s) | V::Date(s) => q.bind(s.to_string()),
                        V::Int(n) => q.bind(n),
                        V::NoInt => q.bind(None::<i64>),
                        V::NoText => q.bind(None::<String>),
                        V::Bool(b) => q.bind(b),
                    };
                }
                q.execute(pool)
                    .await
                    .unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
            }
            Engine::Postgres(pool) => {
                let mut q = sqlx::query(sql);
                for v in values {
                    q = match *v {
                        V::Text(s) => q.bind(s.to_string()),
                        V::Instant(s) => {
                            q.bind(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
                        }
                        V::Date(s) => q.bind(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()),
                        V::Int(n) => q.bind(n),
                        V::NoInt => q.bind(None::<i64>),
                        V::NoText => q.bind(None::<String>),
                        V::Bool(b) => q.bind(b),
                    };
                }
                q.execute(pool)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
            }
        }
    }

    /// What the triggers maintain, as text to compare.
    async fn state(&self) -> Vec<String> {
        const SCORES: &str = "SELECT submission_id, scores FROM check_ins ORDER BY submission_id";
        const VERSIONS: &str = "SELECT organisation_id, seq, epoch, pruned_through
                                FROM statistics_versions ORDER BY organisation_id";
        const CHANGES: &str = "SELECT organisation_id, seq, participant_id
                               FROM statistics_changes ORDER BY organisation_id, seq";
        let mut out = Vec::new();
        macro_rules! read {
            ($pool:expr) => {{
                for r in sqlx::query(SCORES).fetch_all($pool).await.unwrap() {
                    out.push(format!(
                        "check-in {} scores {:?}",
                        r.get::<String, _>(0),
                        r.get::<Option<String>, _>(1)
                    ));
                }
                for r in sqlx::query(VERSIONS).fetch_all($pool).await.unwrap() {
                    out.push(format!(
                        "version {} seq {} epoch {} pruned {}",
                        r.get::<String, _>(0),
                        r.get::<i64, _>(1),
                        r.get::<i64, _>(2),
                        r.get::<i64, _>(3)
                    ));
                }
                for r in sqlx::query(CHANGES).fetch_all($pool).await.unwrap() {
                    out.push(format!(
                        "change {} #{} {}",
                        r.get::<String, _>(0),
                        r.get::<i64, _>(1),
                        r.get::<String, _>(2)
                    ));
                }
            }};
        }
        match self {
            Engine::Sqlite(pool) => read!(pool),
            Engine::Postgres(pool) => read!(pool),
        }
        out
    }
}

type Step = (&'static str, &'static str, Vec<V<'static>>);

/// The writes, in order; after each the engines must agree.
fn steps() -> Vec<Step> {
    const T: &str = "2026-03-01T09:30:00+00:00";
    let org = "INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)";
    let participant =
        "INSERT INTO participants (id, code, intake_date, created_at, organisation_id)
                       VALUES ($1, $2, $3, $4, $5)";
    let check_in = "INSERT INTO check_ins (submission_id, participant_id, occasion_kind,
                        occasion_number, instrument_version, language, submitted_at, answered_at)
                    VALUES ($1, $2, 'intake', $3, 'bas@1', 'sv', $4, $4)";
    let answer = "INSERT INTO answers (submission_id, item_id, value, declined, score, position)
                  VALUES ($1, $2, $3, $4, $5, $6)";
    vec![
        (
            "two organisations",
            org,
            vec![V::Text("o1"), V::Text("Norra"), V::Instant(T)],
        ),
        (
            "",
            org,
            vec![V::Text("o2"), V::Text("Södra"), V::Instant(T)],
        ),
        (
            "a participant in o1",
            participant,
            vec![
                V::Text("p1"),
                V::Text("AAA-111"),
                V::Date("2026-02-01"),
                V::Instant(T),
                V::Text("o1"),
            ],
        ),
        (
            "another participant in o1",
            participant,
            vec![
                V::Text("p2"),
                V::Text("BBB-222"),
                V::Date("2026-02-02"),
                V::Instant(T),
                V::Text("o1"),
            ],
        ),
        (
            "an instrument version",
            "INSERT INTO instrument_versions (version, instrument_id, hash, source, loaded_at)
             VALUES ($1, 'bas', 'h', 'source', $2)",
            vec![V::Text("bas@1"), V::Instant(T)],
        ),
        (
            "a check-in",
            check_in,
            vec![V::Text("s1"), V::Text("p1"), V::Int(0), V::Instant(T)],
        ),
        // Item ids out of alphabetical order, so position order shows.
        (
            "its first answer",
            answer,
            vec![
                V::Text("s1"),
                V::Text("zeta"),
                V::Text("3"),
                V::Bool(false),
                V::Int(3),
                V::Int(0),
            ],
        ),
        (
            "its second answer, without a score",
            answer,
            vec![
                V::Text("s1"),
                V::Text("alpha"),
                V::Text("x"),
                V::Bool(false),
                V::NoInt,
                V::Int(1),
            ],
        ),
        (
            "its third answer",
            answer,
            vec![
                V::Text("s1"),
                V::Text("mid"),
                V::Text("1"),
                V::Bool(false),
                V::Int(1),
                V::Int(2),
            ],
        ),
        (
            "an answer's score changed",
            "UPDATE answers SET score = $1, value = '4' WHERE submission_id = $2 AND item_id = $3",
            vec![V::Int(4), V::Text("s1"), V::Text("mid")],
        ),
        (
            "an answer removed",
            "DELETE FROM answers WHERE submission_id = $1 AND item_id = $2",
            vec![V::Text("s1"), V::Text("zeta")],
        ),
        (
            "a participant's fact changed",
            "UPDATE participants SET gender = $1 WHERE id = $2",
            vec![V::Text("woman"), V::Text("p1")],
        ),
        (
            "a check-in moved to another occasion",
            "UPDATE check_ins SET occasion_number = $1 WHERE submission_id = $2",
            vec![V::Int(1), V::Text("s1")],
        ),
        (
            "a check-in of the other participant",
            check_in,
            vec![V::Text("s2"), V::Text("p2"), V::Int(0), V::Instant(T)],
        ),
        (
            "its answer",
            answer,
            vec![
                V::Text("s2"),
                V::Text("beta"),
                V::Text("2"),
                V::Bool(false),
                V::Int(2),
                V::Int(0),
            ],
        ),
        (
            "its declined answer",
            answer,
            vec![
                V::Text("s2"),
                V::Text("alpha"),
                V::NoText,
                V::Bool(true),
                V::NoInt,
                V::Int(1),
            ],
        ),
        (
            "a check-in removed",
            "DELETE FROM check_ins WHERE submission_id = $1",
            vec![V::Text("s1")],
        ),
        (
            "a participant moved to another organisation",
            "UPDATE participants SET organisation_id = $1 WHERE id = $2",
            vec![V::Text("o2"), V::Text("p2")],
        ),
        (
            "a participant erased",
            "DELETE FROM participants WHERE id = $1",
            vec![V::Text("p1")],
        ),
        (
            "the other participant erased, with their check-in",
            "DELETE FROM participants WHERE id = $1",
            vec![V::Text("p2")],
        ),
    ]
}

/// Lines of the state a step must leave, so the steps test what they mean
/// to (and not only that both engines agree).
fn expected(step: &str) -> &'static [&'static str] {
    match step {
        "its third answer" => &["check-in s1 scores Some(\"zeta=3;alpha=;mid=1\")"],
        "an answer's score changed" => &[
            "check-in s1 scores Some(\"zeta=3;alpha=;mid=4\")",
            "change o1 #4 p1",
        ],
        "an answer removed" => &[
            "check-in s1 scores Some(\"alpha=;mid=4\")",
            "change o1 #5 p1",
        ],
        "its declined answer" => &["check-in s2 scores Some(\"beta=2;alpha=\")"],
        "a participant moved to another organisation" => &[
            "version o1 seq 10 epoch 1 pruned 0",
            "version o2 seq 1 epoch 0 pruned 0",
            "change o2 #1 p2",
        ],
        "the other participant erased, with their check-in" => &[
            "version o1 seq 11 epoch 2 pruned 0",
            "version o2 seq 2 epoch 1 pruned 0",
        ],
        _ => &[],
    }
}

#[tokio::test]
async fn triggers_behave_the_same() {
    let lite = sqlite().await;
    let sqlite = Engine::Sqlite(lite.pool.clone());
    with_postgres(move |pg| async move {
        let postgres = Engine::Postgres(pg);
        let mut last = String::new();
        for (i, (what, sql, values)) in steps().into_iter().enumerate() {
            if !what.is_empty() {
                last = what.to_string();
            }
            for engine in [&sqlite, &postgres] {
                engine.run(sql, &values).await;
            }
            let s = sqlite.state().await;
            let p = postgres.state().await;
            assert_eq!(
                s,
                p,
                "after step {i} ({last}): {} (left) and {} (right) differ",
                sqlite.name(),
                postgres.name()
            );
            for line in expected(what) {
                assert!(
                    s.iter().any(|l| l == line),
                    "after step {i} ({last}): expected {line:?} in {s:#?}"
                );
            }
        }
        let end = postgres.state().await;
        assert!(
            end.iter().all(|l| !l.starts_with("change ")),
            "changes left after erasure: {end:?}"
        );
    })
    .await;
}
