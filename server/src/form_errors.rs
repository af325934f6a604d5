//! Form errors travel with the browser that caused them, never in an address.
//!
//! A server function that fails after a plain form post redirects back with
//! the error in the query (`__path`, `__err`), and Leptos shows what the query
//! says: anyone could send a link with a message of their choosing. This
//! layer (see [`app::form_error`]) removes those parameters from every
//! request before a page reads them; takes them out of every redirect,
//! keeping the error on the server under a random id set in a short-lived
//! `HttpOnly`, `SameSite=Strict` cookie; and gives the error back, once, to the
//! page that browser is sent to.

use app::form_error::ssr::{split_query, KeptFormErrors, COOKIE, KEEP};
use app::form_error::FormError;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;

/// The layer's work for one request; `secure` marks the cookie `Secure`.
pub async fn keep_form_errors(
    kept: KeptFormErrors,
    secure: bool,
    mut req: Request,
    next: Next,
) -> Response {
    // 1. No request ever carries an error in its address to a page.
    if let Some(query) = req.uri().query() {
        let (rest, _ignored) = split_query(query);
        if rest != query {
            if let Some(uri) = with_query(req.uri(), &rest) {
                *req.uri_mut() = uri;
            }
        }
    }
    // 2. A browser coming back with a kept error's id gets it, on that page.
    let cookie = cookie_value(&req, COOKIE);
    let mut clear_cookie = false;
    if let Some(id) = cookie.as_deref() {
        if req.method() == Method::GET && wants_page(&req) {
            if let Some(error) = kept.take(id, req.uri().path()) {
                req.extensions_mut().insert(error);
            }
            clear_cookie = true;
        }
    }
    let mut res = next.run(req).await;
    // 3. An error Leptos wrote into a redirect is kept here instead.
    let kept_id = take_from_redirect(&mut res).map(|(error, page)| kept.keep(error, &page));
    let set_cookie = match kept_id {
        Some(id) => Some(format!(
            "{COOKIE}={id}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}",
            KEEP.as_secs(),
            if secure { "; Secure" } else { "" }
        )),
        None if clear_cookie => Some(format!(
            "{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        )),
        None => None,
    };
    if let Some(value) = set_cookie.and_then(|v| HeaderValue::from_str(&v).ok()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

/// Takes `__path`/`__err` out of a redirect's `Location`, which then names
/// only a path on this site. Returns the error and the page.
fn take_from_redirect(res: &mut Response) -> Option<(FormError, String)> {
    let location = res
        .headers()
        .get(header::LOCATION)?
        .to_str()
        .ok()?
        .to_owned();
    if !location.contains("__err") && !location.contains("__path") {
        return None;
    }
    let local = local_part(&location);
    let (path, query) = local.split_once('?').unwrap_or((local, ""));
    let query = query.split('#').next().unwrap_or_default();
    let (rest, error) = split_query(query);
    let path = if path.starts_with('/') && !path.starts_with("//") {
        path.to_owned()
    } else {
        "/".to_owned()
    };
    let target = if rest.is_empty() {
        path.clone()
    } else {
        format!("{path}?{rest}")
    };
    match HeaderValue::from_str(&target) {
        Ok(value) => {
            res.headers_mut().insert(header::LOCATION, value);
        }
        Err(_) => {
            res.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    error.map(|e| (e, path))
}

/// The path and query of an address, without scheme and host.
fn local_part(location: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = location.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    location
}

fn with_query(uri: &Uri, query: &str) -> Option<Uri> {
    let path = uri.path();
    let path_and_query = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().ok()?);
    Uri::from_parts(parts).ok()
}

/// Whether the request is a browser opening a page (not a script or file).
fn wants_page(req: &Request) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    header("sec-fetch-dest") == "document" || header(header::ACCEPT.as_str()).contains("text/html")
}

/// The cookie `name` from any of the request's `Cookie` headers (HTTP/2
/// may send several).
fn cookie_value(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| app::prefs::cookie_value(v, name))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_part_of_an_address() {
        assert_eq!(local_part("http://127.0.0.1:3000/kod?x=1"), "/kod?x=1");
        assert_eq!(local_part("https://evil.example"), "/");
        assert_eq!(local_part("/pin"), "/pin");
    }
}
