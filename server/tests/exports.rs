//! Exports over HTTP against a real database: the CSV (both separators) and
//! the XLSX read back give the same figures as the evaluator's dashboard for
//! the same filter; the answer-level file is pseudonymised (no participant id
//! or code, pseudonyms new in every export); only evaluators may export; and
//! every export is written to the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::evaluator::Dashboard;
use axum::http::StatusCode;
use common::{app, TestApp};
use std::collections::BTreeMap;
use stegvis_domain::instrument::AnswerValue;
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::{Consent, NewCheckIn, NewParticipant, OccasionRef, Role, StaffRow};

/// Registers a participant of `gender` with an intake and a first follow-up
/// whose three NDI answers are all `ndi`.
async fn participant(
    app: &TestApp,
    cm: &StaffRow,
    n: usize,
    gender: &str,
    ndi: &str,
) -> (String, String) {
    let code = format!("T{n:02}-{}", &gender[..1].to_uppercase());
    let start = chrono::Local::now().date_naive() - chrono::Days::new(120);
    let id = app
        .store
        .register_participant(&NewParticipant {
            organisation_id: &cm.organisation_id,
            case_manager_id: &cm.id,
            programme_id: None,
            code: &code,
            start_date: start,
            gender,
            birth_year: Some(1980),
            municipality: Some("Haninge"),
            referral: Some("af"),
            protected_identity: false,
            consent: Some(Consent {
                at: chrono::Utc::now(),
                by: cm.id.clone(),
                version: "samtycke-test".into(),
            }),
            personnummer: None,
        })
        .await
        .unwrap();
    for (kind, number) in [(OccasionKind::Intake, 0), (OccasionKind::FollowUp, 1)] {
        let answers: BTreeMap<String, AnswerValue> = app
            .instrument
            .items_for(kind)
            .into_iter()
            .map(|item| {
                let code = if item.id.starts_with("ndi-") {
                    ndi.to_owned()
                } else {
                    item.options[number as usize + 1].code.clone()
                };
                (item.id.clone(), AnswerValue::Option(code))
            })
            .collect();
        let checked =
            stegvis_domain::check_in::check_submission(&app.instrument, kind, &answers).unwrap();
        app.store
            .store_check_in(&NewCheckIn {
                submission_id: stegvis_store::ids::submission_id(),
                participant_id: id.clone(),
                occasion: OccasionRef { kind, number },
                instrument_version: app.instrument.version(),
                language: "sv".into(),
                answers: checked.into_iter().map(Into::into).collect(),
                assisted_by: None,
                submitted_at: None,
                answered_at: None,
            })
            .await
            .unwrap();
    }
    (id, code)
}

/// The NDI mean row per group from an exported table (CSV or sheet rows).
fn ndi_means(rows: &[Vec<String>]) -> BTreeMap<String, (String, f64)> {
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("Mått"))
        .expect("a header row");
    let col = |name: &str| rows[header].iter().position(|c| c == name).unwrap();
    let (group, n, value) = (col("Grupp"), col("n"), col("Värde"));
    rows[header + 1..]
        .iter()
        .filter(|r| r.first().map(String::as_str) == Some("NDI, medelvärde"))
        .map(|r| {
            let v = r[value]
                .replace(',', ".")
                .parse::<f64>()
                .unwrap_or(f64::NAN);
            (r[group].clone(), (r[n].clone(), v))
        })
        .collect()
}

