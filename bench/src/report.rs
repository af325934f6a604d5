//! The printed summary of a run: every round side by side, the engine's
//! rates, the stored-once checks, and the goals of the load issue, each
//! said to be met or missed with the figure it was judged on.

use std::fmt::Write;

/// One round as read back from the results file.
#[derive(Debug, Clone)]
struct RoundLine {
    target: String,
    concurrency: usize,
    fields: Vec<String>,
    answers_per_s: f64,
    answer_p99: Option<f64>,
    server_errors: u64,
}

/// A stored-once check as read back.
#[derive(Debug, Clone)]
struct VerifyLine {
    label: String,
    acknowledged: u64,
    lost: u64,
    duplicated: u64,
    incomplete: u64,
    unacknowledged: u64,
    unacknowledged_but_stored: u64,
}

fn number<T: std::str::FromStr>(s: Option<&&str>) -> Option<T> {
    s.and_then(|v| v.parse().ok())
}

/// The answer-save p99 below which the goal at 100 phones at once is met.
pub const P99_GOAL_MS: f64 = 50.0;

/// One line of the rounds table, columns aligned.
fn columns(c: &[&str; 9]) -> String {
    format!(
        "{:<9} {:>5} {:>6} {:>10} {:>9} {:>26} {:>26} {:>4}  {}",
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]
    )
}

