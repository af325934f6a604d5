//! The phone's offline check-in over HTTP: the kept check-in, sending a whole
//! check-in from the outbox (idempotent, late but answered in time, refused
//! and recorded for the case manager), and the service worker's file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Local, Utc};
use common::{app, intake, Client, TestApp};
use serde_json::{json, Value};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::Role;

/// A case manager, one of their participants starting `days_ago`, and that
/// participant's phone (signed in).
async fn phone_of_participant(app: &TestApp, days_ago: i64) -> (String, Client) {
    let org = app.organisation("Förbundet").await;
    let cm = app.staff(&org, "cm@x.se", &[Role::CaseManager]).await;
    let start = Local::now().date_naive() - Duration::days(days_ago);
    let participant = app.participant_from(&cm, start, None).await;
    let phone = app.phone(&participant, &cm).await;
    (participant, phone)
}

/// The same check-in sent by two copies of the phone at the same moment.
async fn send_twice_at_once(phone: &Client, body: &Value) -> [common::Reply; 2] {
    let mut a = phone.fork().await;
    let mut b = phone.fork().await;
    let (ra, rb) = tokio::join!(
        a.post_json("/api/check-in/send", body),
        b.post_json("/api/check-in/send", body)
    );
    [ra, rb]
}

async fn check_ins_of(app: &TestApp, participant: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM check_ins WHERE participant_id = $1",
        participant,
    )
    .await
}

