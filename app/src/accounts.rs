//! The life of a staff account: a staff member's own sessions (list them, end
//! one or all others), an admin disabling and enabling an account, making a
//! one-time password-reset link and resetting a lost second factor, and the
//! page where the link's holder sets a new password.
//!
//! Security changes an admin makes to someone's account need a recent sign-in
//! ([`crate::auth::ssr::require_recent_sign_in`]), so a browser left signed in
//! is not enough to take over accounts. An admin cannot disable their own
//! account or reset their own second factor here, so nobody locks the
//! organisation out by mistake. Every change is written to the audit log.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long a password-reset link works.
pub const RESET_LINK_HOURS: i64 = 24;

/// Where the holder of a reset link sets their new password.
pub const RESET_PATH: &str = "/nytt-losenord";

/// One of the signed-in staff member's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Names the session for ending it (the stored hash, which cannot sign in).
    pub key: String,
    pub browser: String,
    pub started: String,
    pub last_used: String,
    /// The session of the browser asking.
    pub current: bool,
}

/// A staff account as its admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccountDetail {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub two_factor: bool,
    pub disabled: bool,
    /// The admin looking at their own account.
    pub own: bool,
    /// Whether the admin has signed in or typed their password recently
    /// enough to make security changes.
    pub recent_sign_in: bool,
    /// A reset link just made for this account, shown once.
    pub reset_link: Option<String>,
}

/// Who a reset link is for, shown on the page where it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLinkView {
    pub name: String,
    pub email: String,
}

/// The signed-in staff member's sessions, most recently used first.
#[server(prefix = "/api", endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::auth::ssr as auth;
    let staff = auth::require_staff().await?;
    let session = auth::session().await?;
    let current = auth::stored_key(&session);
    let now = chrono::Utc::now();
    let rows = crate::state::app_state()?
        .store
        .staff_sessions(&staff.id, now.timestamp())
        .await?;
    let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(
            || "–".to_owned(),
            |at| {
                at.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            },
        )
    };
    Ok(rows
        .into_iter()
        .map(|r| SessionView {
            current: current.as_deref() == Some(r.key.as_str()),
            browser: r.label.unwrap_or_else(|| "Okänd webbläsare".into()),
            started: time(r.created_at),
            last_used: time(r.last_seen_at),
            key: r.key,
        })
        .collect())
}

/// The key that names every session but the asking one.
pub const OTHER_SESSIONS: &str = "andra";

/// Ends one of the signed-in staff member's sessions by its key (another
/// browser, or this one, which is then signed out), or with
/// [`OTHER_SESSIONS`] every session but this one.
#[server(prefix = "/api", endpoint = "account/sessions/end")]
pub async fn end_session(key: String) -> Result<(), AppError> {
    use crate::auth::ssr as auth;
    let staff = auth::require_staff().await?;
    let state = crate::state::app_state()?;
    let session = auth::session().await?;
    let current = auth::stored_key(&session);
    if key == OTHER_SESSIONS {
        let ended = state
            .store
            .end_staff_sessions(&staff.id, current.as_deref())
            .await?;
        crate::staff::ssr::audit(
            &staff,
            "end-session",
            None,
            &format!("{ended} other sessions"),
        )
        .await?;
        leptos_axum::redirect("/konto?sparat=sessioner");
        return Ok(());
    }
    if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest("Okänd inloggning.".into()));
    }
    if !state.store.end_staff_session(&staff.id, &key).await? {
        return Err(AppError::NotFound("Inloggningen finns inte längre.".into()));
    }
    crate::staff::ssr::audit(&staff, "end-session", None, "1 session").await?;
    if current.as_deref() == Some(key.as_str()) {
        session.flush().await.map_err(auth::session_error)?;
        leptos_axum::redirect("/logga-in");
    } else {
        leptos_axum::redirect("/konto?sparat=sessioner");
    }
    Ok(())
}

/// Proves the password again before security changes; counted under the
/// account's sign-in lockout.
#[server(prefix = "/api", endpoint = "account/confirm-password")]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    use crate::auth::ssr as auth;
    let staff = auth::require_staff().await?;
    auth::check_password(&staff, &password).await?;
    Ok(())
}

