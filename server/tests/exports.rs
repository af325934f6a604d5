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
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE $1",
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
    // Six people alike: a group of at least k = 5, so all are written.
    for n in 0..6 {
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
    assert_eq!(rows.len() - 1, 6 * asked);
    for (id, code) in &people {
        assert!(!first.text.contains(id.as_str()), "a participant id leaked");
        assert!(
            !first.text.contains(code.as_str()),
            "a participant code leaked"
        );
    }
    // Six people, six pseudonyms; a second export uses other ones.
    let pseudonyms = |rows: &[Vec<String>]| {
        rows[1..]
            .iter()
            .map(|r| r[0].clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let once = pseudonyms(&rows);
    assert_eq!(once.len(), 6);
    let again = client.get("/utvardering/export/svar.csv").await;
    let twice = pseudonyms(&read_csv(again.text.as_bytes(), b';'));
    assert!(once.is_disjoint(&twice), "pseudonyms must not link exports");
    // Six people in Haninge are at least k = 5: the municipality is written.
    let municipality = rows[0].iter().position(|c| c == "municipality").unwrap();
    assert!(rows[1..].iter().all(|r| r[municipality] == "Haninge"));

    // FHIR: one QuestionnaireResponse per check-in, subject by pseudonym only.
    let fhir = client.get("/utvardering/export/fhir.json").await;
    let bundle: serde_json::Value = serde_json::from_str(&fhir.text).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 12);
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

/// The answer file's columns that say something about the person besides
/// their answers (the quasi-identifiers), and the answer's own columns. Every
/// column of the file must be in one of the two lists (or be the pseudonym),
/// so that no column is left out of the k check.
const QUASI_IDENTIFIERS: [&str; 9] = [
    "gender",
    "age_band",
    "municipality",
    "referral",
    "programme",
    "instrument",
    "occasion",
    "occasion_number",
    "date",
];
const ANSWER_FIELDS: [&str; 4] = ["item_id", "value", "score", "declined"];

/// Everything the file shows of one person, besides their answers.
type Signature = (Vec<String>, std::collections::BTreeSet<Vec<String>>);

/// The size of the smallest group of people sharing all quasi-identifiers,
/// and the number of people, in an answer table (header first). Person-level
/// columns must be the same on all of a person's rows; every check-in
/// (instrument, occasion, number, date) of a person counts.
fn smallest_group(rows: &[Vec<String>]) -> (usize, usize) {
    let header = &rows[0];
    for column in header {
        assert!(
            column == "pseudonym"
                || QUASI_IDENTIFIERS.contains(&column.as_str())
                || ANSWER_FIELDS.contains(&column.as_str()),
            "the column {column} is not in the check"
        );
    }
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let person_columns: Vec<usize> = QUASI_IDENTIFIERS[..5].iter().map(|c| col(c)).collect();
    let visit_columns: Vec<usize> = QUASI_IDENTIFIERS[5..].iter().map(|c| col(c)).collect();
    let mut people: BTreeMap<String, Signature> = BTreeMap::new();
    for row in &rows[1..] {
        let person: Vec<String> = person_columns.iter().map(|&i| row[i].clone()).collect();
        let visit: Vec<String> = visit_columns.iter().map(|&i| row[i].clone()).collect();
        let entry = people
            .entry(row[col("pseudonym")].clone())
            .or_insert_with(|| (person.clone(), Default::default()));
        assert_eq!(entry.0, person, "a person's facts differ between rows");
        entry.1.insert(visit);
    }
    let mut groups: BTreeMap<Signature, usize> = BTreeMap::new();
    for signature in people.values() {
        *groups.entry(signature.clone()).or_default() += 1;
    }
    (groups.values().copied().min().unwrap_or(0), people.len())
}

/// Writes an export of the organisation into bytes.
async fn exported(
    app: &TestApp,
    org: &stegvis_store::OrganisationRow,
    name: &str,
    detail: stegvis_server::exports::Detail,
) -> Vec<u8> {
    use stegvis_server::exports::{write_export, Export};
    let mut bytes = Vec::new();
    write_export(
        &app.store,
        org,
        Export::from_name(name).unwrap(),
        stegvis_domain::stats::Filter::default(),
        stegvis_export::CsvOptions::default(),
        detail,
        &[std::sync::Arc::new(app.instrument.clone())],
        |chunk| {
            bytes.extend_from_slice(&chunk);
            std::future::ready(true)
        },
    )
    .await
    .unwrap();
    bytes
}

fn xlsx_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => format!("{other}"),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_answer_files_of_the_demo_are_k_anonymous() {
    use stegvis_server::exports::Detail;
    let app = app("export-k-anonymous").await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    app.seed_demo(today).await;
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    let k = usize::try_from(org.small_cell_k).unwrap();
    assert!(k >= 2);

    // In full detail (days, every value) most people stand alone: the check bites.
    let full = read_csv(&exported(&app, &org, "svar.csv", Detail::Full).await, b';');
    let (full_smallest, everyone) = smallest_group(&full);
    assert_eq!(full_smallest, 1);
    assert!(everyone > 300, "{everyone} people in the demo's answers");

    // The CSV: every group of people sharing all quasi-identifiers is ≥ k.
    let csv = read_csv(
        &exported(&app, &org, "svar.csv", Detail::KAnonymous).await,
        b';',
    );
    let (smallest, kept) = smallest_group(&csv);
    assert!(smallest >= k, "a group of {smallest} < k = {k}");
    // Most people are kept; the notes say how many were left out.
    assert!(kept * 2 > everyone, "{kept} of {everyone} kept");
    let date = csv[0].iter().position(|c| c == "date").unwrap();
    assert!(
        csv[1..].iter().all(|r| r[date].len() < 10),
        "no day is written"
    );

    // The XLSX: the same check on its answer sheet, and the notes sheet.
    let xlsx = exported(&app, &org, "svar.xlsx", Detail::KAnonymous).await;
    let (smallest, kept_xlsx) = smallest_group(&xlsx_rows(&xlsx, "Svar"));
    assert!(smallest >= k, "xlsx: a group of {smallest}");
    assert_eq!(kept_xlsx, kept);
    let about = xlsx_rows(&xlsx, "Om filen");
    let suppressed = about
        .iter()
        .find(|r| r[0] == "Personer som utelämnats")
        .expect("the notes say who was left out");
    assert!(suppressed[1].starts_with(&(everyone - kept).to_string()));
    assert!(about
        .iter()
        .any(|r| r[0] == "Minsta grupp (k)" && r[1] == k.to_string()));

    // The CSV's metadata file says the same.
    let notes = read_csv(
        &exported(&app, &org, "svar-om.csv", Detail::KAnonymous).await,
        b';',
    );
    assert_eq!(notes[0], ["uppgift", "värde"]);
    assert!(notes
        .iter()
        .any(|r| r[0] == "Datum" && !r[1].starts_with("dag")));

    // FHIR: a response says pseudonym, questionnaire (instrument), occasion
    // and period; people are grouped by all of their responses.
    let fhir = exported(&app, &org, "fhir.json", Detail::KAnonymous).await;
    let bundle: serde_json::Value = serde_json::from_slice(&fhir).unwrap();
    assert!(bundle["meta"]["extension"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["extension"][0]["valueString"] == "Minsta grupp (k)"));
    let mut people: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for entry in bundle["entry"].as_array().unwrap() {
        let r = &entry["resource"];
        let pseudonym = r["subject"]["identifier"]["value"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut shown = r.clone();
        let shown = shown.as_object_mut().unwrap();
        shown.remove("subject");
        shown.remove("item");
        let authored = shown.get("authored").and_then(|a| a.as_str()).unwrap_or("");
        assert!(authored.len() < 10, "no day is written: {authored}");
        people
            .entry(pseudonym)
            .or_default()
            .insert(serde_json::Value::Object(shown.clone()).to_string());
    }
    assert_eq!(people.len(), kept);
    let mut groups: BTreeMap<&std::collections::BTreeSet<String>, usize> = BTreeMap::new();
    for visits in people.values() {
        *groups.entry(visits).or_default() += 1;
    }
    let smallest = groups.values().copied().min().unwrap();
    assert!(smallest >= k, "fhir: a group of {smallest}");

    // The codebook carries the notes too.
    let codebook =
        String::from_utf8(exported(&app, &org, "kodbok.R", Detail::KAnonymous).await).unwrap();
    assert!(codebook.contains("# Om svarsfilen"));
    assert!(codebook.contains("Personer som utelämnats"));
}

#[tokio::test]
async fn admins_download_the_audit_log_and_the_download_is_audited() {
    let app = app("export-audit-log").await;
    let org = app.organisation("Förbundet").await;
    let other = app.organisation("Annat förbund").await;
    let admin = app.staff(&org, "admin@forbund.se", &[Role::Admin]).await;
    let secret = app.enable_totp(&admin).await;
    let cm = app
        .staff(&org, "lots@forbund.se", &[Role::CaseManager])
        .await;
    let evaluator = app.staff(&org, "utv@forbund.se", &[Role::Evaluator]).await;
    let theirs = app.staff(&other, "admin@annat.se", &[Role::Admin]).await;
    app.store
        .audit(&stegvis_store::NewAuditEntry {
            organisation_id: &other.id,
            staff_id: Some(&theirs.id),
            action: "export",
            participant_id: None,
            detail: "annat förbunds hemlighet",
        })
        .await
        .unwrap();
    participant(&app, &cm, 1, "kvinna", "8").await;
    let mut client = app.signed_in(&evaluator, None).await;
    assert_eq!(
        client.get("/utvardering/export/ndi.csv").await.status,
        StatusCode::OK
    );

    // Only admins: others get 403, signed-out visitors 401.
    assert_eq!(
        client.get("/admin/logg.csv").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client().get("/admin/logg.csv").await.status,
        StatusCode::UNAUTHORIZED
    );

    let mut admin_client = app.signed_in(&admin, Some(&secret)).await;
    let reply = admin_client.get("/admin/logg.csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let rows = read_csv(&reply.bytes, b';');
    assert_eq!(rows[0], stegvis_server::exports::AUDIT_COLUMNS);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    // Only this organisation's entries, in chain order, ending with this download.
    assert!(!reply.text.contains("annat förbunds hemlighet"));
    let places: Vec<i64> = rows[1..]
        .iter()
        .map(|r| r[col("seq")].parse().unwrap())
        .collect();
    assert_eq!(places, (1..=places.len() as i64).collect::<Vec<_>>());
    let last = rows.last().unwrap();
    assert_eq!(last[col("action")], "export-audit-log");
    assert!(rows[1..].iter().any(|r| r[col("action")] == "export"));
    // The file holds what its hashes cover: the chain can be checked from it.
    let mut prev = stegvis_store::GENESIS_HASH.to_owned();
    for r in &rows[1..] {
        let none_if_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let staff_id = none_if_empty(&r[col("staff_id")]);
        let reference = none_if_empty(&r[col("participant_ref")]);
        let hash = stegvis_store::entry_hash(&stegvis_store::Link {
            organisation_id: &r[col("organisation_id")],
            seq: r[col("seq")].parse().unwrap(),
            id: &r[col("id")],
            at: &r[col("at")],
            staff_id: staff_id.as_deref(),
            action: &r[col("action")],
            participant_ref: reference.as_deref(),
            detail: &r[col("detail")],
            prev_hash: &prev,
        });
        assert_eq!(r[col("prev_hash")], prev);
        assert_eq!(r[col("hash")], hash);
        prev = hash;
    }
    assert_eq!(app.store.verify_audit_chain().await.unwrap().broken, None);
}
