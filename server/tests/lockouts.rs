//! Lockouts under concurrency, over HTTP against a file-backed database: many
//! guesses sent at the same moment must not get more checks than the limit
//! allows, for staff passwords (per account and per address), two-factor
//! codes, the current password on *Mitt konto*, participants' access codes
//! and PINs. Once the limit is reached the right secret is refused too.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, encode, fresh_code, login_form, Client, TestApp, PASSWORD, PIN, WRONG_PASSWORD};
use std::collections::BTreeMap;
use std::sync::Arc;
use stegvis_domain::throttle::{
    CODE_PER_ADDRESS, LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS, PIN_MAX_FAILURES,
};
use stegvis_store::Role;
use tokio::sync::Barrier;

/// Sends `bodies` to `path` at the same moment, each from its own copy of
/// `client` (made by `copy`); returns how many got each status.
async fn at_once<F, Fut>(path: &'static str, bodies: Vec<String>, copy: F) -> BTreeMap<u16, u32>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Client>,
{
    let barrier = Arc::new(Barrier::new(bodies.len()));
    let mut tasks = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let mut client = copy(i).await;
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let res = client.post(path, &body).await;
            (res.status.as_u16(), res.text)
        }));
    }
    let mut seen = BTreeMap::new();
    for task in tasks {
        let (status, text) = task.await.unwrap();
        if status != 422 && status != 429 {
            panic!("{path}: {status} {text}");
        }
        *seen.entry(status).or_insert(0) += 1;
    }
    seen
}

