//! HTTP hardening: security headers on every route (a fresh CSP nonce per
//! page that matches its scripts), static paths no file could have, links
//! and the origin check built from configuration and never from `Host`, and
//! connection limits against a real listening server (slow headers, a
//! stalled body, idle keep-alive, the connection cap).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::{Method, StatusCode};
use common::{app, app_with, Reply};
use std::time::{Duration, Instant};
use stegvis_server::serve::Limits;
use stegvis_store::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every page of the app, signed out (pages that need a sign-in still answer
/// with HTML saying so), plus a path that is no page.
const PAGES: &[&str] = &[
    "/",
    "/kod",
    "/offline",
    "/ny-pin",
    "/pin",
    "/svara",
    "/svara/fraga/1",
    "/svara/granska",
    "/svara/tack",
    "/svara/min-resa",
    "/tillganglighet",
    "/logga-in",
    "/logga-in/kod",
    "/konto",
    "/personal",
    "/personal/ny-deltagare",
    "/personal/deltagare/5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa",
    "/personal/deltagare/5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa/mote",
    "/personal/deltagare/5b0b7f55-2a53-4a8e-9a53-61b7f0c2d9aa/blad",
    "/admin",
    "/admin/logg",
    "/admin/formular",
    "/admin/formular/forhandsgranska",
    "/utvardering",
    "/finns-inte",
];

/// The nonce a page's policy names, checked against every inline script.
fn nonce_of(path: &str, res: &Reply) -> String {
    let policy = res.header("content-security-policy").unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
    assert!(nonce.len() >= 22, "{path}: short nonce {nonce}");
    nonce.to_owned()
}

/// The `<script` tags of a page: (attributes, has a body).
fn scripts(html: &str) -> Vec<String> {
    html.split("<script")
        .skip(1)
        .map(|rest| rest[..rest.find('>').unwrap()].to_owned())
        .collect()
}

fn assert_common_headers(path: &str, res: &Reply) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(res.header(name), Some(value), "{path}: {name}");
    }
    assert!(res.header("permissions-policy").is_some(), "{path}");
    let policy = res
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
    assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{path}: {policy}"
    );
    assert!(policy.contains("base-uri 'none'"), "{path}: {policy}");
}

#[tokio::test]
async fn every_page_has_a_csp_with_a_fresh_nonce_that_its_scripts_carry() {
    let app = app("csp-pages").await;
    let mut client = app.client();
    for path in PAGES {
        let first = client.get(path).await;
        let second = client.get(path).await;
        assert!(
            first
                .header("content-type")
                .unwrap_or_default()
                .starts_with("text/html"),
            "{path}: {:?}",
            first.headers
        );
        assert_common_headers(path, &first);
        let policy = first.header("content-security-policy").unwrap();
        assert!(policy.contains("object-src 'none'"), "{path}: {policy}");
        assert!(policy.contains("form-action 'self'"), "{path}: {policy}");
        // Only pages that load the WASM bundle may compile it.
        assert_eq!(
            policy.contains("'wasm-unsafe-eval'"),
            !app::is_participant_path(path),
            "{path}: {policy}"
        );
        let nonce = nonce_of(path, &first);
        assert_ne!(nonce, nonce_of(path, &second), "{path}: nonce reused");
        let tags = scripts(&first.text);
        assert!(!tags.is_empty(), "{path}: no scripts");
        for tag in tags {
            // Inline code runs only with this response's nonce; files come
            // from this origin; data blocks are never run.
            let external = tag.contains("src=\"/");
            let data = tag.contains("type=\"application/json\"");
            assert!(
                external || data || tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: script without the nonce: <script{tag}>"
            );
        }
        assert!(!first.text.contains(" style=\""), "{path}: inline style");
        assert!(!first.text.contains("<style"), "{path}: inline stylesheet");
    }
}

/// DOS-lagen: the accessibility statement is linked from the footer of every
/// page, works without JavaScript, and says how to report a problem: the
/// operator's configured contact, or the case manager by default.
#[tokio::test]
async fn every_page_links_the_accessibility_statement_with_its_contact() {
    let app = app("statement").await;
    let mut client = app.client();
    for path in PAGES {
        let page = client.get(path).await;
        let footer = page
            .text
            .split("<footer class=\"site-footer\"")
            .nth(1)
            .and_then(|rest| rest.split("</footer>").next())
            .unwrap_or_else(|| panic!("{path}: no footer"));
        assert!(
            footer.contains("href=\"/tillganglighet\""),
            "{path}: no link to the accessibility statement in the footer: {footer}"
        );
    }
    let page = client.get("/tillganglighet").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Säg till om något är svårt"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Berätta för din handläggare."));

    let configured = app_with("statement-contact", |state| {
        state.with_accessibility_contact(Some("tillganglighet@forbundet.se".into()))
    })
    .await;
    let page = configured.client().get("/tillganglighet").await;
    assert!(
        page.text
            .contains("Kontakta oss: tillganglighet@forbundet.se"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("Berätta för din handläggare."));
}

