//! How a participant gets in from their own phone: they type (or scan) the
//! access code their case manager gave them, choose a 4–6 digit PIN, and the
//! phone is remembered with a long-lived cookie; next time only the PIN is
//! asked. Nothing in any URL says who the person is.
//!
//! Code entry is throttled per network address, and a phone is locked after
//! [`PIN_MAX_FAILURES`](stegvis_domain::throttle::PIN_MAX_FAILURES) wrong PINs
//! in a row; the participant then asks their case manager for a new code.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::participant_error::ParticipantError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the check-in starts once a participant is in.
pub const CHECK_IN_HOME: &str = "/svara";

/// What the participant's start page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessState {
    /// Signed in (or a staff member runs a check-in together with them).
    SignedIn,
    /// This phone is connected: ask for the PIN.
    KnownPhone,
    /// A code was accepted: choose a PIN.
    ChoosePin,
    /// Nothing known: ask for the code.
    NewPhone,
}

/// What the start page should ask for.
#[server(prefix = "/api", endpoint = "access/state")]
pub async fn load_access_state() -> Result<AccessState, AppError> {
    use crate::session::ssr as session;
    if ssr::signed_in_participant().await?.is_some() {
        return Ok(AccessState::SignedIn);
    }
    let session = session::session().await?;
    if session::get::<String>(&session, ssr::REDEEM_KEY)
        .await?
        .is_some()
    {
        return Ok(AccessState::ChoosePin);
    }
    if ssr::known_device().await?.is_some() {
        return Ok(AccessState::KnownPhone);
    }
    Ok(AccessState::NewPhone)
}

/// Takes the access code and goes on to choosing a PIN.
#[server(prefix = "/api", endpoint = "access/code")]
pub async fn redeem_code(code: String) -> Result<(), AppError> {
    use crate::session::ssr as session;
    use stegvis_domain::access::normalise_access_code;
    use stegvis_domain::throttle::CODE_PER_ADDRESS;
    use stegvis_store::AttemptKind;
    let state = crate::state::app_state()?;
    let address = session::client_address();
    // Counted before the code is looked up, so parallel guesses stop at the limit.
    let attempt = session::reserve(&[(AttemptKind::CodeAddress, &address, CODE_PER_ADDRESS)])
        .await
        .map_err(|e| match e {
            AppError::TooManyAttempts(_) => ParticipantError::Locked.into(),
            other => other,
        })?;
    let now = chrono::Utc::now();
    let found = match normalise_access_code(&code) {
        Some(code) => state.store.access_code(&code).await?,
        None => None,
    };
    let Some(found) = found else {
        // The reserved attempt stays recorded as the failure.
        return Err(ParticipantError::CodeWrong.into());
    };
    // A real code, even a spent one, is no guess: it does not count.
    attempt.succeeded().await?;
    if !found.usable_at(now) {
        return Err(ParticipantError::CodeUnusable.into());
    }
    let session = session::session().await?;
    session::insert(&session, ssr::REDEEM_KEY, &found.code_hash).await?;
    leptos_axum::redirect("/ny-pin");
    Ok(())
}

/// Sets the PIN for this phone, connects it and signs the participant in.
#[server(prefix = "/api", endpoint = "access/new-pin")]
pub async fn choose_pin(pin: String, repeat: String) -> Result<(), AppError> {
    use crate::session::ssr as session;
    let state = crate::state::app_state()?;
    let session = session::session().await?;
    let code: String = session::get(&session, ssr::REDEEM_KEY)
        .await?
        .ok_or_else(AppError::participant_signed_out)?;
    stegvis_domain::access::check_pin(&pin).map_err(|_| ParticipantError::PinDigits)?;
    if pin != repeat {
        return Err(ParticipantError::PinMismatch.into());
    }
    let token = stegvis_store::ids::device_token();
    let pin_hash = session::hash_secret(&pin)?;
    let Some((device_id, participant_id)) = state
        .store
        .connect_device(
            &code,
            &ssr::token_hash(&token),
            &pin_hash,
            chrono::Utc::now(),
        )
        .await?
    else {
        session::remove(&session, ssr::REDEEM_KEY).await?;
        return Err(ParticipantError::CodeUnusable.into());
    };
    ssr::set_device_cookie(&token, state.secure_cookies);
    session::remove(&session, ssr::REDEEM_KEY).await?;
    ssr::sign_in(&session, &participant_id, &device_id).await?;
    leptos_axum::redirect(CHECK_IN_HOME);
    Ok(())
}

