//! Shared setup for the HTTP tests: a fresh database per test (SQLite, or
//! PostgreSQL with `STEGVIS_TEST_ENGINE=postgres`: stegvis_store::testing), the
//! whole router, a small cookie-keeping client over `Router::oneshot`, and
//! helpers that create organisations, staff, participants and access codes
//! straight in the store, then sign in the way a browser does.

#![allow(dead_code)] // each test file uses its own part of this module

use app::state::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use leptos::config::LeptosOptions;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use stegvis_domain::instrument::{AnswerValue, Instrument};
use stegvis_domain::occasion::OccasionKind;
use stegvis_server::http::{router, SESSION_COOKIE};
use stegvis_store::testing::TestDatabase;
use stegvis_store::{NewCheckIn, NewParticipant, NewStaff, OrganisationRow, Role, StaffRow, Store};
use tower::ServiceExt;

pub use stegvis_store::test_sql::SqlValue;

/// The instrument every test runs with.
pub const SOURCE: &str = include_str!("../../../instruments/stegvis-bas.toml");

/// The password of every staff account the tests create.
pub const PASSWORD: &str = "rätt-lösenord-123";

/// A password no test account has.
pub const WRONG_PASSWORD: &str = "fel-losenord-99";

/// The PIN every test phone chooses.
pub const PIN: &str = "4821";

/// The device cookie a connected phone keeps.
pub const DEVICE_COOKIE: &str = app::access::ssr::DEVICE_COOKIE;

/// A submission id for check-ins sent in tests.
pub const SID: &str = "5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa";

/// How long a test request may take, body and all, before the test fails
/// naming it instead of hanging the run: far longer than any request takes
/// on a loaded machine.
pub const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// One router over one database of its own, removed on drop.
pub struct TestApp {
    pub router: Router,
    /// The state the router was built from, for a router with other limits.
    pub state: AppState,
    /// The store; `store.test_sql()` for raw queries it has no method for.
    pub store: Store,
    pub instrument: Instrument,
    /// The temporary directory: site files.
    pub dir: PathBuf,
    /// The test's own database, removed after the test.
    pub db: TestDatabase,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh app named after the test (the name keeps directories apart).
pub async fn app(name: &str) -> TestApp {
    app_with(name, |state| state).await
}

/// A fresh app whose state is adjusted first (say, behind a proxy).
pub async fn app_with(name: &str, adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
    let dir = std::env::temp_dir().join(format!("stegvis-http-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    std::fs::write(
        dir.join("site/pkg/stegvis.css"),
        "body { color: black; }\n".repeat(200),
    )
    .unwrap();
    std::fs::write(
        dir.join("site/manifest.webmanifest"),
        "{\"name\":\"Stegvis\"}",
    )
    .unwrap();
    let db = TestDatabase::migrated().await;
    let store = Store::connect(&db.url)
        .await
        .unwrap()
        .with_secrets(stegvis_store::Keyring::for_tests());
    store.migrate().await.unwrap();
    let instrument = Instrument::from_toml(SOURCE).unwrap();
    store
        .register_instrument(&instrument, SOURCE)
        .await
        .unwrap();
    let options = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(dir.join("site").display().to_string())
        .build();
    let state = adjust(AppState::new(store.clone(), options, instrument.clone()));
    TestApp {
        router: router(state.clone()),
        state,
        store,
        instrument,
        dir,
        db,
    }
}

/// The argon2id hash of [`PASSWORD`], made once: hashing is slow on purpose.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| app::auth::ssr::hash_secret(PASSWORD).unwrap())
}

/// A fresh code in the access-code alphabet, `XXXX-XXXX` (or `XXX-XXX` for
/// six symbols), distinct within a test run.
pub fn fresh_code(symbols: usize) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let alphabet = stegvis_domain::access::CODE_ALPHABET.as_bytes();
    let mut n = NEXT.fetch_add(1, Ordering::Relaxed) as usize;
    let mut chars: Vec<char> = (0..symbols)
        .map(|_| {
            let c = char::from(alphabet[n % alphabet.len()]);
            n /= alphabet.len();
            c
        })
        .collect();
    chars.reverse();
    let (first, second) = chars.split_at(symbols / 2);
    format!(
        "{}-{}",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    )
}

