//! Server-side state shared by every request: the store, the instruments and the
//! Leptos options. Built once in `main` and handed to server functions through
//! context, so nothing opens its own connection or reads files per request.

use crate::error::AppError;
use chrono::NaiveDate;
use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use stegvis_domain::instrument::Instrument;
use stegvis_domain::schedule::Window;
use stegvis_store::Store;

/// The public origin of a state built without one (tests); the server
/// always sets it from its configuration.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost";

/// Everything a request handler may need.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    /// How long before and after its date a follow-up can be answered.
    pub window: Window,
    /// Whether cookies carry `Secure` (off only for plain-HTTP test setups).
    pub secure_cookies: bool,
    /// The origin participants and staff reach the app at
    /// (`https://stegvis.forbundet.se`): links and QR codes on printed
    /// sheets are built from it, and browsers' `Origin` headers are compared
    /// with it. Never taken from a request's `Host` header.
    pub public_url: String,
    /// Whether to take the client's address from `X-Forwarded-For` (behind a
    /// reverse proxy) instead of the connection, for lockouts.
    pub trust_proxy: bool,
    /// How to report an accessibility problem, from the operator's
    /// configuration; `None` shows the default text on the statement.
    pub accessibility_contact: Option<String>,
    instruments: Arc<Instruments>,
}

/// The instrument new check-ins use, and every older version met since start.
#[derive(Debug)]
struct Instruments {
    current: Arc<Instrument>,
    by_version: RwLock<HashMap<String, Arc<Instrument>>>,
}

impl AppState {
    /// Bundles the parts; `current` is the instrument new check-ins start with.
    pub fn new(store: Store, leptos_options: LeptosOptions, current: Instrument) -> Self {
        let current = Arc::new(current);
        let by_version = HashMap::from([(current.version(), current.clone())]);
        Self {
            store,
            leptos_options,
            window: Window::default(),
            secure_cookies: true,
            public_url: DEFAULT_PUBLIC_URL.into(),
            trust_proxy: false,
            accessibility_contact: None,
            instruments: Arc::new(Instruments {
                current,
                by_version: RwLock::new(by_version),
            }),
        }
    }

    /// Uses another check-in window than the default (two weeks before, four after).
    pub fn with_window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// Sets whether cookies are marked `Secure`.
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// Trusts `X-Forwarded-For` for the client's address.
    pub fn with_trust_proxy(mut self, trust: bool) -> Self {
        self.trust_proxy = trust;
        self
    }

    /// Sets how to report an accessibility problem (see
    /// [`AppState::accessibility_contact`]).
    pub fn with_accessibility_contact(mut self, contact: Option<String>) -> Self {
        self.accessibility_contact = contact;
        self
    }

    /// Sets the public origin (see [`AppState::public_url`]).
    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The instrument new check-ins are answered with.
    pub fn current_instrument(&self) -> Arc<Instrument> {
        self.instruments.current.clone()
    }

    /// An instrument by version, read from the store the first time it is needed,
    /// so a check-in started under an older wording finishes under that wording.
    pub async fn instrument(&self, version: &str) -> Result<Arc<Instrument>, AppError> {
        if let Some(found) = self
            .instruments
            .by_version
            .read()
            .map_err(|_| AppError::Internal)?
            .get(version)
        {
            return Ok(found.clone());
        }
        let source = self
            .store
            .instrument_source(version)
            .await?
            .ok_or_else(|| {
                tracing::error!(version, "instrument version missing from the store");
                AppError::Internal
            })?;
        let instrument = Arc::new(Instrument::from_toml(&source).map_err(|e| {
            tracing::error!(version, error = %e, "stored instrument version does not load");
            AppError::Internal
        })?);
        self.instruments
            .by_version
            .write()
            .map_err(|_| AppError::Internal)?
            .insert(version.to_owned(), instrument.clone());
        Ok(instrument)
    }

    /// The instrument a participant's next check-in starts with: their
    /// programme's active version, else the server's default.
    pub async fn instrument_for_participant(
        &self,
        participant_id: &str,
    ) -> Result<Arc<Instrument>, AppError> {
        match self
            .store
            .participant_instrument_version(participant_id)
            .await?
        {
            Some(version) => self.instrument(&version).await,
            None => Ok(self.current_instrument()),
        }
    }

    /// Every instrument an organisation's answers can have been given with:
    /// the default first, then each version its admin uploaded, oldest
    /// first. Statistics index their items together
    /// ([`stegvis_domain::stats::ItemIndex::merged`]).
    pub async fn organisation_instruments(
        &self,
        organisation_id: &str,
    ) -> Result<Vec<Arc<Instrument>>, AppError> {
        let mut out = vec![self.current_instrument()];
        for upload in self.store.instrument_uploads(organisation_id).await? {
            let instrument = self.instrument(&upload.version).await?;
            if !out.iter().any(|i| i.version() == instrument.version()) {
                out.push(instrument);
            }
        }
        Ok(out)
    }

    /// The item index evaluator figures are computed over (see
    /// [`AppState::organisation_instruments`]).
    pub async fn statistics_index(
        &self,
        organisation_id: &str,
    ) -> Result<stegvis_domain::stats::ItemIndex, AppError> {
        let instruments = self.organisation_instruments(organisation_id).await?;
        Ok(stegvis_domain::stats::ItemIndex::merged(
            instruments.iter().map(|i| i.as_ref()),
        ))
    }

    /// Reads every organisation's evaluator figures into memory, so the
    /// first dashboard after a start is as quick as the next ones: reading
    /// an organisation of 100 000 participants takes seconds, keeping it
    /// current afterwards one small read per request. Run in the background
    /// when the server starts; a dashboard asked for meanwhile waits for the
    /// same read instead of starting another. Failures are logged: the
    /// figures are then read at the first request, as without warming.
    pub async fn warm_statistics(&self) {
        let organisations = match self.store.organisation_ids().await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "statistics not warmed: organisations unread");
                return;
            }
        };
        for organisation_id in organisations {
            let started = std::time::Instant::now();
            let warmed = match self.statistics_index(&organisation_id).await {
                Ok(index) => self
                    .store
                    .statistics_respondents(&organisation_id, &index)
                    .await
                    .map(|r| r.len())
                    .map_err(AppError::from),
                Err(e) => Err(e),
            };
            match warmed {
                Ok(respondents) => tracing::info!(
                    organisation_id,
                    respondents,
                    millis = started.elapsed().as_millis() as u64,
                    "statistics warmed"
                ),
                Err(e) => tracing::warn!(organisation_id, error = ?e, "statistics not warmed"),
            }
        }
    }

    /// A participant's occasion plan: their start and exit, and their
    /// programme's window or else the server's default.
    pub fn schedule(
        &self,
        intake: NaiveDate,
        exit: Option<NaiveDate>,
        window: Option<Window>,
    ) -> stegvis_domain::schedule::Schedule {
        let mut schedule = stegvis_domain::schedule::Schedule::new(intake);
        schedule.exit = exit;
        schedule.window = window.unwrap_or(self.window);
        schedule
    }

    /// Today's date where the programmes run (Sweden).
    pub fn today(&self) -> NaiveDate {
        chrono::Local::now().date_naive()
    }
}

/// The state, from the context `main` provides to every server function and route.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}
