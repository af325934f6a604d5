//! The whole router over HTTP, against a real SQLite database in a temporary
//! directory, with a participant signed in the way a phone does it (access
//! code, then a PIN; session and device cookies kept): statuses for bad
//! input, idempotent sending, health, static assets and caching, body limits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::{header, StatusCode};
use common::{app, Client, TestApp, SID};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::{OccasionRef, Role};

const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

/// An app with one organisation, one case manager and one participant whose
/// phone is connected and signed in.
struct Signed {
    app: TestApp,
    phone: Client,
    participant: String,
}

async fn signed_in(name: &str) -> Signed {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, &format!("cm-{name}@forbund.se"), &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let phone = app.phone(&participant, &cm).await;
    Signed {
        app,
        phone,
        participant,
    }
}

fn answer(step: u32, item: &str, answer: &str) -> String {
    format!("submission_id={SID}&step={step}&item={item}&answer={answer}&go=next")
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = app("health").await;
    let res = app.client().get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text, "ok");
}

#[tokio::test]
async fn bad_answers_are_4xx_with_a_message_and_store_nothing() {
    let Signed {
        app,
        mut phone,
        participant,
    } = signed_in("bad").await;
    let cases = [
        (
            answer(1, "lon", "3"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Svaren passar inte till frågorna",
        ),
        (
            answer(1, "halsa", "6"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Svaren passar inte till frågorna",
        ),
        (
            answer(99, "halsa", "3"),
            StatusCode::BAD_REQUEST,
            "Den frågan finns inte",
        ),
        (
            "step=x".to_owned(),
            StatusCode::BAD_REQUEST,
            "Formuläret kunde inte läsas",
        ),
        (
            "submission_id=nope&step=1&item=halsa&answer=3&go=next".to_owned(),
            StatusCode::BAD_REQUEST,
            "Svaren saknar sitt id",
        ),
        (
            format!("submission_id={SID}&step=1&item=halsa&go=next"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Välj ett svar",
        ),
        (
            format!("submission_id={SID}&step=1&item=halsa&answer=3&go=sideways"),
            StatusCode::BAD_REQUEST,
            "Okänd knapp",
        ),
    ];
    for (body, status, message) in &cases {
        let res = phone.post("/api/check-in/answer", body).await;
        assert_eq!(res.status, *status, "{body} -> {}", res.text);
        assert!(res.text.contains(message), "{body} -> {}", res.text);
    }
    // Without a session, a good answer is refused: nobody to store it for.
    let res = app
        .client()
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
    assert!(res.text.contains("skriva din kod"), "{}", res.text);

    // Streamed without a length: stopped while reading.
    let res = phone
        .post("/api/check-in/answer", &"a".repeat(100_000))
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    // With a length: refused before reading.
    let res = phone
        .post_with(
            "/api/check-in/answer",
            &"a".repeat(100_000),
            &[("content-length", "100000")],
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit is read (and refused for what it says, not its size).
    let res = phone
        .post("/api/check-in/answer", &"a".repeat(60_000))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);

    assert_eq!(app.store.draft(&participant, INTAKE).await.unwrap(), None);
    assert!(app.store.recent_check_ins(10).await.unwrap().is_empty());

    // The same session still works: the refusals changed nothing.
    let res = phone
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let draft = app
        .store
        .draft(&participant, INTAKE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft.answers.get("halsa").map(String::as_str), Some("3"));
}

#[tokio::test]
async fn a_complete_check_in_is_stored_once_however_often_it_is_sent() {
    let Signed {
        app,
        mut phone,
        participant,
    } = signed_in("send").await;
    let items = app.instrument.items_for(OccasionKind::Intake);
    for (i, item) in items.iter().enumerate() {
        let value = if i == 0 {
            "declined"
        } else {
            item.options[0].code.as_str()
        };
        let res = phone
            .post(
                "/api/check-in/answer",
                &answer(i as u32 + 1, &item.id, value),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        let next = if i + 1 == items.len() {
            "/svara/granska".to_owned()
        } else {
            format!("/svara/fraga/{}", i + 2)
        };
        assert_eq!(res.location(), Some(next.as_str()));
    }
    let review: app::check_in::ReviewView = phone.post("/api/check-in/review", "").await.json();
    assert!(review.complete);
    assert_eq!(review.submission_id, SID);
    let body = format!("submission_id={SID}");
    for _ in 0..3 {
        let res = phone.post("/api/check-in/submit", &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        assert_eq!(res.location(), Some("/svara/tack"));
    }
    let stored = app.store.recent_check_ins(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers, items.len());
    assert_eq!(stored[0].declined, 1);
    assert_eq!(
        app.store.answered_occasions(&participant).await.unwrap(),
        vec![INTAKE]
    );
    // Sent from the participant's own phone: nobody assisted.
    let assisted = app
        .count(
            "SELECT COUNT(*) FROM check_ins WHERE participant_id = $1 AND assisted_by IS NULL",
            &participant,
        )
        .await;
    assert_eq!(assisted, 1);
    // The occasion is answered now: a new submission for it is refused.
    let res = phone
        .post("/api/check-in/answer", &answer(1, "halsa", "2"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let overview: app::check_in::Overview = phone.post("/api/check-in/overview", "").await.json();
    assert!(
        matches!(overview, app::check_in::Overview::NothingDue { .. }),
        "{overview:?}"
    );
}

#[tokio::test]
async fn an_item_of_another_occasion_is_refused() {
    let Signed {
        app,
        mut phone,
        participant,
    } = signed_in("occasion").await;
    // The satisfaction items are asked at follow-ups and exit, never at intake.
    let res = phone
        .post("/api/check-in/answer", &answer(1, "ndi-helhet", "7"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let told =
        app::participant_error::ParticipantError::AnswersMismatch.words(app::texts::Lang::SV);
    assert!(res.text.contains(&told), "{}", res.text);
    assert_eq!(app.store.draft(&participant, INTAKE).await.unwrap(), None);
}

#[tokio::test]
async fn the_language_choice_is_kept_in_a_cookie_and_only_local_pages_are_returned_to() {
    let Signed {
        app: _app,
        mut phone,
        ..
    } = signed_in("prefs").await;
    let res = phone
        .post_with(
            "/api/preferences",
            "lang=ar&pictures=off&size=large&return_to=%2F%2Fevil.example",
            &[("accept", "text/html")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(res.location(), Some("/"));
    let cookie = res.header("set-cookie").unwrap();
    assert!(cookie.starts_with("stegvis_prefs=ar.0.large;"), "{cookie}");
    // Targets that cannot be a header, or that a browser reads as another
    // site, go to the start page instead (they once made the server panic).
    for target in [
        "%2F%0A",
        "%2F%0D",
        "%2F%00",
        "%2F%09%2Fevil.example",
        "%2F%2509%2Fevil.example",
        "%2F%E2%80%AE",
    ] {
        let mut other = phone.fork().await;
        let res = other
            .post_with(
                "/api/preferences",
                &format!("lang=sv&pictures=on&size=normal&return_to={target}"),
                &[("accept", "text/html")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FOUND, "{target}: {}", res.text);
        assert_eq!(res.location(), Some("/"), "{target}");
    }
    assert_eq!(
        phone.cookies.get("stegvis_prefs").map(String::as_str),
        Some("ar.0.large")
    );

    // The check-in start page, in the participant's session, now in Arabic.
    let page = phone.get("/svara").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains(r#"lang="ar""#) && page.text.contains(r#"dir="rtl""#),
        "{}",
        page.text
    );
    assert!(page.text.contains("مرحبًا"), "the start page is in Arabic");

    let res = phone
        .post(
            "/api/preferences",
            "lang=fi&pictures=on&size=normal&return_to=%2F",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The refused choice left the cookie as it was.
    assert_eq!(
        phone.cookies.get("stegvis_prefs").map(String::as_str),
        Some("ar.0.large")
    );
}

#[tokio::test]
async fn a_plain_form_post_is_redirected_back_with_the_error() {
    let Signed {
        app: _app,
        mut phone,
        ..
    } = signed_in("form").await;
    let res = phone
        .post_with(
            "/api/check-in/answer",
            &format!("submission_id={SID}&step=1&item=halsa&go=next"),
            &[
                ("accept", "text/html"),
                ("referer", "http://localhost/svara/fraga/1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let location = res.location().unwrap();
    assert!(
        // The error stays on the server for this browser; the address carries none.
        location.ends_with("/svara/fraga/1") && !location.contains("__err"),
        "{location}"
    );

    // A good answer sent the same way goes on to the next question.
    let res = phone
        .post_with(
            "/api/check-in/answer",
            &answer(1, "halsa", "3"),
            &[
                ("accept", "text/html"),
                ("referer", "http://localhost/svara/fraga/1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(res.location(), Some("/svara/fraga/2"));
}

#[tokio::test]
async fn pages_are_not_cached_and_assets_are_compressed_and_cached() {
    let Signed { app, mut phone, .. } = signed_in("assets").await;
    let page = phone.get("/svara").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");

    // A check-in page without a signed-in participant says so with its status.
    let page = app.client().get("/svara").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");

    let mut anyone = app.client();
    let css = anyone
        .send(
            axum::http::Method::GET,
            "/pkg/stegvis.css",
            None,
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(css.headers[header::CACHE_CONTROL], "no-cache");

    let manifest = anyone.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(
        manifest.headers[header::CACHE_CONTROL],
        "public, max-age=86400"
    );

    let missing = anyone.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.headers[header::CACHE_CONTROL], "no-store");

    // Server-function answers can hold health data too.
    let res = phone.post("/api/check-in/overview", "").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");

    // Files fetched with a session neither read nor renew it; pages still do.
    let expiry = "SELECT expires_at FROM sessions";
    let before = app.scalar(expiry).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for file in ["/pkg/stegvis.css", "/manifest.webmanifest"] {
        let res = phone.get(file).await;
        assert_eq!(res.status, StatusCode::OK, "{file}");
        assert!(res.headers.get(header::SET_COOKIE).is_none(), "{file}");
    }
    assert_eq!(app.scalar(expiry).await, before);
    let page = phone.get("/no/such/page").await;
    assert!(page.headers.get(header::SET_COOKIE).is_some());
    assert!(app.scalar(expiry).await > before);
}

#[tokio::test]
async fn a_programmes_window_decides_what_is_open() {
    use stegvis_domain::schedule::Window;
    let app = app("window").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm-window@forbund.se", &[Role::CaseManager])
        .await;
    let five_days_ago = chrono::Local::now().date_naive() - chrono::Days::new(5);
    let programme = app
        .store
        .create_programme_in(
            &org.id,
            "Kort fönster",
            Window {
                before_days: 1,
                after_days: 2,
            },
        )
        .await
        .unwrap();
    let default = app.participant_from(&cm, five_days_ago, None).await;
    let short = app
        .participant_from(&cm, five_days_ago, Some(&programme.id))
        .await;
    let mut default_phone = app.phone(&default, &cm).await;
    let mut short_phone = app.phone(&short, &cm).await;

    // Default window (28 days after): the intake of five days ago is still open.
    let res = default_phone
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(app.store.draft(&default, INTAKE).await.unwrap().is_some());
    // The programme's window (2 days after) has closed it: refused, nothing saved.
    let res = short_phone
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(app.store.draft(&short, INTAKE).await.unwrap(), None);
}

/// Another participant's draft holding a submission id is a 409 with a clear
/// message on every path that writes a draft or a check-in (was a 500 from
/// the UNIQUE constraint on drafts), and nothing of the second phone is kept.
#[tokio::test]
async fn a_submission_id_of_another_participants_draft_is_a_conflict() {
    let Signed { app, mut phone, .. } = signed_in("taken-sid").await;
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    let cm = app
        .staff(&org, "cm2-taken-sid@forbund.se", &[Role::CaseManager])
        .await;
    let other = app.participant(&cm).await;
    let mut other_phone = app.phone(&other, &cm).await;
    let res = phone
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);

    let res = other_phone
        .post("/api/check-in/answer", &answer(1, "halsa", "3"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(res.text.contains("Börja om"), "{}", res.text);
    assert_eq!(app.store.draft(&other, INTAKE).await.unwrap(), None);

    let res = other_phone
        .post_json(
            "/api/check-in/send",
            &common::intake(&app, SID, &other, &chrono::Utc::now().to_rfc3339()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(app
        .store
        .answered_occasions(&other)
        .await
        .unwrap()
        .is_empty());
}

/// Every spelling of a UUID names the same submission and is stored in one
/// form, lower case with hyphens: a resend in another spelling is the same
/// check-in, not a second one stored as sent.
#[tokio::test]
async fn submission_ids_are_stored_in_their_canonical_spelling() {
    let Signed {
        app,
        mut phone,
        participant,
    } = signed_in("canonical-sid").await;
    let upper = SID.to_uppercase();
    let items = app.instrument.items_for(OccasionKind::Intake);
    for (i, item) in items.iter().enumerate() {
        let body = format!(
            "submission_id={upper}&step={}&item={}&answer={}&go=next",
            i + 1,
            item.id,
            item.options[0].code
        );
        let res = phone.post("/api/check-in/answer", &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    assert_eq!(
        app.store
            .draft(&participant, INTAKE)
            .await
            .unwrap()
            .unwrap()
            .submission_id,
        SID
    );
    for spelling in [
        format!("%7B{SID}%7D"),
        SID.replace('-', ""),
        format!("urn:uuid:{upper}"),
        SID.to_owned(),
    ] {
        let res = phone
            .post("/api/check-in/submit", &format!("submission_id={spelling}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{spelling}: {}", res.text);
        assert_eq!(res.location(), Some("/svara/tack"));
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM check_ins").await,
        1,
        "one check-in for every spelling"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM check_ins WHERE submission_id = $1",
            SID
        )
        .await,
        1
    );
    // A participant id in a staff URL is found in any spelling too.
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    let cm = app.store.list_staff(&org.id).await.unwrap().remove(0);
    let mut staff = app.signed_in(&cm, None).await;
    let res = staff
        .post(
            "/api/staff/participant",
            &format!("id={}", participant.to_uppercase()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = staff.post("/api/staff/participant", "id=nobody").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
}