/// One staff account of the admin's organisation, with a reset link made for
/// it just before (shown once).
#[server(prefix = "/api", endpoint = "admin/staff/account")]
pub async fn staff_account(id: String) -> Result<StaffAccountDetail, AppError> {
    use crate::auth::ssr as auth;
    let admin = auth::require_role(stegvis_store::Role::Admin).await?;
    let target = ssr::account_of(&admin, &id).await?;
    let reset_link = crate::session::ssr::take_sealed(
        ssr::RESET_LINK_KEY,
        &ssr::reset_link_context(&target.id),
        chrono::Utc::now(),
        crate::session::ssr::Afterwards::Remove,
    )
    .await?
    .map(|link| link.as_str().to_owned());
    Ok(StaffAccountDetail {
        own: target.id == admin.id,
        recent_sign_in: auth::require_recent_sign_in().await.is_ok(),
        roles: target
            .roles
            .iter()
            .map(|r| crate::admin::role_label(r.code()))
            .collect::<Vec<_>>()
            .join(", "),
        two_factor: target.two_factor,
        disabled: target.disabled,
        name: target.name,
        email: target.email,
        id: target.id,
        reset_link,
    })
}

/// Disables an account: it cannot sign in, and its sessions end at once.
#[server(prefix = "/api", endpoint = "admin/staff/disable")]
pub async fn disable_staff(id: String) -> Result<(), AppError> {
    let (admin, target) = ssr::security_change(&id).await?;
    if target.id == admin.id {
        return Err(AppError::Conflict(
            "Du kan inte stänga av ditt eget konto.".into(),
        ));
    }
    let state = crate::state::app_state()?;
    state
        .store
        .set_staff_disabled(&admin.organisation_id, &target.id, true)
        .await?;
    crate::staff::ssr::audit(&admin, "disable-staff", None, &target.email).await?;
    leptos_axum::redirect(&ssr::account_path(&target.id, "avstangt"));
    Ok(())
}

/// Enables a disabled account again.
#[server(prefix = "/api", endpoint = "admin/staff/enable")]
pub async fn enable_staff(id: String) -> Result<(), AppError> {
    let (admin, target) = ssr::security_change(&id).await?;
    let state = crate::state::app_state()?;
    state
        .store
        .set_staff_disabled(&admin.organisation_id, &target.id, false)
        .await?;
    crate::staff::ssr::audit(&admin, "enable-staff", None, &target.email).await?;
    leptos_axum::redirect(&ssr::account_path(&target.id, "pa"));
    Ok(())
}

/// Makes a one-time link with which the account's owner sets a new password
/// (valid [`RESET_LINK_HOURS`] hours; a newer link replaces it). Only the
/// hash of its token is stored; the link is shown to the admin once, who
/// hands it over. When it is used, every session of the account ends.
#[server(prefix = "/api", endpoint = "admin/staff/reset-password")]
pub async fn make_reset_link(id: String) -> Result<(), AppError> {
    let (admin, target) = ssr::security_change(&id).await?;
    if target.id == admin.id {
        return Err(AppError::Conflict(
            "Byt ditt eget lösenord under Mitt konto.".into(),
        ));
    }
    if target.disabled {
        return Err(AppError::Conflict(
            "Kontot är avstängt. Slå på det först.".into(),
        ));
    }
    let state = crate::state::app_state()?;
    let token = stegvis_store::ids::device_token();
    let expires = chrono::Utc::now() + chrono::Duration::hours(RESET_LINK_HOURS);
    state
        .store
        .create_password_reset(
            &target.id,
            &admin.id,
            &crate::session::ssr::token_hash(&token),
            expires,
        )
        .await?;
    crate::staff::ssr::audit(&admin, "password-reset-link", None, &target.email).await?;
    let link = format!("{}{RESET_PATH}?t={token}", state.public_url);
    crate::session::ssr::keep_sealed(
        ssr::RESET_LINK_KEY,
        &ssr::reset_link_context(&target.id),
        &link,
        ssr::RESET_LINK_SHOWN_FOR,
    )
    .await?;
    leptos_axum::redirect(&ssr::account_path(&target.id, "lank"));
    Ok(())
}