/// Renders the results file (see `main.rs`) as the run's summary.
pub fn render(results: &str) -> String {
    let mut rounds = Vec::new();
    let mut raws = Vec::new();
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    let mut engines: Vec<String> = Vec::new();
    for line in results.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.first().copied() {
            Some("round") if f.len() >= 14 => rounds.push(RoundLine {
                target: f[1].to_owned(),
                concurrency: number(f.get(2)).unwrap_or(0),
                fields: f[1..].iter().map(|s| (*s).to_owned()).collect(),
                answers_per_s: number(f.get(5)).unwrap_or(0.0),
                answer_p99: number(f.get(8)),
                server_errors: number(f.get(12)).unwrap_or(0),
            }),
            Some("note") if f.len() >= 2 => notes.push(f[1].to_owned()),
            Some("rawengine") if f.len() >= 2 => engines.push(f[1].to_owned()),
            Some("raw") if f.len() >= 3 => raws.push((f[1].to_owned(), f[2].to_owned())),
            Some("verify") if f.len() >= 8 => checks.push(VerifyLine {
                label: f[1].to_owned(),
                acknowledged: number(f.get(2)).unwrap_or(0),
                lost: number(f.get(3)).unwrap_or(0),
                duplicated: number(f.get(4)).unwrap_or(0),
                incomplete: number(f.get(5)).unwrap_or(0),
                unacknowledged: number(f.get(6)).unwrap_or(0),
                unacknowledged_but_stored: number(f.get(7)).unwrap_or(0),
            }),
            _ => {}
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nRounds (stegvis: each phone fetches its check-in, saves every answer, sends; \
         minimal: one upsert a request; latencies in ms):\n"
    );
    let _ = writeln!(
        out,
        "{}",
        columns(&[
            "target",
            "conc",
            "secs",
            "check-in/s",
            "answer/s",
            "answer p50/p95/p99",
            "send p50/p95/p99",
            "5xx",
            "non-2xx",
        ])
    );
    for r in &rounds {
        let f = &r.fields;
        let answer = format!("{} / {} / {}", f[5], f[6], f[7]);
        let send = format!("{} / {} / {}", f[8], f[9], f[10]);
        let _ = writeln!(
            out,
            "{}",
            columns(&[&f[0], &f[1], &f[2], &f[3], &f[4], &answer, &send, &f[11], &f[12]])
        );
    }
    for note in &notes {
        let _ = writeln!(out, "  ({note})");
    }
    if !raws.is_empty() {
        let engine = if engines.is_empty() {
            "SQLite, WAL, synchronous=FULL, busy timeout 10 s".to_owned()
        } else {
            engines.join("; ")
        };
        let _ = writeln!(out, "\nEngine alone ({engine}, no HTTP):\n");
        for (what, rate) in &raws {
            let _ = writeln!(out, "  {what:<45} {rate:>8} /s");
        }
    }
    if !checks.is_empty() {
        let _ = writeln!(
            out,
            "\nStored exactly once (read from the database after the run):\n"
        );
        for c in &checks {
            let _ = writeln!(
                out,
                "  {:<8} {} acknowledged: {} lost, {} duplicated, {} incomplete; \
                 {} never acknowledged ({} of those stored)",
                c.label,
                c.acknowledged,
                c.lost,
                c.duplicated,
                c.incomplete,
                c.unacknowledged,
                c.unacknowledged_but_stored
            );
        }
    }
    let _ = writeln!(out, "\nGoals:\n");
    let verdict = |met: bool| if met { "met   " } else { "MISSED" };
    let stegvis: Vec<&RoundLine> = rounds.iter().filter(|r| r.target == "stegvis").collect();
    // Rounds on one server (`stegvis`) and on several (`stegvis-x2`).
    let servers: Vec<&RoundLine> = rounds
        .iter()
        .filter(|r| r.target.starts_with("stegvis"))
        .collect();
    if !servers.is_empty() {
        let errors: u64 = servers.iter().map(|r| r.server_errors).sum();
        let most = servers.iter().map(|r| r.concurrency).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "  {} no 5xx up to {most} phones at once: {errors} answers 5xx",
            verdict(errors == 0)
        );
    }
    match stegvis.iter().find(|r| r.concurrency == 100) {
        Some(r) => {
            let p99 = r.answer_p99.unwrap_or(f64::INFINITY);
            let _ = writeln!(
                out,
                "  {} answer-save p99 < {P99_GOAL_MS} ms at 100 at once: {p99:.1} ms",
                verdict(p99 < P99_GOAL_MS)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  (no round at 100 at once: the p99 goal is not judged)"
            );
        }
    }
    for r in rounds.iter().filter(|r| r.target == "paced") {
        let p99 = r.answer_p99.unwrap_or(f64::INFINITY);
        let _ = writeln!(
            out,
            "  {} answer-save p99 < {P99_GOAL_MS} ms at {} at once, pausing between answers as people do: {p99:.1} ms",
            verdict(p99 < P99_GOAL_MS),
            r.concurrency
        );
    }
    let mut ratios = Vec::new();
    for r in &stegvis {
        if let Some(m) = rounds
            .iter()
            .find(|m| m.target == "minimal" && m.concurrency == r.concurrency)
        {
            if m.answers_per_s > 0.0 {
                ratios.push((r.concurrency, r.answers_per_s / m.answers_per_s));
            }
        }
    }
    if !ratios.is_empty() {
        let met = ratios.iter().all(|(_, q)| *q >= 0.5);
        let said: Vec<String> = ratios
            .iter()
            .map(|(c, q)| format!("{q:.2} at {c}"))
            .collect();
        let _ = writeln!(
            out,
            "  {} answer saves/s at least half the minimal endpoint's: {}",
            verdict(met),
            said.join(", ")
        );
    }
    if !checks.is_empty() {
        let met = checks
            .iter()
            .all(|c| c.lost == 0 && c.duplicated == 0 && c.incomplete == 0);
        let said: Vec<String> = checks
            .iter()
            .map(|c| format!("{} {}/{}", c.label, c.lost, c.duplicated))
            .collect();
        let _ = writeln!(
            out,
            "  {} zero lost, zero duplicated (lost/duplicated): {}",
            verdict(met),
            said.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_judged_from_the_rounds_and_checks() {
        let results = "\
round\tstegvis\t100\t12.00\t20.0\t300.0\t10.00\t30.00\t60.00\t20.00\t40.00\t80.00\t0\t-
round\tminimal\t100\t12.00\t-\t500.0\t5.00\t10.00\t20.00\t-\t-\t-\t0\t-
round\tpaced\t100\t12.00\t2.0\t150.0\t5.00\t10.00\t20.00\t6.00\t9.00\t12.00\t0\t-
note\tcrash at 20: 3 sends acknowledged as stored before (resends after no answer)
rawengine\tPostgreSQL, default settings
raw\tdraft upsert, one connection\t700.0
round\tstegvis-x2\t200\t12.00\t20.0\t300.0\t10.00\t30.00\t60.00\t20.00\t40.00\t80.00\t0\t-
verify\tstegvis\t240\t0\t0\t0\t3\t1
verify\tcrash\t100\t1\t0\t0\t0\t0
";
        let text = render(results);
        assert!(text.contains("met    no 5xx up to 200"), "{text}");
        assert!(
            text.contains("Engine alone (PostgreSQL, default settings, no HTTP)"),
            "{text}"
        );
        assert!(
            text.contains("MISSED answer-save p99 < 50 ms at 100 at once: 60.0 ms"),
            "{text}"
        );
        assert!(
            text.contains(
                "met    answer saves/s at least half the minimal endpoint's: 0.60 at 100"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "MISSED zero lost, zero duplicated (lost/duplicated): stegvis 0/0, crash 1/0"
            ),
            "{text}"
        );
        assert!(text.contains("draft upsert, one connection"), "{text}");
        assert!(
            text.contains("met    answer-save p99 < 50 ms at 100 at once, pausing"),
            "{text}"
        );
        assert!(
            text.contains("(crash at 20: 3 sends acknowledged as stored before"),
            "{text}"
        );
    }
}
