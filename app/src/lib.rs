//! Stegvis web app: routes, pages and server functions.
//!
//! Compiled twice: with `ssr` into the server, which renders every page to HTML
//! and runs the server functions; with `hydrate` into WASM, which takes over the
//! rendered page in the browser. Pages must work before (or without) the WASM.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod auth;
pub mod check_in;
pub mod error;
pub mod evaluator;
pub mod form_error;
#[cfg(feature = "ssr")]
pub mod instruments;
pub mod lifecycle;
pub mod my_answers;
pub mod outbox;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod participant_error;
pub mod prefs;
pub mod progress;
pub mod qr;
pub mod session;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod state;
pub mod texts;

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Name of the built JS/WASM/CSS files under `/pkg`.
pub const OUTPUT_NAME: &str = "stegvis";

/// The script participant pages load instead of the WASM bundle: it keeps the
/// open check-in on the phone, answers it offline and sends the outbox.
pub const PARTICIPANT_SCRIPT: &str = "/participant.js";
/// The script of the staff pages rendered on the server only
/// ([`is_server_only_staff_path`], public/staff.js): reads a chosen
/// instrument file into its form.
pub const STAFF_SCRIPT: &str = "/staff.js";

/// The page a phone shows when it has no network: "no internet" when nothing
/// is kept, otherwise the participant script draws the check-in into it.
pub const OFFLINE_PATH: &str = "/offline";

/// Whether a path is a participant's page. Those are rendered on the server
/// and enhanced by [`PARTICIPANT_SCRIPT`] instead of hydrated, so a
/// participant's phone never downloads the staff side's WASM bundle.
pub fn is_participant_path(path: &str) -> bool {
    matches!(
        path,
        "/" | "/kod" | "/ny-pin" | "/pin" | OFFLINE_PATH | pages::STATEMENT_PATH
    ) || path == check_in::START_PATH
        || path == my_answers::MY_ANSWERS_PATH
        || path.starts_with("/svara/")
}

/// Whether a path is a staff page rendered on the server only: admin pages
/// opened a few times a year (the instruments) whose code would otherwise
/// be in every staff page's WASM. Their forms are plain form posts; they
/// load only [`STAFF_SCRIPT`].
pub fn is_server_only_staff_path(path: &str) -> bool {
    path == "/admin/formular" || path.starts_with("/admin/formular/")
}

/// Endpoints whose requests may be larger than the server's default body
/// limit, with their own limit. Declared here, beside the endpoints, so the
/// server's body reader stays one mechanism that knows no endpoint.
#[cfg(feature = "ssr")]
pub const LARGE_BODIES: &[(&str, usize)] =
    &[(instruments::UPLOAD_PATH, instruments::MAX_UPLOAD_BYTES)];

/// The path of the page being rendered on the server.
#[cfg(feature = "ssr")]
fn request_path() -> String {
    use_context::<axum::http::request::Parts>()
        .map(|parts| parts.uri.path().to_owned())
        .unwrap_or_default()
}

/// The HTML document around every page, drawn by the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let participant_page = is_participant_path(&request_path());
    let mut prefs = prefs::current_prefs();
    // Staff pages are Swedish whatever a participant chose on this browser,
    // and the bundle that hydrates them has Swedish words only.
    if !participant_page {
        prefs.lang = texts::Lang::SV;
    }
    // The app below reads the same choices instead of parsing the cookie again.
    provide_context(prefs);
    let stylesheet = format!("/{}/{OUTPUT_NAME}.css", options.site_pkg_dir);
    let scripts = if participant_page {
        let words = texts::page_script_texts(prefs.lang);
        view! {
            <script type="application/json" id="stegvis-texts" inner_html=words></script>
            <script type="module" src=PARTICIPANT_SCRIPT></script>
        }
        .into_any()
    } else if is_server_only_staff_path(&request_path()) {
        view! { <script src=STAFF_SCRIPT defer></script> }.into_any()
    } else {
        view! { <HydrationScripts options /> }.into_any()
    };
    view! {
        <!DOCTYPE html>
        <html
            lang=prefs.lang.code()
            dir=prefs.lang.dir()
            data-pictures=if prefs.pictures { "on" } else { "off" }
            data-text-size=prefs.text_size.code()
        >
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1d4e89" />
                <meta name="description" content="Stegvis: svara på frågor om hur det går för dig." />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href=stylesheet />
                {scripts}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A participant page's (or a server-only staff page's) view for a route:
