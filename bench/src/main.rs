//! `stegvis-bench`: the load client of `scripts/bench-load.sh`.
//!
//! - `load`: phones signed in through the real HTTP flow, then rounds of
//!   whole check-ins at each concurrency (`--url` takes a comma-separated
//!   list of servers on one database: phones are spread over them);
//! - `minimal`: the same client against `stegvis-bench-endpoint`;
//! - `raw`: the engine's own durable commit rate with the server's settings
//!   (SQLite or PostgreSQL);
//! - `verify`: every acknowledged check-in stored once, whole;
//! - `report`: the table of every round and the goals, met or missed.
//!
//! Rounds, rates and checks are appended to a results file (tab-separated)
//! that `report` reads, so one script run can mix servers and modes.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stegvis_bench::load::{self, Maker, Round};
use stegvis_bench::stats::Row;
use stegvis_bench::{client, raw, verify};
use tokio::sync::Mutex;

#[derive(Parser)]
#[command(about = "Load benchmark of Stegvis check-ins over HTTP")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Whole check-ins from many phones at once against the Stegvis server.
    Load {
        /// Server base URLs, comma-separated (several processes on one database).
        #[arg(long, value_delimiter = ',', required = true)]
        url: Vec<String>,
        /// Phones at once, one round each.
        #[arg(long, value_delimiter = ',', default_value = "10,50,100,200")]
        concurrency: Vec<usize>,
        /// Seconds each round starts new check-ins.
        #[arg(long, default_value_t = 12)]
        seconds: u64,
        /// Finish every started check-in, sending again until acknowledged
        /// (the crash round), instead of leaving those under way at the end.
        #[arg(long)]
        finish: bool,
        /// Seconds past the round a phone keeps sending a request again.
        #[arg(long, default_value_t = 30)]
        retry_for: u64,
        /// Where every send is written (acknowledged or not), for `verify`.
        #[arg(long)]
        sent: String,
        /// The results file rows are appended to.
        #[arg(long)]
        results: String,
        /// Name of the target in the table (e.g. `stegvis`, `crash`).
        #[arg(long, default_value = "stegvis")]
        label: String,
        /// Made once the phones are ready and the first round starts.
        #[arg(long)]
        started: Option<String>,
        /// Check-ins a second to prepare phones for before the first round
        /// (later rounds use the rate measured before them).
        #[arg(long, default_value_t = 50.0)]
        expected_rate: f64,
        /// Milliseconds a phone waits before each answer and the send (on
        /// average; zero sends back to back).
        #[arg(long, default_value_t = 0)]
        think_ms: u64,
        /// Case-manager sessions making phones side by side.
        #[arg(long, default_value_t = 4)]
        makers: usize,
    },
    /// The same client against the minimal endpoint (one upsert a request).
    Minimal {
        #[arg(long)]
        url: String,
        #[arg(long, value_delimiter = ',', default_value = "10,50,100,200")]
        concurrency: Vec<usize>,
        #[arg(long, default_value_t = 12)]
        seconds: u64,
        #[arg(long)]
        results: String,
        /// Name of the target in the table.
        #[arg(long, default_value = "minimal")]
        label: String,
    },
    /// The engine's durable commit rate with the server's settings, no HTTP.
    Raw {
        /// A new SQLite file to write, or the URL of an empty PostgreSQL database.
        #[arg(long)]
        database: String,
        /// Seconds per loop.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        #[arg(long)]
        results: String,
    },
    /// Every acknowledged check-in stored exactly once, with all its answers.
    Verify {
        /// The server's database (`sqlite://…` or `postgres://…`).
        #[arg(long)]
        database_url: String,
        /// Files written by `load --sent`.
        #[arg(long, value_delimiter = ',', required = true)]
        sent: Vec<String>,
        /// Name of the check in the table.
        #[arg(long, default_value = "stegvis")]
        label: String,
        #[arg(long)]
        results: String,
    },
    /// The table of every round in a results file, and the goals.
    Report {
        #[arg(long)]
        results: String,
    },
}

/// Appends lines to the results file.
fn append(path: &str, lines: &[String]) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {path}"))?;
    for line in lines {
        writeln!(file, "{line}")?;
    }
    Ok(())
}

