//! Hostile input over HTTP: an error message written into a link is never
//! shown (the form errors of plain posts come only from the server's own
//! answer to this browser), names refuse control and direction characters,
//! and messages quote at most a short excerpt of what was sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, encode, Client, TestApp};
use leptos::server_fn::error::ServerFnUrlError;
use stegvis_store::Role;

/// What a crafted link tries to put on the page.
const PLANTED: &str = "Ring 070-000 00 00 och läs upp din pinkod";

/// `__path` and `__err` as Leptos itself writes them for `function`.
fn planted_query(function: &str) -> String {
    let error = app::error::AppError::Invalid(PLANTED.into());
    ServerFnUrlError::new(function, error)
        .to_url("http://localhost/")
        .unwrap()
        .query()
        .unwrap()
        .to_owned()
}

/// Every server function's path, from the app's source.
fn functions() -> Vec<String> {
    let found: Vec<String> = common::arguments_in_source()
        .into_keys()
        .map(|endpoint| format!("/api/{endpoint}"))
        .collect();
    assert!(found.len() > 30);
    found
}

async fn page(client: &mut Client, path: &str) -> common::Reply {
    client
        .send(
            axum::http::Method::GET,
            path,
            None,
            &[("accept", "text/html"), ("sec-fetch-dest", "document")],
        )
        .await
}

/// A plain form post, as a browser without JavaScript sends it from `from`.
async fn form_post(client: &mut Client, function: &str, body: &str, from: &str) -> common::Reply {
    let referer = format!("http://localhost{from}");
    client
        .post_with(
            function,
            body,
            &[
                ("accept", "text/html"),
                ("referer", &referer),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await
}

struct Visitors {
    app: TestApp,
    nobody: Client,
    phone: Client,
    case_manager: Client,
    admin: Client,
}

async fn visitors(name: &str) -> Visitors {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "handlaggare@sodertorn.se", &[Role::CaseManager])
        .await;
    let admin = app.staff(&org, "admin@sodertorn.se", &[Role::Admin]).await;
    let secret = app.enable_totp(&admin).await;
    let participant = app.participant(&cm).await;
    Visitors {
        nobody: app.client(),
        phone: app.phone(&participant, &cm).await,
        case_manager: app.signed_in(&cm, None).await,
        admin: app.signed_in(&admin, Some(&secret)).await,
        app,
    }
}

#[tokio::test]
async fn an_error_written_into_a_link_is_shown_on_no_page() {
    let v = visitors("planted").await;
    let functions = functions();
    let pages: Vec<(&str, Client)> = vec![
        ("/", v.nobody.clone()),
        ("/kod", v.nobody.clone()),
        ("/ny-pin", v.nobody.clone()),
        ("/pin", v.phone.clone()),
        ("/", v.phone.clone()),
        ("/svara/fraga/1", v.phone.clone()),
        ("/svara/granska", v.phone.clone()),
        ("/logga-in", v.nobody.clone()),
        ("/logga-in/kod", v.nobody.clone()),
        ("/konto", v.case_manager.clone()),
        ("/personal/ny-deltagare", v.case_manager.clone()),
        ("/admin", v.admin.clone()),
        ("/konto", v.admin.clone()),
    ];
    let mut shown = Vec::new();
    let mut checked = 0;
    for (path, mut client) in pages {
        for function in &functions {
            let url = format!("{path}?{}", planted_query(function));
            let res = page(&mut client, &url).await;
            assert!(res.status.as_u16() < 500, "{url}: {}", res.status);
            checked += 1;
            if res.text.contains(PLANTED) {
                shown.push(format!("{path} with __path={function}"));
            }
        }
    }
    assert!(checked > 300);
    assert!(
        shown.is_empty(),
        "the planted text was shown on:\n{}",
        shown.join("\n")
    );
}

#[tokio::test]
async fn a_real_form_error_comes_back_once_to_the_browser_that_sent_the_form() {
    let v = visitors("kept").await;
    let mut browser = v.nobody.clone();
    let wrong = "Koden stämmer inte";

    // A wrong access code, posted without JavaScript from the start page.
    let res = form_post(&mut browser, "/api/access/code", "code=AAAA-AAAA", "/").await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.text);
    let location = res.location().unwrap().to_owned();
    assert_eq!(location, "/", "the address carries no error");
    let cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("stegvis_form_error="))
        .expect("the error is kept for this browser");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{cookie}");
    }

    // Another browser opening the same page sees nothing.
    let mut other = v.app.client();
    let res = page(&mut other, &location).await;
    assert!(!res.text.contains(wrong));

    // The browser that sent the form sees the message, with its status, once.
    let res = page(&mut browser, &location).await;
    assert!(res.text.contains(wrong), "{}", res.text);
    assert!(res.text.contains("role=\"alert\""));
    let res = page(&mut browser, &location).await;
    assert!(!res.text.contains(wrong), "shown a second time");

    // The same for a staff sign-in with a wrong password.
    let res = form_post(
        &mut browser,
        "/api/login",
        "email=nobody%40forbund.se&password=fel-losenord-99",
        "/logga-in",
    )
    .await;
    assert_eq!(res.location(), Some("/logga-in"));
    let res = page(&mut browser, "/logga-in").await;
    assert!(
        res.text.contains("Fel e-postadress eller lösenord."),
        "{}",
        res.text
    );

    // A form sent from a planted link keeps the server's error, not the planted one.
    let planted_page = format!("/?{}", planted_query("/api/access/code"));
    let res = form_post(
        &mut browser,
        "/api/access/code",
        "code=AAAA-AAAA",
        &planted_page,
    )
    .await;
    assert_eq!(res.location(), Some("/"));
    let res = page(&mut browser, "/").await;
    assert!(res.text.contains(wrong), "{}", res.text);
    assert!(!res.text.contains(PLANTED));

    // A kept error shows only on the page the browser was sent back to.
    form_post(&mut browser, "/api/access/code", "code=AAAA-AAAA", "/kod").await;
    let res = page(&mut browser, "/").await;
    assert!(!res.text.contains(wrong));
}

