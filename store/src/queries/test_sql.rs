//! The engine side of [`crate::test_sql`]: binding and reading raw statements.

use super::{Core, Db};
use crate::test_sql::SqlValue;
use crate::StoreResult;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::query::Query;
use sqlx::Row;

fn bound<'q>(sql: &'q str, binds: &[SqlValue]) -> Query<'q, Db, <Db as sqlx::Database>::Arguments> {
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

/// One column of a row as text, whatever its type on this engine.
fn text(row: &<Db as sqlx::Database>::Row, i: usize) -> StoreResult<Option<String>> {
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return Ok(v.map(|n| n.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
        return Ok(v.map(|b| if b { "1" } else { "0" }.to_owned()));
    }
    if let Ok(v) = row.try_get::<Option<DateTime<Utc>>, _>(i) {
        return Ok(v.map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, false)));
    }
    if let Ok(v) = row.try_get::<Option<NaiveDate>, _>(i) {
        return Ok(v.map(|d| d.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
        return Ok(v.map(|n| n.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return Ok(v.map(|n| n.to_string()));
    }
    let bytes: Option<Vec<u8>> = row.try_get(i)?;
    Ok(bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
}

impl Core {
    pub(crate) async fn test_count(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<i64> {
        let row = bound(sql, binds).fetch_one(&self.pool).await?;
        Ok(row.try_get(0)?)
    }

    pub(crate) async fn test_rows(
        &self,
        sql: &str,
        binds: &[SqlValue],
    ) -> StoreResult<Vec<Vec<Option<String>>>> {
        let rows = bound(sql, binds).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| (0..row.len()).map(|i| text(row, i)).collect())
            .collect()
    }

    pub(crate) async fn test_execute(&self, sql: &str, binds: &[SqlValue]) -> StoreResult<u64> {
        Ok(bound(sql, binds).execute(&self.pool).await?.rows_affected())
    }
}
