//! Instruments managed in the app, over HTTP: an upload is checked item by
//! item and nothing is stored for a refused file; a version activated for a
//! programme is what that programme's participants answer next, in their
//! language; retiring it brings the default back; the history and the
//! audit log say who did what; and figures over programmes with different
//! instruments count a reversed item the right way round and name the
//! versions behind them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::error::AppError;
use app::instruments::{InstrumentHistory, PreviewView};
use axum::http::StatusCode;
use common::{app, encode, Client, TestApp, SID};
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::{NewCheckIn, OccasionRef, OrganisationRow, Role, StaffRow};

/// An instrument with a fourth language (Somali), a reversed item and two
/// satisfaction items (tests/instruments/walwal.toml).
const SOMALI: &str = include_str!("../../tests/instruments/walwal.toml");

struct Setup {
    app: TestApp,
    org: OrganisationRow,
    admin: Client,
    cm: StaffRow,
}

async fn setup(name: &str) -> Setup {
    let app = app(name).await;
    let org = app.organisation("Norr").await;
    let admin_row = app.staff(&org, "admin@norr.se", &[Role::Admin]).await;
    let secret = app.enable_totp(&admin_row).await;
    let admin = app.signed_in(&admin_row, Some(&secret)).await;
    let cm = app.staff(&org, "cm@norr.se", &[Role::CaseManager]).await;
    Setup {
        app,
        org,
        admin,
        cm,
    }
}

async fn upload(client: &mut Client, source: &str) -> common::Reply {
    client
        .post(
            "/api/admin/instruments/upload",
            &format!("source={}", encode(source)),
        )
        .await
}

async fn overview(client: &mut Client) -> InstrumentHistory {
    let res = client.post("/api/admin/instruments", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

/// The first question of the phone's open check-in, as its screen shows it.
async fn first_question(phone: &mut Client) -> app::check_in::QuestionView {
    let res = phone.post("/api/check-in/question", "step=1").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

async fn actions(app: &TestApp, org: &OrganisationRow) -> Vec<(String, String)> {
    app.store
        .audit_log(&org.id, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.detail))
        .collect()
}

#[tokio::test]
async fn a_refused_file_names_every_problem_and_stores_nothing() {
    let Setup {
        app,
        org,
        mut admin,
        cm,
    } = setup("instruments-refused").await;
    let versions_before = app.scalar("SELECT COUNT(*) FROM instrument_versions").await;
    let broken = SOMALI
        .replace("so = \"Haba yaraatee\"", "")
        .replace(", so = \"Intee ku qanacsan tahay taageerada?\"", "")
        .replacen(
            "occasions = [\"exit\"]",
            "occasions = [\"exit\", \"sometimes\"]",
            1,
        );
    let res = upload(&mut admin, &broken).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let AppError::InvalidFile(problems) = res.json::<AppError>() else {
        panic!("{}", res.text);
    };
    assert_eq!(
        problems,
        vec![
            "item \"oro\": option 1 has no text in \"so\"".to_owned(),
            "item \"nojd-stod\": the question has no text in \"so\"".to_owned(),
            "item \"nojd-stod\": unknown occasion \"sometimes\" (expected intake, follow-up or exit)"
                .to_owned(),
        ]
    );
    // Not TOML at all: one problem, saying so.
    let res = upload(&mut admin, "id = \"x\"\nitems = [[").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::InvalidFile(problems) = res.json::<AppError>() else {
        panic!("{}", res.text);
    };
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("the instrument file cannot be read"),
        "{problems:?}"
    );
    // Empty: asked for a file.
    let res = upload(&mut admin, "  ").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An item id the default uses with another direction: refused, naming it.
    let default_item = app.instrument.items[0].clone();
    let clash = SOMALI.replacen("id = \"oro\"", &format!("id = \"{}\"", default_item.id), 1);
    let clash = if default_item.higher_is_better {
        clash
    } else {
        clash.replace("higher_is_better = false\n", "")
    };
    let res = upload(&mut admin, &clash).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains(&app.instrument.version()), "{}", res.text);
    assert!(res.text.contains("new id"), "{}", res.text);
    // Larger than any instrument: refused before it is read.
    let huge = format!(
        "source={}",
        "a".repeat(app::instruments::MAX_UPLOAD_BYTES + 1)
    );
    let res = admin.post("/api/admin/instruments/upload", &huge).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM instrument_versions").await,
        versions_before
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM instrument_uploads").await,
        0
    );
    assert!(!actions(&app, &org)
        .await
        .iter()
        .any(|(a, _)| a == "upload-instrument"));

    // Only admins upload; a case manager is refused and stores nothing.
    let mut cm_client = app.signed_in(&cm, None).await;
    let res = upload(&mut cm_client, SOMALI).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM instrument_uploads").await,
        0
    );
}

