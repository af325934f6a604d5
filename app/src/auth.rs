//! Staff sign-in: e-mail and password (argon2id), optional TOTP two-factor
//! (required for admins), sessions kept server-side, lockouts after repeated
//! failures, password change.
//!
//! The session itself is a `tower_sessions::Session` put on every request by
//! the server's session layer; the [`ssr`] helpers read and write it, and every
//! server function that needs an account starts with [`ssr::require_role`].

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Shortest password accepted for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Who is using the app right now, for the header and for pages that differ by role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// Nobody is signed in.
    #[default]
    Nobody,
    /// A participant signed in on their own phone.
    Participant,
    /// A staff member.
    Staff(StaffViewer),
}

/// A signed-in staff member as pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffViewer {
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub case_manager: bool,
    pub evaluator: bool,
    pub two_factor: bool,
    /// The code of the participant whose check-in runs on this device, if any.
    pub assisting: Option<String>,
}

/// What the two-factor page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorSetup {
    /// Two-factor sign-in is on.
    Enabled { required: bool },
    /// Not on yet: a fresh secret to add to an authenticator app.
    Pending {
        secret: String,
        otpauth_url: String,
        qr_svg: String,
    },
}

/// Who is signed in.
#[server(prefix = "/api", endpoint = "me")]
pub async fn who_am_i() -> Result<Viewer, AppError> {
    ssr::viewer().await
}

/// Step one of signing in. An account with two-factor continues at the code step.
#[server(prefix = "/api", endpoint = "login")]
pub async fn log_in(email: String, password: String) -> Result<(), AppError> {
    use stegvis_domain::throttle::{LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS};
    use stegvis_store::AttemptKind;
    let state = crate::state::app_state()?;
    let email = email.trim().to_lowercase();
    let address = ssr::client_address();
    ssr::check_throttle(AttemptKind::LoginAddress, &address, &LOGIN_PER_ADDRESS).await?;
    ssr::check_throttle(AttemptKind::LoginAccount, &email, &LOGIN_PER_ACCOUNT).await?;
    let credentials = if email.is_empty() || password.len() > MAX_PASSWORD_CHARS * 4 {
        None
    } else {
        state.store.staff_credentials(&email).await?
    };
    let valid = match &credentials {
        Some(c) => ssr::verify_secret(&password, &c.password_hash) && !c.staff.disabled,
        None => {
            // Spend the same time as a real check, so timing does not tell
            // whether an address has an account.
            ssr::burn_hash_time(&password);
            false
        }
    };
    let Some(credentials) = credentials.filter(|_| valid) else {
        let now = chrono::Utc::now();
        state
            .store
            .record_failed_attempt(AttemptKind::LoginAddress, &address, now)
            .await?;
        state
            .store
            .record_failed_attempt(AttemptKind::LoginAccount, &email, now)
            .await?;
        tracing::info!("failed staff login");
        return Err(AppError::Invalid("Fel e-postadress eller lösenord.".into()));
    };
    let session = ssr::session().await?;
    // Nothing of an earlier sign-in on this browser carries over.
    session.clear().await;
    ssr::cycle(&session).await?;
    if credentials.totp_secret.is_some() {
        ssr::insert(&session, ssr::PENDING_KEY, &credentials.staff.id).await?;
        leptos_axum::redirect("/logga-in/kod");
    } else {
        ssr::sign_in(&session, &credentials.staff).await?;
        ssr::forget_failures(&credentials.staff.email).await?;
        leptos_axum::redirect(ssr::home_of(&credentials.staff));
    }
    Ok(())
}

