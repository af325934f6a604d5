//! Errors of forms sent without JavaScript, shown only to the browser that
//! sent the form.
//!
//! A plain form post to a server function that fails is answered with a
//! redirect back to the form. Leptos would put the error into that address
//! (`?__path=…&__err=…`) and show whatever the address says, so a crafted
//! link could put any text on the start or sign-in page ("Ring 070-… och läs
//! upp din pinkod"). Here the address never counts: the HTTP layer takes the
//! error out of the redirect, keeps it on the server under a random id that
//! only this browser gets (a short-lived `HttpOnly`, `SameSite=Strict`
//! cookie), removes `__path` and `__err` from every request, and hands the
//! kept error to the page the browser comes back to, once. Pages read it
//! through [`form_error`], which also ignores what Leptos decoded from the
//! address in the browser.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};

/// The error of this browser's last plain form post, as the server kept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormError {
    /// The server function's path, e.g. `/api/access/code`.
    pub function: String,
    /// What it answered.
    pub error: AppError,
}

/// The kept error of the page being shown, if any, in the app's context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KeptFormError(Option<FormError>);

/// Reads the kept error once for the whole page: on the server from the
/// request (see [`ssr`]), in the browser from what the server rendered, so
/// both draw the same page.
pub fn provide_kept_form_error() {
    let kept = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<FormError>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<FormError>
        }
    })
    .into_inner();
    provide_context(KeptFormError(kept));
}

/// The error to show beside a form: the answer to this browser's own last
/// submission, sent by `fetch` once the page runs its script, or kept by the
/// server for a plain form post. An error Leptos read from the address is
/// never shown.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let kept = use_context::<KeptFormError>()
        .and_then(|k| k.0)
        .filter(|k| k.function == S::PATH)
        .map(|k| k.error);
    Signal::derive(move || {
        // Before its first own dispatch the action's value is what Leptos
        // decoded from the address: not to be trusted.
        if action.version().get() == 0 {
            kept.clone()
        } else {
            action.value().get().and_then(Result::err)
        }
    })
}

/// The server's side: the kept errors, the cookie and the query parameters.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::FormError;
    use crate::error::AppError;
    use server_fn::error::ServerFnUrlError;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// Name of the cookie holding the id of a kept error.
    pub const COOKIE: &str = "stegvis_form_error";

    /// How long a kept error waits for its browser to come back.
    pub const KEEP: Duration = Duration::from_secs(120);

    /// Most errors kept at once; the oldest give way, so a flood of failing
    /// posts costs bounded memory (and at worst a lost message, never a
    /// wrong one).
    pub const MAX_KEPT: usize = 10_000;

    /// Errors of plain form posts waiting for their browser, by random id.
    #[derive(Clone, Default)]
    pub struct KeptFormErrors(Arc<Mutex<HashMap<String, Kept>>>);

    struct Kept {
        error: FormError,
        /// The page the browser was sent back to; only that page shows it.
        page: String,
        at: Instant,
    }

    impl std::fmt::Debug for KeptFormErrors {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("KeptFormErrors")
        }
    }

    impl KeptFormErrors {
        /// Keeps an error for the browser coming back to `page`; returns the
        /// id for its cookie.
        pub fn keep(&self, error: FormError, page: &str) -> String {
            use rand::RngCore;
            let mut bytes = [0_u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let now = Instant::now();
            let Ok(mut kept) = self.0.lock() else {
                return id;
            };
            kept.retain(|_, k| now.duration_since(k.at) < KEEP);
            if kept.len() >= MAX_KEPT {
                if let Some(oldest) = kept
                    .iter()
                    .min_by_key(|(_, k)| k.at)
                    .map(|(id, _)| id.clone())
                {
                    kept.remove(&oldest);
                }
            }
            kept.insert(
                id.clone(),
                Kept {
                    error,
                    page: page.to_owned(),
                    at: now,
                },
            );
            id
        }

        /// Takes the error kept under `id` if it was kept for `page` and is
        /// still fresh: each is shown once.
        pub fn take(&self, id: &str, page: &str) -> Option<FormError> {
            let mut kept = self.0.lock().ok()?;
            let fits = kept
                .get(id)
                .is_some_and(|k| k.page == page && k.at.elapsed() < KEEP);
            if fits {
                kept.remove(id).map(|k| k.error)
            } else {
                None
            }
        }
    }

    /// Splits a query string into the rest and Leptos' form-error
    /// parameters (`__path`, `__err`). A query that cannot be read and
    /// might hide them is dropped whole.
    pub fn split_query(query: &str) -> (String, Option<FormError>) {
        let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(query) else {
            let lower = query.to_ascii_lowercase();
            let suspicious = lower.contains("__") || lower.contains("%5f");
            return (
                if suspicious {
                    String::new()
                } else {
                    query.to_owned()
                },
                None,
            );
        };
        if !pairs.iter().any(|(k, _)| is_form_error_key(k)) {
            return (query.to_owned(), None);
        }
        // The last ones are what the server added; earlier ones came with
        // the page's own address and are not to be trusted.
        let value = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let error = value("__path")
            .zip(value("__err"))
            .map(|(function, encoded)| FormError {
                function: function.to_owned(),
                error: ServerFnUrlError::<AppError>::decode_err(encoded),
            });
        let rest: Vec<&(String, String)> = pairs
            .iter()
            .filter(|(k, _)| !is_form_error_key(k))
            .collect();
        (serde_urlencoded::to_string(rest).unwrap_or_default(), error)
    }

    fn is_form_error_key(key: &str) -> bool {
        matches!(key, "__path" | "__err")
    }
}
