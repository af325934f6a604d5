//! `stegvis`: the server binary. Reads configuration, prepares the database and
//! serves the app until interrupted.

use anyhow::Context;
use app::state::AppState;
use leptos::config::{Env, LeptosOptions};
use stegvis_domain::instrument::Instrument;
use stegvis_server::{config::Config, demo, http};
use stegvis_store::Store;
use tracing_subscriber::EnvFilter;

/// The default instrument, built in so a fresh install needs no files.
const DEFAULT_INSTRUMENT: &str = include_str!("../../instruments/stegvis-bas.toml");

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    init_logging(&config)?;

    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let store = Store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;

    let source = match &config.instrument {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading instrument {}", path.display()))?,
        None => DEFAULT_INSTRUMENT.to_owned(),
    };
    let instrument = Instrument::from_toml(&source).context("loading the instrument")?;
    store.register_instrument(&instrument, &source).await?;
    tracing::info!(version = %instrument.version(), "instrument loaded");

    let leptos_options = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(Env::PROD)
        .build();
    let state = AppState::new(store.clone(), leptos_options, instrument).with_window(config.window);

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let base = format!("http://{}", listener.local_addr()?);

    if config.demo {
        match demo::seed(&store, &state.current_instrument(), state.today()).await? {
            Some(participants) => {
                println!(
                    "Demo data: {} participants with an open check-in.",
                    participants.len()
                );
                for p in participants {
                    println!("  {}  {} check-in link: {base}{}", p.code, p.open, p.path);
                }
            }
            None => println!("The database already has participants; no demo data added."),
        }
    }
    println!("Stegvis is running at {base}/  (stop with Ctrl+C)");

    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn init_logging(config: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log).context("reading the log filter")?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
