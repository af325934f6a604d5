//! The evaluator's figures and the caseload at scale, over HTTP on demo data:
//! the aggregate exports (read from the respondents kept in memory, as the
//! dashboard's figures are) give exactly what reading every answer row gives, before and
//! after an erasure, so an erased person is never counted again; the
//! caseload comes a page at a time, with the filters kept across pages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::staff::{Caseload, CASELOAD_PAGE_SIZE};
use axum::http::StatusCode;
use stegvis_domain::stats::{self, ItemIndex, NdiSelection};
use stegvis_server::exports::{aggregate_bytes, Export, Reports};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// The aggregate files computed the straightforward way: every answer row
/// read again, no memory of earlier requests.
async fn straightforward(app: &common::TestApp, name: &str) -> Vec<u8> {
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    let index = ItemIndex::new(&app.instrument);
    let respondents = app.store.respondents(&org.id, &index).await.unwrap();
    let filter = stats::Filter::default();
    let k = org.small_cell_k;
    let reports = Reports {
        ndi: stats::ndi_report(&index, &respondents, &filter, NdiSelection::Latest, k),
        distance: stats::distance_report(&index, &respondents, &filter, k),
        outcomes: stats::outcome_report(&respondents, &filter, k),
    };
    let notes = app::evaluator::ssr::version_notes(&app.store, &org.id, &index, &[])
        .await
        .unwrap();
    aggregate_bytes(
        Export::from_name(name).unwrap(),
        &reports,
        &stegvis_export::CsvOptions::default(),
        &app.instrument,
        &notes.rows(),
    )
    .unwrap()
}

const AGGREGATES: [&str; 3] = ["ndi.csv", "stegforflyttning.csv", "avslut.csv"];

#[tokio::test]
async fn figures_equal_reading_every_answer_and_drop_an_erased_person_at_once() {
    let app = common::app("scale-figures").await;
    app.seed_demo(today()).await;
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    let mut evaluator = app.client();
    evaluator.sign_in("utvarderare@demo.stegvis.se", None).await;

    let mut before = Vec::new();
    for name in AGGREGATES {
        let expected = straightforward(&app, name).await;
        // Twice: the first reads the database, the second what was kept.
        for _ in 0..2 {
            let res = evaluator.get(&format!("/utvardering/export/{name}")).await;
            assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.text);
            assert_eq!(res.text.as_bytes(), expected.as_slice(), "{name}");
        }
        before.push(expected);
    }
    // Someone who exited and answered: they count in every figure.
    let erased = app
        .rows(
            "SELECT p.id FROM participants p
             WHERE p.exit_outcome IS NOT NULL
               AND (SELECT COUNT(*) FROM check_ins c WHERE c.participant_id = p.id) >= 2
             ORDER BY p.id LIMIT 1",
            &[],
        )
        .await[0][0]
        .clone()
        .unwrap();
    assert!(app.store.erase_participant(&org.id, &erased).await.unwrap());

    for (name, old) in AGGREGATES.iter().zip(&before) {
        let expected = straightforward(&app, name).await;
        let res = evaluator.get(&format!("/utvardering/export/{name}")).await;
        assert_eq!(
            res.text.as_bytes(),
            expected.as_slice(),
            "{name} after the erasure"
        );
        if *name == "avslut.csv" {
            assert_ne!(
                &expected, old,
                "the exit outcomes still count the erased person"
            );
        }
    }

    // A check-in stored after the figures were read shows at the next load.
    let lead = app
        .store
        .staff_credentials("handlaggare@demo.stegvis.se")
        .await
        .unwrap()
        .unwrap()
        .staff;
    let extra = app
        .participant_from(&lead, today() - chrono::Days::new(3), None)
        .await;
    app.stored_intake(&extra, "8f1c2f3e-7c55-4f0e-9a51-3f3c1c2b9d01")
        .await;
    for name in AGGREGATES {
        let res = evaluator.get(&format!("/utvardering/export/{name}")).await;
        assert_eq!(
            res.text.as_bytes(),
            straightforward(&app, name).await.as_slice(),
            "{name} after a new check-in"
        );
    }
}

/// A server warms every organisation's figures when it starts: afterwards
/// each is held, and the dashboard's exports say what reading every answer says.
#[tokio::test]
async fn warming_holds_every_organisations_figures() {
    let app = common::app("scale-warm").await;
    app.seed_demo(today()).await;
    let org = app.store.find_organisation(None).await.unwrap().unwrap();
    assert!(!app.store.statistics_held(&org.id));
    app.state.warm_statistics().await;
    assert!(app.store.statistics_held(&org.id));

    let mut evaluator = app.client();
    evaluator.sign_in("utvarderare@demo.stegvis.se", None).await;
    for name in AGGREGATES {
        let res = evaluator.get(&format!("/utvardering/export/{name}")).await;
        assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.text);
        assert_eq!(
            res.text.as_bytes(),
            straightforward(&app, name).await.as_slice(),
            "{name}"
        );
    }

    // Every organisation, also one with nobody in it yet.
    let empty = app.store.create_organisation("Nytt förbund").await.unwrap();
    assert!(!app.store.statistics_held(&empty.id));
    app.state.warm_statistics().await;
    assert!(app.store.statistics_held(&empty.id));
}

