//! A participant's language over HTTP: every page and every refusal they meet
//! is in the language they chose (screens from the language files, errors
//! resolved from typed variants at the edge), right to left where the
//! language is, and the staff side stays Swedish.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::participant_error::ParticipantError;
use app::texts::Lang;
use axum::http::StatusCode;
use common::{app, Client, Reply, TestApp};
use stegvis_store::{Role, StaffRow};

async fn case_manager(app: &TestApp) -> StaffRow {
    let org = app.organisation("Södertörn").await;
    app.staff(&org, "cm@sodertorn.se", &[Role::CaseManager])
        .await
}

/// A browser that chose `lang` in the settings.
fn browser_in(app: &TestApp, lang: Lang) -> Client {
    let mut client = app.client();
    client.cookies.insert(
        app::prefs::COOKIE.into(),
        format!("{}.1.normal", lang.code()),
    );
    client
}

/// The text of an HTML page with the few entities the renderer writes turned back.
fn unescaped(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// A 422 whose message is the error's words in `lang`.
fn assert_told(res: &Reply, err: ParticipantError, lang: Lang) {
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{lang:?}: {}",
        res.text
    );
    let said = unescaped(&res.text);
    assert!(said.contains(&err.words(lang)), "{lang:?}: {said}");
}

#[tokio::test]
async fn every_language_is_offered_with_its_own_direction() {
    let app = app("languages-pages").await;
    for lang in Lang::all() {
        let mut browser = browser_in(&app, lang);
        let res = browser.get("/kod").await;
        assert_eq!(res.status, StatusCode::OK, "{lang:?}");
        let expected = format!("lang=\"{}\" dir=\"{}\"", lang.code(), lang.dir());
        assert!(res.text.contains(&expected), "{lang:?}: {expected}");
        let page = unescaped(&res.text);
        assert!(page.contains(&lang.texts().code_heading), "{lang:?}");
        // The language choice lists every language in its own name.
        for other in Lang::all() {
            assert!(
                page.contains(other.native_name()),
                "{lang:?} lacks {other:?}"
            );
        }
    }
    for rtl in ["ar", "fa"] {
        assert_eq!(Lang::from_code(rtl).unwrap().dir(), "rtl");
    }
}

#[tokio::test]
async fn refusals_are_in_the_participants_language() {
    let app = app("languages-errors").await;
    let cm = case_manager(&app).await;
    let participant = app.participant(&cm).await;
    for lang in Lang::all() {
        // A wrong code.
        let mut phone = browser_in(&app, lang);
        let res = phone.post("/api/access/code", "code=AAAA-AAAA").await;
        assert_told(&res, ParticipantError::CodeWrong, lang);
        // A spent code.
        let code = app.access_code(&participant, &cm).await;
        let newer = app.access_code(&participant, &cm).await;
        let res = phone
            .post("/api/access/code", &format!("code={code}"))
            .await;
        assert_told(&res, ParticipantError::CodeUnusable, lang);
        // Two different PINs, after a good code.
        let res = phone
            .post("/api/access/code", &format!("code={newer}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{lang:?}: {}", res.text);
        let res = phone
            .post("/api/access/new-pin", "pin=1234&repeat=4321")
            .await;
        assert_told(&res, ParticipantError::PinMismatch, lang);
        // A check-in page before signing in.
        let mut stranger = browser_in(&app, lang);
        let res = stranger.get("/svara").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{lang:?}");
        let page = unescaped(&res.text);
        assert!(
            page.contains(&ParticipantError::SignedOut.words(lang)),
            "{lang:?}"
        );
        assert!(page.contains(&lang.texts().error_heading), "{lang:?}");
    }
}

#[tokio::test]
async fn a_wrong_pin_counts_the_tries_left_in_the_language() {
    let app = app("languages-pin").await;
    let cm = case_manager(&app).await;
    let participant = app.participant(&cm).await;
    let fa = Lang::from_code("fa").unwrap();
    let mut phone = app.phone(&participant, &cm).await;
    phone
        .cookies
        .insert(app::prefs::COOKIE.into(), "fa.1.normal".into());
    phone.post("/api/access/leave", "").await;
    let res = phone.post("/api/access/pin", "pin=999999").await;
    let left = stegvis_domain::throttle::PIN_MAX_FAILURES - 1;
    assert_told(&res, ParticipantError::PinWrong { left }, fa);
}

#[tokio::test]
async fn staff_messages_stay_swedish_whatever_the_browser_chose() {
    let app = app("languages-staff").await;
    let mut browser = browser_in(&app, Lang::from_code("so").unwrap());
    let res = browser
        .log_in("nobody@sodertorn.se", "wrong password")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("Fel e-postadress eller lösenord"),
        "{}",
        res.text
    );
}
