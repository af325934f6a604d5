//! Many phones at once, over HTTP against a file-backed SQLite database in WAL
//! mode, as in production (an in-memory database would hide the locking): a
//! hundred participants send their check-ins at the same moment, each twice as
//! a phone that resends does; and a hundred connect their phones with code and
//! PIN, answer every question, sign out and in again with the PIN, change an
//! answer and send, all at the same moment. A busy database makes a request
//! wait; it must never answer 5xx, and every request gets the answer it would
//! get alone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, Client, TestApp, PIN};
use std::collections::BTreeMap;
use std::sync::Arc;
use stegvis_domain::occasion::OccasionKind;
use stegvis_store::{DraftRow, OccasionRef, Role};
use tokio::sync::Barrier;

/// How many participants act at the same moment.
const PHONES: usize = 100;

const INTAKE: OccasionRef = OccasionRef {
    kind: OccasionKind::Intake,
    number: 0,
};

/// A distinct submission id per participant.
fn submission_id(i: usize) -> String {
    format!("7c1e4a9e-0b5d-4f6a-8e2b-{i:012x}")
}

/// One request's answer, kept to report every unexpected one at the end.
struct Seen {
    phone: usize,
    path: &'static str,
    status: StatusCode,
    location: Option<String>,
    text: String,
}

impl std::fmt::Display for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "phone {} {}: {} {:?} {}",
            self.phone, self.path, self.status, self.location, self.text
        )
    }
}

impl Seen {
    /// Whether the server answered as it does to this request alone: 200 and
    /// a redirect to `to`.
    fn ok_to(&self, to: &str) -> bool {
        self.status == StatusCode::OK && self.location.as_deref() == Some(to)
    }
}

async fn post(phone: usize, client: &mut Client, path: &'static str, body: &str) -> Seen {
    let res = client.post(path, body).await;
    Seen {
        phone,
        path,
        status: res.status,
        location: res.location().map(str::to_owned),
        text: res.text.chars().take(200).collect(),
    }
}

/// Fails with every unexpected answer, grouped by status, when there is any.
fn assert_all_expected(what: &str, unexpected: &[Seen], total: usize) {
    if unexpected.is_empty() {
        return;
    }
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for seen in unexpected {
        *by_status.entry(seen.status.as_u16()).or_default() += 1;
    }
    let first: Vec<String> = unexpected.iter().take(5).map(Seen::to_string).collect();
    panic!(
        "{what}: {} of {total} requests were not answered as when alone \
         (by status: {by_status:?}); first ones:\n{}",
        unexpected.len(),
        first.join("\n")
    );
}

/// An app with one case manager and [`PHONES`] participants starting today.
async fn participants(name: &str) -> (TestApp, stegvis_store::StaffRow, Vec<String>) {
    let app = app(name).await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, &format!("cm-{name}@forbund.se"), &[Role::CaseManager])
        .await;
    let mut ids = Vec::with_capacity(PHONES);
    for _ in 0..PHONES {
        ids.push(app.participant(&cm).await);
    }
    (app, cm, ids)
}