/// Signs in on a connected phone with the PIN.
#[server(prefix = "/api", endpoint = "access/pin")]
pub async fn enter_pin(pin: String) -> Result<(), AppError> {
    use crate::session::ssr as session;
    use stegvis_domain::throttle::PIN_MAX_FAILURES;
    let state = crate::state::app_state()?;
    let device = ssr::known_device()
        .await?
        .ok_or(ParticipantError::PhoneUnknown)?;
    if device.locked {
        return Err(ParticipantError::Locked.into());
    }
    // Counted before the PIN is checked: once the limit is reserved, further
    // tries (and the right PIN among them) are refused unchecked.
    let Some(_reserved) = state
        .store
        .reserve_pin_attempt(&device.id, PIN_MAX_FAILURES)
        .await?
    else {
        return Err(ParticipantError::Locked.into());
    };
    if !session::verify_secret(&pin, &device.pin_hash) {
        let failures = state
            .store
            .record_pin_failure(&device.id, PIN_MAX_FAILURES)
            .await?;
        tracing::info!(device = %device.id, failures, "wrong PIN");
        if failures >= PIN_MAX_FAILURES {
            return Err(ParticipantError::Locked.into());
        }
        let left = PIN_MAX_FAILURES - failures;
        return Err(ParticipantError::PinWrong { left }.into());
    }
    state.store.record_pin_success(&device.id).await?;
    let session = session::session().await?;
    ssr::sign_in(&session, &device.participant_id, &device.id).await?;
    leptos_axum::redirect(CHECK_IN_HOME);
    Ok(())
}

/// Signs the participant out on this phone; the phone stays connected.
#[server(prefix = "/api", endpoint = "access/leave")]
pub async fn leave() -> Result<(), AppError> {
    use crate::session::ssr as session;
    let session = session::session().await?;
    session::remove(&session, ssr::PARTICIPANT_KEY).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The participant's session and phone, read on the server.

    use crate::error::AppError;
    use crate::session::ssr as session;
    use crate::state::app_state;
    use stegvis_store::DeviceRow;
    use tower_sessions::Session;

    pub use crate::session::ssr::{
        signed_in_participant, token_hash, ParticipantSession, PARTICIPANT_KEY,
    };
    /// Session key: the stored hash of an accepted access code waiting for
    /// a PIN (never the code: session data is in the database too).
    pub const REDEEM_KEY: &str = "redeem-code";
    /// The cookie that remembers a connected phone.
    pub const DEVICE_COOKIE: &str = "stegvis_device";
    /// How long a phone is remembered without use (a year).
    pub const DEVICE_COOKIE_MAX_AGE: u32 = 365 * 24 * 60 * 60;

    /// Marks the session as the participant's, under a new session id; any
    /// staff sign-in on this browser ends.
    pub async fn sign_in(
        session: &Session,
        participant_id: &str,
        device_id: &str,
    ) -> Result<(), AppError> {
        // Nothing of an earlier sign-in (staff or another participant) carries over.
        session.clear().await;
        session::cycle(session).await?;
        session::insert(
            session,
            PARTICIPANT_KEY,
            &ParticipantSession {
                participant_id: participant_id.to_owned(),
                device_id: device_id.to_owned(),
            },
        )
        .await
    }

    /// The connected phone this request comes from, unless it was disconnected.
    pub async fn known_device() -> Result<Option<DeviceRow>, AppError> {
        let Some(token) = device_token() else {
            return Ok(None);
        };
        let device = app_state()?.store.device(&token_hash(&token)).await?;
        Ok(device.filter(|d| !d.revoked))
    }

    fn device_token() -> Option<String> {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
        let header = parts
            .headers
            .get(axum::http::header::COOKIE)?
            .to_str()
            .ok()?;
        crate::prefs::cookie_value(header, DEVICE_COOKIE)
            .filter(|value| !value.is_empty() && value.len() <= 64)
            .map(str::to_owned)
    }

    /// Remembers this phone: HttpOnly, SameSite=Lax, Secure unless turned off
    /// for plain-HTTP test setups.
    pub fn set_device_cookie(token: &str, secure: bool) {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let secure = if secure { "; Secure" } else { "" };
            let cookie = format!(
                "{DEVICE_COOKIE}={token}; Path=/; Max-Age={DEVICE_COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax{secure}"
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
                res.append_header(axum::http::header::SET_COOKIE, value);
            }
        }
    }
}