/// Step two of signing in: the six-digit code from the authenticator app.
#[server(prefix = "/api", endpoint = "login/code")]
pub async fn verify_two_factor(code: String) -> Result<(), AppError> {
    use stegvis_domain::throttle::LOGIN_PER_ACCOUNT;
    use stegvis_store::AttemptKind;
    let state = crate::state::app_state()?;
    let session = ssr::session().await?;
    let staff_id: String = ssr::get(&session, ssr::PENDING_KEY)
        .await?
        .ok_or_else(AppError::signed_out)?;
    let credentials = state
        .store
        .staff_credentials_by_id(&staff_id)
        .await?
        .ok_or_else(AppError::signed_out)?;
    let key = credentials.staff.email.clone();
    ssr::check_throttle(AttemptKind::LoginAccount, &key, &LOGIN_PER_ACCOUNT).await?;
    let secret = credentials
        .totp_secret
        .as_deref()
        .ok_or_else(AppError::signed_out)?;
    let accepted = match ssr::totp_step(secret, &credentials.staff.email, &code)? {
        // A code is accepted once: its time step must be newer than the last one used.
        Some(step) => state.store.accept_totp_step(&staff_id, step).await?,
        None => false,
    };
    if !accepted {
        state
            .store
            .record_failed_attempt(AttemptKind::LoginAccount, &key, chrono::Utc::now())
            .await?;
        return Err(AppError::Invalid(
            "Koden stämmer inte. Skriv den kod som appen visar nu.".into(),
        ));
    }
    ssr::remove(&session, ssr::PENDING_KEY).await?;
    ssr::cycle(&session).await?;
    ssr::sign_in(&session, &credentials.staff).await?;
    ssr::forget_failures(&key).await?;
    leptos_axum::redirect(ssr::home_of(&credentials.staff));
    Ok(())
}

/// Signs out: the session is deleted on the server.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    let session = ssr::session().await?;
    session.flush().await.map_err(ssr::session_error)?;
    leptos_axum::redirect("/logga-in");
    Ok(())
}

/// Changes the signed-in staff member's password.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let staff = ssr::require_staff().await?;
    let credentials = state
        .store
        .staff_credentials_by_id(&staff.id)
        .await?
        .ok_or_else(AppError::signed_out)?;
    if !ssr::verify_secret(&current, &credentials.password_hash) {
        return Err(AppError::Invalid(
            "Det nuvarande lösenordet stämmer inte.".into(),
        ));
    }
    check_new_password(&new_password, &repeat)?;
    let hash = ssr::hash_secret(&new_password)?;
    state.store.set_password_hash(&staff.id, &hash).await?;
    tracing::info!(staff = %staff.id, "password changed");
    leptos_axum::redirect("/konto?sparat=losenord");
    Ok(())
}

/// The rules for a new staff password, with a message naming what is wrong.
pub fn check_new_password(password: &str, repeat: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "Lösenordet behöver minst {MIN_PASSWORD_CHARS} tecken."
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "Lösenordet får vara högst {MAX_PASSWORD_CHARS} tecken."
        )));
    }
    if password != repeat {
        return Err(AppError::Invalid("Lösenorden är inte likadana.".into()));
    }
    Ok(())
}

/// The two-factor state of the signed-in account, with a new secret to scan
/// when it is not on yet. The secret is kept in the session until confirmed.
#[server(prefix = "/api", endpoint = "account/two-factor")]
pub async fn load_two_factor_setup() -> Result<TwoFactorSetup, AppError> {
    let staff = ssr::require_staff().await?;
    if staff.two_factor {
        return Ok(TwoFactorSetup::Enabled {
            required: staff.has(stegvis_store::Role::Admin),
        });
    }
    let session = ssr::session().await?;
    let secret = match ssr::get::<String>(&session, ssr::TOTP_SETUP_KEY).await? {
        Some(secret) => secret,
        None => {
            let secret = ssr::new_totp_secret();
            ssr::insert(&session, ssr::TOTP_SETUP_KEY, &secret).await?;
            secret
        }
    };
    let totp = ssr::totp(&secret, &staff.email)?;
    let otpauth_url = totp.get_url();
    Ok(TwoFactorSetup::Pending {
        qr_svg: crate::qr::svg(&otpauth_url)?,
        otpauth_url,
        secret,
    })
}