fn read_csv(bytes: &[u8], separator: u8) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_and_xlsx_read_back_match_the_dashboard_and_every_export_is_audited() {
    let app = app("exports").await;
    let org = app.organisation("Förbundet").await;
    let cm = app
        .staff(&org, "lots@forbund.se", &[Role::CaseManager])
        .await;
    let evaluator = app.staff(&org, "utv@forbund.se", &[Role::Evaluator]).await;
    for n in 0..6 {
        participant(&app, &cm, n, "kvinna", "8").await;
        participant(&app, &cm, n, "man", "5").await;
    }
    let mut client = app.signed_in(&evaluator, None).await;

    let dashboard: Dashboard = client.post("/api/evaluator/statistics", "").await.json();
    let shown: BTreeMap<String, (String, String)> = dashboard
        .ndi
        .rows
        .iter()
        .map(|(group, cells)| (group.clone(), (cells[0].clone(), cells[1].clone())))
        .collect();
    // Hand-computed: women 8 → (8 − 1) / 9 × 100 = 77.8, men 5 → 44.4, all 61.1.
    assert_eq!(shown["Totalt"], ("12".into(), "61.1".into()));
    assert_eq!(shown["Kvinna"], ("6".into(), "77.8".into()));
    assert_eq!(shown["Man"], ("6".into(), "44.4".into()));
    assert_eq!(shown["Annan"].0, "färre än 5");

    let check = |means: BTreeMap<String, (String, f64)>| {
        for (group, (n, index)) in &shown {
            let (csv_n, csv_value) = &means[group];
            assert_eq!(csv_n, n, "{group}");
            if index != "–" {
                assert_eq!(format!("{csv_value:.1}"), *index, "{group}");
            } else {
                assert!(
                    csv_value.is_nan(),
                    "{group}: a hidden mean must not be exported"
                );
            }
        }
    };
    for (sep, byte) in [("semikolon", b';'), ("komma", b',')] {
        let res = client
            .get(&format!("/utvardering/export/ndi.csv?sep={sep}"))
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.header("content-type").unwrap().starts_with("text/csv"));
        check(ndi_means(&read_csv(res.text.as_bytes(), byte)));
    }

    let res = client.get("/utvardering/export/sammanstallning.xlsx").await;
    assert_eq!(res.status, StatusCode::OK);
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(res.bytes)).unwrap();
    let sheets = book.sheet_names().to_owned();
    let ndi_sheet = sheets
        .iter()
        .find_map(|name| {
            let range = book.worksheet_range(name).ok()?;
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            rows.iter()
                .any(|r| r.first().map(String::as_str) == Some("NDI, medelvärde"))
                .then_some(rows)
        })
        .expect("a sheet with the NDI");
    check(ndi_means(&ndi_sheet));

    // Filtered the same way, the export follows the dashboard's filter.
    let filtered: Dashboard = client
        .post("/api/evaluator/statistics", "kommun=Tyres%C3%B6")
        .await
        .json();
    assert_eq!(filtered.ndi.rows[0].1[0], "färre än 5");
    let res = client
        .get("/utvardering/export/ndi.csv?kommun=Tyres%C3%B6")
        .await;
    assert_eq!(
        ndi_means(&read_csv(res.text.as_bytes(), b';'))["Totalt"].0,
        "färre än 5"
    );

    // A programme filter is named by the programme's name, never its id.
    let programme = app
        .store
        .create_programme_in(&org.id, "Steget vidare", Default::default())
        .await
        .unwrap();
    let res = client
        .get(&format!(
            "/utvardering/export/ndi.csv?insats={}",
            programme.id
        ))
        .await;
    assert!(res.text.contains("Steget vidare"), "{}", res.text);
    assert!(!res.text.contains(&programme.id));

    let audits = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export'")
        .await;
    assert_eq!(audits, 5);
    let detail = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE ?",
            "%kommun=Tyres%",
        )
        .await;
    assert_eq!(detail, 1, "the filter is recorded with the export");
}

#[tokio::test]
async fn the_answer_file_is_pseudonymised_and_only_evaluators_export() {
    let app = app("export-answers").await;
    let org = app.organisation("Förbundet").await;
    let cm = app
        .staff(&org, "lots@forbund.se", &[Role::CaseManager])
        .await;
    let evaluator = app.staff(&org, "utv@forbund.se", &[Role::Evaluator]).await;
    let mut people = Vec::new();
    for n in 0..3 {
        people.push(participant(&app, &cm, n, "kvinna", "9").await);
    }
    let mut client = app.signed_in(&evaluator, None).await;
    let first = client.get("/utvardering/export/svar.csv").await;
    assert_eq!(first.status, StatusCode::OK);
    let rows = read_csv(first.text.as_bytes(), b';');
    assert_eq!(rows[0][0], "pseudonym");
    // Two check-ins of every item asked, for three people.
    let asked = app.instrument.items_for(OccasionKind::Intake).len()
        + app.instrument.items_for(OccasionKind::FollowUp).len();
    assert_eq!(rows.len() - 1, 3 * asked);
    for (id, code) in &people {
        assert!(!first.text.contains(id.as_str()), "a participant id leaked");
        assert!(
            !first.text.contains(code.as_str()),
            "a participant code leaked"
        );
    }
    // Three people, three pseudonyms; a second export uses other ones.
    let pseudonyms = |rows: &[Vec<String>]| {
        rows[1..]
            .iter()
            .map(|r| r[0].clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let once = pseudonyms(&rows);
    assert_eq!(once.len(), 3);
    let again = client.get("/utvardering/export/svar.csv").await;
    let twice = pseudonyms(&read_csv(again.text.as_bytes(), b';'));
    assert!(once.is_disjoint(&twice), "pseudonyms must not link exports");
    // Municipality dropped: three people in Haninge are fewer than k = 5.
    let municipality = rows[0].iter().position(|c| c == "municipality").unwrap();
    assert!(rows[1..].iter().all(|r| r[municipality].is_empty()));

    // FHIR: one QuestionnaireResponse per check-in, subject by pseudonym only.
    let fhir = client.get("/utvardering/export/fhir.json").await;
    let bundle: serde_json::Value = serde_json::from_str(&fhir.text).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 6);
    for (id, code) in &people {
        assert!(!fhir.text.contains(id.as_str()) && !fhir.text.contains(code.as_str()));
    }

    // Case managers and signed-out visitors get nothing.
    let mut staff = app.signed_in(&cm, None).await;
    for path in [
        "/utvardering/export/svar.csv",
        "/utvardering/export/ndi.csv",
    ] {
        assert_eq!(
            staff.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            app.client().get(path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        client
            .get("/utvardering/export/personnummer.csv")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client
            .get("/utvardering/export/ndi.csv?fran=2026-13-40")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
