//! The case manager's side over HTTP, against a real database: what
//! registration stores (nothing identifying without consent, never a
//! personnummer for a protected identity), the audit record every read of
//! answers leaves, and a check-in answered together on the staff device.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, Client, TestApp, SID};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::{OrganisationRow, Role, StaffRow};

struct Office {
    app: TestApp,
    org: OrganisationRow,
    cm: StaffRow,
    browser: Client,
}

async fn office(name: &str) -> Office {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "karin@sodertorn.se", &[Role::CaseManager])
        .await;
    let browser = app.signed_in(&cm, None).await;
    Office {
        app,
        org,
        cm,
        browser,
    }
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// The id in the participant page a registration leads to.
fn registered_id(res: &common::Reply) -> String {
    res.location()
        .and_then(|l| l.strip_prefix("/personal/deltagare/"))
        .unwrap_or_else(|| panic!("no participant page: {res:?}"))
        .to_owned()
}

#[tokio::test]
async fn without_consent_only_gender_and_start_date_are_stored() {
    let Office {
        app,
        org,
        mut browser,
        ..
    } = office("anonymous").await;
    // Everything filled in, consent not ticked: anonymous mode.
    let res = browser
        .post(
            "/api/staff/register",
            &format!(
                "gender=kvinna&birth_year=1980&municipality=Haninge&referral=af&start_date={}",
                today()
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let id = registered_id(&res);

    let row = app
        .rows(
            "SELECT gender, birth_year, municipality, referral, consent_at, consent_by, intake_date
             FROM participants WHERE id = $1",
            &[(&id).into()],
        )
        .await
        .remove(0);
    // gender, birth year, municipality, referral, consent at, consent by, intake date
    assert_eq!(row[0].as_deref(), Some("kvinna"));
    assert_eq!(row[1..6], [None, None, None, None, None]);
    assert_eq!(row[6].as_deref(), Some(today().as_str()));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM participant_identities WHERE participant_id = $1",
            &id
        )
        .await,
        0
    );
    let detail = app
        .store
        .participant_in(&org.id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((detail.birth_year, detail.consent), (None, None));

    // A personnummer without consent is refused, not silently dropped.
    let before = app.scalar("SELECT COUNT(*) FROM participants").await;
    let res = browser
        .post(
            "/api/staff/register",
            &format!(
                "gender=kvinna&start_date={}&personnummer=811218-9876",
                today()
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Utan samtycke"), "{}", res.text);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM participants").await,
        before
    );

    // With consent, the same form keeps everything, the personnummer apart.
    let res = browser
        .post(
            "/api/staff/register",
            &format!(
                "consent=on&gender=kvinna&birth_year=1981&municipality=Haninge&referral=af&start_date={}&personnummer=811218-9876",
                today()
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let id = registered_id(&res);
    let detail = app
        .store
        .participant_in(&org.id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.birth_year, Some(1981));
    assert_eq!(detail.municipality.as_deref(), Some("Haninge"));
    assert!(detail.consent.is_some());
    let pnr = app.store.personnummer(&id).await.unwrap().unwrap();
    assert!(pnr.ends_with("9876"), "{pnr}");
    // Only the participant's own case manager sees it on the page.
    let page: app::staff::ParticipantOverview = browser
        .post("/api/staff/participant", &format!("id={id}"))
        .await
        .json();
    assert_eq!(page.personnummer, Some(pnr));
}

#[tokio::test]
async fn a_protected_identity_never_gets_a_personnummer_and_bad_numbers_are_refused() {
    let Office {
        app,
        org,
        mut browser,
        ..
    } = office("protected").await;
    let form = |extra: &str| {
        format!(
            "consent=on&gender=man&birth_year=1981&municipality=Tyres%C3%B6&referral=fk&start_date={}{extra}",
            today()
        )
    };
    let refused = [
        (
            form("&protected_identity=on&personnummer=811218-9876"),
            "skyddad identitet",
        ),
        (
            form("&personnummer=811218-9877"),
            "Personnumret stämmer inte",
        ),
        (
            form("&personnummer=19811218-9877"),
            "Personnumret stämmer inte",
        ),
        (
            form("&personnummer=19121212-1212"),
            "födelseåret stämmer inte",
        ),
    ];
    for (body, message) in &refused {
        let res = browser.post("/api/staff/register", body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.text
        );
        assert!(res.text.contains(message), "{body}: {}", res.text);
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM participants").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM participant_identities")
            .await,
        0
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, 0);

    // A protected identity without a personnummer is registered, marked as such.
    let res = browser
        .post("/api/staff/register", &form("&protected_identity=on"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let id = registered_id(&res);
    let detail = app
        .store
        .participant_in(&org.id, &id)
        .await
        .unwrap()
        .unwrap();
    assert!(detail.protected_identity);
    assert_eq!(app.store.personnummer(&id).await.unwrap(), None);
}

#[tokio::test]
async fn every_read_of_answers_is_audited_with_who_and_whose() {
    let Office {
        app,
        org,
        cm,
        mut browser,
    } = office("audit").await;
    let participant = app.participant(&cm).await;
    let submission = app.stored_intake(&participant, SID).await;
    assert!(app.audit_of(&participant).await.is_empty());

    let page = browser
        .get(&format!(
            "/personal/deltagare/{participant}/svar/{submission}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&app.first_question()), "{}", page.text);
    let read = ("read-answers".to_owned(), Some(cm.id.clone()));
    assert_eq!(app.audit_of(&participant).await, vec![read.clone()]);

    let answers: app::staff::CheckInAnswers = browser
        .post(
            "/api/staff/answers",
            &format!("id={participant}&submission={submission}"),
        )
        .await
        .json();
    let asked = app.instrument.items_for(OccasionKind::Intake).len();
    assert_eq!(answers.rows.len(), asked);
    assert_eq!(
        app.audit_of(&participant).await,
        vec![read.clone(), read.clone()]
    );

    // The admin's log names the staff member and the participant code.
    let log = app.store.audit_log(&org.id, 10).await.unwrap();
    let entry = log.iter().find(|e| e.action == "read-answers").unwrap();
    assert_eq!(entry.staff_name.as_deref(), Some(cm.name.as_str()));
    assert_eq!(entry.participant_id.as_deref(), Some(participant.as_str()));
    assert_eq!(
        entry.participant_code.as_deref(),
        Some(answers.participant_code.as_str())
    );
    assert_eq!(entry.detail, answers.occasion);

    // Opening the participant's page is audited as its own action.
    let res = browser
        .post("/api/staff/participant", &format!("id={participant}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        app.audit_of(&participant).await.last(),
        Some(&("read-participant".to_owned(), Some(cm.id.clone())))
    );
    // A read that is refused leaves no record claiming it happened.
    let res = browser
        .post(
            "/api/staff/answers",
            &format!("id={participant}&submission=00000000-0000-4000-8000-000000000000"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_of(&participant).await.len(), 3);
}

#[tokio::test]
async fn a_check_in_answered_together_records_the_case_manager() {
    let Office {
        app,
        cm,
        mut browser,
        ..
    } = office("assist").await;
    let participant = app.participant(&cm).await;

    let res = browser
        .post("/api/staff/assist", &format!("id={participant}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.location(), Some("/svara"));
    let app::auth::Viewer::Staff(me) = browser.post("/api/me", "").await.json() else {
        panic!("not signed in");
    };
    let detail = app
        .store
        .participant_in(&cm.organisation_id, &participant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.assisting, Some(detail.code));

    // The check-in screens now act on the participant, on the staff device.
    let page = browser.get("/svara").await;
    assert_eq!(page.status, StatusCode::OK);
    let items = app.instrument.items_for(OccasionKind::Intake);
    for (i, item) in items.iter().enumerate() {
        let res = browser
            .post(
                "/api/check-in/answer",
                &format!(
                    "submission_id={SID}&step={}&item={}&answer={}&go=next",
                    i + 1,
                    item.id,
                    item.options[2].code
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let res = browser
        .post("/api/check-in/submit", &format!("submission_id={SID}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.location(), Some("/svara/tack"));

    let row = app
        .rows(
            "SELECT participant_id, assisted_by FROM check_ins WHERE submission_id = $1",
            &[SID.into()],
        )
        .await
        .remove(0);
    assert_eq!(row[0].as_deref(), Some(participant.as_str()));
    assert_eq!(row[1], Some(cm.id.clone()));
    // The participant's page says who answered together with them.
    let page: app::staff::ParticipantOverview = browser
        .post("/api/staff/participant", &format!("id={participant}"))
        .await
        .json();
    let intake = page
        .occasions
        .iter()
        .find(|o| o.submission_id.as_deref() == Some(SID))
        .unwrap();
    assert_eq!(intake.assisted_by.as_deref(), Some(cm.name.as_str()));
    assert!(app
        .audit_of(&participant)
        .await
        .contains(&("assisted-check-in".to_owned(), Some(cm.id.clone()))));

    // Stopping returns to the participant's page; the check-in is closed to the device.
    let res = browser.post("/api/staff/assist/stop", "").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.location(),
        Some(format!("/personal/deltagare/{participant}").as_str())
    );
    let res = browser.post("/api/check-in/overview", "").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
}

#[tokio::test]
async fn consent_counts_only_when_the_box_was_ticked() {
    let Office {
        app, mut browser, ..
    } = office("consent-values").await;
    let form = |consent: &str| {
        format!(
            "{consent}gender=kvinna&birth_year=1981&municipality=Haninge&referral=af&start_date={}",
            today()
        )
    };
    // What a refusal or a tampered form may send: never read as a yes.
    for value in ["false", "0", "off", "no", "nej", "true", "1"] {
        let res = browser
            .post("/api/staff/register", &form(&format!("consent={value}&")))
            .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "consent={value}: {}",
            res.text
        );
        assert!(res.text.contains("Samtycke"), "{}", res.text);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM participants").await,
        0,
        "nothing was registered"
    );
    // Not ticked: anonymous, no consent stored.
    let res = browser.post("/api/staff/register", &form("")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let anonymous = registered_id(&res);
    // Ticked, as the form's checkbox sends it.
    let res = browser
        .post("/api/staff/register", &form("consent=ja&"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let consenting = registered_id(&res);
    for (id, stored) in [(anonymous, 0), (consenting, 1)] {
        let with_consent = app
            .count(
                "SELECT COUNT(*) FROM participants WHERE id = $1 AND consent_at IS NOT NULL",
                &id,
            )
            .await;
        assert_eq!(with_consent, stored);
    }
}