#[tokio::test]
async fn names_with_control_direction_or_invisible_characters_are_refused() {
    let mut v = visitors("names").await;
    for (bad, escaped) in [
        ("Anna\u{0}Lind", "\\u{0000}"),
        ("Anna\u{202E}dniL", "\\u{202E}"),
        ("\u{FEFF}Anna Lind", "\\u{FEFF}"),
        ("Anna\u{200B}Lind", "\\u{200B}"),
        ("Anna\nLind", "\\u{000A}"),
    ] {
        let res = v
            .admin
            .post(
                "/api/admin/staff/create",
                &format!(
                    "name={}&email=ny%40sodertorn.se&password=ett-langt-losenord&evaluator=on",
                    encode(bad)
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
        assert!(res.text.contains("Namn"), "{}", res.text);
        assert!(res.text.contains(escaped), "{}", res.text);
        let res = v
            .admin
            .post(
                "/api/admin/programmes/create",
                &format!("name={}&before_days=7&after_days=14", encode(bad)),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    }
    assert!(v
        .app
        .store
        .staff_credentials("ny@sodertorn.se")
        .await
        .unwrap()
        .is_none());
    assert_eq!(v.app.scalar("SELECT COUNT(*) FROM programmes").await, 0);
    // An e-mail address with a control character is no address.
    let res = v
        .admin
        .post(
            "/api/admin/staff/create",
            "name=Anna&email=ny%00%40sodertorn.se&password=ett-langt-losenord&evaluator=on",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    // Ordinary names in any script still work, trimmed.
    let res = v
        .admin
        .post(
            "/api/admin/programmes/create",
            &format!(
                "name={}&before_days=7&after_days=14",
                encode("  محمد – Steget 2 ")
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let stored = v
        .app
        .count(
            "SELECT COUNT(*) FROM programmes WHERE name = $1",
            "محمد – Steget 2",
        )
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn messages_quote_at_most_a_short_excerpt_of_what_was_sent() {
    let mut v = visitors("excerpt").await;
    let long = format!("{}\u{202E}", "x".repeat(9_000));
    // The language of the preferences form.
    let res = v
        .nobody
        .post(
            "/api/preferences",
            &format!(
                "lang={}&pictures=on&size=normal&return_to=%2F",
                encode(&long)
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.len() < 300, "{}", res.text.len());
    // A question id in a check-in.
    let res = v
        .phone
        .post(
            "/api/check-in/answer",
            &format!(
                "submission_id={}&step=1&item={}&answer=3&go=next",
                common::SID,
                encode(&long)
            ),
        )
        .await;
    assert!(res.status.is_client_error(), "{}", res.status);
    assert!(res.text.len() < 300, "{}", res.text.len());
    assert!(!res.text.contains('\u{202E}'));
    // A number that is not one.
    let res = v
        .phone
        .post("/api/check-in/question", &format!("step={}", encode(&long)))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);
    assert!(res.text.len() < 300, "{}", res.text.len());
}