impl TestApp {
    /// Another server on the same database, as a second process behind a
    /// load balancer would be: a store of its own (its own connection pool
    /// and caches), its own state and router; nothing is shared with this
    /// one but the database. (The app keeps no other state: sessions,
    /// lockouts, throttles and codes all live in the database.)
    pub async fn second_server(&self) -> Router {
        let store = Store::connect(&self.db.url)
            .await
            .unwrap()
            .with_secrets(stegvis_store::Keyring::for_tests());
        let mut state = AppState::new(
            store,
            self.state.leptos_options.clone(),
            self.instrument.clone(),
        );
        state.window = self.state.window;
        state.secure_cookies = self.state.secure_cookies;
        state.public_url = self.state.public_url.clone();
        state.trust_proxy = self.state.trust_proxy;
        router(state)
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            store: self.store.clone(),
            cookies: BTreeMap::new(),
            address: None,
        }
    }

    pub async fn organisation(&self, name: &str) -> OrganisationRow {
        self.store.create_organisation(name).await.unwrap()
    }

    /// A staff account with [`PASSWORD`] and the given roles, no two-factor.
    pub async fn staff(&self, org: &OrganisationRow, email: &str, roles: &[Role]) -> StaffRow {
        self.store
            .create_staff(&NewStaff {
                organisation_id: &org.id,
                email,
                name: &format!("Namn {email}"),
                password_hash: password_hash(),
                roles,
            })
            .await
            .unwrap()
    }

    /// Turns two-factor on for an account; returns the secret.
    pub async fn enable_totp(&self, staff: &StaffRow) -> String {
        let secret = app::auth::ssr::new_totp_secret();
        self.store
            .set_totp_secret(&staff.id, Some(&secret))
            .await
            .unwrap();
        secret
    }

    /// A consenting participant of the case manager, starting today.
    pub async fn participant(&self, case_manager: &StaffRow) -> String {
        self.participant_from(case_manager, chrono::Local::now().date_naive(), None)
            .await
    }

    /// A participant starting on `start`, optionally in a programme.
    pub async fn participant_from(
        &self,
        case_manager: &StaffRow,
        start: chrono::NaiveDate,
        programme: Option<&str>,
    ) -> String {
        let code = fresh_code(6);
        self.store
            .register_participant(&NewParticipant {
                organisation_id: &case_manager.organisation_id,
                case_manager_id: &case_manager.id,
                programme_id: programme,
                code: &code,
                start_date: start,
                gender: "kvinna",
                birth_year: Some(1984),
                municipality: Some("Haninge"),
                referral: Some("af"),
                protected_identity: false,
                consent: Some(stegvis_store::Consent {
                    at: chrono::Utc::now(),
                    by: case_manager.id.clone(),
                    version: app::staff::CONSENT_VERSION.into(),
                }),
                personnummer: None,
            })
            .await
            .unwrap()
    }

    /// Issues an access code for a participant, valid for a week.
    pub async fn access_code(&self, participant: &str, by: &StaffRow) -> String {
        self.access_code_expiring(participant, by, chrono::Utc::now() + chrono::Days::new(7))
            .await
    }

    pub async fn access_code_expiring(
        &self,
        participant: &str,
        by: &StaffRow,
        expires: chrono::DateTime<chrono::Utc>,
    ) -> String {
        let code = fresh_code(8);
        self.store
            .issue_access_code(participant, &code, &by.id, expires)
            .await
            .unwrap();
        code
    }

    /// A participant with a phone connected: a new client that redeemed a
    /// fresh code and chose [`PIN`].
    pub async fn phone(&self, participant: &str, by: &StaffRow) -> Client {
        let code = self.access_code(participant, by).await;
        let mut phone = self.client();
        phone.connect_phone(&code, PIN).await;
        phone
    }

    /// A client signed in as the account (with its two-factor secret, if on).
    pub async fn signed_in(&self, staff: &StaffRow, totp_secret: Option<&str>) -> Client {
        let mut client = self.client();
        client.sign_in(&staff.email, totp_secret).await;
        client
    }

    /// Stores a complete intake check-in for the participant directly in the
    /// store (first option everywhere); returns its submission id.
    pub async fn stored_intake(&self, participant: &str, submission_id: &str) -> String {
        let answers = self
            .instrument
            .items_for(OccasionKind::Intake)
            .iter()
            .map(|item| {
                (
                    item.id.clone(),
                    AnswerValue::Option(item.options[0].code.clone()),
                )
            })
            .collect();
        let checked = stegvis_domain::check_in::check_submission(
            &self.instrument,
            OccasionKind::Intake,
            &answers,
        )
        .unwrap();
        self.store
            .store_check_in(&NewCheckIn {
                submission_id: submission_id.to_owned(),
                participant_id: participant.to_owned(),
                occasion: stegvis_store::OccasionRef {
                    kind: OccasionKind::Intake,
                    number: 0,
                },
                instrument_version: self.instrument.version(),
                language: "sv".into(),
                answers: checked.into_iter().map(Into::into).collect(),
                assisted_by: None,
                submitted_at: None,
                answered_at: None,
            })
            .await
            .unwrap();
        submission_id.to_owned()
    }

    /// A count from a raw query (`SELECT COUNT(*) ...` with one text binding).
    pub async fn count(&self, query: &'static str, bind: &str) -> i64 {
        self.store
            .test_sql()
            .count(query, &[bind.into()])
            .await
            .unwrap()
    }

    /// Every row of a raw query, each column as text (`None` for NULL).
    pub async fn rows(&self, query: &'static str, binds: &[SqlValue]) -> Vec<Vec<Option<String>>> {
        self.store.test_sql().rows(query, binds).await.unwrap()
    }

    /// Runs a raw statement that changes stored data on purpose; returns how
    /// many rows it changed.
    pub async fn execute(&self, query: &'static str, binds: &[SqlValue]) -> u64 {
        self.store.test_sql().execute(query, binds).await.unwrap()
    }

    /// The Swedish wording of the first intake question, as staff read it.
    pub fn first_question(&self) -> String {
        self.instrument.items_for(OccasionKind::Intake)[0]
            .text
            .get("sv")
            .cloned()
            .unwrap()
    }

    /// A number from a raw query without parameters.
    pub async fn scalar(&self, query: &'static str) -> i64 {
        self.store.test_sql().count(query, &[]).await.unwrap()
    }

    /// Fills the database with the demo as of `today` (every account with
    /// the test password hash).
    pub async fn seed_demo(&self, today: chrono::NaiveDate) {
        stegvis_server::demo::seed(&self.store, &self.instrument, today, |_| {
            Ok(password_hash().to_owned())
        })
        .await
        .unwrap()
        .unwrap();
    }

    /// The audit actions written about a participant, oldest first, as
    /// (action, staff id).
    pub async fn audit_of(&self, participant: &str) -> Vec<(String, Option<String>)> {
        self.rows(
            "SELECT action, staff_id FROM audit_log WHERE participant_id = $1 ORDER BY seq",
            &[participant.into()],
        )
        .await
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone()))
        .collect()
    }
}

