//! Two Stegvis servers on one database, as several processes behind a load
//! balancer run against one PostgreSQL: whatever one server decided, the
//! other must honour, because the rules live in the database (constraints,
//! `INSERT … ON CONFLICT`, the store's write transactions), never in one
//! server's memory. Runs on both engines; on PostgreSQL it is the setup
//! docs/operations.md describes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, PASSWORD, PIN, WRONG_PASSWORD};
use std::sync::Arc;
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::throttle::LOGIN_PER_ACCOUNT;
use stegvis_store::{DraftRow, OccasionRef, Role};
use tokio::sync::Barrier;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_started_on_one_server_is_valid_on_the_other() {
    let app = app("two-servers-session").await;
    let other = app.second_server().await;
    let org = app.organisation("Södertörn").await;
    let anna = app
        .staff(&org, "anna@sodertorn.se", &[Role::CaseManager])
        .await;

    // A staff member signs in through the first server …
    let staff = app.signed_in(&anna, None).await;
    let mut staff = staff.through(&other);
    let app::auth::Viewer::Staff(me) = staff.viewer().await else {
        panic!("the second server does not know the staff session");
    };
    assert_eq!(me.email, anna.email);

    // … and a phone connects through the first and answers through the second.
    let participant = app.participant(&anna).await;
    let phone = app.phone(&participant, &anna).await;
    let mut phone = phone.through(&other);
    assert_eq!(
        phone.viewer().await,
        app::auth::Viewer::Participant,
        "the second server does not know the phone's session"
    );
    let item = app.instrument.items_for(OccasionKind::Intake)[0].id.clone();
    let sid = "0b8a1c52-7e0c-4a49-9d1e-3c4a0f6b2d11";
    let res = phone
        .post(
            "/api/check-in/answer",
            &format!("submission_id={sid}&step=1&item={item}&answer=declined&go=next"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let draft = app
        .store
        .draft(
            &participant,
            OccasionRef {
                kind: OccasionKind::Intake,
                number: 0,
            },
        )
        .await
        .unwrap()
        .expect("the answer saved through the second server");
    assert_eq!(
        draft.answers.get(&item).map(String::as_str),
        Some("declined")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lockout_counted_on_one_server_holds_on_the_other() {
    let app = app("two-servers-lockout").await;
    let other = app.second_server().await;
    let org = app.organisation("Södertörn").await;
    let anna = app
        .staff(&org, "anna@sodertorn.se", &[Role::CaseManager])
        .await;
    // Wrong passwords from different addresses, through both servers in turn.
    let limit = LOGIN_PER_ACCOUNT.max_failures;
    for n in 0..limit {
        let browser = app.client().at_address(&format!("10.7.0.{}", n + 1));
        let mut browser = if n % 2 == 0 {
            browser
        } else {
            browser.through(&other)
        };
        let res = browser.log_in(&anna.email, WRONG_PASSWORD).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    }
    // The account is locked on both, even for the right password.
    for server in [None, Some(&other)] {
        let browser = app.client().at_address("10.7.1.1");
        let mut browser = match server {
            Some(s) => browser.through(s),
            None => browser,
        };
        let res = browser.log_in(&anna.email, PASSWORD).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_code_redeemed_on_one_server_cannot_be_redeemed_on_the_other() {
    let app = app("two-servers-code").await;
    let other = app.second_server().await;
    let org = app.organisation("Södertörn").await;
    let anna = app
        .staff(&org, "anna@sodertorn.se", &[Role::CaseManager])
        .await;

    // One after the other: the second server refuses a spent code.
    let participant = app.participant(&anna).await;
    let code = app.access_code(&participant, &anna).await;
    let mut first = app.client().at_address("10.8.0.1");
    first.connect_phone(&code, PIN).await;
    let mut second = app.client().at_address("10.8.0.2").through(&other);
    let res = second
        .post("/api/access/code", &format!("code={code}"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(app.store.active_devices(&participant).await.unwrap(), 1);

    // Two phones with the same code, both past the code step, choose their
    // PIN at the same moment on different servers: exactly one connects.
    let participant = app.participant(&anna).await;
    let code = app.access_code(&participant, &anna).await;
    let barrier = Arc::new(Barrier::new(2));
    let mut tasks = Vec::new();
    for (n, server) in [app.router.clone(), other.clone()].into_iter().enumerate() {
        let mut phone = app
            .client()
            .at_address(&format!("10.8.1.{}", n + 1))
            .through(&server);
        let res = phone
            .post("/api/access/code", &format!("code={code}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let res = phone
                .post("/api/access/new-pin", &format!("pin={PIN}&repeat={PIN}"))
                .await;
            (res.status, res.location().map(str::to_owned), res.text)
        }));
    }
    let mut connected = 0;
    for task in tasks {
        let (status, location, text) = task.await.unwrap();
        if status == StatusCode::OK && location.as_deref() == Some("/svara") {
            connected += 1;
        } else {
            assert!(status.is_client_error(), "{status} {text}");
        }
    }
    assert_eq!(connected, 1);
    assert_eq!(app.store.active_devices(&participant).await.unwrap(), 1);
    let stored = app.store.access_code(&code).await.unwrap().unwrap();
    assert!(stored.redeemed_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_submit_sent_to_both_servers_at_once_stores_one_check_in() {
    let app = app("two-servers-submit").await;
    let other = app.second_server().await;
    let org = app.organisation("Södertörn").await;
    let anna = app
        .staff(&org, "anna@sodertorn.se", &[Role::CaseManager])
        .await;
    for round in 0..5 {
        let participant = app.participant(&anna).await;
        let phone = app.phone(&participant, &anna).await;
        let sid = format!("7d1e2f30-0000-4000-8000-00000000000{round}");
        let answers = app
            .instrument
            .items_for(OccasionKind::Intake)
            .iter()
            .map(|item| (item.id.clone(), item.options[0].code.clone()))
            .collect();
        app.store
            .save_draft(
                &participant,
                &DraftRow {
                    submission_id: sid.clone(),
                    occasion: OccasionRef {
                        kind: OccasionKind::Intake,
                        number: 0,
                    },
                    instrument_version: app.instrument.version(),
                    language: "sv".into(),
                    answers,
                },
            )
            .await
            .unwrap();
        // The phone's outbox retries through the other server while the
        // first send is still on its way.
        let barrier = Arc::new(Barrier::new(2));
        let mut tasks = Vec::new();
        for server in [app.router.clone(), other.clone()] {
            let mut phone = phone.clone().through(&server);
            let barrier = barrier.clone();
            let body = format!("submission_id={sid}");
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let res = phone.post("/api/check-in/submit", &body).await;
                (res.status, res.text)
            }));
        }
        for task in tasks {
            let (status, text) = task.await.unwrap();
            assert_eq!(status, StatusCode::OK, "round {round}: {text}");
        }
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM check_ins WHERE participant_id = $1",
                &participant
            )
            .await,
            1,
            "round {round}"
        );
        assert_eq!(
            app.store.check_in_owner(&sid).await.unwrap(),
            Some(participant.clone())
        );
    }
}