/// the page itself on the server. The browser bundle never hydrates such a
/// page ([`is_participant_path`], [`is_server_only_staff_path`]), so there
/// it stands in with [`pages::ServerRendered`] and none of those pages'
/// code is shipped to staff browsers.
#[cfg(feature = "ssr")]
macro_rules! participant_page {
    ($page:path) => {
        $page
    };
}
#[cfg(not(feature = "ssr"))]
macro_rules! participant_page {
    ($page:path) => {
        pages::ServerRendered
    };
}

/// The skip link moves focus into the page, not only the view. Without
/// JavaScript (and on participant pages, which never hydrate) the browser does
/// that itself; in the hydrated app the router takes the `#main` click as a
/// navigation and left focus in the header, so the next Tab went there.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(main) = document()
            .get_element_by_id("main")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            let _ = main.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// The routes. Participant routes render fully on the server before sending
/// (`SsrMode::Async`) so they work with JavaScript turned off.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // On the server the shell has provided them; in the browser they are read
    // back from the attributes the shell rendered on <html>.
    let prefs = use_context::<prefs::Prefs>().unwrap_or_else(prefs::current_prefs);
    provide_context(prefs);
    // Before anything else that the browser reads back from the page.
    form_error::provide_kept_form_error();
    let t = prefs.lang.texts();
    view! {
        <Title formatter=|page: String| format!("{page} – Stegvis") />
        <Router>
            <a class="skip-link" href="#main" data-t="skip_to_content" on:click=skip_to_main>
                {t.skip_to_content.as_str()}
            </a>
            <header class="site-header">
                <a href="/" class="brand">"Stegvis"</a>
                <pages::SettingsPanel />
            </header>
            <pages::StaffBar />
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=participant_page!(pages::Home) ssr=SsrMode::Async />
                    <Route path=path!("/kod") view=participant_page!(pages::CodePage) ssr=SsrMode::Async />
                    <Route path=path!("/offline") view=participant_page!(pages::OfflinePage) ssr=SsrMode::Async />
                    <Route path=path!("/ny-pin") view=participant_page!(pages::NewPinPage) ssr=SsrMode::Async />
                    <Route path=path!("/pin") view=participant_page!(pages::PinPage) ssr=SsrMode::Async />
                    <Route path=path!("/svara") view=participant_page!(pages::CheckInStart) ssr=SsrMode::Async />
                    <Route
                        path=path!("/svara/fraga/:step")
                        view=participant_page!(pages::QuestionPage)
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/svara/granska") view=participant_page!(pages::ReviewPage) ssr=SsrMode::Async />
                    <Route path=path!("/svara/tack") view=participant_page!(pages::ThanksPage) ssr=SsrMode::Async />
                    <Route path=path!("/svara/min-resa") view=participant_page!(pages::JourneyPage) ssr=SsrMode::Async />
                    <Route path=path!("/mina-svar") view=participant_page!(pages::MyAnswersPage) ssr=SsrMode::Async />
                    <Route path=path!("/tillganglighet") view=participant_page!(pages::AccessibilityPage) ssr=SsrMode::Async />
                    <Route path=path!("/logga-in") view=pages::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/logga-in/kod") view=pages::TwoFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/konto") view=pages::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/personal") view=pages::CaseloadPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/personal/ny-deltagare")
                        view=pages::RegisterPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/personal/deltagare/:id")
                        view=pages::ParticipantPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/personal/deltagare/:id/svar/:submission")
                        view=pages::AnswersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/personal/deltagare/:id/mote")
                        view=pages::MeetingPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/personal/deltagare/:id/alla-svar")
                        view=pages::StaffAnswersCopyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/personal/deltagare/:id/blad")
                        view=pages::SheetPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin") view=pages::AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/logg") view=pages::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/formular") view=participant_page!(pages::InstrumentsPage) ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/formular/forhandsgranska")
                        view=participant_page!(pages::InstrumentPreviewPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/personal/:id")
                        view=pages::StaffAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/nytt-losenord") view=pages::PasswordResetPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/gallring")
                        view=pages::LifecycleAdminPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/utvardering") view=pages::StatisticsPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <pages::SiteFooter />
        </Router>
    }
}

/// Entry point of the WASM bundle: attaches to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Lets people and tests tell that the page is now enhanced.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
