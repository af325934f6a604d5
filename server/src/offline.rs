//! The service worker at `/sw.js`: the participant's files precached under a
//! version that changes whenever one of them does.
//!
//! The worker's code is `sw.js` in the site root (from `public/`); the server
//! fills in the list of files to precache and a version made from their bytes
//! when it starts, so a new build is a new worker without a build step of its
//! own, and an unchanged build keeps the phones' caches. Only what participant
//! pages use is precached: a participant's phone never downloads the staff
//! side's WASM bundle. See docs/offline.md.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// Where the worker is served; its scope is the whole site.
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// Files every participant page needs, relative to the site root. Answer
/// pictures (`pictures/*.svg`) are added by listing their folder.
const PRECACHED_FILES: &[&str] = &[
    "participant.js",
    "outbox.js",
    "pkg/stegvis.css",
    "manifest.webmanifest",
    "icons/icon.svg",
    "icons/icon-192.png",
];

/// Placeholders in `sw.js` the server replaces.
const VERSION_PLACEHOLDER: &str = "__STEGVIS_VERSION__";
const PRECACHE_PLACEHOLDER: &str = "__STEGVIS_PRECACHE__";

/// The worker as served, built once at start.
#[derive(Debug, Clone)]
pub struct ServiceWorker {
    body: Option<Arc<str>>,
    version: String,
}

impl ServiceWorker {
    /// Reads `sw.js` and the precached files from the site root. Without
    /// `sw.js` (a site that was not built) there is no worker and `/sw.js` is 404.
    pub fn load(site_root: &Path) -> Self {
        let Ok(template) = std::fs::read_to_string(site_root.join("sw.js")) else {
            tracing::warn!(site_root = %site_root.display(), "no sw.js in the site root: offline use is off");
            return Self {
                body: None,
                version: String::new(),
            };
        };
        let mut files: Vec<String> = PRECACHED_FILES.iter().map(|f| (*f).to_owned()).collect();
        if let Ok(entries) = std::fs::read_dir(site_root.join("pictures")) {
            let mut pictures: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name.ends_with(".svg"))
                .map(|name| format!("pictures/{name}"))
                .collect();
            pictures.sort();
            files.extend(pictures);
        }
        let mut hash = Sha256::new();
        hash.update(template.as_bytes());
        let mut urls = Vec::new();
        for file in files {
            match std::fs::read(site_root.join(&file)) {
                Ok(bytes) => {
                    hash.update(file.as_bytes());
                    hash.update(&bytes);
                    urls.push(format!("/{file}"));
                }
                Err(err) => tracing::warn!(%file, error = %err, "file to precache is missing"),
            }
        }
        let version: String = hash
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let list = serde_json::to_string(&urls).unwrap_or_else(|_| "[]".into());
        let body = template
            .replace(VERSION_PLACEHOLDER, &version)
            .replace(PRECACHE_PLACEHOLDER, &list);
        Self {
            body: Some(body.into()),
            version,
        }
    }

    /// The version phones see; changes with any precached file.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `/sw.js`: always revalidated, so a new version is found on the next visit.
    pub fn response(&self) -> Response {
        match &self.body {
            Some(body) => (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/javascript; charset=utf-8"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                body.to_string(),
            )
                .into_response(),
            None => (StatusCode::NOT_FOUND, "no service worker").into_response(),
        }
    }
}
