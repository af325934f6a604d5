//! Sessions and staff accounts over HTTP: a session is stored only as a hash
//! of its cookie (a database reader cannot sign in with what the table
//! holds), a new password ends the account's other sessions, two-factor
//! sign-in is turned on only with the password, a staff member lists and ends
//! their own sessions, and an admin disables and enables accounts, makes
//! one-time password-reset links and resets a lost second factor — only
//! after a recent sign-in, never for their own account, always audited.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::accounts::{SessionView, StaffAccountDetail};
use app::auth::Viewer;
use axum::http::StatusCode;
use common::{app, encode, Client, TestApp, PASSWORD};
use stegvis_store::{session_key, Role, StaffRow};

const NEW_PASSWORD: &str = "ett-helt-nytt-losenord";

fn signed_in(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::Staff(_))
}

async fn sessions(client: &mut Client) -> Vec<SessionView> {
    let res = client.post("/api/account/sessions", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

/// An organisation with an admin (two-factor on, signed in) and a case manager.
struct Office {
    app: TestApp,
    admin: StaffRow,
    admin_browser: Client,
    cm: StaffRow,
}

async fn office(name: &str) -> Office {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let admin = app.staff(&org, "admin@sodertorn.se", &[Role::Admin]).await;
    let secret = app.enable_totp(&admin).await;
    let admin_browser = app.signed_in(&admin, Some(&secret)).await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    Office {
        app,
        admin,
        admin_browser,
        cm,
    }
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_log WHERE action = $1", action)
        .await
}

#[tokio::test]
async fn the_database_holds_only_a_hash_of_the_session_id_which_cannot_sign_in() {
    let o = office("session-hash").await;
    let mut browser = o.app.signed_in(&o.cm, None).await;
    let cookie = browser.session_id().unwrap().to_owned();
    assert_eq!(
        o.app
            .count("SELECT COUNT(*) FROM sessions WHERE id = $1", &cookie)
            .await,
        0,
        "the cookie's value is in the table"
    );
    let stored: String = {
        o.app
            .rows(
                "SELECT id FROM sessions WHERE staff_id = $1",
                &[(&o.cm.id).into()],
            )
            .await[0][0]
            .clone()
            .unwrap()
    };
    assert_eq!(stored, session_key(&cookie));
    assert!(signed_in(&browser.viewer().await));
    // Someone who read the table puts what it holds into a cookie: nobody.
    let mut thief = o.app.client();
    thief
        .cookies
        .insert(stegvis_server::http::SESSION_COOKIE.into(), stored);
    assert_eq!(thief.viewer().await, Viewer::Nobody);
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions_of_the_account_only() {
    let o = office("password-ends").await;
    let mut here = o.app.signed_in(&o.cm, None).await;
    let mut elsewhere = o.app.signed_in(&o.cm, None).await;
    let res = here
        .post(
            "/api/account/password",
            &format!(
                "current={}&new_password={NEW_PASSWORD}&repeat={NEW_PASSWORD}",
                encode(PASSWORD)
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(signed_in(&here.viewer().await));
    assert_eq!(elsewhere.viewer().await, Viewer::Nobody);
    let mut admin = o.admin_browser.clone();
    assert!(
        signed_in(&admin.viewer().await),
        "another account's session ended"
    );
    assert_eq!(audited(&o.app, "change-password").await, 1);
}

#[tokio::test]
async fn turning_on_two_factor_asks_for_the_password() {
    let o = office("two-factor-password").await;
    let mut browser = o.app.signed_in(&o.cm, None).await;
    let setup: app::auth::TwoFactorSetup = browser.post("/api/account/two-factor", "").await.json();
    let app::auth::TwoFactorSetup::Pending { secret, .. } = setup else {
        panic!("two-factor is on already");
    };
    let code = common::current_code(&secret, &o.cm.email);
    // Without the password the form is incomplete; with a wrong one it is refused.
    let res = browser
        .post("/api/account/two-factor/confirm", &format!("code={code}"))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);
    let res = browser
        .post(
            "/api/account/two-factor/confirm",
            &format!("code={code}&password=fel-losenord-99"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let stored = o.app.store.staff(&o.cm.id).await.unwrap().unwrap();
    assert!(!stored.two_factor);
    let res = browser
        .post(
            "/api/account/two-factor/confirm",
            &format!("code={code}&password={}", encode(PASSWORD)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        o.app
            .store
            .staff(&o.cm.id)
            .await
            .unwrap()
            .unwrap()
            .two_factor
    );
}

#[tokio::test]
async fn a_staff_member_sees_their_sessions_and_ends_one_or_all_others() {
    let o = office("own-sessions").await;
    let mut firefox = o.app.client();
    let res = firefox
        .post_with(
            "/api/login",
            &common::login_form(&o.cm.email, PASSWORD),
            &[(
                "user-agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
            )],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let mut second = o.app.signed_in(&o.cm, None).await;
    let mut third = o.app.signed_in(&o.cm, None).await;
    let listed = sessions(&mut firefox).await;
    assert_eq!(listed.len(), 3, "{listed:?}");
    let current: Vec<&SessionView> = listed.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].browser, "Firefox på Windows");
    // The admin's sessions are not listed, nor can they be ended from here.
    let admin_key = sessions(&mut o.admin_browser.clone()).await[0].key.clone();
    let res = firefox
        .post("/api/account/sessions/end", &format!("key={admin_key}"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    assert!(signed_in(&o.admin_browser.clone().viewer().await));
    // End the second browser's session by its key.
    let second_key = sessions(&mut second)
        .await
        .into_iter()
        .find(|s| s.current)
        .unwrap()
        .key;
    let res = firefox
        .post("/api/account/sessions/end", &format!("key={second_key}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(second.viewer().await, Viewer::Nobody);
    assert!(signed_in(&third.viewer().await));
    // All others: only this one is left.
    let res = firefox.post("/api/account/sessions/end", "key=andra").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(third.viewer().await, Viewer::Nobody);
    assert!(signed_in(&firefox.viewer().await));
    assert_eq!(sessions(&mut firefox).await.len(), 1);
    assert_eq!(audited(&o.app, "end-session").await, 2);
}

async fn account(admin: &mut Client, id: &str) -> StaffAccountDetail {
    let res = admin
        .post("/api/admin/staff/account", &format!("id={id}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once_and_enabling_lets_it_in_again() {
    let o = office("disable").await;
    let mut admin = o.admin_browser.clone();
    let mut cm = o.app.signed_in(&o.cm, None).await;
    let res = admin
        .post("/api/admin/staff/disable", &format!("id={}", o.cm.id))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        o.app
            .count(
                "SELECT COUNT(*) FROM sessions WHERE staff_id = $1",
                &o.cm.id
            )
            .await,
        0
    );
    assert_eq!(cm.viewer().await, Viewer::Nobody);
    let res = o.app.client().log_in(&o.cm.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(account(&mut admin, &o.cm.id).await.disabled);
    let res = admin
        .post("/api/admin/staff/enable", &format!("id={}", o.cm.id))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    o.app.signed_in(&o.cm, None).await;
    assert_eq!(audited(&o.app, "disable-staff").await, 1);
    assert_eq!(audited(&o.app, "enable-staff").await, 1);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out_or_touch_another_organisation() {
    let o = office("self").await;
    let mut admin = o.admin_browser.clone();
    for endpoint in ["disable", "reset-password", "reset-two-factor"] {
        let res = admin
            .post(
                &format!("/api/admin/staff/{endpoint}"),
                &format!("id={}", o.admin.id),
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{endpoint}: {}", res.text);
    }
    let me = o.app.store.staff(&o.admin.id).await.unwrap().unwrap();
    assert!(!me.disabled && me.two_factor);
    assert!(signed_in(&admin.viewer().await));
    let other = o.app.organisation("Norrtälje").await;
    let stranger = o
        .app
        .staff(&other, "x@norrtalje.se", &[Role::CaseManager])
        .await;
    for endpoint in [
        "account",
        "disable",
        "enable",
        "reset-password",
        "reset-two-factor",
    ] {
        let res = admin
            .post(
                &format!("/api/admin/staff/{endpoint}"),
                &format!("id={}", stranger.id),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::NOT_FOUND,
            "{endpoint}: {}",
            res.text
        );
    }
    assert!(
        !o.app
            .store
            .staff(&stranger.id)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
}

#[tokio::test]
async fn security_changes_need_a_recent_sign_in_or_the_password_again() {
    let o = office("recent").await;
    let mut admin = o.admin_browser.clone();
    // The sign-in was long ago (the session's JSON changed here, not in SQL,
    // so the same test runs on every engine).
    let sessions = o
        .app
        .rows(
            "SELECT id, data FROM sessions WHERE staff_id = $1",
            &[(&o.admin.id).into()],
        )
        .await;
    assert!(!sessions.is_empty());
    for row in sessions {
        let mut data: serde_json::Value = serde_json::from_str(row[1].as_deref().unwrap()).unwrap();
        data["authenticated-at"] = 0.into();
        o.app
            .execute(
                "UPDATE sessions SET data = $1 WHERE id = $2",
                &[data.to_string().into(), row[0].clone().unwrap().into()],
            )
            .await;
    }
    assert!(!account(&mut admin, &o.cm.id).await.recent_sign_in);
    let res = admin
        .post("/api/admin/staff/disable", &format!("id={}", o.cm.id))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert!(!o.app.store.staff(&o.cm.id).await.unwrap().unwrap().disabled);
    let res = admin
        .post("/api/account/confirm-password", "password=fel-losenord-99")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = admin
        .post(
            "/api/account/confirm-password",
            &format!("password={}", encode(PASSWORD)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(account(&mut admin, &o.cm.id).await.recent_sign_in);
    let res = admin
        .post("/api/admin/staff/disable", &format!("id={}", o.cm.id))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
}

/// The token of a reset link the admin makes for `id`, read from the account
/// page that shows it once.
async fn reset_link(admin: &mut Client, id: &str) -> String {
    let res = admin
        .post("/api/admin/staff/reset-password", &format!("id={id}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let link = account(admin, id)
        .await
        .reset_link
        .expect("the link is shown");
    assert!(link.contains("/nytt-losenord?t="), "{link}");
    assert_eq!(account(admin, id).await.reset_link, None, "shown twice");
    link.split("t=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let o = office("reset-link").await;
    let mut admin = o.admin_browser.clone();
    let mut cm = o.app.signed_in(&o.cm, None).await;
    let token = reset_link(&mut admin, &o.cm.id).await;
    assert!(token.len() >= 32);
    // Only its hash is stored.
    assert_eq!(
        o.app
            .count(
                "SELECT COUNT(*) FROM password_resets WHERE token_hash = $1",
                &token
            )
            .await,
        0
    );
    let res = o
        .app
        .client()
        .post("/api/password-reset/check", &format!("token={token}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains(&o.cm.email), "{}", res.text);
    let set = format!("token={token}&new_password={NEW_PASSWORD}&repeat={NEW_PASSWORD}");
    let mut holder = o.app.client();
    let res = holder.post("/api/password-reset", &set).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.location(), Some("/logga-in?nytt-losenord=1"));
    assert_eq!(cm.viewer().await, Viewer::Nobody);
    // Once only.
    let res = holder.post("/api/password-reset", &set).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    // The new password signs in, the old one does not.
    let res = o.app.client().log_in(&o.cm.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = o.app.client().log_in(&o.cm.email, NEW_PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(audited(&o.app, "password-reset-link").await, 1);
    assert_eq!(audited(&o.app, "password-reset-used").await, 1);
}

#[tokio::test]
async fn a_reset_link_waiting_to_be_shown_is_not_stored_in_clear() {
    let o = office("reset-link-sealed").await;
    let mut admin = o.admin_browser.clone();
    let res = admin
        .post(
            "/api/admin/staff/reset-password",
            &format!("id={}", o.cm.id),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // The link now waits in the admin's session, which is a database row.
    let stored = o.app.store.all_stored_text().await.unwrap();
    assert!(stored.iter().any(|(t, _, _)| t == "sessions"));
    let link = account(&mut admin, &o.cm.id)
        .await
        .reset_link
        .expect("the link is shown");
    let token = link.split("t=").nth(1).unwrap();
    assert!(token.len() >= 32, "{link}");
    let found: Vec<_> = stored
        .iter()
        .filter(|(_, _, v)| v.contains(token))
        .map(|(t, c, _)| (t.clone(), c.clone()))
        .collect();
    assert!(found.is_empty(), "token stored in clear in {found:?}");
}

#[tokio::test]
async fn a_reset_link_expires_and_a_newer_one_replaces_it() {
    let o = office("reset-expiry").await;
    let mut admin = o.admin_browser.clone();
    let first = reset_link(&mut admin, &o.cm.id).await;
    let second = reset_link(&mut admin, &o.cm.id).await;
    let check = |token: &str| format!("token={token}");
    let res = o
        .app
        .client()
        .post("/api/password-reset/check", &check(&first))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    o.app
        .execute(
            "UPDATE password_resets SET expires_at = $1",
            &[(chrono::Utc::now() - chrono::Duration::minutes(1)).into()],
        )
        .await;
    let res = o
        .app
        .client()
        .post("/api/password-reset/check", &check(&second))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    let res = o
        .app
        .client()
        .post(
            "/api/password-reset",
            &format!("token={second}&new_password={NEW_PASSWORD}&repeat={NEW_PASSWORD}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
}

#[tokio::test]
async fn a_lost_second_factor_is_reset_and_the_person_signs_in_with_the_password() {
    let o = office("reset-two-factor").await;
    let secret = o.app.enable_totp(&o.cm).await;
    let mut cm = o.app.signed_in(&o.cm, Some(&secret)).await;
    let mut admin = o.admin_browser.clone();
    let res = admin
        .post(
            "/api/admin/staff/reset-two-factor",
            &format!("id={}", o.cm.id),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(cm.viewer().await, Viewer::Nobody);
    assert!(
        !o.app
            .store
            .staff(&o.cm.id)
            .await
            .unwrap()
            .unwrap()
            .two_factor
    );
    let res = o.app.client().log_in(&o.cm.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.location(), Some("/personal"));
    assert_eq!(audited(&o.app, "reset-two-factor").await, 1);
}
