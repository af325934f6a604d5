//! The HTTP router: pages, server functions, health check and static assets,
//! with compression, cache headers, body limits and error statuses.

use app::auth::ssr::ClientAddress;
use app::error::{AppError, ERROR_CONTENT_TYPE};
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// A signed-in session ends after this long without use.
pub const SESSION_IDLE_MINUTES: i64 = 30;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "stegvis_session";

/// Largest request body a server function accepts. A whole check-in is a few KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

use crate::state::ServerState;

/// Longest path segment a static file is looked up by. File systems take
/// 255 bytes per name, and the precompressed copies add `.br` or `.gz`; a
/// longer segment names no file of ours and never reaches the file system,
/// which would answer "File name too long" (a 500).
pub(crate) const LONGEST_FILE_SEGMENT: usize = 200;

/// Longest path a static file is looked up by.
pub(crate) const LONGEST_FILE_PATH: usize = 1024;

/// Whether a request path could name one of the site's files: short enough
/// for any file system, segment by segment and whole. Checked on the path as
/// sent: percent-encoding only makes it longer than the name it decodes to.
pub(crate) fn could_name_a_file(path: &str) -> bool {
    path.len() <= LONGEST_FILE_PATH && path.split('/').all(|s| s.len() <= LONGEST_FILE_SEGMENT)
}

/// Builds the whole router for a state, with the default connection limits.
pub fn router(state: AppState) -> Router {
    router_with_limits(state, &crate::serve::Limits::default())
}

/// The app's routes, worked out once per process. Working them out runs the
/// app with resource loading switched off for the whole process (a flag in
/// `leptos_server`); a page rendered meanwhile (a second router built while
/// another serves, as tests do) would wait for its data forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole router for a state; `limits.body_read` bounds how long a
/// request body may take to arrive.
pub fn router_with_limits(state: AppState, limits: &crate::serve::Limits) -> Router {
    let body_read = limits.body_read;
    // Already an origin: configuration made it one (`config::origin_of`).
    let public_origin: std::sync::Arc<str> = state.public_url.as_str().into();
    let sessions = SessionManagerLayer::new(crate::sessions::StoreSessions(state.store.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            SESSION_IDLE_MINUTES,
        )));
    let trust_proxy = state.trust_proxy;
    // Errors of plain form posts, kept for the browser that sent the form.
    let kept_form_errors = app::form_error::ssr::KeptFormErrors::default();
    // Secure cookies and HSTS go together: both only where the site is
    // reached over HTTPS.
    let secure_cookies = state.secure_cookies;
    let site_root = state.leptos_options.site_root.to_string();
    let routes = route_list();
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &ServerState(state.clone()),
            routes,
            move || {
                provide_context(context_state.clone());
                crate::headers::provide_request_nonce();
            },
            move || shell(options.clone()),
        )
        .layer(no_store());
    // Sessions only where a page or a function may read one: a static file
    // never does, and with the session renewed on every use each file
    // fetched would otherwise cost a database read and write.
    let dynamic = Router::new()
        .route(
            "/utvardering/export/{name}",
            get(crate::exports::download).layer(no_store()),
        )
        .route(
            "/admin/logg.csv",
            get(crate::exports::audit_log_download).layer(no_store()),
        )
        // `leptos_routes_with_context` also mounts every server function under /api.
        .merge(pages)
        .layer(axum::middleware::map_response(error_status))
        .layer(sessions.clone());
    let not_found = ServiceBuilder::new()
        .layer(sessions)
        .service(tower::service_fn(not_found_page(state.clone())));
    let worker = crate::offline::ServiceWorker::load(Path::new(&site_root));
    tracing::info!(version = worker.version(), "service worker ready");
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            crate::offline::SERVICE_WORKER_PATH,
            get(move || {
                let worker = worker.clone();
                async move { worker.response() }
            }),
        )
        .merge(dynamic)
        // Built files keep their names across releases: revalidate each time (a 304 is cheap).
        .nest_service(
            "/pkg",
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    cache_when_found("no-cache"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::VARY,
                    vary_when_encoded(),
                ))
                .service(site_files(
                    &Path::new(&site_root).join("pkg"),
                    tower::service_fn(|_: Request| async {
                        Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response())
                    }),
                )),
        )
        .fallback_service(
            ServiceBuilder::new()
                // outer: whatever is not a found file (the 404 page) is not stored
                .layer(no_store())
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    cache_when_found("public, max-age=86400"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::VARY,
                    vary_when_encoded(),
                ))
                .service(site_files(Path::new(&site_root), not_found)),
        )
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::form_errors::keep_form_errors(
                kept_form_errors.clone(),
                secure_cookies,
                req,
                next,
            )
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            client_address(trust_proxy, req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            refuse_cross_site(public_origin.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            read_body_within_limit(body_read, req, next)
        }))
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                // Leaves responses that already have a Content-Encoding (the
                // precompressed files) as they are.
                .layer(CompressionLayer::new())
                .layer(axum::middleware::from_fn(move |req, next| {
                    crate::headers::security_headers(secure_cookies, req, next)
                })),
        )
        .with_state(ServerState(state))
}

