//! Who may call what: the authorisation matrix of every server function, run
//! over HTTP against a real database, for six kinds of visitor — nobody, a
//! participant signed in on their phone, a case manager, an evaluator and an
//! admin (with two-factor) of organisation A, and an admin of A without
//! two-factor. Then the rules the matrix stands for, spelled out: another
//! organisation's participant is "not found" on every staff endpoint taking
//! an id, an evaluator never reaches a person's data, a participant's session
//! reaches only their own check-in, and admin work needs two-factor sign-in.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::StatusCode;
use common::{app, encode, Client, TestApp, PIN, SID};
use std::collections::BTreeSet;
use stegvis_store::{OrganisationRow, Role, StaffRow};

/// The kinds of visitor, in the column order of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    Participant,
    CaseManager,
    Evaluator,
    Admin,
    AdminWithout2fa,
}

const EVERYONE: [Who; 6] = [
    Who::Nobody,
    Who::Participant,
    Who::CaseManager,
    Who::Evaluator,
    Who::Admin,
    Who::AdminWithout2fa,
];

impl Who {
    fn slug(self) -> &'static str {
        match self {
            Who::Nobody => "nobody",
            Who::Participant => "participant",
            Who::CaseManager => "case-manager",
            Who::Evaluator => "evaluator",
            Who::Admin => "admin",
            Who::AdminWithout2fa => "admin-no-2fa",
        }
    }
}

/// Two organisations, staff of every role, and one client per kind of visitor.
struct World {
    app: TestApp,
    org_a: OrganisationRow,
    cm_a: StaffRow,
    cm_b: StaffRow,
    /// The participant whose phone is signed in (column "participant").
    own: String,
    /// Signed-in clients in [`EVERYONE`] order.
    clients: Vec<Client>,
}

async fn world(name: &str) -> World {
    let app = app(name).await;
    let org_a = app.organisation("Södertörn").await;
    let org_b = app.organisation("Norrtälje").await;
    let cm_a = app
        .staff(&org_a, "handlaggare@sodertorn.se", &[Role::CaseManager])
        .await;
    let evaluator = app
        .staff(&org_a, "utvarderare@sodertorn.se", &[Role::Evaluator])
        .await;
    let admin = app
        .staff(&org_a, "admin@sodertorn.se", &[Role::Admin])
        .await;
    let admin_secret = app.enable_totp(&admin).await;
    let admin_no_2fa = app
        .staff(&org_a, "admin2@sodertorn.se", &[Role::Admin])
        .await;
    let cm_b = app
        .staff(&org_b, "handlaggare@norrtalje.se", &[Role::CaseManager])
        .await;
    let own = app.participant(&cm_a).await;
    let clients = vec![
        app.client(),
        app.phone(&own, &cm_a).await,
        app.signed_in(&cm_a, None).await,
        app.signed_in(&evaluator, None).await,
        app.signed_in(&admin, Some(&admin_secret)).await,
        app.signed_in(&admin_no_2fa, None).await,
    ];
    World {
        app,
        org_a,
        cm_a,
        cm_b,
        own,
        clients,
    }
}

impl World {
    /// A fresh copy of the visitor's browser and session.
    async fn client(&self, who: Who) -> Client {
        let i = EVERYONE.iter().position(|w| *w == who).unwrap();
        self.clients[i].fork().await
    }
}

/// Participants a row acts on: `a` in organisation A, `b` in B, each with a
/// usable access code and a stored intake check-in; and a staff account of A
/// for the admin's account rows.
struct Targets {
    a: String,
    a_submission: String,
    b: String,
    b_submission: String,
    account: String,
    /// A programme of organisation A.
    programme: String,
    /// The server's own instrument version.
    default_version: String,
}

