//! What staff sign-in ([`crate::auth`]) and participant phone access
//! ([`crate::access`]) both need: the request's session and its keys, the
//! client's address, argon2id hashing of passwords and PINs, and the
//! reservation of an attempt before a secret is checked.
//!
//! It lives apart from both so that neither imports the other: staff sign-in
//! must end a participant's sign-in on the same browser and participant
//! access must hash a PIN, and with these helpers in one of the two each
//! module reached into the other.

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Session access, hashing and attempt reservations, on the server.

    use crate::error::AppError;
    use crate::state::app_state;
    use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
    use argon2::{Argon2, PasswordHasher, PasswordVerifier};
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use stegvis_domain::throttle::ThrottlePolicy;
    use stegvis_store::{AttemptKind, AttemptLimit, Reservation};
    use tower_sessions::Session;

    /// Session key: the signed-in staff member's id. The session store also
    /// reads it, to tie the stored session to the account.
    pub const STAFF_KEY: &str = "staff";
    /// Session key: the signed-in participant and the phone they used.
    pub const PARTICIPANT_KEY: &str = "participant";
    /// Session key: a short label of the browser, kept with the session so a
    /// staff member can tell their sessions apart.
    pub const LABEL_KEY: &str = "browser";
    /// Session key: when the staff member last proved their password (unix
    /// seconds), at sign-in or when asked again before a security change.
    pub const AUTHENTICATED_AT_KEY: &str = "authenticated-at";

    /// Address of the client, put on each request by the server.
    #[derive(Debug, Clone)]
    pub struct ClientAddress(pub String);

    /// A signed-in participant.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ParticipantSession {
        pub participant_id: String,
        pub device_id: String,
    }

    /// Logs a failing session store and answers 500.
    pub fn session_error(err: tower_sessions::session::Error) -> AppError {
        tracing::error!(error = %err, "session store failed");
        AppError::Internal
    }

    /// The request's session.
    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| {
            tracing::error!(error = ?e, "no session layer on this request");
            AppError::Internal
        })
    }

    /// A value from the session.
    pub async fn get<T: DeserializeOwned>(
        session: &Session,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        session.get(key).await.map_err(session_error)
    }

    /// Puts a value into the session.
    pub async fn insert<T: Serialize + Send + Sync>(
        session: &Session,
        key: &str,
        value: &T,
    ) -> Result<(), AppError> {
        session.insert(key, value).await.map_err(session_error)
    }

    /// Takes a value out of the session.
    pub async fn remove(session: &Session, key: &str) -> Result<(), AppError> {
        session
            .remove_value(key)
            .await
            .map(|_| ())
            .map_err(session_error)
    }

    /// A new session id after a change of who is signed in (no session fixation).
    pub async fn cycle(session: &Session) -> Result<(), AppError> {
        session.cycle_id().await.map_err(session_error)
    }

    /// The key this session is stored under (the hash of its id), when it
    /// has been stored already.
    pub fn stored_key(session: &Session) -> Option<String> {
        session
            .id()
            .map(|id| stegvis_store::session_key(&id.to_string()))
    }

    /// The signed-in participant of this session, if any.
    pub async fn signed_in_participant() -> Result<Option<ParticipantSession>, AppError> {
        get(&session().await?, PARTICIPANT_KEY).await
    }

    /// The client's address as the server saw it (or the proxy said).
    pub fn client_address() -> String {
        leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
            .unwrap_or_else(|| "unknown".into())
    }

    /// A short, plain label of the browser from its `User-Agent` (say
    /// "Firefox på Windows"); only names from a fixed list, so nothing the
    /// client sends is stored or shown as it came.
    pub fn browser_label() -> String {
        let agent = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(axum::http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        label_of(&agent)
    }

    /// The label of a `User-Agent` string (see [`browser_label`]).
    pub fn label_of(agent: &str) -> String {
        let browser = [
            ("Edg/", "Edge"),
            ("OPR/", "Opera"),
            ("SamsungBrowser", "Samsung Internet"),
            ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"),
            ("Safari/", "Safari"),
        ]
        .iter()
        .find(|(needle, _)| agent.contains(needle))
        .map_or("Okänd webbläsare", |(_, name)| name);
        let system = [
            ("Android", "Android"),
            ("iPhone", "iPhone"),
            ("iPad", "iPad"),
            ("Windows", "Windows"),
            ("Mac OS X", "Mac"),
            ("CrOS", "ChromeOS"),
            ("Linux", "Linux"),
        ]
        .iter()
        .find(|(needle, _)| agent.contains(needle))
        .map(|(_, name)| *name);
        match system {
            Some(system) => format!("{browser} på {system}"),
            None => browser.to_owned(),
        }
    }

    /// An argon2id hash (PHC string) of a password or PIN.
    pub fn hash_secret(secret: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "hashing failed");
                AppError::Internal
            })
    }

    /// Whether `secret` matches a stored argon2id hash.
    pub fn verify_secret(secret: &str, hash: &str) -> bool {
        PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(secret.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }

    /// Does the work of one verification against a throwaway hash.
    pub fn burn_hash_time(secret: &str) {
        static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        if let Some(hash) = DUMMY.get_or_init(|| hash_secret("stegvis-timing-equaliser").ok()) {
            let _ = verify_secret(secret, hash);
        }
    }

    /// SHA-256 of a random token, hex: what the database keeps of device
    /// cookies and password-reset links.
    pub fn token_hash(token: &str) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A secret waiting in the session to be shown: sealed with the store's
    /// key under a context naming what it is for, and good until a time.
    /// Sessions are rows of the database, so a secret kept in one in clear
    /// would be readable by anyone who reads the database.
    #[derive(Serialize, Deserialize)]
    struct SealedValue {
        context: String,
        sealed: String,
        until: chrono::DateTime<chrono::Utc>,
    }

    /// What [`take_sealed`] does with the value it returns.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Afterwards {
        /// Leave it for another look until its time is up (a sheet printed again).
        Keep,
        /// Take it out: it is shown once.
        Remove,
    }

    /// Keeps `value` sealed under `context` in this session under `key` for
    /// `shown_for` (a newer value under the same key replaces it), for
    /// [`take_sealed`] to open. The context binds the value to what it is
    /// for, say the one participant or account, so it opens for nothing else.
    pub async fn keep_sealed(
        key: &str,
        context: &str,
        value: &str,
        shown_for: chrono::Duration,
    ) -> Result<(), AppError> {
        let kept = SealedValue {
            context: context.to_owned(),
            sealed: app_state()?.store.seal_value(context, value)?,
            until: chrono::Utc::now() + shown_for,
        };
        insert(&session().await?, key, &kept).await
    }

    /// The value [`keep_sealed`] kept under `key`, when it was kept for
    /// `context` and its time is not up at `now`; otherwise nothing (and
    /// the value stays for its own context).
    pub async fn take_sealed(
        key: &str,
        context: &str,
        now: chrono::DateTime<chrono::Utc>,
        afterwards: Afterwards,
    ) -> Result<Option<stegvis_store::zeroize::Zeroizing<String>>, AppError> {
        let session = session().await?;
        let kept: Option<SealedValue> = get(&session, key).await?;
        let Some(kept) = kept.filter(|k| k.context == context) else {
            return Ok(None);
        };
        if afterwards == Afterwards::Remove || now >= kept.until {
            remove(&session, key).await?;
        }
        if now >= kept.until {
            return Ok(None);
        }
        Ok(Some(app_state()?.store.open_value(context, &kept.sealed)?))
    }

    /// An attempt to check a password or code, already counted as a failure
    /// under every key it falls under. Call [`Attempt::succeeded`] when the
    /// check passes; otherwise it stays counted.
    #[derive(Debug)]
    #[must_use = "an attempt stays counted as a failure unless it succeeded"]
    pub struct Attempt(String);

    impl Attempt {
        /// The check passed: the attempt no longer counts as a failure.
        pub async fn succeeded(self) -> Result<(), AppError> {
            app_state()?.store.release_attempt(&self.0).await?;
            Ok(())
        }
    }

    /// Reserves an attempt under every `(kind, key, policy)` before anything
    /// is checked, or refuses with 429 (and a message saying how long to
    /// wait) while any of them is locked. Counting and recording happen in
    /// one write transaction, so parallel attempts cannot all slip under the
    /// limit.
    pub async fn reserve(
        limits: &[(AttemptKind, &str, ThrottlePolicy)],
    ) -> Result<Attempt, AppError> {
        let state = app_state()?;
        let now = chrono::Utc::now();
        let limits: Vec<AttemptLimit<'_>> = limits
            .iter()
            .map(|&(kind, key, policy)| AttemptLimit { kind, key, policy })
            .collect();
        match state.store.reserve_attempt(&limits, now).await? {
            Reservation::Allowed { attempt } => Ok(Attempt(attempt)),
            Reservation::Locked { until } => {
                tracing::warn!(kinds = ?limits.iter().map(|l| l.kind).collect::<Vec<_>>(), "locked out after repeated failures");
                let minutes = (until - now).num_minutes().max(1);
                Err(AppError::TooManyAttempts(format!(
                    "För många misslyckade försök. Vänta {minutes} minuter och försök igen."
                )))
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::label_of;

        #[test]
        fn browsers_get_a_plain_label() {
            assert_eq!(
                label_of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"),
                "Firefox på Windows"
            );
            assert_eq!(
                label_of("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"),
                "Chrome på Android"
            );
            assert_eq!(
                label_of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"),
                "Safari på iPhone"
            );
            assert_eq!(label_of("<script>alert(1)</script>"), "Okänd webbläsare");
            assert_eq!(label_of(""), "Okänd webbläsare");
        }
    }
}
