//! Raw SQL for the tests of other crates, on whichever engine the store is.
//!
//! The HTTP tests sometimes must look at stored data no method reads back,
//! or damage it on purpose. They do it through [`crate::Store::test_sql`]:
//! values go in as [`SqlValue`] and come out as text, so no engine type
//! crosses the API and the same test runs on SQLite and PostgreSQL. Only
//! with the `test-support` feature, which only dev-dependencies turn on: the
//! server binary has no raw-SQL entry point.

use crate::{Engine, Store, StoreResult};
use chrono::{DateTime, Utc};

/// A value to bind to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Text(String),
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

impl TestSql<'_> {
    /// The integer in the first column of the first row, e.g. of
    /// `SELECT COUNT(*) FROM … WHERE id = $1`.
    pub async fn count(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<i64> {
        on_engine!(self.store, core => core.test_count(sql, binds).await)
    }

    /// Every row, every column as text (`None` for NULL). Values read the
    /// same on every engine: integers and booleans as numbers (`1`/`0`),
    /// instants as RFC 3339 with `+00:00`.
    pub async fn rows(
        &self,
        sql: &str,
        binds: &[SqlValue],
    ) -> StoreResult<Vec<Vec<Option<String>>>> {
        on_engine!(self.store, core => core.test_rows(sql, binds).await)
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn execute(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<u64> {
        on_engine!(self.store, core => core.test_execute(sql, binds).await)
    }
}
