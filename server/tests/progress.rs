//! The progress views over HTTP: the participant's "Min resa" and the case
//! manager's meeting view, the rating recorded beside an answer without
//! changing it, and the audit record the meeting view writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use app::progress::{MeetingView, MyJourney};
use axum::http::StatusCode;
use common::{app, SID};
use stegvis_store::Role;

#[tokio::test]
async fn min_resa_has_one_sentence_per_indicator_and_a_chart_once_answered() {
    let app = app("journey").await;
    let org = app.organisation("Förbundet").await;
    let cm = app
        .staff(&org, "lots@forbund.se", &[Role::CaseManager])
        .await;
    let p = app.participant(&cm).await;
    let mut phone = app.phone(&p, &cm).await;

    // Nothing answered: no chart yet.
    let before: MyJourney = phone.post("/api/journey", "").await.json();
    assert_eq!(before.chart, None);

    app.stored_intake(&p, SID).await;
    let after: MyJourney = phone.post("/api/journey", "").await.json();
    let chart = after.chart.expect("a chart once the intake is answered");
    assert!(chart.svg.contains(r#"role="img""#));
    // Named and described (Min resa's chart is HTML rows with SVG tracks).
    assert!(chart.svg.contains(r#"aria-labelledby="min-resa-title""#));
    assert!(chart.svg.contains(r#"aria-describedby="min-resa-desc""#));
    // One sentence per scale indicator (11 in the default instrument), each
    // saying there is one answer so far.
    assert_eq!(after.sentences.len(), 11);
    assert!(after
        .sentences
        .iter()
        .all(|s| s.ends_with("Du har svarat en gång.")));
    // The table holds the same data as the chart.
    assert_eq!(chart.table.rows.len(), 11);

    // The page itself, for the participant's phone.
    let page = phone.get("/svara/min-resa").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Min resa"));
    assert!(page.text.contains("<svg"));
}

#[tokio::test]
async fn the_meeting_view_is_audited_and_a_rating_never_changes_the_answer() {
    let app = app("meeting").await;
    let org = app.organisation("Förbundet").await;
    let cm = app
        .staff(&org, "lots@forbund.se", &[Role::CaseManager])
        .await;
    let p = app.participant(&cm).await;
    app.stored_intake(&p, SID).await;
    let mut staff = app.signed_in(&cm, None).await;

    let view: MeetingView = staff
        .post("/api/staff/meeting", &format!("id={p}&previous=false"))
        .await
        .json();
    assert!(view.star.is_some());
    assert_eq!(view.indicators.len(), 11);
    assert_eq!(
        view.rating_occasion.as_ref().map(|o| o.0.as_str()),
        Some("intake:0")
    );
    let halsa = view.ratings.iter().find(|r| r.item_id == "halsa").unwrap();
    // The intake answered the first option everywhere: the worst level.
    assert!(
        halsa.participant.starts_with("Mycket dåligt"),
        "{}",
        halsa.participant
    );
    assert_eq!(halsa.staff, None);
    assert!(
        app.audit_of(&p)
            .await
            .iter()
            .any(|(action, by)| action == "read-meeting-view"
                && by.as_deref() == Some(cm.id.as_str()))
    );

    // The case manager rates "halsa" higher than the participant did.
    let answers_before = app
        .count(
            "SELECT COUNT(*) FROM answers WHERE submission_id = $1 AND value = '1'",
            SID,
        )
        .await;
    let res = staff
        .post(
            "/api/staff/rating",
            &format!("id={p}&occasion=intake:0&item=halsa&value=3"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let view: MeetingView = staff
        .post("/api/staff/meeting", &format!("id={p}&previous=false"))
        .await
        .json();
    let halsa = view.ratings.iter().find(|r| r.item_id == "halsa").unwrap();
    assert!(
        halsa.staff.as_deref().unwrap().ends_with("(3 av 5)"),
        "{:?}",
        halsa.staff
    );
    assert!(halsa.differs);
    assert!(halsa.participant.starts_with("Mycket dåligt"));
    // The participant's stored answers are untouched.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM answers WHERE submission_id = $1 AND value = '1'",
            SID
        )
        .await,
        answers_before
    );
    assert!(app
        .audit_of(&p)
        .await
        .iter()
        .any(|(action, _)| action == "record-rating"));

    // Bad ratings: an occasion without an answer, an unknown value, an item
    // that is no indicator.
    for body in [
        format!("id={p}&occasion=follow-up:1&item=halsa&value=3"),
        format!("id={p}&occasion=intake:0&item=halsa&value=9"),
        format!("id={p}&occasion=intake:0&item=ndi-helhet&value=3"),
    ] {
        let res = staff.post("/api/staff/rating", &body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.text
        );
    }
    let res = staff
        .post(
            "/api/staff/rating",
            &format!("id={p}&occasion=sometime&item=halsa&value=3"),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);

    // The page renders with the summary and the rating form.
    let page = staff.get(&format!("/personal/deltagare/{p}/mote")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Sammanfattning"));
    assert!(page.text.contains("Din bedömning"));
}
