//! The whole router over HTTP, against a real SQLite database in a temporary
//! directory: statuses for bad input, idempotent sending, health, static assets.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::PathBuf;
use stegvis_domain::instrument::Instrument;
use stegvis_server::http::router;
use stegvis_store::Store;
use tower::ServiceExt;

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

struct TestApp {
    router: Router,
    store: Store,
    token: String,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn app(name: &str) -> TestApp {
    let dir = std::env::temp_dir().join(format!("stegvis-http-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    std::fs::write(
        dir.join("site/pkg/stegvis.css"),
        "body { color: black; }\n".repeat(200),
    )
    .unwrap();
    std::fs::write(
        dir.join("site/manifest.webmanifest"),
        "{\"name\":\"Stegvis\"}",
    )
    .unwrap();
    let store = Store::connect(&format!("sqlite://{}/test.db", dir.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    let token = format!("tok{name}0123456789abcdef");
    store
        .create_participant("KXA-PQR", &token, chrono::Local::now().date_naive())
        .await
        .unwrap();
    let options = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(dir.join("site").display().to_string())
        .build();
    let state = AppState::new(store.clone(), options, instrument);
    TestApp {
        router: router(state),
        store,
        token,
        dir,
    }
}

/// Sends one request through the router.
async fn send(
    app: &TestApp,
    req: axum::http::request::Builder,
    headers: &[(&str, &str)],
    body: Body,
) -> axum::response::Response {
    let req = headers.iter().fold(req, |req, (k, v)| req.header(*k, *v));
    app.router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap()
}

/// A form post as a browser sends it; `headers` adds to the content type.
async fn post_form_with(
    app: &TestApp,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> axum::response::Response {
    let req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    send(app, req, headers, Body::from(body.to_owned())).await
}

async fn post_form(app: &TestApp, path: &str, body: &str) -> (StatusCode, String) {
    let res = post_form_with(app, path, body, &[]).await;
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> axum::response::Response {
    send(app, Request::get(path), headers, Body::empty()).await
}

const SID: &str = "5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa";

fn answer(app: &TestApp, step: u32, item: &str, answer: &str) -> String {
    format!(
        "token={}&submission_id={SID}&step={step}&item={item}&answer={answer}&go=next",
        app.token
    )
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = app("health").await;
    let res = get(&app, "/healthz", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_answers_are_4xx_with_a_message_and_store_nothing() {
    let app = app("bad").await;
    let cases = [
        (
            answer(&app, 1, "lon", "3"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "finns inte i formuläret",
        ),
        (
            answer(&app, 1, "halsa", "6"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Svaret \\\"6\\\" finns inte",
        ),
        (
            answer(&app, 99, "halsa", "3"),
            StatusCode::BAD_REQUEST,
            "Den frågan finns inte",
        ),
        (
            format!("token={}&step=x", app.token),
            StatusCode::BAD_REQUEST,
            "Formuläret kunde inte läsas",
        ),
        (
            format!(
                "token={}&submission_id=nope&step=1&item=halsa&answer=3&go=next",
                app.token
            ),
            StatusCode::BAD_REQUEST,
            "giltigt id",
        ),
        (
            format!(
                "token={}&submission_id={SID}&step=1&item=halsa&go=next",
                app.token
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Välj ett svar",
        ),
        (
            format!("token=unknown&submission_id={SID}&step=1&item=halsa&answer=3&go=next"),
            StatusCode::NOT_FOUND,
            "Länken fungerar inte",
        ),
    ];
    for (body, status, message) in cases {
        let (got, text) = post_form(&app, "/api/check-in/answer", &body).await;
        assert_eq!(got, status, "{body} -> {text}");
        assert!(text.contains(message), "{body} -> {text}");
    }
    // Streamed without a length: stopped while reading.
    let (got, _) = post_form(&app, "/api/check-in/answer", &"a".repeat(100_000)).await;
    assert_eq!(got, StatusCode::PAYLOAD_TOO_LARGE);
    // With a length: refused before reading.
    let res = post_form_with(
        &app,
        "/api/check-in/answer",
        &"a".repeat(100_000),
        &[("content-length", "100000")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let p = app
        .store
        .participant_by_token(&app.token)
        .await
        .unwrap()
        .unwrap();
    let intake = stegvis_store::OccasionRef {
        kind: stegvis_domain::occasion::OccasionKind::Intake,
        number: 0,
    };
    assert_eq!(app.store.draft(&p.id, intake).await.unwrap(), None);
    assert!(app.store.recent_check_ins(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_complete_check_in_is_stored_once_however_often_it_is_sent() {
    let app = app("send").await;
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    let items = instrument.items_for(stegvis_domain::occasion::OccasionKind::Intake);
    for (i, item) in items.iter().enumerate() {
        let value = if i == 0 {
            "declined"
        } else {
            item.options[0].code.as_str()
        };
        let (status, text) = post_form(
            &app,
            "/api/check-in/answer",
            &answer(&app, i as u32 + 1, &item.id, value),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let body = format!("token={}&submission_id={SID}", app.token);
    for _ in 0..3 {
        let (status, text) = post_form(&app, "/api/check-in/submit", &body).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let stored = app.store.recent_check_ins(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers, items.len());
    assert_eq!(stored[0].declined, 1);
    // The occasion is answered now: a new submission for it is refused.
    let (status, _) = post_form(&app, "/api/check-in/answer", &answer(&app, 1, "halsa", "2")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_item_of_another_occasion_is_refused() {
    let app = app("occasion").await;
    // The satisfaction items are asked at follow-ups and exit, never at intake.
    let (status, text) = post_form(
        &app,
        "/api/check-in/answer",
        &answer(&app, 1, "ndi-helhet", "7"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("ställs inte"), "{text}");
}

#[tokio::test]
async fn the_language_choice_is_kept_in_a_cookie_and_only_local_pages_are_returned_to() {
    let app = app("prefs").await;
    let res = post_form_with(
        &app,
        "/api/preferences",
        "lang=ar&pictures=off&size=large&return_to=%2F%2Fevil.example",
        &[("accept", "text/html")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("stegvis_prefs=ar.0.large;"), "{cookie}");

    let page = get(
        &app,
        &format!("/c/{}", app.token),
        &[("cookie", "stegvis_prefs=ar.0.large")],
    )
    .await;
    let html = String::from_utf8(
        axum::body::to_bytes(page.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(
        html.contains(r#"lang="ar""#) && html.contains(r#"dir="rtl""#),
        "{html}"
    );
    assert!(html.contains("مرحبًا"), "the start page is in Arabic");

    let (status, _) = post_form(
        &app,
        "/api/preferences",
        "lang=fi&pictures=on&size=normal&return_to=%2F",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_plain_form_post_is_redirected_back_with_the_error() {
    let app = app("form").await;
    let referer = format!("http://localhost/c/{}/fraga/1", app.token);
    let res = post_form_with(
        &app,
        "/api/check-in/answer",
        &format!(
            "token={}&submission_id={SID}&step=1&item=halsa&go=next",
            app.token
        ),
        &[("accept", "text/html"), ("referer", &referer)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()[header::LOCATION].to_str().unwrap();
    assert!(
        location.contains("/fraga/1?") && location.contains("__err="),
        "{location}"
    );
}

#[tokio::test]
async fn pages_are_not_cached_and_assets_are_compressed_and_cached() {
    let app = app("assets").await;
    let page = get(&app, &format!("/c/{}", app.token), &[]).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");

    let css = get(&app, "/pkg/stegvis.css", &[("accept-encoding", "gzip")]).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(css.headers()[header::CACHE_CONTROL], "no-cache");

    let manifest = get(&app, "/manifest.webmanifest", &[]).await;
    assert_eq!(manifest.status(), StatusCode::OK);
    assert_eq!(
        manifest.headers()[header::CACHE_CONTROL],
        "public, max-age=86400"
    );

    let missing = get(&app, "/no/such/page", &[]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_programmes_window_decides_what_is_open() {
    use stegvis_domain::schedule::Window;
    let app = app("window").await;
    let five_days_ago = chrono::Local::now().date_naive() - chrono::Days::new(5);
    let default_token = "tokwindowdefault0123456789";
    let short_token = "tokwindowshort0123456789ab";
    app.store
        .create_participant("KXA-AAA", default_token, five_days_ago)
        .await
        .unwrap();
    let short = app
        .store
        .create_participant("KXA-AAC", short_token, five_days_ago)
        .await
        .unwrap();
    let programme = app
        .store
        .create_programme(
            "Kort fönster",
            Window {
                before_days: 1,
                after_days: 2,
            },
        )
        .await
        .unwrap();
    app.store
        .assign_programme(&short.id, &programme.id)
        .await
        .unwrap();

    // Default window (28 days after): the intake of five days ago is still open.
    let body =
        format!("token={default_token}&submission_id={SID}&step=1&item=halsa&answer=3&go=next");
    let (status, text) = post_form(&app, "/api/check-in/answer", &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // The programme's window (2 days after) has closed it: refused, nothing saved.
    let body =
        format!("token={short_token}&submission_id={SID}&step=1&item=halsa&answer=3&go=next");
    let (status, text) = post_form(&app, "/api/check-in/answer", &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    let intake = stegvis_store::OccasionRef {
        kind: stegvis_domain::occasion::OccasionKind::Intake,
        number: 0,
    };
    assert_eq!(app.store.draft(&short.id, intake).await.unwrap(), None);
}
