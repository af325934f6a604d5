//! A record's whole life over HTTP: "Mina svar" and its downloads for the
//! participant (and the case manager's printable copy), withdrawal of consent,
//! erasure asked for by a case manager and confirmed by another person,
//! retention settings, and a retention run. Each rule by role, and each
//! view, download and change in the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, TestApp, SID};
use stegvis_store::{OrganisationRow, Role, StaffRow};

struct World {
    app: TestApp,
    org: OrganisationRow,
    cm: StaffRow,
    admin: StaffRow,
    admin_secret: String,
}

async fn world(name: &str) -> World {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "lots@sodertorn.se", &[Role::CaseManager])
        .await;
    let admin = app.staff(&org, "admin@sodertorn.se", &[Role::Admin]).await;
    let admin_secret = app.enable_totp(&admin).await;
    World {
        app,
        org,
        cm,
        admin,
        admin_secret,
    }
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

#[tokio::test]
async fn the_participant_sees_every_answer_in_their_language_and_it_is_audited() {
    let w = world("mina-svar").await;
    let p = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut phone = w.app.phone(&p, &w.cm).await;

    let res = phone.post("/api/my-answers", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let answers: app::my_answers::MyAnswers = res.json();
    assert_eq!(answers.language, "sv");
    assert_eq!(answers.check_ins.len(), 1);
    let intake = &answers.check_ins[0];
    assert_eq!(intake.occasion, "Start");
    assert_eq!(intake.answers[0].question, w.app.first_question());
    assert_eq!(intake.instrument_version, w.app.instrument.version());

    // The page is rendered on the server: readable with JavaScript off.
    let page = phone.get("/mina-svar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&w.app.first_question()));
    assert!(page.text.contains("/participant.js"), "a participant page");

    // In Arabic: the questions of the same check-in in Arabic, right to left.
    let res = phone
        .post(
            "/api/preferences",
            "lang=ar&pictures=on&size=normal&return_to=%2Fmina-svar",
        )
        .await;
    assert!(res.status.is_success() || res.status.is_redirection());
    let answers: app::my_answers::MyAnswers = phone.post("/api/my-answers", "").await.json();
    assert_eq!(answers.language, "ar");
    let arabic = w
        .app
        .instrument
        .items_for(stegvis_domain::occasion::OccasionKind::Intake)[0]
        .text
        .get("ar")
        .cloned()
        .unwrap();
    assert_eq!(answers.check_ins[0].answers[0].question, arabic);
    let page = phone.get("/mina-svar").await;
    assert!(page.text.contains(r#"dir="rtl""#));
    assert!(page.text.contains("إجاباتي"));

    let audit = w.app.audit_of(&p).await;
    let reads = audit
        .iter()
        .filter(|(a, s)| a == "participant-read-own-answers" && s.is_none())
        .count();
    assert_eq!(reads, 4, "{audit:?}");
}

#[tokio::test]
async fn the_participant_downloads_csv_and_json_and_nobody_else_can() {
    let w = world("mina-svar-filer").await;
    let p = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut phone = w.app.phone(&p, &w.cm).await;

    let csv = phone.get("/api/my-answers/download?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"mina-svar.csv\"")
    );
    assert!(csv.text.starts_with('\u{feff}'));
    let mut lines = csv.text.trim_start_matches('\u{feff}').lines();
    assert!(lines.next().unwrap().starts_with("tillfalle;datum;"));
    let items = w
        .app
        .instrument
        .items_for(stegvis_domain::occasion::OccasionKind::Intake)
        .len();
    assert_eq!(lines.count(), items);

    let json = phone.get("/api/my-answers/download?format=json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(
        json.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let parsed: app::my_answers::MyAnswers = serde_json::from_str(&json.text).unwrap();
    assert_eq!(parsed.check_ins[0].answers.len(), items);

    let other = phone.get("/api/my-answers/download?format=xml").await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    // Signed out, or staff: no file.
    let nobody = w
        .app
        .client()
        .get("/api/my-answers/download?format=csv")
        .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let mut staff = w.app.signed_in(&w.cm, None).await;
    let res = staff.get("/api/my-answers/download?format=csv").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let downloads: Vec<_> = w
        .app
        .audit_of(&p)
        .await
        .into_iter()
        .filter(|(a, _)| a == "participant-download-answers")
        .collect();
    assert_eq!(downloads.len(), 2);
}

#[tokio::test]
async fn the_case_manager_prints_the_same_answers_for_their_own_organisation_only() {
    let w = world("alla-svar").await;
    let p = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut cm = w.app.signed_in(&w.cm, None).await;
    let res = cm
        .post("/api/staff/participant-answers", &format!("id={p}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let answers: app::my_answers::MyAnswers = res.json();
    assert_eq!(
        answers.check_ins[0].answers[0].question,
        w.app.first_question()
    );
    let page = cm.get(&format!("/personal/deltagare/{p}/alla-svar")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&w.app.first_question()));
    assert!(w
        .app
        .audit_of(&p)
        .await
        .iter()
        .any(|(a, s)| a == "print-participant-answers" && s.as_deref() == Some(&w.cm.id)));

    let other_org = w.app.organisation("Norrtälje").await;
    let stranger = w
        .app
        .staff(&other_org, "lots@norrtalje.se", &[Role::CaseManager])
        .await;
    let mut stranger = w.app.signed_in(&stranger, None).await;
    let res = stranger
        .post("/api/staff/participant-answers", &format!("id={p}"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn withdrawing_consent_erases_the_record_by_default_and_signs_the_phone_out() {
    let w = world("aterkalla").await;
    let p = w.app.participant(&w.cm).await;
    let kept = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut phone = w.app.phone(&p, &w.cm).await;
    let mut cm = w.app.signed_in(&w.cm, None).await;

    // Bad input is refused with a message and changes nothing.
    for body in [
        format!("id={p}&date=igår&how=verbally"),
        format!("id={p}&date=2999-01-01&how=verbally"),
        format!("id={p}&date={}&how=telepathy", today()),
    ] {
        let res = cm.post("/api/staff/withdraw-consent", &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let res = cm
        .post(
            "/api/staff/withdraw-consent",
            &format!("id={p}&date={}&how=verbally", today()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &p)
            .await,
        0
    );
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM check_ins WHERE participant_id = $1",
                &p
            )
            .await,
        0
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &kept)
            .await,
        1
    );
    // The phone is signed out: no more check-ins.
    let res = phone.post("/api/check-in/overview", "").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // The audit log says it happened, without pointing at anyone.
    assert_eq!(
        w.app
            .scalar(
                "SELECT COUNT(*) FROM audit_log
                 WHERE action = 'withdraw-consent-erased' AND participant_id IS NULL"
            )
            .await,
        1
    );
}

#[tokio::test]
async fn withdrawal_can_keep_answers_pseudonymised_and_then_nothing_new_starts() {
    let w = world("aterkalla-behall").await;
    let mut admin = w.app.signed_in(&w.admin, Some(&w.admin_secret)).await;
    let res = admin
        .post(
            "/api/admin/lifecycle/save",
            "months_after_exit=24&months_inactive=36&keep_answers=ja",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let p = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut phone = w.app.phone(&p, &w.cm).await;
    let mut cm = w.app.signed_in(&w.cm, None).await;
    let res = cm
        .post(
            "/api/staff/withdraw-consent",
            &format!("id={p}&date={}&how=in-writing", today()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM check_ins WHERE participant_id = $1",
                &p
            )
            .await,
        1
    );
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM participant_devices WHERE participant_id = $1",
                &p
            )
            .await,
        0
    );
    assert_eq!(
        phone.post("/api/check-in/overview", "").await.status,
        StatusCode::UNAUTHORIZED
    );
    // No new code, no check-in together, no second withdrawal.
    let res = cm.post("/api/staff/access-code", &format!("id={p}")).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = cm.post("/api/staff/assist", &format!("id={p}")).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = cm
        .post(
            "/api/staff/withdraw-consent",
            &format!("id={p}&date={}&how=verbally", today()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let state: app::lifecycle::ParticipantLifecycle = cm
        .post("/api/staff/participant-lifecycle", &format!("id={p}"))
        .await
        .json();
    assert!(state.withdrawn.unwrap().ends_with("skriftligt"));
}

#[tokio::test]
async fn an_erasure_is_asked_for_by_one_person_and_confirmed_by_another() {
    let w = world("radering").await;
    let p = w.app.participant(&w.cm).await;
    let kept = w.app.participant(&w.cm).await;
    w.app.stored_intake(&p, SID).await;
    let mut cm = w.app.signed_in(&w.cm, None).await;
    let mut admin = w.app.signed_in(&w.admin, Some(&w.admin_secret)).await;

    let res = cm
        .post("/api/staff/erasure-request", &format!("id={p}&reason=+"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = "a".repeat(600);
    let res = cm
        .post(
            "/api/staff/erasure-request",
            &format!("id={p}&reason={long}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = cm
        .post(
            "/api/staff/erasure-request",
            &format!("id={p}&reason=Deltagaren+bad+om+det"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = cm
        .post("/api/staff/erasure-request", &format!("id={p}&reason=Igen"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // The case manager cannot confirm; the admin sees and confirms.
    let page: app::lifecycle::LifecycleAdmin = admin.post("/api/admin/lifecycle", "").await.json();
    assert_eq!(page.requests.len(), 1);
    assert_eq!(page.requests[0].reason, "Deltagaren bad om det");
    let request = page.requests[0].id.clone();
    let res = cm
        .post("/api/admin/erasure/confirm", &format!("request={request}"))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = admin
        .post("/api/admin/erasure/confirm", "request=okand")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = admin
        .post("/api/admin/erasure/confirm", &format!("request={request}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &p)
            .await,
        0
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &kept)
            .await,
        1
    );
    // Who and when stay; the person does not.
    let erased: Vec<(String, Option<String>)> = {
        w.app
            .rows(
                "SELECT detail, participant_id FROM audit_log WHERE action = 'erase-participant'",
                &[],
            )
            .await
            .into_iter()
            .map(|r| (r[0].clone().unwrap(), r[1].clone()))
            .collect()
    };
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0].1, None);
    assert!(erased[0].0.contains(&w.cm.id));
    assert!(w.app.audit_of(&p).await.is_empty());
}

#[tokio::test]
async fn an_erasure_reason_with_direction_or_invisible_characters_is_refused() {
    let w = world("radering-tecken").await;
    let p = w.app.participant(&w.cm).await;
    let mut cm = w.app.signed_in(&w.cm, None).await;
    for reason in [
        "Deltagaren \u{202E}bad om det",
        "\u{FEFF}Deltagaren bad om det",
        "Deltagaren bad\u{200B} om det",
        "Deltagaren\u{2066} bad om det",
    ] {
        let res = cm
            .post(
                "/api/staff/erasure-request",
                &format!("id={p}&reason={}", common::encode(reason)),
            )
            .await;
        assert!(res.status.is_client_error(), "{reason:?}: {}", res.status);
        assert!(!res.text.contains(reason), "{}", res.text);
    }
    assert_eq!(
        w.app
            .count(
                "SELECT COUNT(*) FROM erasure_requests WHERE participant_id = $1",
                &p
            )
            .await,
        0
    );
}

#[tokio::test]
async fn nobody_confirms_their_own_erasure_request() {
    let w = world("radering-sjalv").await;
    let both = w
        .app
        .staff(
            &w.org,
            "bada@sodertorn.se",
            &[Role::Admin, Role::CaseManager],
        )
        .await;
    let secret = w.app.enable_totp(&both).await;
    let p = w.app.participant(&both).await;
    let mut both = w.app.signed_in(&both, Some(&secret)).await;
    let res = both
        .post(
            "/api/staff/erasure-request",
            &format!("id={p}&reason=Begärt+av+deltagaren"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let page: app::lifecycle::LifecycleAdmin = both.post("/api/admin/lifecycle", "").await.json();
    assert!(page.requests[0].own);
    let request = page.requests[0].id.clone();
    let res = both
        .post("/api/admin/erasure/confirm", &format!("request={request}"))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Another admin declines it: the record stays.
    let mut admin = w.app.signed_in(&w.admin, Some(&w.admin_secret)).await;
    let res = admin
        .post("/api/admin/erasure/decline", &format!("request={request}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &p)
            .await,
        1
    );
}

#[tokio::test]
async fn retention_settings_are_checked_and_a_run_erases_what_is_past_its_time() {
    let w = world("gallring").await;
    let mut admin = w.app.signed_in(&w.admin, Some(&w.admin_secret)).await;
    for (body, status) in [
        ("months_after_exit=0&months_inactive=36", 422),
        ("months_after_exit=24&months_inactive=241", 422),
        ("months_after_exit=tjugo&months_inactive=36", 422),
        (
            "months_after_exit=24&months_inactive=36&keep_answers=kanske",
            400,
        ),
    ] {
        let res = admin.post("/api/admin/lifecycle/save", body).await;
        assert_eq!(res.status.as_u16(), status, "{body}");
    }
    let old = w
        .app
        .participant_from(
            &w.cm,
            chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap(),
            None,
        )
        .await;
    w.app
        .store
        .record_exit(
            &w.org.id,
            &old,
            chrono::NaiveDate::from_ymd_opt(2020, 6, 30).unwrap(),
            "arbete",
        )
        .await
        .unwrap();
    let current = w.app.participant(&w.cm).await;
    let page: app::lifecycle::LifecycleAdmin = admin.post("/api/admin/lifecycle", "").await.json();
    assert_eq!(page.months_after_exit, 24);
    assert_eq!(page.due.len(), 1);

    let today = chrono::Local::now().date_naive();
    let now = chrono::Utc::now();
    let dry = stegvis_server::retention::run(&w.app.store, None, today, now, true)
        .await
        .unwrap();
    assert_eq!(dry.due.len(), 1);
    assert_eq!(dry.erased, 0);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &old)
            .await,
        1
    );
    let done = stegvis_server::retention::run(&w.app.store, None, today, now, false)
        .await
        .unwrap();
    assert_eq!(done.erased, 1);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &old)
            .await,
        0
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM participants WHERE id = $1", &current)
            .await,
        1
    );
    assert_eq!(
        w.app
            .scalar(
                "SELECT COUNT(*) FROM audit_log
                 WHERE action = 'retention-erase' AND participant_id IS NULL AND staff_id IS NULL"
            )
            .await,
        1
    );
}
