//! Security headers on every response: a Content-Security-Policy with a
//! fresh nonce on every HTML page, a closed policy on everything else, and
//! the headers that keep pages out of frames, other sites' windows and
//! plain HTTP.
//!
//! The nonce is made here, before the page renders, and handed to Leptos
//! through the request ([`provide_request_nonce`]), so the hydration script
//! and Leptos' own inline scripts carry the value this response's policy
//! names. Pages allow scripts only from this origin and with that nonce: an
//! injected `<script>` or event handler attribute does not run. Participant
//! pages load no WASM (see docs/offline.md), so only staff pages allow
//! `'wasm-unsafe-eval'`, which compiling the WASM bundle needs. No policy
//! allows `'unsafe-inline'`: the stylesheet is a file and no page has a
//! `style` attribute. See docs/security.md, "HTTP headers and transport".

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// The policy of everything that is not an HTML page (JSON, files,
/// redirects): nothing may load, nothing may frame it. Opened directly in a
/// browser, an SVG or JSON file runs nothing.
pub(crate) const NON_DOCUMENT_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The service worker's policy: it fetches and caches this origin's files
/// and imports the outbox module, nothing else.
pub const WORKER_POLICY: &str =
    "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Features no page uses, turned off for the page and anything it embeds.
pub(crate) const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Two years, the submission length of the HSTS preload list.
pub(crate) const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The policy of an HTML page answered with `nonce`. `wasm` allows
/// compiling WebAssembly, for pages that hydrate (staff pages).
pub(crate) fn page_policy(nonce: &str, wasm: bool) -> String {
    let wasm = if wasm { " 'wasm-unsafe-eval'" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'{wasm}; style-src 'self'; \
         img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
         worker-src 'self'; object-src 'none'; frame-src 'none'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

/// Puts a fresh nonce on the request and the security headers on its
/// response. `hsts` when cookies are `Secure` (the site is served over HTTPS).
pub async fn security_headers(hsts: bool, mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    let path = req.uri().path().to_owned();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html {
        HeaderValue::from_str(&page_policy(&nonce, !app::is_participant_path(&path)))
            .unwrap_or_else(|_| HeaderValue::from_static(NON_DOCUMENT_POLICY))
    } else if path == crate::offline::SERVICE_WORKER_PATH {
        HeaderValue::from_static(WORKER_POLICY)
    } else {
        HeaderValue::from_static(NON_DOCUMENT_POLICY)
    };
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// Gives the page being rendered the nonce [`security_headers`] put on its
/// request, so its scripts carry the one the response's policy names. Called
/// in the render context after `leptos_axum` has provided its own.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_policy_allows_inline_code_and_every_one_forbids_framing() {
        for policy in [
            page_policy("abc", true),
            page_policy("abc", false),
            NON_DOCUMENT_POLICY.to_owned(),
            WORKER_POLICY.to_owned(),
        ] {
            assert!(!policy.contains("unsafe-inline"), "{policy}");
            assert!(!policy.contains("unsafe-eval'") || policy.contains("wasm-unsafe-eval"));
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
            assert!(policy.contains("base-uri 'none'"), "{policy}");
        }
        let page = page_policy("abc", false);
        assert!(page.contains("script-src 'self' 'nonce-abc';"), "{page}");
        assert!(page.contains("object-src 'none'"));
        assert!(page.contains("form-action 'self'"));
        assert!(page_policy("abc", true).contains("'nonce-abc' 'wasm-unsafe-eval';"));
    }
}
