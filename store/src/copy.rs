//! Moving an association's data from SQLite to PostgreSQL
//! (`stegvis copy-database`).
//!
//! Every table is copied in foreign-key order inside one transaction on the
//! target, which must be empty: a copy either arrives whole or not at all,
//! and never mixes with data already there. Each value is read from SQLite
//! as the Rust type the PostgreSQL column holds (RFC 3339 text becomes
//! `TIMESTAMPTZ`, integers become `BOOLEAN` where the column is one), so a
//! value that does not fit stops the copy with the table and column named.
//!
//! What PostgreSQL derives itself is not copied: the check-ins' compact
//! scores and the statistics change log are written by its triggers as the
//! answers and participants arrive (answers in their order within each
//! check-in, so the compact scores come out the same). After the copy,
//! still inside the transaction, the row count of every copied table is
//! compared with the source's.

use crate::{Engine, Store, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::{Postgres, QueryBuilder, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Tables PostgreSQL fills itself, from triggers, as the others are copied.
const DERIVED_TABLES: [&str; 2] = ["statistics_changes", "statistics_versions"];

/// Columns PostgreSQL fills itself (table, column).
const DERIVED_COLUMNS: [(&str, &str); 1] = [("check_ins", "scores")];

/// Rows sent in one INSERT (PostgreSQL takes at most 65 535 parameters).
const BATCH_ROWS: usize = 500;

/// What a copy moved: each table and its rows, in the order copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(String, i64)>,
}

/// One value on its way from SQLite to PostgreSQL.
enum Value {
    Integer(Option<i64>),
    Boolean(Option<bool>),
    Instant(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Text(Option<String>),
    Real(Option<f64>),
    Bytes(Option<Vec<u8>>),
}

/// How a PostgreSQL column's type is read from SQLite.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Integer,
    Boolean,
    Instant,
    Date,
    Text,
    Real,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> Option<Self> {
        Some(match data_type {
            "bigint" | "integer" | "smallint" => Self::Integer,
            "boolean" => Self::Boolean,
            "timestamp with time zone" => Self::Instant,
            "date" => Self::Date,
            "text" | "character varying" => Self::Text,
            "double precision" | "real" => Self::Real,
            "bytea" => Self::Bytes,
            _ => return None,
        })
    }

    fn read(self, row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Value, sqlx::Error> {
        Ok(match self {
            Self::Integer => Value::Integer(row.try_get(i)?),
            Self::Boolean => Value::Boolean(row.try_get(i)?),
            Self::Instant => Value::Instant(row.try_get(i)?),
            Self::Date => Value::Date(row.try_get(i)?),
            Self::Text => Value::Text(row.try_get(i)?),
            Self::Real => Value::Real(row.try_get(i)?),
            Self::Bytes => Value::Bytes(row.try_get(i)?),
        })
    }
}

impl Store {
    /// Copies everything in this (SQLite) store into `target` (an empty
    /// PostgreSQL database), bringing both schemas up to date first.
    pub async fn copy_into(&self, target: &Store) -> StoreResult<CopyReport> {
        let (Engine::Sqlite(from), Engine::Postgres(to)) = (&self.engine, &target.engine) else {
            return Err(StoreError::Copy(format!(
                "copy-database moves data from SQLite to PostgreSQL, not from {} to {} \
                 (copy PostgreSQL with pg_dump and pg_restore)",
                self.engine().name(),
                target.engine().name()
            )));
        };
        self.migrate().await?;
        target.migrate().await?;
        copy(&from.pool, &to.pool).await
    }
}

async fn copy(
    from: &sqlx::Pool<sqlx::Sqlite>,
    to: &sqlx::Pool<Postgres>,
) -> StoreResult<CopyReport> {
    let columns = target_columns(to).await?;
    let order = dependency_order(to, columns.keys().cloned().collect()).await?;
    let mut tx = to.begin().await?;
    for table in &order {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(&mut *tx)
        .await?;
        if rows > 0 {
            return Err(StoreError::Copy(format!(
                "the target database is not empty ({table} has {rows} rows); \
                 copy-database only fills an empty database"
            )));
        }
    }
    let mut report = CopyReport::default();
    for table in order
        .iter()
        .filter(|t| !DERIVED_TABLES.contains(&t.as_str()))
    {
        let cols: Vec<&(String, Kind)> = columns[table]
            .iter()
            .filter(|(c, _)| !DERIVED_COLUMNS.contains(&(table.as_str(), c.as_str())))
            .collect();
        let list = cols
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        // Answers in their order within each check-in: PostgreSQL's triggers
        // append each to its check-in's compact scores.
        let order_by = if table == "answers" {
            " ORDER BY submission_id, position"
        } else {
            ""
        };
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {list} FROM \"{table}\"{order_by}"
        )))
        .fetch(from);
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
        let mut copied = 0_i64;
        while let Some(row) = rows.try_next().await? {
            let values = cols
                .iter()
                .enumerate()
                .map(|(i, (column, kind))| {
                    kind.read(&row, i).map_err(|e| {
                        StoreError::Copy(format!("{table}.{column} cannot be read: {e}"))
                    })
                })
                .collect::<StoreResult<Vec<Value>>>()?;
            batch.push(values);
            if batch.len() == BATCH_ROWS {
                copied += insert(&mut tx, table, &list, std::mem::take(&mut batch)).await?;
            }
        }
        if !batch.is_empty() {
            copied += insert(&mut tx, table, &list, batch).await?;
        }
        let source: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(from)
        .await?;
        let target: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(&mut *tx)
        .await?;
        if source != target || copied != target {
            return Err(StoreError::Copy(format!(
                "{table}: {source} rows in SQLite but {target} in PostgreSQL; nothing was copied"
            )));
        }
        report.tables.push((table.clone(), target));
    }
    tx.commit().await?;
    Ok(report)
}

