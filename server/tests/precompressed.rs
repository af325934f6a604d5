//! Static files the build compressed ahead (`FILE.br`, `FILE.gz`, see
//! scripts/precompress.mjs) are sent as they are, in the encoding the browser
//! asked for, and never compressed a second time on the way out; a browser
//! that asks for no encoding gets the plain file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

use axum::http::{header, Method, StatusCode};
use common::{app_with, Client, TestApp};
use std::path::PathBuf;

/// The plain file: repetitive, so that on-the-fly compression would shrink it.
const CSS: &str = "body { color: black; }\n";

/// Stand-ins for the build's compressed copies: not valid brotli or gzip, so
/// the test sees that these exact bytes were sent and nothing re-encoded them.
const BR: &[u8] = b"precompressed brotli bytes";
const GZ: &[u8] = b"precompressed gzip bytes";

/// A site directory of its own with `pkg/app.css` and `start.js` (outside
/// `/pkg`, for the fallback file service), each with a `.br` and a `.gz` copy;
/// removed on drop.
struct Site(PathBuf);

impl Site {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("stegvis-site-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        for file in ["pkg/app.css", "start.js"] {
            std::fs::write(dir.join(file), CSS.repeat(100)).unwrap();
            std::fs::write(dir.join(format!("{file}.br")), BR).unwrap();
            std::fs::write(dir.join(format!("{file}.gz")), GZ).unwrap();
        }
        // Compressed copies of this one are missing: the server compresses it itself.
        std::fs::write(dir.join("pkg/plain.css"), CSS.repeat(100)).unwrap();
        Site(dir)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn app_on(site: &Site, name: &str) -> TestApp {
    let root = site.0.display().to_string();
    app_with(name, move |mut state| {
        state.leptos_options.site_root = root.into();
        state
    })
    .await
}

async fn get(client: &mut Client, path: &str, accept: Option<&str>) -> common::Reply {
    let headers: Vec<(&str, &str)> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
    client.send(Method::GET, path, None, &headers).await
}

#[tokio::test]
async fn precompressed_files_are_sent_in_the_encoding_asked_for() {
    let site = Site::new("precompressed");
    let app = app_on(&site, "precompressed").await;
    let mut client = app.client();
    for path in ["/pkg/app.css", "/start.js"] {
        // Browsers list every encoding they take; brotli is the smaller one.
        let res = get(&mut client, path, Some("gzip, deflate, br, zstd")).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.headers[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(res.bytes, BR, "{path}");
        assert_eq!(
            res.header("vary").map(str::to_ascii_lowercase).as_deref(),
            Some("accept-encoding"),
            "{path}: caches must keep the encodings apart"
        );
        let content_type = res.header("content-type").unwrap();
        assert!(
            content_type.starts_with("text/css") || content_type.starts_with("text/javascript"),
            "{path}: the type of the file, not of its compressed copy: {content_type}"
        );

        let res = get(&mut client, path, Some("gzip")).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(res.bytes, GZ, "{path}");

        for accept in [None, Some("identity")] {
            let res = get(&mut client, path, accept).await;
            assert_eq!(res.status, StatusCode::OK, "{path} {accept:?}");
            assert!(
                res.headers.get(header::CONTENT_ENCODING).is_none(),
                "{path} {accept:?}"
            );
            assert_eq!(res.text, CSS.repeat(100), "{path} {accept:?}");
        }
    }
    // Caching stays as it was for each directory.
    let res = get(&mut client, "/pkg/app.css", Some("br")).await;
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-cache");
    let res = get(&mut client, "/start.js", Some("br")).await;
    assert_eq!(res.headers[header::CACHE_CONTROL], "public, max-age=86400");
}

#[tokio::test]
async fn files_without_compressed_copies_are_still_compressed() {
    let site = Site::new("uncompressed");
    let app = app_on(&site, "uncompressed").await;
    let mut client = app.client();
    let res = get(&mut client, "/pkg/plain.css", Some("gzip")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CONTENT_ENCODING], "gzip");
    assert!(res.bytes.len() < CSS.len() * 100);
    let res = get(&mut client, "/no/such/file.css", Some("br")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}