/// Turns two-factor sign-in on, once the first code from the app matches.
#[server(prefix = "/api", endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let staff = ssr::require_staff().await?;
    let session = ssr::session().await?;
    let secret: String = ssr::get(&session, ssr::TOTP_SETUP_KEY)
        .await?
        .ok_or_else(|| AppError::Conflict("Ladda om sidan och skanna koden igen.".into()))?;
    if ssr::totp_step(&secret, &staff.email, &code)?.is_none() {
        return Err(AppError::Invalid(
            "Koden stämmer inte. Skriv den kod som appen visar nu.".into(),
        ));
    }
    state
        .store
        .set_totp_secret(&staff.id, Some(&secret))
        .await?;
    ssr::remove(&session, ssr::TOTP_SETUP_KEY).await?;
    tracing::info!(staff = %staff.id, "two-factor sign-in turned on");
    leptos_axum::redirect("/konto?sparat=tvasteg");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Session access, role checks, hashing, TOTP and lockouts, for every
    //! server function that needs them.

    use crate::error::AppError;
    use crate::state::app_state;
    use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
    use argon2::{Argon2, PasswordHasher, PasswordVerifier};
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use stegvis_domain::throttle::{Throttle, ThrottlePolicy};
    use stegvis_store::{AttemptKind, Role, StaffRow};
    use tower_sessions::Session;

    /// Session key: the signed-in staff member's id.
    pub const STAFF_KEY: &str = "staff";
    /// Session key: a staff id that passed the password step and owes a TOTP code.
    pub const PENDING_KEY: &str = "pending-two-factor";
    /// Session key: a TOTP secret shown for setup, not yet confirmed.
    pub const TOTP_SETUP_KEY: &str = "totp-setup";
    /// Session key: the participant whose check-in runs on a staff device.
    pub const ASSISTING_KEY: &str = "assisting";

    /// Address of the client, put on each request by the server.
    #[derive(Debug, Clone)]
    pub struct ClientAddress(pub String);

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

    pub async fn get<T: DeserializeOwned>(
        session: &Session,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        session.get(key).await.map_err(session_error)
    }

    pub async fn insert<T: Serialize + Send + Sync>(
        session: &Session,
        key: &str,
        value: &T,
    ) -> Result<(), AppError> {
        session.insert(key, value).await.map_err(session_error)
    }

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

    /// Marks the session as this staff member's; a participant sign-in on the
    /// same browser ends.
    pub async fn sign_in(session: &Session, staff: &StaffRow) -> Result<(), AppError> {
        remove(session, crate::access::ssr::PARTICIPANT_KEY).await?;
        insert(session, STAFF_KEY, &staff.id).await?;
        tracing::info!(staff = %staff.id, "staff signed in");
        Ok(())
    }

    /// Where a staff member starts after signing in.
    pub fn home_of(staff: &StaffRow) -> &'static str {
        if staff.has(Role::Admin) && !staff.two_factor {
            // Admin work needs two-factor sign-in: set it up first.
            "/konto"
        } else if staff.has(Role::CaseManager) {
            "/personal"
        } else if staff.has(Role::Admin) {
            "/admin"
        } else if staff.has(Role::Evaluator) {
            "/utvardering"
        } else {
            "/konto"
        }
    }

    /// The signed-in staff member, if any (a disabled account counts as nobody).
    pub async fn signed_in_staff() -> Result<Option<StaffRow>, AppError> {
        staff_of(&session().await?, &app_state()?.store).await
    }

    /// The staff member a session belongs to, if any (a disabled account
    /// counts as nobody). For handlers outside the Leptos context too.
    pub async fn staff_of(
        session: &Session,
        store: &stegvis_store::Store,
    ) -> Result<Option<StaffRow>, AppError> {
        let Some(id) = get::<String>(session, STAFF_KEY).await? else {
            return Ok(None);
        };
        Ok(store.staff(&id).await?.filter(|s| !s.disabled))
    }

    /// The signed-in staff member, or 401.
    pub async fn require_staff() -> Result<StaffRow, AppError> {
        signed_in_staff().await?.ok_or_else(AppError::signed_out)
    }

    /// The signed-in staff member when they have `role`, else 401 or 403.
    /// Admin work also needs two-factor sign-in turned on.
    pub async fn require_role(role: Role) -> Result<StaffRow, AppError> {
        check_role(require_staff().await?, role)
    }

    /// The staff member when they may act in `role`, else 403.
    pub fn check_role(staff: StaffRow, role: Role) -> Result<StaffRow, AppError> {
        if !staff.has(role) {
            return Err(AppError::Forbidden(
                "Ditt konto har inte behörighet till det här.".into(),
            ));
        }
        if role == Role::Admin && !staff.two_factor {
            return Err(AppError::Forbidden(
                "Administratörer måste ha tvåstegsinloggning. Slå på den under Mitt konto.".into(),
            ));
        }
        Ok(staff)
    }

    /// Who is using the app, for the header.
    pub async fn viewer() -> Result<super::Viewer, AppError> {
        if let Some(staff) = signed_in_staff().await? {
            let session = session().await?;
            let assisting = match get::<String>(&session, ASSISTING_KEY).await? {
                Some(id) => app_state()?
                    .store
                    .participant_in(&staff.organisation_id, &id)
                    .await?
                    .map(|p| p.code),
                None => None,
            };
            return Ok(super::Viewer::Staff(super::StaffViewer {
                admin: staff.has(Role::Admin),
                case_manager: staff.has(Role::CaseManager),
                evaluator: staff.has(Role::Evaluator),
                two_factor: staff.two_factor,
                name: staff.name,
                email: staff.email,
                assisting,
            }));
        }
        if crate::access::ssr::signed_in_participant().await?.is_some() {
            return Ok(super::Viewer::Participant);
        }
        Ok(super::Viewer::Nobody)
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

    /// 20 random bytes, base32: the RFC 6238 secret an authenticator app stores.
    pub fn new_totp_secret() -> String {
        use rand::RngCore;
        let mut bytes = [0_u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        totp_rs::Secret::Raw(bytes.to_vec())
            .to_encoded()
            .to_string()
    }

    /// The TOTP generator for a secret: SHA-1, six digits, 30-second steps,
    /// one step of clock skew allowed, as every authenticator app expects.
    pub fn totp(secret: &str, account: &str) -> Result<totp_rs::TOTP, AppError> {
        let bytes = totp_rs::Secret::Encoded(secret.to_owned())
            .to_bytes()
            .map_err(|_| AppError::Internal)?;
        totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some("Stegvis".into()),
            account.to_owned(),
        )
        .map_err(|e| {
            tracing::error!(error = %e, "TOTP secret unusable");
            AppError::Internal
        })
    }

    /// The time step (unix time / 30) whose code `code` (spaces allowed) is,
    /// within one step of now; `None` when it matches none.
    pub fn totp_step(secret: &str, account: &str, code: &str) -> Result<Option<i64>, AppError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let totp = totp(secret, account)?;
        let now = u64::try_from(chrono::Utc::now().timestamp()).map_err(|_| AppError::Internal)?;
        let current = now / totp.step;
        // Newest first, so the step recorded is the latest that matches.
        for step in [current + 1, current, current.saturating_sub(1)] {
            if totp.generate(step * totp.step) == code {
                return Ok(Some(i64::try_from(step).map_err(|_| AppError::Internal)?));
            }
        }
        Ok(None)
    }

    /// Forgets the failed sign-ins of an account once it has fully signed
    /// in, and prunes old failure records.
    pub async fn forget_failures(account: &str) -> Result<(), AppError> {
        let policy = stegvis_domain::throttle::LOGIN_PER_ACCOUNT;
        app_state()?
            .store
            .clear_failed_attempts(
                AttemptKind::LoginAccount,
                account,
                chrono::Utc::now() - policy.lookback() - policy.lookback(),
            )
            .await?;
        Ok(())
    }

    /// The client's address as the server saw it (or the proxy said).
    pub fn client_address() -> String {
        leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
            .unwrap_or_else(|| "unknown".into())
    }

    /// Refuses with 429 while `key` is locked out under `policy`.
    pub async fn check_throttle(
        kind: AttemptKind,
        key: &str,
        policy: &ThrottlePolicy,
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let now = chrono::Utc::now();
        let failures = state
            .store
            .failed_attempts_since(kind, key, now - policy.lookback())
            .await?;
        match policy.decide(&failures, now) {
            Throttle::Allowed { .. } => Ok(()),
            Throttle::Locked { until } => {
                tracing::warn!(?kind, "locked out after repeated failures");
                let minutes = (until - now).num_minutes().max(1);
                Err(AppError::TooManyAttempts(format!(
                    "För många misslyckade försök. Vänta {minutes} minuter och försök igen."
                )))
            }
        }
    }
}