async fn insert(
    tx: &mut sqlx::Transaction<'static, Postgres>,
    table: &str,
    list: &str,
    rows: Vec<Vec<Value>>,
) -> StoreResult<i64> {
    let mut query: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("INSERT INTO \"{table}\" ({list}) "));
    query.push_values(rows, |mut b, row| {
        for value in row {
            match value {
                Value::Integer(v) => b.push_bind(v),
                Value::Boolean(v) => b.push_bind(v),
                Value::Instant(v) => b.push_bind(v),
                Value::Date(v) => b.push_bind(v),
                Value::Text(v) => b.push_bind(v),
                Value::Real(v) => b.push_bind(v),
                Value::Bytes(v) => b.push_bind(v),
            };
        }
    });
    let done = query.build().execute(&mut **tx).await?;
    i64::try_from(done.rows_affected()).map_err(|e| StoreError::Copy(e.to_string()))
}

/// Every table of the target's schema (but the migrations' own) with its
/// columns and how each is read.
async fn target_columns(
    to: &sqlx::Pool<Postgres>,
) -> StoreResult<BTreeMap<String, Vec<(String, Kind)>>> {
    let rows = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name,
                c.data_type::text AS data_type
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '_sqlx_migrations'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(to)
    .await?;
    let mut tables: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for r in &rows {
        let table: String = r.try_get("table_name")?;
        let column: String = r.try_get("column_name")?;
        let data_type: String = r.try_get("data_type")?;
        let kind = Kind::of(&data_type).ok_or_else(|| {
            StoreError::Copy(format!(
                "{table}.{column} has a type copying does not know: {data_type}"
            ))
        })?;
        tables.entry(table).or_default().push((column, kind));
    }
    Ok(tables)
}

/// The tables in an order where every table comes after the tables its
/// foreign keys point at.
async fn dependency_order(
    to: &sqlx::Pool<Postgres>,
    tables: BTreeSet<String>,
) -> StoreResult<Vec<String>> {
    let edges = sqlx::query(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
         FROM pg_constraint
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
    )
    .fetch_all(to)
    .await?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| (t.clone(), BTreeSet::new()))
        .collect();
    for e in &edges {
        let child: String = e.try_get("child")?;
        let parent: String = e.try_get("parent")?;
        let (child, parent) = (unquote(&child), unquote(&parent));
        if child != parent && tables.contains(&parent) {
            if let Some(p) = parents.get_mut(&child) {
                p.insert(parent);
            }
        }
    }
    let mut order = Vec::new();
    let mut placed = BTreeSet::new();
    while placed.len() < parents.len() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(t, p)| !placed.contains(*t) && p.iter().all(|x| placed.contains(x)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Copy(
                "the tables' foreign keys form a cycle; no order to copy them in".into(),
            ));
        }
        for t in ready {
            placed.insert(t.clone());
            order.push(t);
        }
    }
    Ok(order)
}

/// A table name as `regclass` prints it, without quotes.
fn unquote(name: &str) -> String {
    name.trim_matches('"').to_owned()
}