async fn targets(world: &World) -> Targets {
    let app = &world.app;
    let a = app.participant(&world.cm_a).await;
    let b = app.participant(&world.cm_b).await;
    app.access_code(&a, &world.cm_a).await;
    app.access_code(&b, &world.cm_b).await;
    let a_submission = app
        .stored_intake(&a, &format!("{}-0000-4000-8000-00000000000a", &a[..8]))
        .await;
    let b_submission = app
        .stored_intake(&b, &format!("{}-0000-4000-8000-00000000000b", &b[..8]))
        .await;
    let account = app
        .staff(
            &world.org_a,
            &format!("konto-{}@sodertorn.se", &a[..8]),
            &[Role::CaseManager],
        )
        .await
        .id;
    let programme = app
        .store
        .create_programme_in(
            &world.org_a.id,
            &format!("Insats {}", &a[..8]),
            stegvis_domain::schedule::Window::default(),
        )
        .await
        .unwrap()
        .id;
    Targets {
        a,
        a_submission,
        b,
        b_submission,
        account,
        programme,
        default_version: app.instrument.version(),
    }
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// One row of the matrix: an endpoint, the form it is sent, and the status
/// each kind of visitor gets, in [`EVERYONE`] order.
#[derive(Clone, Copy)]
struct Row {
    endpoint: &'static str,
    body: fn(&Targets, Who) -> String,
    expect: [u16; 6],
    sent_as: SentAs,
}

/// How a row's request is sent, as the app's own client sends that function.
#[derive(Clone, Copy)]
enum SentAs {
    /// A form post (every function but those below).
    Form,
    /// A GET with the body as the query string.
    Get,
    /// A JSON post (the phone's outbox).
    Json,
}

fn row(endpoint: &'static str, body: fn(&Targets, Who) -> String, expect: [u16; 6]) -> Row {
    Row {
        endpoint,
        body,
        expect,
        sent_as: SentAs::Form,
    }
}

impl Row {
    fn sent_as(self, sent_as: SentAs) -> Self {
        Self { sent_as, ..self }
    }

    /// Sends `body` to the row's function the way the app's own client does.
    async fn send(&self, client: &mut Client, body: &str) -> common::Reply {
        let path = format!("/api/{}", self.endpoint);
        match self.sent_as {
            SentAs::Form => client.post(&path, body).await,
            SentAs::Get => client.get(&format!("{path}?{body}")).await,
            SentAs::Json => {
                let json: serde_json::Value = serde_json::from_str(body).unwrap();
                client.post_json(&path, &json).await
            }
        }
    }
}

// Column order: nobody, participant, case manager, evaluator, admin, admin without 2FA.
const PUBLIC: [u16; 6] = [200; 6];
const ANY_STAFF: [u16; 6] = [401, 401, 200, 200, 200, 200];
const PARTICIPANT: [u16; 6] = [401, 200, 401, 401, 401, 401];
const CASE_MANAGER: [u16; 6] = [401, 401, 200, 403, 403, 403];
const ADMIN: [u16; 6] = [401, 401, 403, 403, 200, 403];
const EVALUATOR: [u16; 6] = [401, 401, 403, 200, 403, 403];
/// Admins and evaluators: the instruments and their history.
const READER: [u16; 6] = [401, 401, 403, 200, 200, 403];

/// A small valid instrument, as an upload sends it.
const UPLOADED: &str = "source=id+%3D+%22behorighet%22%0Alanguages+%3D+%5B%22sv%22%5D%0Aname+%3D+%7B+sv+%3D+%22Prov%22+%7D%0A%0A%5B%5Bitems%5D%5D%0Aid+%3D+%22behorighet-fraga%22%0Adomain+%3D+%22life%22%0Akind+%3D+%22yes-no%22%0Aoccasions+%3D+%5B%22intake%22%5D%0Atext+%3D+%7B+sv+%3D+%22Fr%C3%A5ga%22+%7D%0Aoptions+%3D+%5B%7B+text+%3D+%7B+sv+%3D+%22Ja%22+%7D+%7D%2C+%7B+text+%3D+%7B+sv+%3D+%22Nej%22+%7D+%7D%2C+%7B+text+%3D+%7B+sv+%3D+%22Vet+inte%22+%7D+%7D%5D%0A";

fn nothing(_: &Targets, _: Who) -> String {
    String::new()
}

/// Every server function. Forms are valid where a visitor may call the
/// function, so an allowed call succeeds (200) unless noted: wrong
/// passwords and codes (422), a step taken out of order (401, 409).
fn matrix() -> Vec<Row> {
    vec![
        // ---- staff sign-in and account ----
        row("me", nothing, PUBLIC),
        // An unknown account: refused as a wrong password, for anyone.
        row(
            "login",
            |_, who| {
                format!(
                    "email=nobody-{}%40forbund.se&password=fel-losenord-99",
                    who.slug()
                )
            },
            [422; 6],
        ),
        // Nobody has passed the password step in these sessions.
        row("login/code", |_, _| "code=123456".into(), [401; 6]),
        row("logout", nothing, PUBLIC),
        row(
            "account/password",
            |_, _| {
                "current=fel-losenord-99&new_password=ett-nytt-losenord&repeat=ett-nytt-losenord"
                    .into()
            },
            [401, 401, 422, 422, 422, 422],
        ),
        row("account/two-factor", nothing, ANY_STAFF),
        row("account/sessions", nothing, ANY_STAFF),
        // A session nobody has: not found for staff.
        row(
            "account/sessions/end",
            |_, _| format!("key={}", "0".repeat(64)),
            [401, 401, 404, 404, 404, 404],
        ),
        row(
            "account/confirm-password",
            |_, _| "password=fel-losenord-99".into(),
            [401, 401, 422, 422, 422, 422],
        ),
        // A link nobody made: not found, for anyone.
        row(
            "password-reset/check",
            |_, _| "token=abc123".into(),
            [404; 6],
        ),
        row(
            "password-reset",
            |_, _| "token=abc123&new_password=ett-nytt-losenord&repeat=ett-nytt-losenord".into(),
            [404; 6],
        ),
        // No secret was shown in these sessions: nothing to confirm.
        row(
            "account/two-factor/confirm",
            |_, _| "code=000000&password=fel-losenord-99".into(),
            [401, 401, 409, 409, 409, 409],
        ),
        // ---- participant access ----
        row("access/state", nothing, PUBLIC),
        row("access/code", |_, _| "code=AAAA-AAAA".into(), [422; 6]),
        // No code was accepted in these sessions.
        row(
            "access/new-pin",
            |_, _| "pin=1234&repeat=1234".into(),
            [401; 6],
        ),
        // Only the phone knows its device cookie.
        row("access/pin", |_, _| format!("pin={PIN}"), PARTICIPANT),
        row("access/leave", nothing, PUBLIC),
        // ---- the check-in: the session's own participant only ----
        row("check-in/overview", nothing, PARTICIPANT),
        row("check-in/question", |_, _| "step=1".into(), PARTICIPANT),
        row(
            "check-in/answer",
            |_, _| format!("submission_id={SID}&step=1&item=halsa&answer=3&go=next"),
            PARTICIPANT,
        ),
        row("check-in/review", nothing, PARTICIPANT),
        row("check-in/package", nothing, PARTICIPANT).sent_as(SentAs::Get),
        // A phone can only send its own participant's answers: another's
        // are refused (and wait on the phone) before anything is looked at.
        row(
            "check-in/send",
            |t, _| {
                serde_json::json!({
                    "submission_id": "0b0b7f55-2a53-4a8e-9a53-61b7f0c2d9ac",
                    "participant": t.b,
                    "occasion_kind": "intake",
                    "occasion_number": 0,
                    "instrument_version": "x",
                    "language": "sv",
                    "answers": {},
                    "answered_at": "2026-01-01T00:00:00Z",
                })
                .to_string()
            },
            [401, 403, 401, 401, 401, 401],
        )
        .sent_as(SentAs::Json),
        row("journey", nothing, PARTICIPANT),
        row("my-answers", nothing, PARTICIPANT),
        row(
            "my-answers/download",
            |_, _| "format=csv".into(),
            PARTICIPANT,
        )
        .sent_as(SentAs::Get),
        // The participant gets past the sign-in, to "nothing to send" for an unknown id.
        row(
            "check-in/submit",
            |_, _| "submission_id=0b0b7f55-2a53-4a8e-9a53-61b7f0c2d9ab".into(),
            [401, 422, 401, 401, 401, 401],
        ),
        row(
            "preferences",
            |_, _| "lang=sv&pictures=on&size=normal&return_to=%2F".into(),
            PUBLIC,
        ),
        // ---- the case manager's side ----
        row("staff/caseload", |_, _| "scope=all".into(), CASE_MANAGER),
        row("staff/registration-options", nothing, CASE_MANAGER),
        row(
            "staff/register",
            |_, _| format!("gender=man&start_date={}", today()),
            CASE_MANAGER,
        ),
        row(
            "staff/participant",
            |t, _| format!("id={}", t.a),
            CASE_MANAGER,
        ),
        row(
            "staff/exit",
            |t, _| format!("id={}&exit_date={}&outcome=arbete", t.a, today()),
            CASE_MANAGER,
        ),
        row(
            "staff/access-code",
            |t, _| format!("id={}", t.a),
            CASE_MANAGER,
        ),
        // The sheet shows a code only in the session that just created it;
        // this case manager created none, so there is nothing to show.
        row(
            "staff/access-sheet",
            |t, _| format!("id={}", t.a),
            [401, 401, 404, 403, 403, 403],
        ),
        row(
            "staff/revoke-access",
            |t, _| format!("id={}", t.a),
            CASE_MANAGER,
        ),
        row(
            "staff/answers",
            |t, _| format!("id={}&submission={}", t.a, t.a_submission),
            CASE_MANAGER,
        ),
        row("staff/assist", |t, _| format!("id={}", t.a), CASE_MANAGER),
        row(
            "staff/meeting",
            |t, _| format!("id={}&previous=true", t.a),
            CASE_MANAGER,
        ),
        row(
            "staff/rating",
            |t, _| format!("id={}&occasion=intake:0&item=halsa&value=3", t.a),
            CASE_MANAGER,
        ),
        row("staff/assist/stop", nothing, ANY_STAFF),
        row(
            "staff/participant-answers",
            |t, _| format!("id={}", t.a),
            CASE_MANAGER,
        ),
        row(
            "staff/participant-lifecycle",
            |t, _| format!("id={}", t.a),
            CASE_MANAGER,
        ),
        // The case manager's withdrawal erases `a` (the default setting).
        row(
            "staff/withdraw-consent",
            |t, _| format!("id={}&date={}&how=verbally", t.a, today()),
            CASE_MANAGER,
        ),
        row(
            "staff/erasure-request",
            |t, _| format!("id={}&reason=Deltagaren+bad+om+det", t.a),
            CASE_MANAGER,
        ),
        // ---- the admin's side ----
        row("admin/staff", nothing, ADMIN),
        row(
            "admin/staff/create",
            |_, who| {
                format!(
                    "name=Ny+Person&email=ny-{}%40sodertorn.se&password=ett-langt-losenord&case_manager=on",
                    who.slug()
                )
            },
            ADMIN,
        ),
        row("admin/settings", nothing, ADMIN),
        row(
            "admin/settings/save",
            |_, _| "code_lifetime_days=14&small_cell_k=5".into(),
            ADMIN,
        ),
        row("admin/programmes", nothing, ADMIN),
        row(
            "admin/programmes/create",
            |_, who| format!("name=Insats+{}&before_days=7&after_days=14", who.slug()),
            ADMIN,
        ),
        row("admin/audit", nothing, ADMIN),
        row("admin/lifecycle", nothing, ADMIN),
        row(
            "admin/lifecycle/save",
            |_, _| "months_after_exit=24&months_inactive=36".into(),
            ADMIN,
        ),
        // A request nobody made: not found for an admin.
        row(
            "admin/erasure/confirm",
            |_, _| "request=okand".into(),
            [401, 401, 403, 403, 404, 403],
        ),
        row(
            "admin/erasure/decline",
            |_, _| "request=okand".into(),
            [401, 401, 403, 403, 404, 403],
        ),
        row(
            "admin/staff/account",
            |t, _| format!("id={}", t.account),
            ADMIN,
        ),
        row(
            "admin/staff/disable",
            |t, _| format!("id={}", t.account),
            ADMIN,
        ),
        row(
            "admin/staff/enable",
            |t, _| format!("id={}", t.account),
            ADMIN,
        ),
        row(
            "admin/staff/reset-password",
            |t, _| format!("id={}", t.account),
            ADMIN,
        ),
        row(
            "admin/staff/reset-two-factor",
            |t, _| format!("id={}", t.account),
            ADMIN,
        ),
        row("admin/languages", nothing, ADMIN),
        row("admin/languages/confirm", |_, _| "lang=so".into(), ADMIN),
        // ---- instruments: admins manage, evaluators read ----
        row("admin/instruments", nothing, READER),
        row("admin/instruments/upload", |_, _| UPLOADED.into(), ADMIN),
        row(
            "admin/instruments/activate",
            |t, _| {
                format!(
                    "programme={}&version={}",
                    t.programme,
                    encode(&t.default_version)
                )
            },
            ADMIN,
        ),
        // Nothing was uploaded to retire: not found for an admin.
        row(
            "admin/instruments/retire",
            |_, _| "version=okand%400000".into(),
            [401, 401, 403, 403, 404, 403],
        ),
        row(
            "admin/instruments/preview",
            |t, _| {
                format!(
                    "version={}&occasion=intake&lang=sv",
                    encode(&t.default_version)
                )
            },
            READER,
        ),
        // ---- the evaluator's side: counts only ----
        row("evaluator/overview", nothing, EVALUATOR),
        row("evaluator/statistics", nothing, EVALUATOR),
    ]
}

#[tokio::test]
async fn every_server_function_answers_each_kind_of_visitor_as_the_matrix_says() {
    let world = world("matrix").await;
    let app = &world.app;
    let mut wrong = Vec::new();
    for row in matrix() {
        // Fresh participants per row, so what one row does (revoking access,
        // recording an exit) cannot change what the next row sees.
        let t = targets(&world).await;
        for (i, who) in EVERYONE.into_iter().enumerate() {
            let mut client = world.client(who).await;
            let body = (row.body)(&t, who);
            let res = row.send(&mut client, &body).await;
            if res.status.as_u16() != row.expect[i] {
                wrong.push(format!(
                    "{:<28} {:<13} expected {} got {}: {}",
                    row.endpoint,
                    who.slug(),
                    row.expect[i],
                    res.status.as_u16(),
                    res.text.chars().take(160).collect::<String>()
                ));
            }
        }
        // Whatever the row did to `a`, only the case manager of A did it; `b`
        // was never touched by anyone.
        for (action, staff) in app.audit_of(&t.a).await {
            if staff.as_deref() != Some(world.cm_a.id.as_str()) {
                wrong.push(format!("{}: audit {action} by {staff:?}", row.endpoint));
            }
        }
        let b_audit = app.audit_of(&t.b).await;
        if !b_audit.is_empty() {
            wrong.push(format!("{}: audit of B {b_audit:?}", row.endpoint));
        }
        let b_unchanged = app
            .count(
                "SELECT COUNT(*) FROM participants WHERE id = $1 AND exit_date IS NULL",
                &t.b,
            )
            .await;
        if b_unchanged != 1
            || app
                .store
                .usable_access_code(&t.b, chrono::Utc::now())
                .await
                .unwrap()
                .is_none()
        {
            wrong.push(format!("{}: B's participant changed", row.endpoint));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));

    // `me` tells each visitor who they are.
    let mut seen = Vec::new();
    for who in EVERYONE {
        let viewer: app::auth::Viewer = world.client(who).await.post("/api/me", "").await.json();
        seen.push(match viewer {
            app::auth::Viewer::Nobody => "nobody".to_owned(),
            app::auth::Viewer::Participant => "participant".to_owned(),
            app::auth::Viewer::Staff(s) => format!(
                "staff{}{}{}{}",
                if s.case_manager { " cm" } else { "" },
                if s.evaluator { " eval" } else { "" },
                if s.admin { " admin" } else { "" },
                if s.two_factor { " 2fa" } else { "" },
            ),
        });
    }
    assert_eq!(
        seen,
        [
            "nobody",
            "participant",
            "staff cm",
            "staff eval",
            "staff admin 2fa",
            "staff admin"
        ]
    );
    // The participant's own draft is the only one the check-in rows made.
    let drafts = app
        .count(
            "SELECT COUNT(*) FROM check_in_drafts WHERE participant_id != $1",
            &world.own,
        )
        .await;
    assert_eq!(drafts, 0);
}

#[test]
fn the_matrix_names_every_server_function_once() {
    let in_source: BTreeSet<String> = common::arguments_in_source().into_keys().collect();
    assert!(in_source.len() > 30, "{in_source:?}");
    let names: Vec<&str> = matrix().iter().map(|r| r.endpoint).collect();
    let in_matrix: BTreeSet<String> = names.iter().map(|n| (*n).to_owned()).collect();
    assert_eq!(names.len(), in_matrix.len(), "a row is repeated");
    assert_eq!(
        in_source.difference(&in_matrix).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions without a row in the matrix"
    );
    assert_eq!(
        in_matrix.difference(&in_source).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "rows for server functions that no longer exist"
    );
}

/// The staff endpoints that take a participant id, with a form naming `id`.
fn with_participant(id: &str, submission: &str) -> Vec<(&'static str, String)> {
    vec![
        ("staff/participant", format!("id={id}")),
        (
            "staff/exit",
            format!("id={id}&exit_date={}&outcome=arbete", today()),
        ),
        ("staff/access-code", format!("id={id}")),
        ("staff/access-sheet", format!("id={id}")),
        ("staff/revoke-access", format!("id={id}")),
        ("staff/answers", format!("id={id}&submission={submission}")),
        ("staff/assist", format!("id={id}")),
        ("staff/meeting", format!("id={id}&previous=true")),
        (
            "staff/rating",
            format!("id={id}&occasion=intake:0&item=halsa&value=3"),
        ),
        ("staff/participant-answers", format!("id={id}")),
        ("staff/participant-lifecycle", format!("id={id}")),
        (
            "staff/withdraw-consent",
            format!("id={id}&date={}&how=verbally", today()),
        ),
        (
            "staff/erasure-request",
            format!("id={id}&reason=Deltagaren+bad+om+det"),
        ),
    ]
}

#[tokio::test]
async fn another_organisations_participant_is_not_found_on_every_staff_endpoint() {
    let world = world("other-org").await;
    let app = &world.app;
    let t = targets(&world).await;
    // B's participant has a connected phone and, after that, a fresh code.
    let mut b_phone = app.phone(&t.b, &world.cm_b).await;
    let b_code = app.access_code(&t.b, &world.cm_b).await;
    let mut cm = world.client(Who::CaseManager).await;

    let endpoints = with_participant(&t.b, &t.b_submission);
    // Every endpoint of the case manager's side that takes an id is listed.
    let listed: BTreeSet<&str> = endpoints.iter().map(|(e, _)| *e).collect();
    let taking_id: BTreeSet<&str> = matrix()
        .iter()
        .filter(|r| r.endpoint.starts_with("staff/"))
        .filter(|r| (r.body)(&t, Who::CaseManager).contains(&t.a))
        .map(|r| r.endpoint)
        .collect();
    assert_eq!(listed, taking_id);

    for (endpoint, body) in &endpoints {
        let res = cm.post(&format!("/api/{endpoint}"), body).await;
        assert_eq!(
            res.status,
            StatusCode::NOT_FOUND,
            "{endpoint}: {}",
            res.text
        );
        assert!(
            res.text.contains("Deltagaren finns inte"),
            "{endpoint}: {}",
            res.text
        );
    }
    // The same id as an unknown one: the answer says nothing about B.
    let unknown = cm
        .post(
            "/api/staff/participant",
            "id=00000000-0000-4000-8000-000000000000",
        )
        .await;
    let known = cm
        .post("/api/staff/participant", &format!("id={}", t.b))
        .await;
    assert_eq!((unknown.status, &unknown.text), (known.status, &known.text));
    // B's check-in under A's participant's id: not found either.
    let res = cm
        .post(
            "/api/staff/answers",
            &format!("id={}&submission={}", t.a, t.b_submission),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    assert!(!res.text.contains(&app.first_question()), "{}", res.text);
    // The pages say the same with their status.
    for path in [
        format!("/personal/deltagare/{}", t.b),
        format!("/personal/deltagare/{}/svar/{}", t.b, t.b_submission),
        format!("/personal/deltagare/{}/blad", t.b),
        format!("/personal/deltagare/{}/mote", t.b),
        format!("/personal/deltagare/{}/alla-svar", t.b),
    ] {
        let page = cm.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.text.contains(&b_code), "{path}");
    }

    // Nothing happened to B: no exit, the code still works, the phone is
    // still connected and signed in, and no record of anyone looking.
    let not_exited = app
        .count(
            "SELECT COUNT(*) FROM participants WHERE id = $1 AND exit_date IS NULL",
            &t.b,
        )
        .await;
    assert_eq!(not_exited, 1);
    let code = app.store.access_code(&b_code).await.unwrap().unwrap();
    assert!(code.usable_at(chrono::Utc::now()));
    assert_eq!(app.store.active_devices(&t.b).await.unwrap(), 1);
    assert_eq!(
        b_phone.post("/api/check-in/overview", "").await.status,
        StatusCode::OK
    );
    assert!(app.audit_of(&t.b).await.is_empty());
    // "Answer together" did not start for B on the case manager's device.
    let res = cm.post("/api/check-in/overview", "").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
    // And B is in no list of A's.
    let caseload: app::staff::Caseload = cm.post("/api/staff/caseload", "scope=all").await.json();
    assert!(caseload.rows.iter().all(|r| r.id != t.b));
    assert!(caseload.rows.iter().any(|r| r.id == t.a));
}

#[tokio::test]
async fn an_evaluator_never_reaches_a_persons_data() {
    let world = world("evaluator").await;
    let app = &world.app;
    let t = targets(&world).await;
    let mut evaluator = world.client(Who::Evaluator).await;
    let mut individual = with_participant(&t.a, &t.a_submission);
    individual.extend([
        ("staff/caseload", "scope=all".to_owned()),
        ("staff/registration-options", String::new()),
        (
            "staff/register",
            format!("gender=man&start_date={}", today()),
        ),
    ]);
    for (endpoint, body) in &individual {
        let res = evaluator.post(&format!("/api/{endpoint}"), body).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.text
        );
        assert!(res.text.contains("behörighet"), "{endpoint}: {}", res.text);
    }
    for path in [
        "/personal".to_owned(),
        format!("/personal/deltagare/{}", t.a),
        format!("/personal/deltagare/{}/svar/{}", t.a, t.a_submission),
        format!("/personal/deltagare/{}/blad", t.a),
        format!("/personal/deltagare/{}/mote", t.a),
    ] {
        let page = evaluator.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.text.contains(&app.first_question()), "{path}");
    }
    // No check-in runs on the evaluator's device either.
    let res = evaluator.post("/api/check-in/question", "step=1").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);

    // The overview holds counts, with small groups hidden.
    let overview: app::admin::EvaluatorOverview =
        evaluator.post("/api/evaluator/overview", "").await.json();
    let women = overview
        .by_gender
        .iter()
        .find(|g| g.group == "Kvinna")
        .unwrap();
    // Two women in A (the signed-in participant and this test's `a`), below k = 5.
    assert_eq!(women.shown, format!("färre än {}", overview.threshold));
    let text = serde_json::to_string(&overview).unwrap();
    for person in [&t.a, &world.own, &t.a_submission] {
        assert!(!text.contains(person.as_str()), "{text}");
    }
    assert!(app.audit_of(&t.a).await.is_empty());
}

