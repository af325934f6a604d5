//! `stegvis`: the server binary. `serve` (the default) runs the app,
//! `migrate` brings the database schema up to date, and `admin create` makes
//! the first organisation and admin account on a fresh install.

use anyhow::Context;
use app::state::AppState;
use clap::{Parser, Subcommand};
use leptos::config::{Env, LeptosOptions};
use std::io::{BufRead, Write};
use stegvis_domain::instrument::Instrument;
use stegvis_server::{config::Config, demo, http, keys, sessions};
use stegvis_store::{NewStaff, Role, Store, StoreError};
use tracing_subscriber::EnvFilter;

/// The default instrument, built in so a fresh install needs no files.
const DEFAULT_INSTRUMENT: &str = include_str!("../../instruments/stegvis-bas.toml");

/// Stegvis: participants' self-assessments and progress, for samordningsförbund.
/// Settings come from STEGVIS_* environment variables or stegvis.toml (see README).
#[derive(Debug, Parser)]
#[command(name = "stegvis", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Seed demo data into an empty database and exit (for trying the app and
    /// for load tests); `serve` with STEGVIS_DEMO=1 does the same at start.
    Demo {
        /// How many participants to generate (shaped like the domain figures).
        #[arg(long, default_value_t = demo::POPULATION)]
        participants: usize,
    },
    /// Manage the secret key that seals personnummer and two-factor secrets.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Erase every record whose organisation's retention period has ended,
    /// and prune expired sessions, old failed attempts and spent or expired
    /// access codes. The server also does this by itself every
    /// STEGVIS_RETENTION_HOURS (default 24).
    Retention {
        /// Only list what would be erased; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only this organisation, by name or id.
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Write an export for scheduled reporting, to a file or standard output.
    /// The same figures as the evaluator's dashboard for the same filter;
    /// written to the organisation's audit log.
    Export(ExportArgs),
    /// Write a consistent copy of the running SQLite database to a new file
    /// (owner-only), then check it. The secret key is not in it: keep the
    /// key apart from backups (docs/operations.md).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Copy every table of a SQLite database into an empty PostgreSQL
    /// database in one transaction, then compare the row counts of every
    /// table (docs/operations.md, "Moving from SQLite to PostgreSQL"). Stop
    /// the server first; keep the same secret key.
    CopyDatabase {
        /// The SQLite database, e.g. sqlite:///var/lib/stegvis/stegvis.db.
        #[arg(long)]
        from: String,
        /// The empty PostgreSQL database, e.g. postgres://stegvis@db/stegvis.
        #[arg(long)]
        to: String,
    },
    /// Check the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// What `stegvis export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportKind {
    /// NöjdDeltagarIndex by gender.
    Ndi,
    /// Distance travelled per indicator, by gender.
    Distance,
    /// Exit outcomes by gender.
    Outcomes,
    /// All three as one workbook (format xlsx).
    Aggregates,
    /// The pseudonymised answer-level file.
    Answers,
    /// The SPSS syntax (format sps) or R script (format r) for the answer file.
    Codebook,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    kind: ExportKind,
    /// The organisation, by name or id (not needed when there is only one).
    #[arg(long)]
    organisation: Option<String>,
    /// Only this programme (by name or id).
    #[arg(long)]
    programme: Option<String>,
    /// Period start, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Period end, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// Whether the period selects by start date (intake) or by check-in date.
    #[arg(long, value_parser = ["intake", "check-in"], default_value = "intake")]
    period_by: String,
    /// csv, xlsx, json (answers as FHIR), meta (what the answer file's
    /// k-anonymity did, as CSV), sps or r (codebook).
    #[arg(long, default_value = "csv")]
    format: String,
    /// Answers, their metadata and codebook only: write days, ten-year age
    /// bands and every value, leaving nobody out. The file is then
    /// pseudonymised but not k-anonymous. Requires --purpose.
    #[arg(long, requires = "purpose")]
    full_detail: bool,
    /// Why full detail is needed and what allows it (e.g. the agreement or
    /// decision); written to the audit log with the export.
    #[arg(long)]
    purpose: Option<String>,
    /// CSV separator: semicolon (Swedish Excel) or comma.
    #[arg(long, default_value = "semicolon")]
    separator: String,
    /// Write here instead of standard output.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Re-seal every personnummer and two-factor secret under the current key
    /// (STEGVIS_SECRET_KEY or its file), opening old values with the keys in
    /// STEGVIS_OLD_SECRET_KEYS. Safe to run again; see docs/security.md.
    Rotate,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute every organisation's hash chain and report the first broken
    /// link (an altered, deleted, inserted or reordered entry, or entries cut
    /// off the end). Exits with status 1 when the log does not verify.
    Verify,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an organisation and its first admin account. The password is read
    /// from STEGVIS_ADMIN_PASSWORD, else from the first line of standard input.
    /// The admin turns on two-factor sign-in at the first login.
    Create {
        /// Name of the organisation (samordningsförbund).
        #[arg(long)]
        organisation: String,
        /// The admin's e-mail address (the login).
        #[arg(long)]
        email: String,
        /// The admin's name.
        #[arg(long)]
        name: String,
        /// Also make the account a case manager.
        #[arg(long)]
        case_manager: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    init_logging(&config)?;
    if let Some(Command::CopyDatabase { from, to }) = &cli.command {
        return copy_database(from, to).await;
    }
    // Demo seeding writes invented data only: it need not wait for the disk.
    let seeding = matches!(cli.command, Some(Command::Demo { .. }));
    let store = open_store(&config, seeding).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, store).await,
        Command::Migrate => {
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    organisation,
                    email,
                    name,
                    case_manager,
                },
        } => create_admin(&store, &organisation, &email, &name, case_manager).await,
        Command::Export(args) => export(&config, store, args).await,
        Command::Backup { output } => {
            if stegvis_store::sqlite_file(&config.database_url).is_none() {
                anyhow::bail!(
                    "stegvis backup copies a SQLite database file; this database is not one \
                     (back up PostgreSQL with pg_dump, see docs/operations.md)"
                );
            }
            let report = store.backup_to(&output).await?;
            println!(
                "Backup written to {} ({} bytes): {} participants, {} check-ins. \
                 The integrity check passed.",
                output.display(),
                report.bytes,
                report.participants,
                report.check_ins
            );
            Ok(())
        }
        Command::CopyDatabase { .. } => Ok(()),
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let report = store
                .verify_audit_chain()
                .await
                .context("reading the audit log")?;
            match report.broken {
                None => {
                    println!(
                        "The audit log is intact: {} entries in {} organisations.",
                        report.entries, report.organisations
                    );
                    Ok(())
                }
                Some(broken) => {
                    eprintln!(
                        "The audit log is broken. Organisation {}, entry {}{}: {}.",
                        broken.organisation_id,
                        broken
                            .seq
                            .map_or_else(|| "outside the chain".to_owned(), |s| s.to_string()),
                        broken
                            .entry_id
                            .map(|id| format!(" (id {id})"))
                            .unwrap_or_default(),
                        broken.reason
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Retention {
            dry_run,
            organisation,
        } => retention(store, dry_run, organisation.as_deref()).await,
        Command::Keys {
            command: KeysCommand::Rotate,
        } => {
            let report = store
                .rotate_secrets()
                .await
                .context("re-sealing under the current key")?;
            println!(
                "Re-sealed under key {}: {} two-factor secrets, {} personnummer.",
                store.key_id().unwrap_or_default(),
                report.totp_secrets,
                report.personnummer
            );
            if report.access_codes_under_old_keys > 0 {
                println!(
                    "{} unused access codes were issued under an old key: keep that key in \
                     STEGVIS_OLD_SECRET_KEYS until they expire, or issue new codes.",
                    report.access_codes_under_old_keys
                );
            } else {
                println!("Nothing needs the old keys any more; remove them from STEGVIS_OLD_SECRET_KEYS.");
            }
            Ok(())
        }
        Command::Demo { participants } => {
            let instrument = load_instrument(&config, &store).await?;
            let today = chrono::Local::now().date_naive();
            match demo::seed_sized(&store, &instrument, today, demo_hash, participants).await? {
                Some(seeded) => println!(
                    "Demo data: {} participants, {} check-ins.",
                    seeded.participants, seeded.check_ins
                ),
                None => println!("The database already has data; no demo data added."),
            }
            Ok(())
        }
    }
}

/// `stegvis copy-database`: the stores are opened from the URLs given, not
/// from the configuration, and no secret is opened (sealed values are
/// copied as they are, so the same key opens them afterwards).
async fn copy_database(from: &str, to: &str) -> anyhow::Result<()> {
    let source = Store::connect(from)
        .await
        .context("opening the database to copy from")?;
    let target = Store::connect(to)
        .await
        .context("opening the database to copy to")?;
    let report = source.copy_into(&target).await?;
    let total: i64 = report.tables.iter().map(|(_, n)| n).sum();
    for (table, rows) in &report.tables {
        println!("{table:<28} {rows:>10} rows");
    }
    println!(
        "Copied {total} rows in {} tables from {} to {}; every table's row count matches.",
        report.tables.len(),
        source.engine().name(),
        target.engine().name()
    );
    Ok(())
}

/// Prepares the data directory, database files and secret key (see
/// `keys.rs`), opens and migrates the database, and seals any secret an
/// older version stored in clear.
async fn open_store(config: &Config, seeding: bool) -> anyhow::Result<Store> {
    let loaded = keys::prepare(config).context("preparing the secret key and data directory")?;
    keys::log(&loaded);
    let connected = if seeding {
        Store::connect_for_demo_seeding(&config.database_url, config.pool).await
    } else {
        Store::connect_with(&config.database_url, config.pool).await
    };
    let store = connected
        .context("opening the database")?
        .with_secrets(loaded.keyring);
    store.migrate().await.context("migrating the database")?;
    let sealed = store
        .seal_plaintext_secrets()
        .await
        .context("sealing secrets stored in clear")?;
    if sealed.changed() {
        tracing::info!(
            totp_secrets = sealed.totp_secrets,
            personnummer = sealed.personnummer,
            access_codes = sealed.access_codes,
            "sealed or hashed secrets an older version had stored in clear"
        );
    }
    Ok(store)
}

async fn create_admin(
    store: &Store,
    organisation: &str,
    email: &str,
    name: &str,
    case_manager: bool,
) -> anyhow::Result<()> {
    use stegvis_domain::text::{plain_text, NAME_MAX_CHARS, ORGANISATION_MAX_CHARS};
    let organisation = plain_text(organisation, "--organisation", ORGANISATION_MAX_CHARS)?;
    let name = plain_text(name, "--name", NAME_MAX_CHARS)?;
    let (organisation, name) = (organisation.as_str(), name.as_str());
    if !app::admin::looks_like_email(email) {
        anyhow::bail!(
            "\"{}\" is not an e-mail address",
            stegvis_domain::text::excerpt(email)
        );
    }
    let password = match std::env::var("STEGVIS_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for {email} (one line):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    app::auth::check_new_password(&password, &password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = app::auth::ssr::hash_secret(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let org = store.create_organisation(organisation).await?;
    let roles: &[Role] = if case_manager {
        &[Role::Admin, Role::CaseManager]
    } else {
        &[Role::Admin]
    };
    match store
        .create_staff(&NewStaff {
            organisation_id: &org.id,
            email,
            name,
            password_hash: &hash,
            roles,
        })
        .await
    {
        Ok(admin) => {
            println!(
                "Created organisation {:?} and admin {} ({}). Sign in and turn on two-factor sign-in under Mitt konto.",
                org.name, admin.email, admin.name
            );
            Ok(())
        }
        Err(StoreError::EmailTaken) => anyhow::bail!("{email} already has an account"),
        Err(e) => Err(e.into()),
    }
}

async fn serve(config: Config, store: Store) -> anyhow::Result<()> {
    let instrument = load_instrument(&config, &store).await?;

    let leptos_options = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(Env::PROD)
        .build();
    let state = AppState::new(store.clone(), leptos_options, instrument)
        .with_window(config.window)
        .with_secure_cookies(config.secure_cookies)
        .with_trust_proxy(config.trust_proxy)
        .with_accessibility_contact(config.accessibility_contact.clone());

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let bound = listener.local_addr()?;
    // Links and the origin check come from configuration, never a request.
    let base = config.public_origin(bound)?;
    let state = state.with_public_url(base.clone());

    if config.demo {
        match demo::seed(
            &store,
            &state.current_instrument(),
            state.today(),
            demo_hash,
        )
        .await?
        {
            Some(seeded) => print_demo(&seeded, &base),
            None => println!("The database already has data; no demo data added."),
        }
    }
    println!("Stegvis is running at {base}/  (listening on {bound}; stop with Ctrl+C)");

    if let Some(every) = config.retention_every {
        tokio::spawn(stegvis_server::retention::run_every(store.clone(), every));
    }
    tokio::spawn(sessions::prune_expired(store));
    // The evaluator's figures are read while the server already answers.
    let warming = state.clone();
    tokio::spawn(async move { warming.warm_statistics().await });
    stegvis_server::serve::serve(
        listener,
        http::router_with_limits(state, &config.limits),
        config.limits,
        shutdown_signal(),
        std::time::Duration::from_secs(10),
    )
    .await?;
    Ok(())
}

/// `stegvis retention [--dry-run] [--organisation X]`: one run, listed on
/// standard output.
async fn retention(store: Store, dry_run: bool, organisation: Option<&str>) -> anyhow::Result<()> {
    let organisation_id = match organisation {
        Some(key) => Some(
            store
                .find_organisation(Some(key))
                .await?
                .with_context(|| format!("no organisation {key:?}"))?
                .id,
        ),
        None => None,
    };
    let done = stegvis_server::retention::run(
        &store,
        organisation_id.as_deref(),
        chrono::Local::now().date_naive(),
        chrono::Utc::now(),
        dry_run,
    )
    .await?;
    let verb = if dry_run { "would erase" } else { "erased" };
    for c in &done.due {
        println!(
            "{verb} {} ({}, since {})",
            c.participant_code,
            c.reason.code(),
            c.due_from
        );
    }
    if dry_run {
        println!(
            "{} records would be erased (dry run: nothing changed)",
            done.due.len()
        );
    } else {
        println!(
            "{} records erased; pruned {} expired sessions, {} old failed attempts, {} spent or expired codes",
            done.erased,
            done.pruned.sessions,
            done.pruned.failed_attempts,
            done.pruned.access_codes
        );
    }
    Ok(())
}

async fn export(config: &Config, store: Store, args: ExportArgs) -> anyhow::Result<()> {
    use stegvis_server::exports::{self, Export};
    let instrument = load_instrument(config, &store).await?;
    let org = store
        .find_organisation(args.organisation.as_deref())
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("name the organisation with --organisation (by name or id)")
        })?;
    // As the download does: the default, then every version the
    // organisation uploaded.
    let mut instruments = vec![std::sync::Arc::new(instrument)];
    for upload in store.instrument_uploads(&org.id).await? {
        let source = store
            .instrument_source(&upload.version)
            .await?
            .with_context(|| format!("stored instrument {} is missing", upload.version))?;
        let other = Instrument::from_toml(&source)
            .with_context(|| format!("stored instrument {}", upload.version))?;
        if !instruments.iter().any(|i| i.version() == other.version()) {
            instruments.push(std::sync::Arc::new(other));
        }
    }
    let programme = match &args.programme {
        Some(p) => Some(
            store
                .programmes(&org.id)
                .await?
                .into_iter()
                .find(|g| &g.id == p || &g.name == p)
                .map(|g| g.id)
                .ok_or_else(|| anyhow::anyhow!("no programme {p:?} in {}", org.name))?,
        ),
        None => None,
    };
    let query = app::evaluator::StatsQuery {
        insats: programme,
        grund: Some(
            if args.period_by == "check-in" {
                "svar"
            } else {
                "intag"
            }
            .to_owned(),
        ),
        fran: args.from.clone(),
        till: args.to.clone(),
        ..Default::default()
    };
    let filter = app::evaluator::ssr::filter_from(&query).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = match (args.kind, args.format.as_str()) {
        (ExportKind::Ndi, "csv") => "ndi.csv",
        (ExportKind::Distance, "csv") => "stegforflyttning.csv",
        (ExportKind::Outcomes, "csv") => "avslut.csv",
        (
            ExportKind::Aggregates | ExportKind::Ndi | ExportKind::Distance | ExportKind::Outcomes,
            "xlsx",
        ) => "sammanstallning.xlsx",
        (ExportKind::Answers, "csv") => "svar.csv",
        (ExportKind::Answers, "xlsx") => "svar.xlsx",
        (ExportKind::Answers, "json") => "fhir.json",
        (ExportKind::Answers, "meta") => "svar-om.csv",
        (ExportKind::Codebook, "sps") => "kodbok.sps",
        (ExportKind::Codebook, "r") => "kodbok.R",
        (kind, format) => anyhow::bail!("{kind:?} cannot be written as {format:?}"),
    };
    let export = Export::from_name(name).context("unknown export")?;
    let separator =
        exports::separator(Some(&args.separator)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let options = stegvis_export::CsvOptions::from(separator);
    let mut out: Box<dyn std::io::Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let (detail, purpose) = full_detail(&args, export)?;
    exports::record_export(
        &store,
        &org,
        None,
        &format!("{name} (command line){purpose} {}", query.to_query_string()),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut write_failed = None;
    let rows = exports::write_export(
        &store,
        &org,
        export,
        filter,
        options,
        detail,
        &instruments,
        |chunk| {
            let ok = match out.write_all(&chunk) {
                Ok(()) => true,
                Err(e) => {
                    write_failed = Some(e);
                    false
                }
            };
            std::future::ready(ok)
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(e) = write_failed {
        return Err(e).context("writing the export");
    }
    if export.is_answer_level() {
        eprintln!("{rows} answers written.");
    }
    out.flush()?;
    Ok(())
}

/// Whether the export is in full detail, and the purpose as it goes into the
/// audit record. Full detail is refused for anything but the answer files,
/// and without a purpose of a few words.
fn full_detail(
    args: &ExportArgs,
    export: stegvis_server::exports::Export,
) -> anyhow::Result<(stegvis_server::exports::Detail, String)> {
    use stegvis_server::exports::{Detail, Export};
    if !args.full_detail {
        return Ok((Detail::KAnonymous, String::new()));
    }
    let answers = export.is_answer_level()
        || matches!(
            export,
            Export::AnswersAbout | Export::CodebookR | Export::CodebookSpss
        );
    if !answers {
        anyhow::bail!("--full-detail applies only to answers and their codebook");
    }
    // The purpose goes into the audit log: one line of plain text, with no
    // direction or invisible characters to make it read as something else.
    let purpose = stegvis_domain::text::plain_text(
        args.purpose.as_deref().unwrap_or(""),
        "--purpose",
        500,
    )
    .ok()
    .filter(|p| p.chars().count() >= 10)
    .context("--purpose must say in words (at least 10 characters, at most 500, one line of plain text) why full detail is needed")?;
    Ok((Detail::Full, format!(", full detail, purpose: {purpose:?}")))
}

/// Reads the instrument new check-ins use (the configured file, or the
/// built-in one) and records its version in the store.
async fn load_instrument(config: &Config, store: &Store) -> anyhow::Result<Instrument> {
    let source = match &config.instrument {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading instrument {}", path.display()))?,
        None => DEFAULT_INSTRUMENT.to_owned(),
    };
    let instrument = Instrument::from_toml(&source).context("loading the instrument")?;
    store.register_instrument(&instrument, &source).await?;
    tracing::info!(version = %instrument.version(), "instrument loaded");
    Ok(instrument)
}

/// The app's password hash, for the demo accounts.
fn demo_hash(password: &str) -> Result<String, StoreError> {
    app::auth::ssr::hash_secret(password).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn print_demo(seeded: &demo::Seeded, base: &str) {
    println!(
        "Demo data: {} participants, {} check-ins. Demo logins (demo only) at {base}/logga-in:",
        seeded.participants, seeded.check_ins
    );
    for account in &seeded.accounts {
        println!(
            "  {:<13} {}  password: {}",
            account.role,
            account.email,
            demo::DEMO_PASSWORD
        );
    }
    println!(
        "  The admin signs in with two-factor; add this secret to an authenticator app: {}",
        demo::DEMO_ADMIN_TOTP
    );
    println!("Participants to try the phone with (type the code at {base}/; \"journey\" ones have answered three times):");
    for p in &seeded.showcase {
        println!("  {}  {} access code: {}", p.code, p.open, p.access_code);
    }
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