/// An answer as the client saw it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    /// The body as sent (files that are not text).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The body read as the server function's JSON output.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not the expected JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` the server function asked for.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// A browser, minus the browser: keeps cookies between requests, sends
/// forms as `application/x-www-form-urlencoded`, and can come from a
/// given network address (as the server's `ConnectInfo` would say).
#[derive(Clone)]
pub struct Client {
    router: Router,
    store: Store,
    pub cookies: BTreeMap<String, String>,
    address: Option<SocketAddr>,
}

impl Client {
    /// The same browser, its requests now reaching `server` (the load
    /// balancer sent it elsewhere).
    pub fn through(mut self, server: &Router) -> Self {
        self.router = server.clone();
        self
    }

    /// The same client seen as coming from `ip`.
    pub fn at_address(mut self, ip: &str) -> Self {
        self.address = Some(SocketAddr::new(ip.parse().unwrap(), 40_000));
        self
    }

    pub fn session_id(&self) -> Option<&str> {
        self.cookies.get(SESSION_COOKIE).map(String::as_str)
    }

    /// An independent copy of this browser: the same cookies, and a copy of
    /// its server-side session under a new id, so what one copy does to its
    /// session (sign out, start assisting) leaves the other alone. (The
    /// table holds the hash of a session's id, never the id.)
    pub async fn fork(&self) -> Client {
        let mut copy = self.clone();
        if let Some(id) = self.session_id() {
            let new_id = tower_sessions::session::Id::default().to_string();
            let copied = self
                .store
                .test_sql()
                .execute(
                    "INSERT INTO sessions (id, data, expires_at, staff_id, created_at, last_seen_at, user_agent)
                     SELECT $1, data, expires_at, staff_id, created_at, last_seen_at, user_agent
                     FROM sessions WHERE id = $2",
                    &[
                        stegvis_store::session_key(&new_id).into(),
                        stegvis_store::session_key(id).into(),
                    ],
                )
                .await
                .unwrap();
            assert_eq!(copied, 1, "no session to copy");
            copy.cookies.insert(SESSION_COOKIE.into(), new_id);
        }
        copy
    }