/// Every intake item with its first option: (item id, form value).
fn first_options(app: &TestApp) -> Vec<(String, String)> {
    app.instrument
        .items_for(OccasionKind::Intake)
        .iter()
        .map(|item| (item.id.clone(), item.options[0].code.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_phones_sending_at_once_each_twice_store_one_check_in_each() {
    let (app, cm, participants) = participants("many-send").await;
    let answers: BTreeMap<String, String> = first_options(&app).into_iter().collect();
    // Connected phones with their answers saved, ready to send.
    let mut setup = Vec::new();
    for (i, participant) in participants.iter().enumerate() {
        let code = app.access_code(participant, &cm).await;
        let mut phone = app.client();
        let store = app.store.clone();
        let draft = DraftRow {
            submission_id: submission_id(i),
            occasion: INTAKE,
            instrument_version: app.instrument.version(),
            language: "sv".into(),
            answers: answers.clone(),
        };
        let participant = participant.clone();
        setup.push(tokio::spawn(async move {
            phone.connect_phone(&code, PIN).await;
            store.save_draft(&participant, &draft).await.unwrap();
            phone
        }));
    }
    let mut phones = Vec::with_capacity(PHONES);
    for task in setup {
        phones.push(task.await.unwrap());
    }

    // Every phone sends twice, all two hundred at the same moment.
    let start = Arc::new(Barrier::new(2 * PHONES));
    let mut sends = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        for _ in 0..2 {
            let mut phone = phone.clone();
            let start = start.clone();
            let body = format!("submission_id={}", submission_id(i));
            sends.push(tokio::spawn(async move {
                start.wait().await;
                post(i, &mut phone, "/api/check-in/submit", &body).await
            }));
        }
    }
    let mut unexpected = Vec::new();
    for task in sends {
        let seen = task.await.unwrap();
        if !seen.ok_to(app::check_in::THANKS_PATH) {
            unexpected.push(seen);
        }
    }
    assert_all_expected("sending", &unexpected, 2 * PHONES);

    // Exactly one check-in each, complete, and no draft left.
    let per_participant: Vec<(String, i64)> = {
        app.rows(
            "SELECT participant_id, COUNT(*) AS n FROM check_ins GROUP BY participant_id",
            &[],
        )
        .await
        .into_iter()
        .map(|r| {
            let n = r[1].as_deref().unwrap().parse().unwrap();
            (r[0].clone().unwrap(), n)
        })
        .collect()
    };
    assert_eq!(per_participant.len(), PHONES);
    assert!(per_participant.iter().all(|(_, n)| *n == 1));
    for (i, participant) in participants.iter().enumerate() {
        assert_eq!(
            app.store.check_in_owner(&submission_id(i)).await.unwrap(),
            Some(participant.clone())
        );
    }
    let items = i64::try_from(answers.len()).unwrap();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM answers").await,
        items * i64::try_from(PHONES).unwrap()
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM check_in_drafts").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_phones_signing_in_answering_and_sending_at_once_all_get_through() {
    let (app, cm, participants) = participants("many-answer").await;
    let answers = Arc::new(first_options(&app));
    let mut codes = Vec::with_capacity(PHONES);
    for participant in &participants {
        codes.push(app.access_code(participant, &cm).await);
    }

    // Each phone, all at the same moment: redeem the code, choose a PIN,
    // answer every question, sign out, sign in again with the PIN, change the
    // first answer and send.
    let start = Arc::new(Barrier::new(PHONES));
    let mut phones = Vec::new();
    for (i, code) in codes.into_iter().enumerate() {
        // Each phone on its own network address: attempts are counted per
        // address before they are checked, so a hundred codes typed at the
        // same moment from one address would meet its lockout.
        let mut phone = app
            .client()
            .at_address(&format!("10.7.{}.{}", i / 200, i % 200 + 1));
        let start = start.clone();
        let answers = answers.clone();
        phones.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let sid = submission_id(i);
            start.wait().await;
            seen.push((
                post(i, &mut phone, "/api/access/code", &format!("code={code}")).await,
                "/ny-pin".to_owned(),
            ));
            seen.push((
                post(
                    i,
                    &mut phone,
                    "/api/access/new-pin",
                    &format!("pin={PIN}&repeat={PIN}"),
                )
                .await,
                app::check_in::START_PATH.to_owned(),
            ));
            for (step, (item, value)) in answers.iter().enumerate() {
                let step = step + 1;
                let next = if step == answers.len() {
                    app::check_in::REVIEW_PATH.to_owned()
                } else {
                    app::check_in::question_path(step + 1)
                };
                let body =
                    format!("submission_id={sid}&step={step}&item={item}&answer={value}&go=next");
                seen.push((
                    post(i, &mut phone, "/api/check-in/answer", &body).await,
                    next,
                ));
            }
            seen.push((
                post(i, &mut phone, "/api/access/leave", "").await,
                "/".to_owned(),
            ));
            seen.push((
                post(i, &mut phone, "/api/access/pin", &format!("pin={PIN}")).await,
                app::check_in::START_PATH.to_owned(),
            ));
            let (item, _) = &answers[0];
            let body = format!("submission_id={sid}&step=1&item={item}&answer=declined&go=next");
            seen.push((
                post(i, &mut phone, "/api/check-in/answer", &body).await,
                app::check_in::question_path(2),
            ));
            seen.push((
                post(
                    i,
                    &mut phone,
                    "/api/check-in/submit",
                    &format!("submission_id={sid}"),
                )
                .await,
                app::check_in::THANKS_PATH.to_owned(),
            ));
            seen
        }));
    }
    let mut total = 0;
    let mut unexpected = Vec::new();
    for task in phones {
        for (seen, to) in task.await.unwrap() {
            total += 1;
            if !seen.ok_to(&to) {
                unexpected.push(seen);
            }
        }
    }
    assert_all_expected("signing in and answering", &unexpected, total);

    // Every phone is connected once and every check-in stored with all its
    // answers, the first one as changed after signing in again.
    for (i, participant) in participants.iter().enumerate() {
        assert_eq!(app.store.active_devices(participant).await.unwrap(), 1);
        let sid = submission_id(i);
        assert_eq!(
            app.store.check_in_owner(&sid).await.unwrap().as_ref(),
            Some(participant)
        );
        let stored = app.store.answers(&sid).await.unwrap();
        assert_eq!(stored.len(), answers.len());
        let first = stored.iter().find(|a| a.item_id == answers[0].0).unwrap();
        assert_eq!(
            first.value,
            stegvis_domain::instrument::AnswerValue::Declined
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM check_in_drafts").await, 0);
}
