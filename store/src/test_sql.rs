//! Raw SQL for tests, and only for tests (the `test-support` feature).
//!
//! Some tests must look at stored data the product never reads back (that
//! the sessions table holds only a hash of the cookie, that an erased
//! participant left no row), or damage it on purpose (an expired reset
//! link, a session signed in long ago). No [`Store`] method does that, nor
//! should one.
//!
//! Why this shape rather than re-exporting `sqlx` or handing out the pool:
//! values go in as [`SqlValue`] and come out as text, so no engine type
//! crosses the store's API and a test written against it can run unchanged
//! on another engine (the SQL text uses `$1` placeholders, which every
//! engine accepts). Everything raw goes through one visibly named door,
//! [`Store::test_sql`], and the door is compiled only when a test crate
//! asks for the feature: the server binary has no raw-SQL entry point.

use crate::{Store, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Row, Sqlite};

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Text(String),
    /// A point in time, encoded the way the store writes one.
    Time(DateTime<Utc>),
}

impl From<&str> for SqlValue {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<&String> for SqlValue {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl From<String> for SqlValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<i64> for SqlValue {
    fn from(n: i64) -> Self {
        Self::Integer(n)
    }
}

impl From<DateTime<Utc>> for SqlValue {
    fn from(at: DateTime<Utc>) -> Self {
        Self::Time(at)
    }
}

/// Raw statements against the store's database; see the module header.
#[derive(Debug, Clone, Copy)]
pub struct TestSql<'a> {
    store: &'a Store,
}

impl Store {
    /// Raw SQL for tests that inspect or deliberately damage stored data.
    pub fn test_sql(&self) -> TestSql<'_> {
        TestSql { store: self }
    }
}

fn bound<'q>(sql: &'q str, binds: &[SqlValue]) -> Query<'q, Sqlite, SqliteArguments> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = match value {
            SqlValue::Null => query.bind(None::<String>),
            SqlValue::Integer(n) => query.bind(*n),
            SqlValue::Text(text) => query.bind(text.clone()),
            SqlValue::Time(at) => query.bind(*at),
        };
    }
    query
}

impl TestSql<'_> {
    /// The integer in the first column of the first row, e.g. of
    /// `SELECT COUNT(*) FROM … WHERE id = $1`.
    pub async fn count(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<i64> {
        let row = bound(sql, binds).fetch_one(&self.store.pool).await?;
        Ok(row.try_get(0)?)
    }

    /// Every row, every column read as text (`None` for NULL; numbers as
    /// the engine writes them).
    pub async fn rows(
        &self,
        sql: &str,
        binds: &[SqlValue],
    ) -> StoreResult<Vec<Vec<Option<String>>>> {
        let rows = bound(sql, binds).fetch_all(&self.store.pool).await?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| Ok(row.try_get_unchecked::<Option<String>, _>(i)?))
                    .collect()
            })
            .collect()
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn execute(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<u64> {
        Ok(bound(sql, binds)
            .execute(&self.store.pool)
            .await?
            .rows_affected())
    }
}