/// Answers every question of the open check-in with its second option,
/// then sends it.
async fn answer_all(
    phone: &mut Client,
    submission_id: &str,
    instrument: &Instrument,
    kind: OccasionKind,
) {
    let items = instrument.items_for(kind);
    for (i, item) in items.iter().enumerate() {
        let res = phone
            .post(
                "/api/check-in/answer",
                &format!(
                    "submission_id={submission_id}&step={}&item={}&answer={}&go=next",
                    i + 1,
                    item.id,
                    item.options[1].code
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", item.id, res.text);
    }
    let res = phone
        .post(
            "/api/check-in/submit",
            &format!("submission_id={submission_id}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
}

#[tokio::test]
async fn an_activated_version_is_answered_in_its_programme_until_it_is_retired() {
    let Setup {
        app,
        org,
        mut admin,
        cm,
    } = setup("instruments-flow").await;
    let uploaded = Instrument::from_toml(SOMALI).unwrap();
    let res = upload(&mut admin, SOMALI).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json::<String>(), uploaded.version());
    // The same file again changes nothing and is not audited twice.
    assert_eq!(upload(&mut admin, SOMALI).await.status, StatusCode::OK);

    let steget = app
        .store
        .create_programme_in(&org.id, "Steget", Default::default())
        .await
        .unwrap();
    let today = chrono::Local::now().date_naive();
    let before = app.participant_from(&cm, today, Some(&steget.id)).await;

    // Uploaded, not yet active: the programme still asks the default. This
    // participant begins their check-in (a draft) with it.
    let mut phone = app.phone(&before, &cm).await;
    let q = first_question(&mut phone).await;
    assert_eq!(q.question, app.first_question());
    let res = phone
        .post(
            "/api/check-in/answer",
            &format!(
                "submission_id={SID}&step=1&item={}&answer={}&go=next",
                q.item_id, q.options[0].value
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);

    // Another organisation's programme and unknown versions are refused.
    let elsewhere = app.organisation("Syd").await;
    let theirs = app
        .store
        .create_programme_in(&elsewhere.id, "Deras", Default::default())
        .await
        .unwrap();
    let activate = |programme: &str, version: &str| {
        format!("programme={programme}&version={}", encode(version))
    };
    let res = admin
        .post(
            "/api/admin/instruments/activate",
            &activate(&theirs.id, &uploaded.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = admin
        .post(
            "/api/admin/instruments/activate",
            &activate(&steget.id, "walwal@0000000000000000"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    let res = admin
        .post(
            "/api/admin/instruments/activate",
            &activate(&steget.id, &uploaded.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);

    // The draft begun before keeps the default (it was started with it);
    // a participant starting now gets the programme's version, in Somali.
    let q = first_question(&mut phone).await;
    assert_eq!(q.question, app.first_question());
    let person = app.participant_from(&cm, today, Some(&steget.id)).await;
    let mut phone = app.phone(&person, &cm).await;
    phone
        .cookies
        .insert(app::prefs::COOKIE.into(), "so.1.normal".into());
    let q = first_question(&mut phone).await;
    assert_eq!(q.item_id, "oro");
    assert_eq!(q.question, "Intee in le'eg ayaad walwalsan tahay?");
    assert_eq!(q.options[0].label, "Haba yaraatee");
    assert_eq!(q.options[0].picture.as_deref(), Some("face-5"));
    answer_all(
        &mut phone,
        "5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9b1",
        &uploaded,
        OccasionKind::Intake,
    )
    .await;
    let stored = app.store.check_ins_of(&person).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].instrument_version, uploaded.version());
    assert_eq!(stored[0].language, "so");
    let answers = app.store.answers(&stored[0].submission_id).await.unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0].item_id, "oro");

    // Someone outside the programme keeps the default.
    let outside = app.participant(&cm).await;
    let mut phone = app.phone(&outside, &cm).await;
    let q = first_question(&mut phone).await;
    assert_eq!(q.question, app.first_question());

    // The preview, per occasion and language, as the participant sees it.
    let preview = |version: &str, occasion: &str, lang: &str| {
        format!(
            "version={}&occasion={occasion}&lang={lang}",
            encode(version)
        )
    };
    let res = admin
        .post(
            "/api/admin/instruments/preview",
            &preview(&uploaded.version(), "exit", "so"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let p: PreviewView = res.json();
    assert_eq!(p.questions.len(), 4);
    assert_eq!(
        p.questions[2].question,
        "Intee ku qanacsan tahay taageerada?"
    );
    // Ten steps and "Vill inte svara" in Somali.
    assert_eq!(p.questions[2].options.len(), 11);
    assert!(!p.swedish_fallback);
    assert_eq!(p.dir, "ltr");
    let p: PreviewView = admin
        .post(
            "/api/admin/instruments/preview",
            &preview(&uploaded.version(), "intake", "fa"),
        )
        .await
        .json();
    assert!(p.swedish_fallback);
    assert_eq!(p.dir, "rtl");
    assert_eq!(p.questions[0].question, "Hur orolig är du?");
    for (body, status) in [
        (
            preview(&uploaded.version(), "sometimes", "so"),
            StatusCode::BAD_REQUEST,
        ),
        (
            preview(&uploaded.version(), "intake", "xx"),
            StatusCode::BAD_REQUEST,
        ),
        (
            preview("walwal@0000000000000000", "intake", "sv"),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let res = admin.post("/api/admin/instruments/preview", &body).await;
        assert_eq!(res.status, status, "{body}: {}", res.text);
    }

    // The history: who uploaded and activated, what changed from the default.
    let o = overview(&mut admin).await;
    assert!(o.can_manage);
    let v = &o.versions[0];
    assert_eq!(v.version, uploaded.version());
    assert!(
        v.uploaded.ends_with("av Namn admin@norr.se"),
        "{}",
        v.uploaded
    );
    assert_eq!(v.activations.len(), 1);
    assert!(
        v.activations[0].starts_with("Steget: "),
        "{:?}",
        v.activations
    );
    assert!(
        v.changes.contains(&"Ny fråga: oro.".to_owned()),
        "{:?}",
        v.changes
    );
    assert!(
        v.changes.contains(&"Borttagen fråga: halsa.".to_owned()),
        "{:?}",
        v.changes
    );
    assert!(
        v.changes
            .iter()
            .any(|c| c.starts_with("Språk som tagits bort: ")),
        "{:?}",
        v.changes
    );
    assert!(o.versions.last().unwrap().is_default);
    let steget_row = o.programmes.iter().find(|p| p.id == steget.id).unwrap();
    assert_eq!(steget_row.version, uploaded.version());

    // Evaluators read the history but change nothing.
    let evaluator = app.staff(&org, "eva@norr.se", &[Role::Evaluator]).await;
    let mut eva = app.signed_in(&evaluator, None).await;
    // Their dashboard counts the programme's instrument beside the default.
    let res = eva.post("/api/evaluator/statistics", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let dashboard: app::evaluator::Dashboard = res.json();
    let (_, versions) = &dashboard.instrument_versions[0];
    assert!(versions.contains(&uploaded.version()), "{versions}");
    assert!(versions.contains(&app.instrument.version()), "{versions}");
    let o = overview(&mut eva).await;
    assert!(!o.can_manage);
    assert_eq!(o.versions[0].version, uploaded.version());
    let res = eva
        .post(
            "/api/admin/instruments/retire",
            &format!("version={}", encode(&uploaded.version())),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Retiring: the default cannot be; the upload can, once.
    let retire = |v: &str| format!("version={}", encode(v));
    let res = admin
        .post(
            "/api/admin/instruments/retire",
            &retire(&app.instrument.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post(
            "/api/admin/instruments/retire",
            &retire(&uploaded.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = admin
        .post(
            "/api/admin/instruments/retire",
            &retire(&uploaded.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = admin
        .post(
            "/api/admin/instruments/activate",
            &activate(&steget.id, &uploaded.version()),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // New check-ins in the programme take the default again; the one given
    // with the retired version keeps it.
    let later = app.participant_from(&cm, today, Some(&steget.id)).await;
    let mut phone = app.phone(&later, &cm).await;
    let q = first_question(&mut phone).await;
    assert_eq!(q.question, app.first_question());
    assert_eq!(
        app.store.check_ins_of(&person).await.unwrap()[0].instrument_version,
        uploaded.version()
    );
    let o = overview(&mut admin).await;
    assert!(o.versions[0].retired.is_some());
    assert_eq!(
        o.programmes
            .iter()
            .find(|p| p.id == steget.id)
            .unwrap()
            .version,
        app.instrument.version()
    );

    // Every change is in the audit log, once.
    let audited = actions(&app, &org).await;
    let count = |action: &str| audited.iter().filter(|(a, _)| a == action).count();
    assert_eq!(count("upload-instrument"), 1, "{audited:?}");
    assert_eq!(count("activate-instrument"), 1, "{audited:?}");
    assert_eq!(count("retire-instrument"), 1, "{audited:?}");
    assert!(audited.iter().any(
        |(a, d)| a == "activate-instrument" && d == &format!("Steget: {}", uploaded.version())
    ));
}

/// Stores a check-in of `kind` with `answers` (item id, option code) on `day`.
async fn stored(
    app: &TestApp,
    instrument: &Instrument,
    participant: &str,
    kind: OccasionKind,
    day: chrono::NaiveDate,
    answers: &[(&str, &str)],
) {
    let answers = answers
        .iter()
        .map(|(item, code)| ((*item).to_owned(), AnswerValue::Option((*code).to_owned())))
        .collect();
    let checked = stegvis_domain::check_in::check_submission(instrument, kind, &answers).unwrap();
    app.store
        .store_check_in(&NewCheckIn {
            submission_id: format!("{}-0000-4000-8000-{:012}", &participant[..8], kind as u8),
            participant_id: participant.to_owned(),
            occasion: OccasionRef { kind, number: 0 },
            instrument_version: instrument.version(),
            language: "so".into(),
            answers: checked.into_iter().map(Into::into).collect(),
            assisted_by: None,
            submitted_at: Some(day.and_hms_opt(12, 0, 0).unwrap().and_utc()),
            answered_at: None,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn figures_count_a_reversed_item_by_its_direction_and_name_the_versions() {
    let Setup {
        app,
        org,
        mut admin,
        cm,
    } = setup("instruments-figures").await;
    let uploaded = Instrument::from_toml(SOMALI).unwrap();
    assert_eq!(upload(&mut admin, SOMALI).await.status, StatusCode::OK);
    app.store
        .update_organisation_settings(&org.id, 2, 14)
        .await
        .unwrap();
    let programme = app
        .store
        .create_programme_in(&org.id, "Steget", Default::default())
        .await
        .unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    // Worry falls from 4 to 2 for one person and from 3 to 1 for the other:
    // both improved, by two steps, since a lower answer is better.
    for (intake, exit) in [("4", "2"), ("3", "1")] {
        let person = app.participant_from(&cm, start, Some(&programme.id)).await;
        stored(
            &app,
            &uploaded,
            &person,
            OccasionKind::Intake,
            start,
            &[("oro", intake), ("vardag", "no")],
        )
        .await;
        let end = start + chrono::Days::new(120);
        stored(
            &app,
            &uploaded,
            &person,
            OccasionKind::Exit,
            end,
            &[
                ("oro", exit),
                ("vardag", "yes"),
                ("nojd-stod", "10"),
                ("nojd-bemotande", "10"),
            ],
        )
        .await;
    }
    let evaluator = app.staff(&org, "eva@norr.se", &[Role::Evaluator]).await;
    let mut eva = app.signed_in(&evaluator, None).await;
    let res = eva.get("/utvardering/export/stegforflyttning.csv").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let lines: Vec<Vec<&str>> = res.text.lines().map(|l| l.split(';').collect()).collect();
    let row = |figure: &str| {
        lines
            .iter()
            .find(|l| l.len() >= 7 && l[0] == figure && l[1] == "oro" && l[3] == "Totalt")
            .unwrap_or_else(|| panic!("no {figure} row for oro in\n{}", res.text))
    };
    assert_eq!(row("Förbättrad")[4], "2");
    assert_eq!(row("Förbättrad")[5], "2");
    assert_eq!(row("Medelförändring")[6], "2,00");
    let versions = lines
        .iter()
        .find(|l| l[0] == "Formulärversioner")
        .unwrap_or_else(|| panic!("{}", res.text));
    assert_eq!(
        versions[1],
        format!("{} (4 incheckningar)", uploaded.version())
    );
    let indicators = lines
        .iter()
        .find(|l| l[0] == "Indikatorer och versioner")
        .unwrap();
    assert!(
        indicators[1].contains(&format!("oro: {}", uploaded.version())),
        "{indicators:?}"
    );
    // The NDI counts the other instrument's satisfaction items: 10 is 100.
    let res = eva.get("/utvardering/export/ndi.csv").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text
            .contains(&format!("nojd-stod: {}", uploaded.version())),
        "{}",
        res.text
    );
    let ndi = res
        .text
        .lines()
        .map(|l| l.split(';').collect::<Vec<_>>())
        .find(|l| l.len() >= 7 && l[3] == "Totalt" && l[0].starts_with("NDI"))
        .unwrap_or_else(|| panic!("{}", res.text));
    assert_eq!(ndi[4], "2", "{ndi:?}");
    assert_eq!(
        ndi[6].replace(',', ".").parse::<f64>().unwrap(),
        100.0,
        "{ndi:?}"
    );
}

async fn reviews(client: &mut Client) -> Vec<app::admin::LanguageReviewView> {
    let res = client.post("/api/admin/languages", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.json()
}

#[tokio::test]
async fn an_association_confirms_a_reviewed_translation_for_itself() {
    let Setup {
        app,
        org,
        mut admin,
        ..
    } = setup("languages-reviewed").await;
    let preliminary = app::texts::Lang::all()
        .find(|l| l.preliminary())
        .expect("a preliminary language ships");
    assert!(reviews(&mut admin).await.is_empty());
    let body = format!("lang={}", preliminary.code());
    for _ in 0..2 {
        let res = admin.post("/api/admin/languages/confirm", &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let confirmed = reviews(&mut admin).await;
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0].code, preliminary.code());
    assert!(
        confirmed[0].confirmed.ends_with("av Namn admin@norr.se"),
        "{confirmed:?}"
    );
    // Swedish is the original, and an unknown code is no language.
    let res = admin.post("/api/admin/languages/confirm", "lang=sv").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin.post("/api/admin/languages/confirm", "lang=xx").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Audited once; another association has confirmed nothing.
    let audited = actions(&app, &org).await;
    assert_eq!(
        audited
            .iter()
            .filter(|(a, d)| a == "confirm-language" && d == preliminary.code())
            .count(),
        1
    );
    let other = app.organisation("Syd").await;
    assert!(app
        .store
        .language_reviews(&other.id)
        .await
        .unwrap()
        .is_empty());
}