/// Turns off the second factor of someone who lost their authenticator; they
/// set it up again after signing in with their password. Their sessions end.
#[server(prefix = "/api", endpoint = "admin/staff/reset-two-factor")]
pub async fn reset_two_factor(id: String) -> Result<(), AppError> {
    let (admin, target) = ssr::security_change(&id).await?;
    if target.id == admin.id {
        return Err(AppError::Conflict(
            "Du kan inte nollställa din egen tvåstegsinloggning här.".into(),
        ));
    }
    let state = crate::state::app_state()?;
    state
        .store
        .reset_two_factor(&admin.organisation_id, &target.id)
        .await?;
    crate::staff::ssr::audit(&admin, "reset-two-factor", None, &target.email).await?;
    leptos_axum::redirect(&ssr::account_path(&target.id, "tvasteg"));
    Ok(())
}

/// Who a reset link is for, if it still works.
#[server(prefix = "/api", endpoint = "password-reset/check")]
pub async fn check_reset_link(token: String) -> Result<ResetLinkView, AppError> {
    let state = crate::state::app_state()?;
    let reset = ssr::usable_link(&token).await?;
    let staff = state
        .store
        .staff(&reset.staff_id)
        .await?
        .ok_or_else(ssr::dead_link)?;
    Ok(ResetLinkView {
        name: staff.name,
        email: staff.email,
    })
}

/// Sets a new password with a reset link. The link is used up, and every
/// session of the account ends; the person then signs in with it.
#[server(prefix = "/api", endpoint = "password-reset")]
pub async fn use_reset_link(
    token: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    ssr::usable_link(&token).await?;
    crate::auth::check_new_password(&new_password, &repeat)?;
    let hash = crate::session::ssr::hash_secret(&new_password)?;
    let staff_id = state
        .store
        .use_password_reset(
            &crate::session::ssr::token_hash(&token),
            &hash,
            chrono::Utc::now(),
        )
        .await?
        .ok_or_else(ssr::dead_link)?;
    if let Some(staff) = state.store.staff(&staff_id).await? {
        crate::staff::ssr::audit(&staff, "password-reset-used", None, "").await?;
        crate::auth::ssr::forget_failures(&staff.email).await?;
    }
    leptos_axum::redirect("/logga-in?nytt-losenord=1");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Looking up the account an admin acts on, and reset links.

    use crate::auth::ssr as auth;
    use crate::error::AppError;
    use stegvis_store::{PasswordResetRow, Role, StaffRow};

    /// Session key: a reset link just made, until its account page shows it.
    pub const RESET_LINK_KEY: &str = "reset-link";

    /// How long a reset link just made waits, sealed in the admin's
    /// session, for its account page to show it.
    pub const RESET_LINK_SHOWN_FOR: chrono::Duration = chrono::Duration::minutes(10);

    /// What a kept reset link is sealed for: this account's page only.
    pub fn reset_link_context(staff_id: &str) -> String {
        format!("reset-link/{staff_id}")
    }

    /// The account page of `id`, with what was just done.
    pub fn account_path(id: &str, done: &str) -> String {
        format!("/admin/personal/{id}?sparat={done}")
    }

    /// An account of the admin's organisation by id; 404 for anything else.
    pub async fn account_of(admin: &StaffRow, id: &str) -> Result<StaffRow, AppError> {
        let not_found = || AppError::NotFound("Kontot finns inte.".into());
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(not_found());
        }
        crate::state::app_state()?
            .store
            .staff(id)
            .await?
            .filter(|s| s.organisation_id == admin.organisation_id)
            .ok_or_else(not_found)
    }

    /// The admin and the account for a security change: admin role, a recent
    /// sign-in, an account of the same organisation.
    pub async fn security_change(id: &str) -> Result<(StaffRow, StaffRow), AppError> {
        let admin = auth::require_role(Role::Admin).await?;
        let target = account_of(&admin, id).await?;
        auth::require_recent_sign_in().await?;
        Ok((admin, target))
    }

    /// The message for a link that was used, replaced or has expired.
    pub fn dead_link() -> AppError {
        AppError::NotFound("Länken fungerar inte längre. Be en administratör om en ny.".into())
    }

    /// The reset link of a token, if it still works.
    pub async fn usable_link(token: &str) -> Result<PasswordResetRow, AppError> {
        if token.is_empty() || token.len() > 64 || !token.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(dead_link());
        }
        crate::state::app_state()?
            .store
            .password_reset(&crate::session::ssr::token_hash(token), chrono::Utc::now())
            .await?
            .ok_or_else(dead_link)
    }
}
