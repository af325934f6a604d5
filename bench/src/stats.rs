//! What one round of load measured: counts, latencies and the statuses that
//! were not 2xx, and the table they are printed as.

use std::collections::BTreeMap;
use std::time::Duration;

/// The kinds of request a phone makes during a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `GET /api/check-in/package`: the open check-in, kept on the phone.
    Package,
    /// `POST /api/check-in/answer`: one answer saved to the draft.
    Answer,
    /// `POST /api/check-in/send`: the whole check-in stored.
    Send,
}

/// Everything recorded during one round, merged from every phone.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Latency of every answered request (any status), in microseconds.
    pub latencies: BTreeMap<Kind, Vec<u32>>,
    /// Requests answered 2xx, by kind.
    pub ok: BTreeMap<Kind, u64>,
    /// Answers that were not 2xx: (kind, status) → count.
    pub refused: BTreeMap<(Kind, u16), u64>,
    /// Requests that got no answer (connection refused or reset, timeout).
    pub connection_errors: BTreeMap<Kind, u64>,
    /// Check-ins whose send was acknowledged (2xx) within the round.
    pub check_ins: u64,
    /// Of those, acknowledged as stored before (`stored_now: false`): a
    /// resend of a check-in the server already had.
    pub stored_before: u64,
}

impl Tally {
    /// Records one answered request.
    pub fn answered(&mut self, kind: Kind, status: u16, took: Duration) {
        let micros = u32::try_from(took.as_micros()).unwrap_or(u32::MAX);
        self.latencies.entry(kind).or_default().push(micros);
        if (200..300).contains(&status) {
            *self.ok.entry(kind).or_default() += 1;
        } else {
            *self.refused.entry((kind, status)).or_default() += 1;
        }
    }

    /// Records a request that got no answer.
    pub fn no_answer(&mut self, kind: Kind) {
        *self.connection_errors.entry(kind).or_default() += 1;
    }

    /// Adds another phone's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        for (kind, mut l) in other.latencies {
            self.latencies.entry(kind).or_default().append(&mut l);
        }
        for (kind, n) in other.ok {
            *self.ok.entry(kind).or_default() += n;
        }
        for (key, n) in other.refused {
            *self.refused.entry(key).or_default() += n;
        }
        for (kind, n) in other.connection_errors {
            *self.connection_errors.entry(kind).or_default() += n;
        }
        self.check_ins += other.check_ins;
        self.stored_before += other.stored_before;
    }

    /// The p-th percentile (0–100) latency of a kind, in milliseconds.
    pub fn percentile_ms(&mut self, kind: Kind, p: f64) -> Option<f64> {
        let l = self.latencies.get_mut(&kind)?;
        if l.is_empty() {
            return None;
        }
        l.sort_unstable();
        Some(f64::from(l[nearest_rank(l.len(), p)]) / 1000.0)
    }

    /// Requests of a kind answered 2xx.
    pub fn ok(&self, kind: Kind) -> u64 {
        self.ok.get(&kind).copied().unwrap_or(0)
    }

    /// The non-2xx statuses and connection errors, e.g. `503×2 conn×5`, or `-`.
    pub fn failures(&self) -> String {
        let mut by_status: BTreeMap<u16, u64> = BTreeMap::new();
        for ((_, status), n) in &self.refused {
            *by_status.entry(*status).or_default() += n;
        }
        let mut parts: Vec<String> = by_status.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        let conn: u64 = self.connection_errors.values().sum();
        if conn > 0 {
            parts.push(format!("conn×{conn}"));
        }
        if parts.is_empty() {
            "-".into()
        } else {
            parts.join(" ")
        }
    }

    /// Whether any answer was a 5xx.
    pub fn server_errors(&self) -> u64 {
        self.refused
            .iter()
            .filter(|((_, s), _)| *s >= 500)
            .map(|(_, n)| n)
            .sum()
    }
}

