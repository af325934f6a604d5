//! The framework and engine ceiling: the smallest axum + sqlx server that
//! does what an answer save ends in — one single-row upsert into a draft
//! table, on SQLite with the server's settings (WAL, `synchronous=FULL`, the
//! busy timeout, a pool of eight) or on PostgreSQL with sqlx's `PgPool` and
//! the server's defaults — and nothing else: no session, no reads, no checks. The load client measures it the same way as the real
//! server, so the gap between the two is what the application adds.
//!
//!   stegvis-bench-endpoint --addr 127.0.0.1:3100 --database /tmp/x/endpoint.db
//!   stegvis-bench-endpoint --addr 127.0.0.1:3100 --database postgres://postgres@127.0.0.1/bench

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Form, Router};
use clap::Parser;
use serde::Deserialize;
use stegvis_bench::raw::Pool;

/// Command line.
#[derive(Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3100")]
    addr: String,
    /// SQLite file (made when missing), or a PostgreSQL URL (an existing
    /// database; the draft table is made when missing).
    #[arg(long)]
    database: String,
}

/// What the load client posts: one answer of one participant.
#[derive(Deserialize)]
struct Answer {
    participant: String,
    item: String,
    answer: String,
}

async fn save(State(pool): State<Pool>, Form(a): Form<Answer>) -> (StatusCode, &'static str) {
    match stegvis_bench::raw::upsert(&pool, &a.participant, &a.item, &a.answer).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            eprintln!("upsert failed: {err}");
            (StatusCode::INTERNAL_SERVER_ERROR, "error")
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = stegvis_bench::raw::open(&args.database).await?;
    let app = Router::new()
        .route("/answer", post(save))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