    /// Sends one request with the kept cookies and keeps what comes back.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        let typed = headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        if body.is_some() && !typed {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, jar);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req
            .body(Body::from(body.unwrap_or_default().to_owned()))
            .unwrap();
        if let Some(address) = self.address {
            req.extensions_mut().insert(ConnectInfo(address));
        }
        // A request that never answers, or whose body never ends (a page
        // streamed from the server), fails the test with its path instead of
        // hanging the whole run.
        let router = self.router.clone();
        let (res, bytes) = tokio::time::timeout(ANSWER_WITHIN, async move {
            let res = router.oneshot(req).await.unwrap();
            let (parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, 4 << 20).await.unwrap();
            (parts, bytes)
        })
        .await
        .unwrap_or_else(|_| panic!("{path} did not answer within {ANSWER_WITHIN:?}"));
        for value in res.headers.get_all(header::SET_COOKIE) {
            self.keep_cookie(value.to_str().unwrap());
        }
        let status = res.status;
        let headers = res.headers;
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    fn keep_cookie(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
            return;
        };
        let removed = value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
        if removed {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    /// A server-function call as the app's own `fetch` makes it.
    pub async fn post(&mut self, path: &str, body: &str) -> Reply {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    pub async fn post_with(&mut self, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, Some(body), headers).await
    }

    /// A JSON request, as the phone's outbox sends it.
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> Reply {
        let body = body.to_string();
        self.send(
            Method::POST,
            path,
            Some(&body),
            &[("content-type", "application/json")],
        )
        .await
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }

    /// Redeems an access code and chooses a PIN, as a new phone does.
    pub async fn connect_phone(&mut self, code: &str, pin: &str) {
        let res = self.post("/api/access/code", &format!("code={code}")).await;
        assert_eq!(res.status, StatusCode::OK, "redeeming {code}: {}", res.text);
        assert_eq!(res.location(), Some("/ny-pin"));
        let res = self
            .post("/api/access/new-pin", &format!("pin={pin}&repeat={pin}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "choosing a PIN: {}", res.text);
        assert_eq!(res.location(), Some("/svara"));
        assert!(
            self.cookies.contains_key(DEVICE_COOKIE),
            "{:?}",
            self.cookies
        );
        assert!(
            self.cookies.contains_key(SESSION_COOKIE),
            "{:?}",
            self.cookies
        );
    }

    /// Posts the sign-in form once, whatever the answer.
    pub async fn log_in(&mut self, email: &str, password: &str) -> Reply {
        self.post("/api/login", &login_form(email, password)).await
    }

    /// Who the server says this client is (`/api/me`).
    pub async fn viewer(&mut self) -> app::auth::Viewer {
        self.post("/api/me", "").await.json()
    }

    /// Signs in with [`PASSWORD`], and the current TOTP code when a secret is given.
    pub async fn sign_in(&mut self, email: &str, totp_secret: Option<&str>) {
        let res = self.log_in(email, PASSWORD).await;
        assert_eq!(res.status, StatusCode::OK, "login {email}: {}", res.text);
        if let Some(secret) = totp_secret {
            assert_eq!(res.location(), Some("/logga-in/kod"));
            let code = current_code(secret, email);
            let res = self.post("/api/login/code", &format!("code={code}")).await;
            assert_eq!(res.status, StatusCode::OK, "code for {email}: {}", res.text);
        }
    }
}

/// Every server function's arguments, `(name, type)`, by endpoint (each
/// `endpoint = "..."`), read from the app's source: the fields a hostile
/// client can fill in, and with its keys the list of every server function,
/// so no test keeps a list of its own that could fall behind.
pub fn arguments_in_source() -> BTreeMap<String, Vec<(String, String)>> {
    fn walk(dir: &std::path::Path, found: &mut BTreeMap<String, Vec<(String, String)>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                for part in source.split("endpoint = \"").skip(1) {
                    let endpoint = part.split('"').next().unwrap().to_owned();
                    let after = &part[part.find("async fn").expect("a server function")..];
                    let open = after.find('(').unwrap();
                    let mut depth = 0;
                    let mut args = Vec::new();
                    let mut current = String::new();
                    for c in after[open + 1..].chars() {
                        match c {
                            '(' | '<' | '[' | '{' => depth += 1,
                            ')' if depth == 0 => break,
                            ')' | '>' | ']' | '}' => depth -= 1,
                            ',' if depth == 0 => {
                                args.push(std::mem::take(&mut current));
                                continue;
                            }
                            _ => {}
                        }
                        current.push(c);
                    }
                    args.push(current);
                    let args = args
                        .iter()
                        .filter_map(|a| a.split_once(':'))
                        .map(|(name, ty)| {
                            (
                                name.trim().to_owned(),
                                ty.split_whitespace().collect::<String>(),
                            )
                        })
                        .collect();
                    found.insert(endpoint, args);
                }
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut found,
    );
    found
}

/// The intake as the phone's outbox sends it to `/api/check-in/send`: the
/// first option everywhere.
pub fn intake(
    app: &TestApp,
    submission_id: &str,
    participant: &str,
    answered_at: &str,
) -> serde_json::Value {
    let answers: serde_json::Map<String, serde_json::Value> = app
        .instrument
        .items_for(OccasionKind::Intake)
        .iter()
        .map(|item| (item.id.clone(), serde_json::json!(item.options[0].code)))
        .collect();
    serde_json::json!({
        "submission_id": submission_id,
        "participant": participant,
        "occasion_kind": "intake",
        "occasion_number": 0,
        "instrument_version": app.instrument.version(),
        "language": "sv",
        "answers": answers,
        "answered_at": answered_at,
    })
}

/// The code an authenticator app shows now for the secret.
pub fn current_code(secret: &str, email: &str) -> String {
    app::auth::ssr::totp(secret, email)
        .unwrap()
        .generate_current()
        .unwrap()
}

/// The sign-in form's body.
pub fn login_form(email: &str, password: &str) -> String {
    format!("email={}&password={}", encode(email), encode(password))
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
