//! After a run: every check-in the server acknowledged must be in the
//! database exactly once, whole. The load client writes what it sent (one
//! line per send, acknowledged or not); this reads the stored check-ins and
//! compares. Reads the database itself, SQLite or PostgreSQL (no `sqlite3`
//! or `psql` needed).

use crate::load::Sent;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// One stored check-in: submission id, participant, answer rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub submission_id: String,
    pub participant: String,
    pub answers: i64,
}

/// What the comparison found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Distinct submissions the server acknowledged.
    pub acknowledged: usize,
    /// … of which found stored with all their answers.
    pub stored: usize,
    /// Acknowledged but not in the database.
    pub lost: Vec<String>,
    /// Acknowledged and stored, but with another number of answers.
    pub incomplete: Vec<String>,
    /// Participants with more than one stored check-in (each benchmark
    /// participant has one open occasion, so one is the most there can be).
    pub duplicated: Vec<String>,
    /// Sends never acknowledged (the phone would still have them).
    pub unacknowledged: usize,
    /// … of which the server had stored anyway (the answer was lost on the way).
    pub unacknowledged_but_stored: usize,
}

impl Report {
    /// Zero lost, zero duplicated, nothing incomplete.
    pub fn passed(&self) -> bool {
        self.lost.is_empty() && self.incomplete.is_empty() && self.duplicated.is_empty()
    }
}

/// Reads the lines the load client wrote (see [`Sent::line`]).
pub fn parse(text: &str) -> anyhow::Result<Vec<Sent>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [state, submission_id, participant, answers] = fields[..] else {
                anyhow::bail!("not a line of sent check-ins: {line}");
            };
            Ok(Sent {
                submission_id: submission_id.to_owned(),
                participant: participant.to_owned(),
                answers: answers.parse()?,
                acknowledged: match state {
                    "acked" => true,
                    "unacked" => false,
                    other => anyhow::bail!("unknown state {other}"),
                },
            })
        })
        .collect()
}

/// Compares what was sent with what is stored.
pub fn compare(sent: &[Sent], stored: &[Stored]) -> Report {
    let by_id: BTreeMap<&str, &Stored> = stored
        .iter()
        .map(|s| (s.submission_id.as_str(), s))
        .collect();
    let mut per_participant: BTreeMap<&str, usize> = BTreeMap::new();
    for s in stored {
        *per_participant.entry(&s.participant).or_default() += 1;
    }
    let acked: BTreeMap<&str, &Sent> = sent
        .iter()
        .filter(|s| s.acknowledged)
        .map(|s| (s.submission_id.as_str(), s))
        .collect();
    let mut report = Report {
        acknowledged: acked.len(),
        ..Report::default()
    };
    for (id, s) in &acked {
        match by_id.get(id) {
            None => report.lost.push((*id).to_owned()),
            Some(found) if usize::try_from(found.answers).ok() != Some(s.answers) => {
                report.incomplete.push((*id).to_owned());
            }
            Some(_) => report.stored += 1,
        }
    }
    let participants: BTreeSet<&str> = sent.iter().map(|s| s.participant.as_str()).collect();
    for p in participants {
        if per_participant.get(p).copied().unwrap_or(0) > 1 {
            report.duplicated.push(p.to_owned());
        }
    }
    // The same id twice cannot happen while it is the primary key; counted
    // anyway, so a schema that lost the key would show here.
    if by_id.len() < stored.len() {
        report.duplicated.push(format!(
            "{} repeated submission ids",
            stored.len() - by_id.len()
        ));
    }
    let unacked: BTreeSet<&str> = sent
        .iter()
        .filter(|s| !s.acknowledged && !acked.contains_key(s.submission_id.as_str()))
        .map(|s| s.submission_id.as_str())
        .collect();
    report.unacknowledged = unacked.len();
    report.unacknowledged_but_stored = unacked.iter().filter(|id| by_id.contains_key(*id)).count();
    report
}

/// Every stored check-in with its number of answers (`sqlite:` or
/// `postgres://` URL; the same query on both).
pub async fn stored(database_url: &str) -> anyhow::Result<Vec<Stored>> {
    const QUERY: &str = "SELECT c.submission_id, c.participant_id,
                (SELECT COUNT(*) FROM answers a WHERE a.submission_id = c.submission_id)
         FROM check_ins c";
    let rows: Vec<(String, String, i64)> = if crate::raw::is_postgres(database_url) {
        let mut conn = PgConnectOptions::from_str(database_url)?.connect().await?;
        let rows = sqlx::query(QUERY).fetch_all(&mut conn).await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()?
    } else if database_url.starts_with("sqlite:") {
        let mut conn = SqliteConnectOptions::from_str(database_url)?
            .read_only(true)
            .connect()
            .await?;
        let rows = sqlx::query(QUERY).fetch_all(&mut conn).await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()?
    } else {
        anyhow::bail!("not a SQLite or PostgreSQL URL: {database_url}");
    };
    Ok(rows
        .into_iter()
        .map(|(submission_id, participant, answers)| Stored {
            submission_id,
            participant,
            answers,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(id: &str, p: &str, acknowledged: bool) -> Sent {
        Sent {
            submission_id: id.into(),
            participant: p.into(),
            answers: 15,
            acknowledged,
        }
    }

    fn stored(id: &str, p: &str, answers: i64) -> Stored {
        Stored {
            submission_id: id.into(),
            participant: p.into(),
            answers,
        }
    }

    #[test]
    fn acknowledged_check_ins_stored_once_and_whole_pass() {
        let lines = [
            sent("a", "p1", true),
            sent("b", "p2", true),
            sent("c", "p3", false),
        ];
        let text: String = lines.iter().map(|s| s.line() + "\n").collect();
        let sent = parse(&text).unwrap();
        assert_eq!(sent, lines);
        let db = [
            stored("a", "p1", 15),
            stored("b", "p2", 15),
            stored("c", "p3", 15),
        ];
        let report = compare(&sent, &db);
        assert!(report.passed(), "{report:?}");
        assert_eq!(report.acknowledged, 2);
        assert_eq!(report.stored, 2);
        assert_eq!(report.unacknowledged, 1);
        assert_eq!(report.unacknowledged_but_stored, 1);
    }

    #[test]
    fn lost_incomplete_and_duplicated_check_ins_fail() {
        let sent = [
            sent("a", "p1", true),
            sent("b", "p2", true),
            sent("c", "p3", true),
            // A resend of "c" that was refused before it was acknowledged.
            sent("c", "p3", false),
        ];
        let db = [
            stored("b", "p2", 14),
            stored("c", "p3", 15),
            stored("d", "p3", 15),
            stored("x", "other", 15),
        ];
        let report = compare(&sent, &db);
        assert!(!report.passed());
        assert_eq!(report.lost, ["a"]);
        assert_eq!(report.incomplete, ["b"]);
        assert_eq!(report.duplicated, ["p3"]);
        assert_eq!(report.stored, 1);
        assert_eq!(report.unacknowledged, 0);
    }
}
