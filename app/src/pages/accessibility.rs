//! The accessibility statement (*tillgänglighetsredogörelse*): how accessible
//! Stegvis is, what is known not to work well yet, and how to report a problem.
//! DOS-lagen (2018:1937) asks every public body to publish one for its digital
//! services, so the app carries its own, linked from the footer of every page.
//!
//! Written in easy-read Swedish, which is the text that counts, with a
//! translation in every participant language (`statement_*` in the language
//! files, checked for easy-read with every other Swedish text). It is a plain
//! server-rendered page: it works with JavaScript off and on any phone. How to
//! report a problem comes from the operator's configuration
//! (`STEGVIS_ACCESSIBILITY_CONTACT`); without it people are sent to their case
//! manager.

use crate::prefs::Prefs;
#[cfg(feature = "ssr")]
use crate::texts::Lang;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

/// Where the statement lives; every page's footer links here.
pub const STATEMENT_PATH: &str = "/tillganglighet";

/// The authority that supervises DOS-lagen, where people can complain.
#[cfg(feature = "ssr")]
const SUPERVISOR_URL: &str = "https://www.digg.se";

/// The operator's contact for accessibility problems, read on the server.
#[cfg(feature = "ssr")]
fn configured_contact() -> Option<String> {
    crate::state::app_state()
        .ok()
        .and_then(|s| s.accessibility_contact.clone())
}

/// The footer of every page, participant and staff: the way to the statement.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let t = use_context::<Prefs>().unwrap_or_default().lang.texts();
    view! {
        <footer class="site-footer">
            // A whole page load (`rel="external"`, which the client router
            // leaves alone): the statement is server-rendered only.
            <a href=STATEMENT_PATH rel="external">
                {t.statement_heading.as_str()}
            </a>
        </footer>
    }
}

#[cfg(feature = "ssr")]
/// The accessibility statement, in the reader's language. Its words are the
/// `statement_*` messages of the language files; multi-line messages are one
/// paragraph or list entry per line.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let lang = use_context::<Prefs>().unwrap_or_default().lang;
    let heading = lang.texts().statement_heading.as_str();
    let say = |id: &str| lang.format(id, &[]);
    let languages = Lang::all()
        .map(Lang::native_name)
        .collect::<Vec<_>>()
        .join(", ");
    let list = move |id: &str| {
        lang.lines(id, &[("languages", languages.as_str().into())])
            .into_iter()
            .map(|item| view! { <li>{item}</li> })
            .collect_view()
    };
    let paragraphs = |id: &str| {
        lang.lines(id, &[])
            .into_iter()
            .map(|p| view! { <p>{p}</p> })
            .collect_view()
    };
    let report = match configured_contact() {
        Some(contact) => lang.format("statement_report_contact", &[("contact", contact.into())]),
        None => say("statement_report_default"),
    };
    // Only translations carry the note that the Swedish text counts.
    let official = (lang != Lang::SV).then(|| say("statement_official"));
    view! {
        <Title text=heading />
        <article class="statement">
            <h1 tabindex="-1">{heading}</h1>
            {official.map(|note| view! { <p class="notice">{note}</p> })}
            {paragraphs("statement_intro")}
            <section aria-labelledby="works-heading">
                <h2 id="works-heading">{say("statement_works_heading")}</h2>
                <ul class="plain-list">{list("statement_works")}</ul>
            </section>
            <section aria-labelledby="gaps-heading">
                <h2 id="gaps-heading">{say("statement_gaps_heading")}</h2>
                <ul class="plain-list">{list("statement_gaps")}</ul>
            </section>
            <section aria-labelledby="report-heading">
                <h2 id="report-heading">{say("statement_report_heading")}</h2>
                <p class="statement-contact">{report}</p>
                <p>{say("statement_report_supervisor")}</p>
                <p>
                    <a href=SUPERVISOR_URL rel="external">{say("statement_supervisor_link")}</a>
                </p>
            </section>
            <section aria-labelledby="about-heading">
                <h2 id="about-heading">{say("statement_about_heading")}</h2>
                {paragraphs("statement_about")}
            </section>
        </article>
    }
}