#[tokio::test]
async fn a_participants_session_reaches_only_their_own_check_in() {
    let world = world("own").await;
    let app = &world.app;
    let mut x = world.client(Who::Participant).await;
    let y = app.participant(&world.cm_a).await;
    let mut y_phone = app.phone(&y, &world.cm_a).await;
    let open = |o: app::check_in::Overview| match o {
        app::check_in::Overview::Open {
            answered, total, ..
        } => (answered, total),
        other => panic!("{other:?}"),
    };

    // X answers two questions; the check-in endpoints show X's progress to X only.
    let items = app
        .instrument
        .items_for(stegvis_domain::occasion::OccasionKind::Intake);
    let first_answer = items[0].options[1].code.clone();
    for (step, item) in items.iter().take(2).enumerate() {
        let res = x
            .post(
                "/api/check-in/answer",
                &format!(
                    "submission_id={SID}&step={}&item={}&answer={}&go=next",
                    step + 1,
                    item.id,
                    item.options[1].code
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let (x_answered, total) = open(x.post("/api/check-in/overview", "").await.json());
    assert_eq!((x_answered, total), (2, items.len()));
    let (y_answered, _) = open(y_phone.post("/api/check-in/overview", "").await.json());
    assert_eq!(y_answered, 0);
    let question: app::check_in::QuestionView =
        x.post("/api/check-in/question", "step=1").await.json();
    assert_eq!(question.selected, Some(first_answer));
    let question: app::check_in::QuestionView = y_phone
        .post("/api/check-in/question", "step=1")
        .await
        .json();
    assert_eq!(question.selected, None);
    assert_ne!(question.submission_id, SID, "Y's check-in is not X's");

    // Y's answers are stored: X's session cannot read them, nor Y's page.
    let y_sub = app
        .stored_intake(&y, "7c0b7f55-2a53-4a8e-9a53-61b7f0c2d9ac")
        .await;
    for (endpoint, body) in with_participant(&y, &y_sub) {
        let res = x.post(&format!("/api/{endpoint}"), &body).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.text
        );
    }
    let page = x
        .get(&format!("/personal/deltagare/{y}/svar/{y_sub}"))
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    // Sending Y's submission id from X's session does not touch Y's check-in.
    let res = x
        .post("/api/check-in/submit", &format!("submission_id={y_sub}"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(app.store.answers(&y_sub).await.unwrap().len(), items.len());

    let x_drafts = app
        .count(
            "SELECT COUNT(*) FROM check_in_drafts WHERE participant_id = $1",
            &world.own,
        )
        .await;
    let y_drafts = app
        .count(
            "SELECT COUNT(*) FROM check_in_drafts WHERE participant_id = $1",
            &y,
        )
        .await;
    assert_eq!((x_drafts, y_drafts), (1, 0));
    assert!(app.audit_of(&y).await.is_empty());
}

#[tokio::test]
async fn admin_work_needs_two_factor_sign_in() {
    let world = world("two-factor").await;
    let app = &world.app;
    let mut admin = world.client(Who::AdminWithout2fa).await;
    let admin_work = [
        ("admin/staff", String::new()),
        (
            "admin/staff/create",
            "name=Ny&email=ny%40sodertorn.se&password=ett-langt-losenord&evaluator=on".to_owned(),
        ),
        ("admin/programmes", String::new()),
        (
            "admin/programmes/create",
            "name=Kurs&before_days=7&after_days=14".to_owned(),
        ),
        ("admin/audit", String::new()),
    ];
    for (endpoint, body) in &admin_work {
        let res = admin.post(&format!("/api/{endpoint}"), body).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.text
        );
        assert!(
            res.text.contains("tvåstegsinloggning"),
            "{endpoint}: {}",
            res.text
        );
    }
    assert!(app
        .store
        .staff_credentials("ny@sodertorn.se")
        .await
        .unwrap()
        .is_none());
    assert!(app
        .store
        .programmes(&world.org_a.id)
        .await
        .unwrap()
        .is_empty());

    // Turning two-factor on: a secret to scan, then the first code confirms it.
    let setup: app::auth::TwoFactorSetup = admin.post("/api/account/two-factor", "").await.json();
    let app::auth::TwoFactorSetup::Pending {
        secret,
        otpauth_url,
        ..
    } = setup
    else {
        panic!("two-factor is not on yet");
    };
    assert!(otpauth_url.contains(&secret));
    let password = encode(common::PASSWORD);
    let res = admin
        .post(
            "/api/account/two-factor/confirm",
            &format!("code=000000&password={password}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let code = common::current_code(&secret, "admin2@sodertorn.se");
    let res = admin
        .post(
            "/api/account/two-factor/confirm",
            &format!("code={code}&password={password}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let stored = app
        .store
        .staff_credentials("admin2@sodertorn.se")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.totp_secret.as_deref(), Some(secret.as_str()));

    // From now on the admin's work is open, and signing in takes the code.
    let res = admin.post("/api/admin/staff", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let mut again = app.client();
    let res = again.log_in("admin2@sodertorn.se", common::PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.location(), Some("/logga-in/kod"));
    let res = again.post("/api/admin/staff", "").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
    let res = again.post("/api/login/code", &format!("code={code}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let staff: Vec<app::admin::StaffAccount> = again.post("/api/admin/staff", "").await.json();
    assert!(staff
        .iter()
        .any(|s| s.email == "admin2@sodertorn.se" && s.two_factor));
}

/// Text no field may store and no message may repeat: every C0 control
/// character and DEL, the bidirectional embeddings, overrides, isolates and
/// marks, and the byte order mark, each inside an ordinary word.
fn hostile_values() -> Vec<String> {
    let mut chars: Vec<char> = (0..=0x1F_u32)
        .chain([0x7F])
        .filter_map(char::from_u32)
        .collect();
    chars.extend([
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{FEFF}',
    ]);
    let mut values: Vec<String> = chars.iter().map(|c| format!("Anna{c}Lind")).collect();
    values.push("\u{0}".into());
    values.push("\u{202E}\u{0}\u{FEFF}\r\n".into());
    values
}

/// Puts `value` into the field `name` of a form body (replacing it, or adding it).
fn with_field(body: &str, name: &str, value: &str) -> String {
    let mut pairs: Vec<String> = body
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{name}={}", encode(value)));
    pairs.join("&")
}

#[tokio::test]
async fn no_control_or_direction_character_in_any_field_of_any_server_function_breaks_the_server() {
    let world = world("hostile").await;
    let app = &world.app;
    let arguments = common::arguments_in_source();
    let hostile = hostile_values();
    // Close to the body limit once percent-encoded: never echoed back whole.
    let huge = format!("{}\u{202E}", "å".repeat(9_000));
    let mut wrong = Vec::new();
    let mut sent = 0;
    for row in matrix() {
        let t = targets(&world).await;
        let args = arguments
            .get(row.endpoint)
            .unwrap_or_else(|| panic!("{} is not in the source", row.endpoint));
        // Signed in as a visitor the function serves, or as anyone when it serves no one here.
        let who = EVERYONE
            .iter()
            .zip(row.expect)
            .find(|(_, status)| (200..300).contains(status))
            .or_else(|| {
                EVERYONE
                    .iter()
                    .zip(row.expect)
                    .find(|(_, s)| ![401, 403].contains(s))
            })
            .map_or(Who::Nobody, |(who, _)| *who);
        let base = (row.body)(&t, who);
        for (name, ty) in args {
            for value in hostile.iter().chain([&huge]) {
                let mut client = world.client(who).await;
                let body = match row.sent_as {
                    SentAs::Json => {
                        let mut json: serde_json::Value = serde_json::from_str(&base).unwrap();
                        json[name.as_str()] = if ty.contains("Map") {
                            let mut map = serde_json::Map::new();
                            map.insert(value.clone(), value.clone().into());
                            serde_json::Value::Object(map)
                        } else {
                            serde_json::Value::String(value.clone())
                        };
                        json.to_string()
                    }
                    SentAs::Form | SentAs::Get => with_field(&base, name, value),
                };
                let task = tokio::spawn(async move { row.send(&mut client, &body).await });
                sent += 1;
                let shown = value
                    .escape_unicode()
                    .to_string()
                    .chars()
                    .take(60)
                    .collect::<String>();
                let res = match task.await {
                    Ok(res) => res,
                    Err(e) => {
                        wrong.push(format!("{} {name}={shown}: no answer ({e})", row.endpoint));
                        continue;
                    }
                };
                let status = res.status.as_u16();
                if status >= 500 {
                    wrong.push(format!(
                        "{} {name}={shown}: {status} {}",
                        row.endpoint,
                        res.text.chars().take(200).collect::<String>()
                    ));
                }
                if (400..500).contains(&status) {
                    // A clear message, quoting at most a short excerpt, with no
                    // invisible character in it.
                    let invisible = res
                        .text
                        .chars()
                        .any(|c| stegvis_domain::text::is_forbidden(c) && c != '\n');
                    if res.text.chars().count() > 600 || invisible || res.text.trim().is_empty() {
                        wrong.push(format!(
                            "{} {name}={shown}: {status} message {:?}",
                            row.endpoint,
                            res.text.chars().take(200).collect::<String>()
                        ));
                    }
                }
            }
        }
    }
    assert!(sent > 1_000, "only {sent} requests were made");
    // Nothing with such a character was stored in any name.
    for query in [
        "SELECT name FROM staff",
        "SELECT email FROM staff",
        "SELECT name FROM programmes",
        "SELECT name FROM organisations",
        "SELECT COALESCE(municipality, '') FROM participants",
    ] {
        for row in app.store.test_sql().rows(query, &[]).await.unwrap() {
            let text = row[0].clone().unwrap_or_default();
            if text.chars().any(stegvis_domain::text::is_forbidden) {
                wrong.push(format!("{query}: stored {}", text.escape_unicode()));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