async fn caseload(client: &mut common::Client, form: &str) -> Caseload {
    let res = client.post("/api/staff/caseload", form).await;
    assert_eq!(res.status, StatusCode::OK, "{form}: {}", res.text);
    res.json()
}

#[tokio::test]
async fn the_caseload_comes_a_page_at_a_time_with_its_filters() {
    let app = common::app("scale-caseload").await;
    app.seed_demo(today()).await;
    let mut staff = app.client();
    staff.sign_in("handlaggare@demo.stegvis.se", None).await;

    let first = caseload(&mut staff, "sort=code").await;
    assert!(
        first.matching > 2 * CASELOAD_PAGE_SIZE,
        "the demo case manager has pages to turn ({})",
        first.matching
    );
    assert_eq!(first.rows.len(), CASELOAD_PAGE_SIZE);
    assert_eq!(first.page, 1);
    assert_eq!(first.pages, first.matching.div_ceil(CASELOAD_PAGE_SIZE));

    // Every page in turn: at most a page each, the next people in order,
    // everyone exactly once.
    let mut codes: Vec<String> = Vec::new();
    for page in 1..=first.pages {
        let c = caseload(&mut staff, &format!("sort=code&page={page}")).await;
        assert_eq!(c.page, page);
        assert!(c.rows.len() <= CASELOAD_PAGE_SIZE);
        assert!(!c.rows.is_empty());
        if let (Some(last), Some(next)) = (codes.last(), c.rows.first()) {
            assert!(
                *last < next.code,
                "page {page} does not go on where the last ended"
            );
        }
        codes.extend(c.rows.into_iter().map(|r| r.code));
    }
    assert_eq!(codes.len(), first.matching);
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, codes);

    // A filter holds on every page, and its count is the filtered one.
    let due = caseload(&mut staff, "status=due&scope=all").await;
    assert!(due.matching < due.total);
    let mut due_rows = 0;
    for page in 1..=due.pages {
        let c = caseload(&mut staff, &format!("status=due&scope=all&page={page}")).await;
        assert_eq!(c.matching, due.matching);
        assert!(c
            .rows
            .iter()
            .all(|r| r.status == "due" || r.status == "overdue"));
        due_rows += c.rows.len();
    }
    assert_eq!(due_rows, due.matching);

    // Latest check-in first: dates never go up from one row to the next,
    // also across pages.
    let last = caseload(&mut staff, "sort=last&scope=all").await;
    let mut dates: Vec<Option<String>> = Vec::new();
    for page in 1..=last.pages.min(3) {
        let c = caseload(&mut staff, &format!("sort=last&scope=all&page={page}")).await;
        dates.extend(c.rows.into_iter().map(|r| r.last_check_in));
    }
    assert!(
        dates.windows(2).all(|d| d[0] >= d[1]),
        "not latest first: {dates:?}"
    );
    // A code is found however it is typed: small letters, spaces, no dash.
    let wanted = &first.rows[7].code;
    let typed = wanted.to_lowercase().replace('-', " ");
    let found = caseload(&mut staff, &format!("search={}", typed.replace(' ', "+"))).await;
    assert!(
        found.rows.iter().any(|r| &r.code == wanted),
        "{typed:?} did not find {wanted}"
    );
    assert!(found.matching < first.matching);

    // Past the end: the last page. Not a number: a clear refusal.
    let past = caseload(&mut staff, &format!("sort=code&page={}", first.pages + 10)).await;
    assert_eq!(past.page, first.pages);
    let res = staff.post("/api/staff/caseload", "page=tv%C3%A5").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Sidnumret"), "{}", res.text);

    // The page itself, without JavaScript: a page of rows and links to the
    // other pages that keep the filters.
    let res = staff.get("/personal?sortera=code&sida=2").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains("aria-label=\"Sidor i deltagarlistan\""));
    assert!(
        res.text
            .contains("href=\"/personal?sortera=code&amp;sida=3\""),
        "no link to page 3"
    );
    assert!(
        res.text.contains("href=\"/personal?sortera=code\""),
        "no link back to page 1"
    );
    assert!(res.text.contains("aria-current=\"page\""));
    let rows = res.text.matches("<th scope=\"row\">").count();
    assert_eq!(rows, CASELOAD_PAGE_SIZE);
}
