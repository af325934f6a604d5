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
///
/// The attempt is counted (per address and per account) before the password
/// is checked, so parallel guesses cannot get past the limit.
#[server(prefix = "/api", endpoint = "login")]
pub async fn log_in(email: String, password: String) -> Result<(), AppError> {
    use stegvis_domain::throttle::{LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS};
    use stegvis_store::AttemptKind;
    let state = crate::state::app_state()?;
    let email = email.trim().to_lowercase();
    let address = ssr::client_address();
    let attempt = ssr::reserve(&[
        (AttemptKind::LoginAddress, &address, LOGIN_PER_ADDRESS),
        (AttemptKind::LoginAccount, &email, LOGIN_PER_ACCOUNT),
    ])
    .await?;
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
        // The reserved attempt stays recorded as the failure.
        tracing::info!("failed staff login");
        return Err(AppError::Invalid("Fel e-postadress eller lösenord.".into()));
    };
    attempt.succeeded().await?;
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
    let attempt = ssr::reserve(&[(AttemptKind::LoginAccount, &key, LOGIN_PER_ACCOUNT)]).await?;
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
        // The reserved attempt stays recorded as the failure.
        return Err(AppError::Invalid(
            "Koden stämmer inte. Skriv den kod som appen visar nu.".into(),
        ));
    }
    attempt.succeeded().await?;
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

/// Changes the signed-in staff member's password. The current password is
/// checked under the account's sign-in lockout, and every other session of
/// the account ends (someone who knew the old password is signed out).
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let staff = ssr::require_staff().await?;
    ssr::check_password(&staff, &current).await?;
    check_new_password(&new_password, &repeat)?;
    let hash = ssr::hash_secret(&new_password)?;
    let session = ssr::session().await?;
    let ended = state
        .store
        .change_password(&staff.id, &hash, ssr::stored_key(&session).as_deref())
        .await?;
    crate::staff::ssr::audit(
        &staff,
        "change-password",
        None,
        &format!("{ended} other sessions ended"),
    )
    .await?;
    tracing::info!(staff = %staff.id, ended, "password changed");
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

/// Turns two-factor sign-in on, once the first code from the app matches and
/// the password is typed again (whoever sits at an unattended browser must
/// not be able to bind their own authenticator to the account).
#[server(prefix = "/api", endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String, password: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let staff = ssr::require_staff().await?;
    let session = ssr::session().await?;
    let secret: String = ssr::get(&session, ssr::TOTP_SETUP_KEY)
        .await?
        .ok_or_else(|| AppError::Conflict("Ladda om sidan och skanna koden igen.".into()))?;
    ssr::check_password(&staff, &password).await?;
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
    crate::staff::ssr::audit(&staff, "enable-two-factor", None, "").await?;
    tracing::info!(staff = %staff.id, "two-factor sign-in turned on");
    leptos_axum::redirect("/konto?sparat=tvasteg");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Role checks, TOTP and staff sign-in, for every server function that
    //! needs them. The session helpers and hashing live in
    //! [`crate::session::ssr`] and are re-exported here.

    use crate::error::AppError;
    use crate::state::app_state;
    use stegvis_store::{AttemptKind, Role, StaffRow};
    use tower_sessions::Session;

    pub use crate::session::ssr::{
        burn_hash_time, client_address, cycle, get, hash_secret, insert, remove, reserve, session,
        session_error, stored_key, verify_secret, Attempt, ClientAddress, AUTHENTICATED_AT_KEY,
        STAFF_KEY,
    };

    /// Session key: a staff id that passed the password step and owes a TOTP code.
    pub const PENDING_KEY: &str = "pending-two-factor";
    /// Session key: a TOTP secret shown for setup, not yet confirmed.
    pub const TOTP_SETUP_KEY: &str = "totp-setup";
    /// Session key: the participant whose check-in runs on a staff device.
    pub const ASSISTING_KEY: &str = "assisting";

    /// Marks the session as this staff member's; a participant sign-in on the
    /// same browser ends.
    pub async fn sign_in(session: &Session, staff: &StaffRow) -> Result<(), AppError> {
        remove(session, crate::session::ssr::PARTICIPANT_KEY).await?;
        insert(session, STAFF_KEY, &staff.id).await?;
        insert(
            session,
            crate::session::ssr::LABEL_KEY,
            &crate::session::ssr::browser_label(),
        )
        .await?;
        insert(
            session,
            AUTHENTICATED_AT_KEY,
            &chrono::Utc::now().timestamp(),
        )
        .await?;
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
        if crate::session::ssr::signed_in_participant()
            .await?
            .is_some()
        {
            return Ok(super::Viewer::Participant);
        }
        Ok(super::Viewer::Nobody)
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

    /// How long a sign-in or a password check counts as recent enough for a
    /// security change (disabling an account, reset links, a second factor).
    pub const RECENT_MINUTES: i64 = 15;

    /// Checks the signed-in staff member's password again, counted under the
    /// account's sign-in lockout: a guessed password fails here as it would
    /// at sign-in, and stops at the same limit. Marks the session as
    /// recently authenticated when it matches.
    pub async fn check_password(staff: &StaffRow, password: &str) -> Result<(), AppError> {
        use stegvis_domain::throttle::LOGIN_PER_ACCOUNT;
        let state = app_state()?;
        let attempt =
            reserve(&[(AttemptKind::LoginAccount, &staff.email, LOGIN_PER_ACCOUNT)]).await?;
        let credentials = state
            .store
            .staff_credentials_by_id(&staff.id)
            .await?
            .ok_or_else(AppError::signed_out)?;
        if password.len() > super::MAX_PASSWORD_CHARS * 4
            || !verify_secret(password, &credentials.password_hash)
        {
            tracing::info!(staff = %staff.id, "wrong password at a security change");
            return Err(AppError::Invalid(
                "Det nuvarande lösenordet stämmer inte.".into(),
            ));
        }
        attempt.succeeded().await?;
        let session = session().await?;
        insert(
            &session,
            AUTHENTICATED_AT_KEY,
            &chrono::Utc::now().timestamp(),
        )
        .await?;
        Ok(())
    }

    /// Refuses (403) a security change unless this session signed in or
    /// proved the password within [`RECENT_MINUTES`].
    pub async fn require_recent_sign_in() -> Result<(), AppError> {
        let session = session().await?;
        let at: Option<i64> = get(&session, AUTHENTICATED_AT_KEY).await?;
        let now = chrono::Utc::now().timestamp();
        match at {
            Some(at) if now - at < RECENT_MINUTES * 60 && at <= now => Ok(()),
            _ => Err(AppError::Forbidden(
                "Skriv ditt lösenord igen innan du gör den här ändringen.".into(),
            )),
        }
    }
}