#[tokio::test]
async fn api_files_redirects_and_errors_have_a_closed_policy() {
    let app = app("csp-other").await;
    let mut client = app.client();
    let cases: Vec<(&str, Reply)> = vec![
        ("/healthz", client.get("/healthz").await),
        ("/pkg/stegvis.css", client.get("/pkg/stegvis.css").await),
        ("/pkg/none.js", client.get("/pkg/none.js").await),
        (
            "/manifest.webmanifest",
            client.get("/manifest.webmanifest").await,
        ),
        ("/api/me", client.post("/api/me", "").await),
        (
            "/api/access/code",
            client.post("/api/access/code", "code=AAAA-AAAA").await,
        ),
        (
            "/api/preferences",
            client
                .post(
                    "/api/preferences",
                    "lang=en&pictures=on&size=normal&return_to=%2F",
                )
                .await,
        ),
        (
            "/utvardering/export/svar.csv",
            client.get("/utvardering/export/svar.csv").await,
        ),
    ];
    for (path, res) in &cases {
        assert_common_headers(path, res);
        let policy = res.header("content-security-policy").unwrap();
        assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("nonce"), "{path}: {policy}");
    }
    // The service worker fetches this origin's files and nothing else.
    let worker = client.get("/sw.js").await;
    assert_common_headers("/sw.js", &worker);
    assert_eq!(
        worker.header("content-security-policy"),
        Some(stegvis_server::headers::WORKER_POLICY)
    );
    // Secure cookies mean HTTPS: browsers are told to keep to it.
    for (path, res) in &cases {
        assert!(
            res.header("strict-transport-security")
                .is_some_and(|v| v.starts_with("max-age=")),
            "{path}"
        );
    }
    let plain = app_with("csp-plain-http", |s| s.with_secure_cookies(false)).await;
    let res = plain.client().get("/").await;
    assert_eq!(res.header("strict-transport-security"), None);
    assert!(res.header("content-security-policy").is_some());
}

/// A path segment longer than any file name was a 500 ("File name too
/// long") from the file service; it names no file, so it is a 404.
#[tokio::test]
async fn paths_no_file_could_have_are_404_not_500() {
    let app = app("long-paths").await;
    for dir in ["pictures", "icons"] {
        std::fs::create_dir_all(app.dir.join("site").join(dir)).unwrap();
    }
    let mut client = app.client();
    let long = "a".repeat(256);
    // 253 characters: a file name, but not with `.br` added.
    let nearly = "b".repeat(253);
    let very_long = format!("/{}", "c/".repeat(3000));
    for path in [
        format!("/pkg/{long}"),
        format!("/pkg/{nearly}"),
        format!("/pictures/{long}.svg"),
        format!("/icons/{nearly}"),
        format!("/{long}"),
        format!("/{nearly}"),
        format!("/pkg/{}", "%41".repeat(100)),
        very_long,
    ] {
        for encoding in ["br, gzip", "identity"] {
            let res = client
                .send(Method::GET, &path, None, &[("accept-encoding", encoding)])
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{} …", &path[..30]);
        }
    }
    // Files are still found.
    assert_eq!(client.get("/pkg/stegvis.css").await.status, StatusCode::OK);
}

/// The access sheet's link and QR code come from the configured public
/// address (here the default of a state built without one): a request's
/// `Host` never reaches a printed sheet.
#[tokio::test]
async fn the_host_header_never_reaches_an_access_sheet() {
    let app = app("host-sheet").await;
    let org = app.organisation("Södertörn").await;
    let cm = app
        .staff(&org, "cm-host@forbund.se", &[Role::CaseManager])
        .await;
    let participant = app.participant(&cm).await;
    let mut staff = app.signed_in(&cm, None).await;
    let evil = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
    ];
    let res = staff
        .post_with(
            "/api/staff/access-code",
            &format!("id={participant}"),
            &evil,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = staff
        .post_with(
            "/api/staff/access-sheet",
            &format!("id={participant}"),
            &evil,
        )
        .await;
    let sheet: app::staff::AccessSheet = res.json();
    assert_eq!(sheet.link, format!("http://localhost/kod?k={}", sheet.code));
    assert!(!res.text.contains("evil"), "{}", res.text);
    let page = staff
        .send(
            Method::GET,
            &format!("/personal/deltagare/{participant}/blad"),
            None,
            &evil,
        )
        .await;
    assert!(page.text.contains("http://localhost/kod?k="));
    assert!(!page.text.contains("evil.example"));
}