/// A round's row in the results file.
fn round_line(row: &Row, server_errors: u64) -> String {
    let f = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
    format!(
        "round\t{}\t{}\t{:.2}\t{}\t{:.1}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        row.target,
        row.concurrency,
        row.seconds,
        f(row.check_ins_per_s),
        row.answers_per_s,
        f(row.answer_ms[0]),
        f(row.answer_ms[1]),
        f(row.answer_ms[2]),
        f(row.send_ms[0]),
        f(row.send_ms[1]),
        f(row.send_ms[2]),
        server_errors,
        row.failures
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Load {
            url,
            concurrency,
            seconds,
            finish,
            retry_for,
            sent,
            results,
            label,
            started,
            expected_rate,
            think_ms,
            makers,
        } => {
            let most = concurrency.iter().copied().max().unwrap_or(1);
            let http = client::http(most * 2);
            let maker = Maker::sign_in(&http, &url, makers).await?;
            let pool = Arc::new(Mutex::new(Vec::new()));
            let mut rate = expected_rate;
            let mut first = true;
            for c in concurrency {
                // Every phone needs a participant of its own for each
                // check-in: enough for the round at the rate expected, and
                // one for every phone at once.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let expected = (rate * seconds as f64 * 1.5).ceil() as usize + c;
                let have = pool.lock().await.len();
                if have < expected {
                    let made = Instant::now();
                    let phones = maker.phones(expected - have).await?;
                    println!(
                        "  ({} phones connected in {:.1} s: participant registered, code issued, PIN chosen)",
                        phones.len(),
                        made.elapsed().as_secs_f64()
                    );
                    pool.lock().await.extend(phones);
                }
                if first {
                    if let Some(path) = &started {
                        std::fs::write(path, "started\n")?;
                    }
                    println!("{}", Row::header());
                    first = false;
                }
                let round = Round {
                    concurrency: c,
                    duration: Duration::from_secs(seconds),
                    finish,
                    retry_for: Duration::from_secs(retry_for),
                    think: Duration::from_millis(think_ms),
                };
                let mut outcome = load::check_ins(&http, pool.clone(), round).await;
                let row = Row::of(&label, c, outcome.seconds, &mut outcome.tally, true);
                println!("{}", row.line());
                let mut notes = Vec::new();
                if outcome.ran_out {
                    notes.push(format!(
                        "{label} at {c}: the prepared phones ran out before the time was up"
                    ));
                }
                if outcome.tally.stored_before > 0 {
                    notes.push(format!(
                        "{label} at {c}: {} sends acknowledged as stored before (resends after no answer)",
                        outcome.tally.stored_before
                    ));
                }
                for note in &notes {
                    println!("  ({note})");
                }
                let notes: Vec<String> = notes.iter().map(|n| format!("note\t{n}")).collect();
                append(&results, &notes)?;
                rate = row.check_ins_per_s.unwrap_or(rate).max(1.0);
                append(&results, &[round_line(&row, outcome.tally.server_errors())])?;
                let lines: Vec<String> = outcome.sent.iter().map(load::Sent::line).collect();
                append(&sent, &lines)?;
            }
        }
        Command::Minimal {
            url,
            concurrency,
            seconds,
            results,
            label,
        } => {
            let most = concurrency.iter().copied().max().unwrap_or(1);
            let http = client::http(most * 2);
            println!("{}", Row::header());
            for c in concurrency {
                let mut outcome = load::minimal(&http, &url, c, Duration::from_secs(seconds)).await;
                let row = Row::of(&label, c, outcome.seconds, &mut outcome.tally, false);
                println!("{}", row.line());
                append(&results, &[round_line(&row, outcome.tally.server_errors())])?;
            }
        }
        Command::Raw {
            database,
            seconds,
            results,
        } => {
            let (engine, rates) = raw::measure(&database, Duration::from_secs(seconds)).await?;
            println!("({engine})");
            append(&results, &[format!("rawengine\t{engine}")])?;
            for r in rates {
                println!(
                    "{:<45} {:>8.0} /s  ({} in {seconds} s)",
                    r.what, r.per_second, r.count
                );
                append(&results, &[format!("raw\t{}\t{:.1}", r.what, r.per_second)])?;
            }
        }
        Command::Verify {
            database_url,
            sent,
            label,
            results,
        } => {
            let mut lines = Vec::new();
            for path in &sent {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
                lines.extend(verify::parse(&text)?);
            }
            let stored = verify::stored(&database_url).await?;
            let r = verify::compare(&lines, &stored);
            println!(
                "{label}: {} acknowledged, {} stored whole, {} lost, {} duplicated, {} incomplete; \
                 {} never acknowledged ({} of them stored)",
                r.acknowledged,
                r.stored,
                r.lost.len(),
                r.duplicated.len(),
                r.incomplete.len(),
                r.unacknowledged,
                r.unacknowledged_but_stored
            );
            for (what, ids) in [
                ("lost", &r.lost),
                ("duplicated", &r.duplicated),
                ("incomplete", &r.incomplete),
            ] {
                for id in ids.iter().take(5) {
                    println!("  {what}: {id}");
                }
            }
            append(
                &results,
                &[format!(
                    "verify\t{label}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.acknowledged,
                    r.lost.len(),
                    r.duplicated.len(),
                    r.incomplete.len(),
                    r.unacknowledged,
                    r.unacknowledged_but_stored
                )],
            )?;
        }
        Command::Report { results } => {
            let text =
                std::fs::read_to_string(&results).with_context(|| format!("reading {results}"))?;
            print!("{}", stegvis_bench::report::render(&text));
        }
    }
    Ok(())
}