/// Index of the p-th percentile by the nearest-rank method.
fn nearest_rank(len: usize, p: f64) -> usize {
    // len ≥ 1; the rank is between 1 and len.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((p / 100.0) * len as f64).ceil() as usize;
    rank.clamp(1, len) - 1
}

/// One printed row: a round's figures.
#[derive(Debug, Clone)]
pub struct Row {
    pub target: String,
    pub concurrency: usize,
    pub seconds: f64,
    pub check_ins_per_s: Option<f64>,
    pub answers_per_s: f64,
    pub answer_ms: [Option<f64>; 3],
    pub send_ms: [Option<f64>; 3],
    pub failures: String,
}

impl Row {
    /// The figures of a tally over `seconds`.
    pub fn of(
        target: &str,
        concurrency: usize,
        seconds: f64,
        tally: &mut Tally,
        sends: bool,
    ) -> Self {
        let pcts = |t: &mut Tally, k| {
            [
                t.percentile_ms(k, 50.0),
                t.percentile_ms(k, 95.0),
                t.percentile_ms(k, 99.0),
            ]
        };
        #[allow(clippy::cast_precision_loss)]
        let rate = |n: u64| n as f64 / seconds.max(f64::EPSILON);
        Self {
            target: target.to_owned(),
            concurrency,
            seconds,
            check_ins_per_s: sends.then(|| rate(tally.check_ins)),
            answers_per_s: rate(tally.ok(Kind::Answer)),
            answer_ms: pcts(tally, Kind::Answer),
            send_ms: pcts(tally, Kind::Send),
            failures: tally.failures(),
        }
    }

    /// The column heads of [`Row::line`].
    pub fn header() -> String {
        format!(
            "{:<10} {:>5} {:>6} {:>10} {:>9} {:>26} {:>26}  {}",
            "target",
            "conc",
            "secs",
            "check-in/s",
            "answer/s",
            "answer ms p50/p95/p99",
            "send ms p50/p95/p99",
            "non-2xx"
        )
    }

    /// One line of the table.
    pub fn line(&self) -> String {
        let ms = |v: &[Option<f64>; 3]| {
            v.iter()
                .map(|m| m.map_or("-".to_owned(), |m| format!("{m:.1}")))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        format!(
            "{:<10} {:>5} {:>6.1} {:>10} {:>9.0} {:>26} {:>26}  {}",
            self.target,
            self.concurrency,
            self.seconds,
            self.check_ins_per_s
                .map_or("-".to_owned(), |r| format!("{r:.1}")),
            self.answers_per_s,
            ms(&self.answer_ms),
            ms(&self.send_ms),
            self.failures
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut t = Tally::default();
        for ms in 1..=100u64 {
            t.answered(Kind::Answer, 200, Duration::from_millis(ms));
        }
        assert_eq!(t.percentile_ms(Kind::Answer, 50.0), Some(50.0));
        assert_eq!(t.percentile_ms(Kind::Answer, 99.0), Some(99.0));
        assert_eq!(t.percentile_ms(Kind::Answer, 100.0), Some(100.0));
        assert_eq!(t.percentile_ms(Kind::Send, 50.0), None);
        assert_eq!(nearest_rank(1, 99.0), 0);
    }

    #[test]
    fn failures_are_counted_by_status_and_merged() {
        let mut a = Tally::default();
        a.answered(Kind::Answer, 200, Duration::from_millis(1));
        a.answered(Kind::Answer, 503, Duration::from_millis(1));
        a.no_answer(Kind::Send);
        let mut b = Tally::default();
        b.answered(Kind::Send, 503, Duration::from_millis(1));
        b.answered(Kind::Send, 409, Duration::from_millis(1));
        b.check_ins = 2;
        a.merge(b);
        assert_eq!(a.failures(), "409×1 503×2 conn×1");
        assert_eq!(a.server_errors(), 2);
        assert_eq!(a.check_ins, 2);
        assert_eq!(a.ok(Kind::Answer), 1);
        assert_eq!(Tally::default().failures(), "-");
    }
}