async fn failures(app: &TestApp, kind: &str, key: &str) -> i64 {
    app.store
        .test_sql()
        .count(
            "SELECT COUNT(*) FROM failed_attempts WHERE kind = $1 AND key = $2",
            &[kind.into(), key.into()],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_parallel_wrong_passwords_get_exactly_the_limit_checked() {
    let app = app("race-password").await;
    let org = app.organisation("Södertörn").await;
    let anna = app
        .staff(&org, "anna@sodertorn.se", &[Role::CaseManager])
        .await;
    let seen = at_once(
        "/api/login",
        vec![login_form(&anna.email, WRONG_PASSWORD); 20],
        |_| async { app.client().at_address("10.1.0.1") },
    )
    .await;
    let limit = LOGIN_PER_ACCOUNT.max_failures;
    assert_eq!(seen, BTreeMap::from([(422, limit), (429, 20 - limit)]));
    assert_eq!(
        failures(&app, "login-account", &anna.email).await,
        i64::from(limit)
    );
    // Locked: the right password is refused, from anywhere.
    let res = app
        .client()
        .at_address("10.1.0.2")
        .log_in(&anna.email, PASSWORD)
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_from_one_address_stop_at_its_limit() {
    let app = app("race-address").await;
    let org = app.organisation("Södertörn").await;
    let bo = app
        .staff(&org, "bo@sodertorn.se", &[Role::CaseManager])
        .await;
    // One guess per (unknown) account, so only the address limit applies.
    let bodies = (0..26)
        .map(|n| login_form(&format!("gissning{n}@sodertorn.se"), WRONG_PASSWORD))
        .collect();
    let seen = at_once("/api/login", bodies, |_| async {
        app.client().at_address("10.1.0.3")
    })
    .await;
    let limit = LOGIN_PER_ADDRESS.max_failures;
    assert_eq!(seen, BTreeMap::from([(422, limit), (429, 26 - limit)]));
    assert_eq!(
        failures(&app, "login-address", "10.1.0.3").await,
        i64::from(limit)
    );
    let res = app
        .client()
        .at_address("10.1.0.3")
        .log_in(&bo.email, PASSWORD)
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_two_factor_codes_get_exactly_the_limit_checked() {
    let app = app("race-totp").await;
    let org = app.organisation("Södertörn").await;
    let cia = app
        .staff(&org, "cia@sodertorn.se", &[Role::CaseManager])
        .await;
    let secret = app.enable_totp(&cia).await;
    let mut browser = app.client();
    let res = browser.log_in(&cia.email, PASSWORD).await;
    assert_eq!(res.location(), Some("/logga-in/kod"), "{}", res.text);
    // A code that is none of the three accepted steps.
    let right = common::current_code(&secret, &cia.email);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let browser = &browser;
    let seen = at_once(
        "/api/login/code",
        vec![format!("code={wrong}"); 12],
        |_| async move { browser.fork().await },
    )
    .await;
    let limit = LOGIN_PER_ACCOUNT.max_failures;
    assert_eq!(seen, BTreeMap::from([(422, limit), (429, 12 - limit)]));
    assert_eq!(
        failures(&app, "login-account", &cia.email).await,
        i64::from(limit)
    );
    let res = browser
        .fork()
        .await
        .post("/api/login/code", &format!("code={right}"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_current_passwords_get_exactly_the_limit_checked() {
    let app = app("race-current").await;
    let org = app.organisation("Södertörn").await;
    let dan = app
        .staff(&org, "dan@sodertorn.se", &[Role::CaseManager])
        .await;
    let browser = app.signed_in(&dan, None).await;
    let browser = &browser;
    let change = |current: &str| {
        format!(
            "current={}&new_password=ett-nytt-losenord&repeat=ett-nytt-losenord",
            encode(current)
        )
    };
    let seen = at_once(
        "/api/account/password",
        vec![change(WRONG_PASSWORD); 12],
        |_| async move { browser.fork().await },
    )
    .await;
    let limit = LOGIN_PER_ACCOUNT.max_failures;
    assert_eq!(seen, BTreeMap::from([(422, limit), (429, 12 - limit)]));
    assert_eq!(
        failures(&app, "login-account", &dan.email).await,
        i64::from(limit)
    );
    // The right current password is refused while locked, and nothing changed.
    let res = browser
        .fork()
        .await
        .post("/api/account/password", &change(PASSWORD))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    let stored = app
        .store
        .staff_credentials(&dan.email)
        .await
        .unwrap()
        .unwrap();
    assert!(app::auth::ssr::verify_secret(
        PASSWORD,
        &stored.password_hash
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_access_codes_get_exactly_the_limit_checked() {
    let app = app("race-code").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let code = app.access_code(&participant, &cm).await;
    let guesses = (0..15).map(|_| format!("code={}", fresh_code(8))).collect();
    let seen = at_once("/api/access/code", guesses, |_| async {
        app.client().at_address("10.2.0.1")
    })
    .await;
    let limit = CODE_PER_ADDRESS.max_failures;
    assert_eq!(seen, BTreeMap::from([(422, limit), (429, 15 - limit)]));
    assert_eq!(
        failures(&app, "code-address", "10.2.0.1").await,
        i64::from(limit)
    );
    let res = app
        .client()
        .at_address("10.2.0.1")
        .post("/api/access/code", &format!("code={code}"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
}

async fn pin_failures(app: &TestApp, participant: &str) -> i64 {
    app.count(
        "SELECT pin_failures FROM participant_devices WHERE participant_id = $1",
        participant,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_parallel_wrong_pins_get_exactly_the_limit_checked() {
    let app = app("race-pin").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let mut phone = app.phone(&participant, &cm).await;
    phone.post("/api/access/leave", "").await;
    let phone = &phone;
    let seen = at_once(
        "/api/access/pin",
        vec!["pin=0000".to_owned(); 12],
        |_| async move { phone.fork().await },
    )
    .await;
    // Exactly the limit is counted (and checked); a wrong PIN checked while
    // the others were counted already may say "locked" rather than how many
    // are left, and the rest are refused unchecked.
    let limit = PIN_MAX_FAILURES;
    assert_eq!(seen.values().sum::<u32>(), 12);
    assert!(seen.get(&422).copied().unwrap_or(0) < limit, "{seen:?}");
    assert_eq!(pin_failures(&app, &participant).await, i64::from(limit));
    let res = phone
        .fork()
        .await
        .post("/api/access/pin", &format!("pin={PIN}"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    assert_eq!(app.store.active_devices(&participant).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_pin_is_refused_once_the_limit_is_taken_by_wrong_ones_in_flight() {
    let app = app("race-pin-right").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let mut phone = app.phone(&participant, &cm).await;
    phone.post("/api/access/leave", "").await;
    let mut wrong = Vec::new();
    for _ in 0..11 {
        let mut copy = phone.fork().await;
        wrong.push(tokio::spawn(async move {
            copy.post("/api/access/pin", "pin=0000")
                .await
                .status
                .as_u16()
        }));
    }
    // As soon as the limit is counted, while wrong PINs may still be checked:
    for _ in 0..2000 {
        if pin_failures(&app, &participant).await >= i64::from(PIN_MAX_FAILURES) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let res = phone
        .fork()
        .await
        .post("/api/access/pin", &format!("pin={PIN}"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    for task in wrong {
        let status = task.await.unwrap();
        assert!(status == 422 || status == 429, "{status}");
    }
    assert_eq!(
        pin_failures(&app, &participant).await,
        i64::from(PIN_MAX_FAILURES)
    );
    assert_eq!(app.store.active_devices(&participant).await.unwrap(), 0);
}