/// `Origin` is compared whole with the configured origin: the right host
/// with the wrong scheme or port is another site.
#[tokio::test]
async fn an_origin_is_refused_unless_scheme_host_and_port_all_match() {
    let app = app_with("origin-scheme", |s| {
        s.with_public_url("https://stegvis.example")
    })
    .await;
    let mut client = app.client();
    let post = "lang=en&pictures=on&size=normal&return_to=%2F";
    let refused: [&[(&str, &str)]; 5] = [
        &[
            ("origin", "http://stegvis.example"),
            ("host", "stegvis.example"),
        ],
        &[
            ("origin", "https://stegvis.example:8443"),
            ("host", "stegvis.example:8443"),
        ],
        &[("origin", "https://evil.example"), ("host", "evil.example")],
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://stegvis.example"),
        ],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://stegvis.example"),
        ],
    ];
    for headers in refused {
        let res = client.post_with("/api/preferences", post, headers).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    let allowed: [&[(&str, &str)]; 4] = [
        &[
            ("origin", "https://stegvis.example"),
            ("host", "evil.example"),
        ],
        &[("origin", "https://STEGVIS.example:443")],
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://stegvis.example"),
        ],
        &[("sec-fetch-site", "none")],
    ];
    for headers in allowed {
        let res = client.post_with("/api/preferences", post, headers).await;
        assert_eq!(res.status, StatusCode::OK, "{headers:?}: {}", res.text);
    }
}

/// A real server on a free loopback port with the given limits.
async fn listening(name: &str, limits: Limits) -> (common::TestApp, std::net::SocketAddr) {
    let app = app(name).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = stegvis_server::http::router_with_limits(app.state.clone(), &limits);
    tokio::spawn(stegvis_server::serve::serve(
        listener,
        router,
        limits,
        std::future::pending(),
        Duration::from_secs(1),
    ));
    (app, address)
}

/// Reads until the server closes the connection (or `within` passes);
/// returns what arrived and how long it took.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = within.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "still open after {within:?}; got {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

/// Reads one whole response with `Content-Length`, leaving the connection open.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("no response within 10 s")
            .unwrap();
        assert!(n > 0, "closed before a response");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

#[tokio::test]
async fn slow_headers_a_stalled_body_and_idle_connections_are_cut_off() {
    let limits = Limits {
        header_read: Duration::from_secs(1),
        body_read: Duration::from_secs(1),
        max_connections: 16,
    };
    let (_app, address) = listening("slow", limits).await;

    // Headers that never finish.
    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0")
        .await
        .unwrap();
    let (_, took) = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(3), "{took:?}");

    // A body that stops after 3 of 1,000 bytes.
    let mut stalled = TcpStream::connect(address).await.unwrap();
    stalled
        .write_all(
            b"POST /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nabc",
        )
        .await
        .unwrap();
    let (reply, took) = read_until_closed(&mut stalled, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(took < Duration::from_secs(3), "{took:?}");

    // A kept-alive connection that asks nothing more.
    let mut idle = TcpStream::connect(address).await.unwrap();
    idle.write_all(HEALTH).await.unwrap();
    let reply = read_response(&mut idle).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let (_, took) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(3), "{took:?}");

    // Meanwhile a prompt client is answered as always.
    let mut prompt = TcpStream::connect(address).await.unwrap();
    prompt.write_all(HEALTH).await.unwrap();
    assert!(read_response(&mut prompt).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn connections_over_the_cap_wait_without_harming_those_served() {
    let limits = Limits {
        header_read: Duration::from_secs(2),
        body_read: Duration::from_secs(2),
        max_connections: 2,
    };
    let (_app, address) = listening("cap", limits).await;
    let mut first = TcpStream::connect(address).await.unwrap();
    let _second = TcpStream::connect(address).await.unwrap();
    // Both slots are taken; give the server a moment to accept them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut waiting = TcpStream::connect(address).await.unwrap();
    waiting.write_all(HEALTH).await.unwrap();
    let started = Instant::now();

    // A connection being served is answered at once.
    first.write_all(HEALTH).await.unwrap();
    assert!(read_response(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(started.elapsed() < Duration::from_secs(1));

    // The one over the cap is answered once a slot frees (the silent
    // second connection is cut off after the header timeout).
    let reply = read_response(&mut waiting).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
}
