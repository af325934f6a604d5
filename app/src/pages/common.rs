//! Pages and pieces that are not part of one flow: the home page, "not found",
//! and how an error is shown.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of the page being rendered on the server, so a missing
/// or refused page is not sent as 200. Does nothing in the browser.
pub fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// An error as a person sees it: announced to screen readers, with the status set.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_http_status(error.status());
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let staff_page = ["/personal", "/admin", "/konto", "/utvardering"]
        .iter()
        .any(|p| path.starts_with(p));
    // In the page's language (the shell makes staff pages Swedish), errors of
    // the server's own included: their words carry no detail.
    let t = use_context::<crate::prefs::Prefs>()
        .unwrap_or_default()
        .lang
        .texts();
    let message = match &error {
        AppError::Internal => t.error_internal.clone(),
        AppError::Busy => t.error_busy.clone(),
        other => other.to_string(),
    };
    // Signed out: offer the way in that fits the page (staff or participant).
    let sign_in = matches!(error, AppError::Unauthorized(_)).then(|| {
        if staff_page {
            view! { <p><a href="/logga-in">"Logga in"</a></p> }.into_any()
        } else {
            view! { <p><a href="/">{t.go_to_start.as_str()}</a></p> }.into_any()
        }
    });
    let heading = t.error_heading.as_str();
    view! {
        <Title text=heading />
        <div class="notice notice-error" role="alert">
            <h1>{heading}</h1>
            <p>{message}</p>
            {sign_in}
        </div>
    }
}

/// Shows `render(value)` once `resource` has loaded, a short "wait" while it
/// loads, and the error as an [`ErrorNotice`] (with its status) when it failed.
pub fn loaded<T, V, F>(resource: Resource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let t = use_context::<crate::prefs::Prefs>()
        .unwrap_or_default()
        .lang
        .texts();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading.as_str()}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The error of the last submission of a form, announced when it appears.
/// Works without JavaScript too: the server keeps the error of a plain form
/// post for this browser and shows it on the page it redirects back to (see
/// [`crate::form_error`]); an error written into the address is never shown.
pub fn action_error<S>(action: ServerAction<S>) -> impl IntoView
where
    S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error = crate::form_error::form_error(action);
    view! {
        <div aria-live="assertive" class="form-error-slot">
            {move || {
                error
                    .get()
                    .map(|e| {
                        set_http_status(e.status());
                        view! {
                            <p class="notice notice-error" role="alert">
                                {e.to_string()}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// Any path that matches no route.
#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    view! {
        <Title text="Sidan finns inte" />
        <h1>"Sidan finns inte"</h1>
        <p>
            <a href="/">"Gå till startsidan"</a>
        </p>
    }
}

/// Stands in, in the browser bundle, for a page only the server renders (the
/// participant pages, the instrument pages). A link on a hydrated staff page
/// that leads to one is followed by the router inside the page; this loads
/// the router's address from the server instead, so the real page arrives.
/// The router may not have put its address in the address bar yet, so it
/// is loaded by name, not by reloading whatever the bar shows. (Links that
/// are known to lead to such a page carry `rel="external"` and never get
/// here.)
#[cfg(not(feature = "ssr"))]
#[component]
pub fn ServerRendered() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let search = location.search.get_untracked();
        let hash = location.hash.get_untracked();
        let target = format!(
            "{}{}{search}{}{hash}",
            location.pathname.get_untracked(),
            if search.is_empty() { "" } else { "?" },
            if hash.is_empty() || hash.starts_with('#') {
                ""
            } else {
                "#"
            },
        );
        let bar = window().location();
        let shown = format!(
            "{}{}{}",
            bar.pathname().unwrap_or_default(),
            bar.search().unwrap_or_default(),
            bar.hash().unwrap_or_default()
        );
        let _ = if shown == target {
            bar.reload()
        } else {
            bar.assign(&target)
        };
    });
}