#[tokio::test]
async fn the_kept_check_in_has_every_language_and_a_stable_submission_id() {
    let app = app("package").await;
    let mut signed_out = app.client();
    let res = signed_out.get("/api/check-in/package").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let (participant, mut phone) = phone_of_participant(&app, 0).await;
    let res = phone.get("/api/check-in/package").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let body: Value = res.json();
    assert_eq!(body["participant"], json!(participant));
    let pkg = &body["package"];
    let items = app.instrument.items_for(OccasionKind::Intake);
    assert_eq!(pkg["items"].as_array().map(Vec::len), Some(items.len()));
    let langs: Vec<&str> = pkg["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    let offered: Vec<&str> = app::texts::Lang::all()
        .map(app::texts::Lang::code)
        .collect();
    assert_eq!(langs, offered);
    assert!(langs.len() >= 5 && langs[0] == "sv", "{langs:?}");
    for lang in pkg["languages"].as_array().unwrap() {
        assert_eq!(
            lang["questions"].as_array().map(Vec::len),
            Some(items.len())
        );
        assert!(lang["texts"]["outbox_waiting"].as_str().is_some());
    }
    for lang in pkg["languages"].as_array().unwrap() {
        let rtl = ["ar", "fa"].contains(&lang["code"].as_str().unwrap());
        assert_eq!(
            lang["dir"],
            json!(if rtl { "rtl" } else { "ltr" }),
            "{}",
            lang["code"]
        );
        // Counted texts come formatted for every count the check-in shows.
        let progress = lang["texts"]["progress"].as_array().unwrap();
        assert_eq!(progress.len(), items.len() + 1);
        assert!(progress[2].as_str().unwrap().contains('2'));
        assert!(!lang["texts"]["start_count"].as_str().unwrap().contains('{'));
        assert!(lang["texts"]["outbox_stuck_code"]
            .as_str()
            .unwrap()
            .contains("{code}"));
    }
    // The draft is made at once, so every fetch names the same submission.
    let again: Value = phone.get("/api/check-in/package").await.json();
    assert_eq!(again["package"]["submission_id"], pkg["submission_id"]);
}

#[tokio::test]
async fn a_sent_check_in_is_stored_once_however_often_it_is_resent() {
    let app = app("send-once").await;
    let (participant, mut phone) = phone_of_participant(&app, 0).await;
    let pkg: Value = phone.get("/api/check-in/package").await.json();
    let id = pkg["package"]["submission_id"].as_str().unwrap().to_owned();
    let body = intake(&app, &id, &participant, &Utc::now().to_rfc3339());

    let first = phone.post_json("/api/check-in/send", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json::<Value>()["stored_now"], json!(true));
    for _ in 0..10 {
        let again = phone.post_json("/api/check-in/send", &body).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json::<Value>()["stored_now"], json!(false));
    }
    // Two resends racing each other.
    let [ra, rb] = send_twice_at_once(&phone, &body).await;
    assert_eq!((ra.status, rb.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(check_ins_of(&app, &participant).await, 1);
    // The draft is gone: nothing left to answer.
    let after: Value = phone.get("/api/check-in/package").await.json();
    assert_eq!(after["package"], Value::Null);
}

#[tokio::test]
async fn two_first_sends_racing_store_one_check_in() {
    let app = app("send-race").await;
    let (participant, phone) = phone_of_participant(&app, 0).await;
    let id = uuid_like();
    let body = intake(&app, &id, &participant, &Utc::now().to_rfc3339());
    let [ra, rb] = send_twice_at_once(&phone, &body).await;
    assert_eq!((ra.status, rb.status), (StatusCode::OK, StatusCode::OK));
    let stored_now = [ra, rb]
        .iter()
        .filter(|r| r.json::<Value>()["stored_now"] == json!(true))
        .count();
    assert_eq!(stored_now, 1);
    assert_eq!(check_ins_of(&app, &participant).await, 1);
}

#[tokio::test]
async fn answers_given_in_time_are_accepted_after_the_window_closed_with_both_times() {
    let app = app("send-late").await;
    // Intake 40 days ago: its window (28 days after) closed 12 days ago.
    let (participant, mut phone) = phone_of_participant(&app, 40).await;
    let answered = Utc::now() - Duration::days(39);
    let id = uuid_like();
    let res = phone
        .post_json(
            "/api/check-in/send",
            &intake(&app, &id, &participant, &answered.to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let row = app
        .rows(
            "SELECT answered_at, submitted_at FROM check_ins WHERE submission_id = $1",
            &[(&id).into()],
        )
        .await
        .remove(0);
    let (answered_at, submitted_at) = (row[0].clone().unwrap(), row[1].clone().unwrap());
    assert!(answered_at.starts_with(&answered.format("%Y-%m-%d").to_string()));
    assert!(submitted_at.starts_with(&Utc::now().format("%Y-%m-%d").to_string()));
}

#[tokio::test]
async fn answers_given_after_the_window_closed_are_refused_and_reported() {
    let app = app("send-closed").await;
    let (participant, mut phone) = phone_of_participant(&app, 40).await;
    let id = uuid_like();
    let res = phone
        .post_json(
            "/api/check-in/send",
            &intake(&app, &id, &participant, &Utc::now().to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(check_ins_of(&app, &participant).await, 0);
    let stuck = app.store.stuck_check_ins(&participant).await.unwrap();
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].submission_id, id);
    assert_eq!(stuck[0].status, 409);
    // Trying again counts, in the same row.
    phone
        .post_json(
            "/api/check-in/send",
            &intake(&app, &id, &participant, &Utc::now().to_rfc3339()),
        )
        .await;
    assert_eq!(
        app.store.stuck_check_ins(&participant).await.unwrap()[0].attempts,
        2
    );
}

#[tokio::test]
async fn answers_from_long_ago_are_refused() {
    let app = app("send-too-late").await;
    // Intake 120 days ago: its window closed 92 days ago, beyond the 60 days allowed.
    let (participant, mut phone) = phone_of_participant(&app, 120).await;
    let answered = Utc::now() - Duration::days(119);
    let res = phone
        .post_json(
            "/api/check-in/send",
            &intake(&app, &uuid_like(), &participant, &answered.to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(check_ins_of(&app, &participant).await, 0);
}

#[tokio::test]
async fn bad_answers_are_refused_with_a_4xx_kept_for_the_case_manager_then_cleared_when_stored() {
    let app = app("send-bad").await;
    let (participant, mut phone) = phone_of_participant(&app, 0).await;
    let id = uuid_like();
    let mut body = intake(&app, &id, &participant, &Utc::now().to_rfc3339());
    let first_item = app.instrument.items_for(OccasionKind::Intake)[0].id.clone();
    body["answers"][&first_item] = json!("99");
    let res = phone.post_json("/api/check-in/send", &body).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(
        app.store.stuck_check_ins(&participant).await.unwrap().len(),
        1
    );

    // Malformed requests are 400s, never 500s.
    for broken in [
        json!({}),
        json!({"submission_id": "not-a-uuid"}),
        {
            let mut b = intake(&app, &id, &participant, "yesterday");
            b["answered_at"] = json!("yesterday");
            b
        },
        {
            let mut b = intake(&app, &id, &participant, &Utc::now().to_rfc3339());
            b["occasion_kind"] = json!("party");
            b
        },
    ] {
        let res = phone.post_json("/api/check-in/send", &broken).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{broken}: {}",
            res.text
        );
    }

    // Mended and sent again: stored, and the report is gone.
    let good = intake(&app, &id, &participant, &Utc::now().to_rfc3339());
    let res = phone.post_json("/api/check-in/send", &good).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(app
        .store
        .stuck_check_ins(&participant)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn another_participants_answers_wait_and_are_not_reported() {
    let app = app("send-other").await;
    let (participant, mut phone) = phone_of_participant(&app, 0).await;
    let org = app.organisation("Annat").await;
    let cm = app.staff(&org, "cm2@x.se", &[Role::CaseManager]).await;
    let other = app.participant(&cm).await;
    let res = phone
        .post_json(
            "/api/check-in/send",
            &intake(&app, &uuid_like(), &other, &Utc::now().to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert_eq!(check_ins_of(&app, &other).await, 0);
    assert_eq!(check_ins_of(&app, &participant).await, 0);
    assert!(app.store.stuck_check_ins(&other).await.unwrap().is_empty());
    // Signed out: 401, and the phone keeps its answers.
    let mut signed_out = app.client();
    let res = signed_out
        .post_json(
            "/api/check-in/send",
            &intake(&app, &uuid_like(), &participant, &Utc::now().to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_service_worker_lists_the_participants_files_under_a_version() {
    let app = app("service-worker").await;
    let site = app.dir.join("site");
    std::fs::write(
        site.join("sw.js"),
        "const VERSION = '__STEGVIS_VERSION__'; const PRECACHE = __STEGVIS_PRECACHE__;",
    )
    .unwrap();
    std::fs::write(site.join("participant.js"), "// one").unwrap();
    let worker = stegvis_server::offline::ServiceWorker::load(&site);
    let body = {
        let res = axum::response::IntoResponse::into_response(worker.response());
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    assert!(body.contains(&format!("'{}'", worker.version())));
    assert!(body.contains("\"/participant.js\""));
    assert!(body.contains("\"/pkg/stegvis.css\""));
    assert!(!body.contains(".wasm"));
    // A changed file is a new version.
    std::fs::write(site.join("participant.js"), "// two").unwrap();
    let next = stegvis_server::offline::ServiceWorker::load(&site);
    assert_ne!(next.version(), worker.version());
    assert_eq!(
        stegvis_server::offline::ServiceWorker::load(&site).version(),
        next.version()
    );
}

/// A fresh submission id, as a phone makes one.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = u64::from(Utc::now().timestamp_subsec_nanos());
    format!("{nanos:08x}-0000-4000-8000-{n:012x}")
}