/// The files under `dir` (their precompressed copies when the browser takes
/// them), and `not_found` for a path that names none, without asking the file
/// system about a path no file could have (see [`could_name_a_file`]). Used
/// for /pkg (a plain 404) and the site root (the 404 page).
fn site_files<N>(
    dir: &Path,
    not_found: N,
) -> impl tower::Service<Request, Response = Response, Error = Infallible, Future = PageFuture> + Clone
where
    N: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    N::Future: Send,
{
    use tower::ServiceExt;
    let files = precompressed(ServeDir::new(dir)).not_found_service(not_found.clone());
    tower::service_fn(move |req: Request| {
        let files = files.clone();
        let not_found = not_found.clone();
        Box::pin(async move {
            if could_name_a_file(req.uri().path()) {
                files.oneshot(req).await.map(IntoResponse::into_response)
            } else {
                not_found.oneshot(req).await
            }
        }) as PageFuture
    })
}

/// Pages and API answers may carry health data: never cache them.
fn no_store() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    )
}

/// Sets `Cache-Control` on files that were found (or not modified); a 404 keeps
/// the page's `no-store`.
fn cache_when_found<B>(
    value: &'static str,
) -> impl Fn(&Response<B>) -> Option<HeaderValue> + Clone {
    move |res: &Response<B>| {
        (res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED)
            .then(|| HeaderValue::from_static(value))
    }
}

/// Sends a file's `.br` or `.gz` copy (written by the build at the highest
/// levels, see scripts/precompress.mjs) when the browser takes that encoding:
/// smaller than compressing on the fly, and no work per request.
fn precompressed(files: ServeDir) -> ServeDir {
    files.precompressed_br().precompressed_gzip()
}

/// `Vary: Accept-Encoding` on a file sent compressed, so that no cache hands it
/// to a browser that cannot decode it: `ServeDir` does not add it for its
/// precompressed copies, and the compression layer, which would, skips them.
fn vary_when_encoded<B>() -> impl Fn(&Response<B>) -> Option<HeaderValue> + Clone {
    |res: &Response<B>| {
        res.headers()
            .contains_key(header::CONTENT_ENCODING)
            .then(|| HeaderValue::from_static("accept-encoding"))
    }
}

type PageFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, Infallible>> + Send>>;

/// Renders the app for any path that is no file; the app's fallback says 404.
fn not_found_page(state: AppState) -> impl Fn(Request) -> PageFuture + Clone {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(state.clone());
            crate::headers::provide_request_nonce();
        },
        move || shell(options.clone()),
    );
    move |req: Request| {
        let render = render.clone();
        Box::pin(async move { Ok(render(req).await.into_response()) })
    }
}

/// Server functions answer every error with 500; this gives each [`AppError`]
/// its own status, so a bad request is a 4xx. Redirects (plain form posts, which
/// carry the error in the URL instead) are left alone.
async fn error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let is_app_error = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(ERROR_CONTENT_TYPE));
    if !is_app_error {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The most a request to `path` may send: [`MAX_BODY_BYTES`], or the
/// endpoint's own limit where the app declares one ([`app::LARGE_BODIES`]).
fn body_limit(path: &str) -> usize {
    app::LARGE_BODIES
        .iter()
        .find(|(large, _)| *large == path)
        .map_or(MAX_BODY_BYTES, |(_, limit)| *limit)
}

/// Reads every request body up front, at most [`body_limit`] within
/// `time`. A larger one is answered with 413 here, whether it announced its
/// length or streamed it, and one that stops arriving with 408 (the
/// connection is then closed), so no handler ever meets a half-read body and
/// a stalled client holds no connection for long.
pub(crate) async fn read_body_within_limit(
    time: std::time::Duration,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let limit = body_limit(parts.uri.path());
    match tokio::time::timeout(time, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Det du skickade är för stort.",
        )
            .into_response(),
        Err(_) => {
            tracing::info!(uri = %parts.uri, "request body did not arrive in time");
            (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONNECTION, HeaderValue::from_static("close"))],
                "Det du skickade kom inte fram i tid. Försök igen.",
            )
                .into_response()
        }
    }
}

/// Refuses state-changing requests that a browser says come from another
/// site: the cross-site request forgery defence for every form and server
/// function. Browsers send `Sec-Fetch-Site` and `Origin` with every POST; a
/// request with neither is not from a browser (and carries no victim's
/// cookies by accident). Session cookies are also `SameSite=Lax`.
async fn refuse_cross_site(
    public_origin: std::sync::Arc<str>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if safe || is_same_origin(req.headers(), &public_origin) {
        return next.run(req).await;
    }
    tracing::warn!(uri = %req.uri(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        "Förfrågan kom från en annan webbplats och stoppades. Ladda om sidan och försök igen.",
    )
        .into_response()
}

/// Whether the browser's own headers say the request comes from this site:
/// `Sec-Fetch-Site`, when sent, says same-origin (or typed by the user), and
/// `Origin`, when sent, is the configured public origin, compared whole:
/// scheme, host and port (`http://` is not `https://`). The `Host` header is
/// never consulted: any client sets it to anything.
pub fn is_same_origin(headers: &axum::http::HeaderMap, public_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return false;
        }
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|o| url::Url::parse(o).ok())
            .is_some_and(|o| o.origin().ascii_serialization() == public_origin),
    }
}

/// Puts the client's address on the request for lockouts: the connection's,
/// or behind a trusted proxy the last `X-Forwarded-For` entry.
async fn client_address(trust_proxy: bool, mut req: Request, next: Next) -> Response {
    let forwarded = trust_proxy
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
        })
        .flatten();
    let address = forwarded
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientAddress(address));
    next.run(req).await
}

async fn healthz(State(ServerState(state)): State<ServerState>) -> Response {
    match state.store.health().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
